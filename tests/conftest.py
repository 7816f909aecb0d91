"""Fixtures for the whole suite.

The database is built once per run by the migrations (so every test runs on the migrated schema)
on SQLite by default, or on PostgreSQL when TEST_DATABASE_URL is set. Each test then runs inside
a transaction that is rolled back at the end: tests see each other's data never.

The suite runs in parallel (pytest-xdist, ``make test`` passes ``-n``): each worker has a database
of its own, a SQLite file in its own temporary folder or, on PostgreSQL, ``<name>_<worker>`` beside
TEST_DATABASE_URL's (``grants_test_gw0``, ``grants_test_gw1``...), made afresh when the worker starts
and dropped when it ends. The figures the tests measure (tests/figures.py) and the browser tests'
axe-core report (tests/browser/report.py) go from the workers to the controller, which prints them.
"""

from __future__ import annotations

import os
import weakref
from pathlib import Path

import pytest
from flask import has_app_context, request_finished
from flask import request as flask_request
from flask.testing import FlaskClient
from flask_migrate import upgrade
from hypothesis import settings
from sqlalchemy import Engine, MetaData, create_engine, event, inspect, make_url
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from grants import create_app
from grants.extensions import db as _db
from grants.extensions import limiter
from tests import factories, figures, list_counts_check, message_threads_check, portfolio_check
from tests.visible_text import problems

# The axe-core report and the browser tests' clock, summed up at the end (in a parallel run, by the
# controller, which loads no folder's conftest).
pytest_plugins = ["tests.browser.report"]

# Property tests check behaviour, not speed (the benchmarks do that): no per-example deadline,
# which a busy CI machine would otherwise turn into flaky failures.
settings.register_profile("grants", deadline=None, print_blob=True)
# In CI every run tries the same examples, so that a red build is reproducible (and never flaky).
settings.register_profile("ci", parent=settings.get_profile("grants"), derandomize=True, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "grants"))


def _worker() -> str | None:
    """This process's pytest-xdist worker ("gw0", "gw1"...), or None when the suite runs in one process."""
    return os.environ.get("PYTEST_XDIST_WORKER")


def _test_database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        # Each worker's temporary folder is its own (pytest-xdist gives each a base folder).
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    worker = _worker()
    if worker is None:
        return url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            return url  # in memory: a database per process already
        path = Path(parsed.database)
        return parsed.set(database=str(path.with_name(f"{path.stem}_{worker}{path.suffix}"))).render_as_string(
            hide_password=False)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


def _server_admin(url: str):
    """An engine on the server's ``postgres`` database, outside any transaction (to create and drop databases)."""
    from grants.config import database_url

    return create_engine(make_url(database_url(url)).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _fresh_worker_database(url: str) -> None:
    """Makes (or makes again) a worker's own PostgreSQL database beside the suite's."""
    name = make_url(url).database
    admin = _server_admin(url)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()


def _drop_worker_database(url: str) -> None:
    admin = _server_admin(url)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    admin.dispose()


def _empty_database(url: str) -> None:
    """Drop every table left by an earlier run, so that the migrations start from nothing."""
    from grants.config import database_url

    engine = create_engine(database_url(url))
    with engine.begin() as connection:
        metadata = MetaData()
        metadata.reflect(bind=connection)
        metadata.drop_all(bind=connection)
        if "alembic_version" in inspect(connection).get_table_names():
            connection.exec_driver_sql("DROP TABLE alembic_version")
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = _test_database_url(tmp_path_factory)
    per_worker = _worker() is not None and make_url(url).get_backend_name() == "postgresql"
    if per_worker:
        _fresh_worker_database(url)
    _empty_database(url)
    yield url
    if per_worker:
        _drop_worker_database(url)


class RequestIsolatingClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    Without this, requests would share the test's app context: ``g`` (and Flask-Login's cached user)
    would leak between requests, and a view that forgot to commit would still look right because
    the test reads the same session. After each request the test's own objects are expired, so
    they reload what the request committed.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            _db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "GRANTS_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": _database_uri(database_url),
            "UPLOAD_FOLDER": str(instance / "uploads"),
            "SERVER_NAME": "localhost",
        }
    )
    app.test_client_class = RequestIsolatingClient
    with app.app_context():
        upgrade()
        from grants.reference_data import load_reference_data

        load_reference_data()
        from grants.interfaces.social_return.parameters import ensure_default_set

        ensure_default_set()  # as `flask reference load` does
        from grants.interfaces.cocommissioning.scenarios import ensure_areas

        ensure_areas()
        from grants.models.audit import AuditEvent

        _db.session.execute(_db.delete(AuditEvent))  # tests start with an empty audit log
        _db.session.commit()
        _db.session.remove()
    yield app
    with app.app_context():
        _db.engine.dispose()


# Every engine that opened a connection since the last test ended (tests that make an app of their
# own, on a scratch database or the suite's, make one through Flask-SQLAlchemy).
_ENGINES_SEEN: weakref.WeakSet[Engine] = weakref.WeakSet()


@event.listens_for(Engine, "engine_connect")
def _engine_seen(connection) -> None:
    engine = connection.engine
    _ENGINES_SEEN.add(getattr(engine, "_proxied", engine))


@pytest.fixture(autouse=True)
def stray_engines_closed(app):
    """Closes the pooled connections of every engine a test used other than the suite's app's.

    An app a test makes is dropped when the test ends, and its pool's PostgreSQL connections with
    it, unclosed: psycopg then warns from ``__del__`` whenever the garbage collector gets there, and
    the suite (warnings are errors) blames whichever test is running at that moment."""
    yield
    with app.app_context():
        kept = set(_db.engines.values())
    for engine in list(_ENGINES_SEEN):
        if engine not in kept:
            engine.dispose()
    _ENGINES_SEEN.clear()


def _database_uri(url: str) -> str:
    from grants.config import database_url

    return database_url(url)


@pytest.fixture(autouse=True)
def db(app):
    """The app's session, bound to one connection whose transaction is rolled back after the test."""
    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        original = _db.session
        _db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint", class_=Session),
            scopefunc=original.registry.scopefunc,
        )
        try:
            yield _db
            wrong = portfolio_check.problems()
            assert not wrong, "the portfolio's kept totals differ from the sums of the rows: " + "; ".join(wrong)
            wrong = list_counts_check.problems()
            assert not wrong, "the application list's kept counts differ from the rows: " + "; ".join(wrong)
            wrong = message_threads_check.problems()
            assert not wrong, "the message threads' kept rows differ from their messages: " + "; ".join(wrong)
        finally:
            _db.session.remove()
            _db.session = original
            transaction.rollback()
            connection.close()
    limiter.reset()


# What the pages of the running test showed that a person should not see (tests/visible_text.py):
# "<url>: <problem>" lines, collected by ``pages_read_as_a_person`` and reported by ``pytest_runtest_call``.
_PAGE_PROBLEMS: dict[str, list[str]] = {}


@pytest.fixture(autouse=True)
def pages_read_as_a_person(request):
    """Reads every HTML page that any app answers in this test (the test client of the suite's app
    or of one a test makes) as a person would, and records what they should not see: markup shown
    as text, "None", a repr, an ISO date. The test fails with the page and the words.

    ``@pytest.mark.visible_text(allow=["None"])``: words the test typed and expects shown as typed;
    ``@pytest.mark.visible_text(typed=True)``: the test types arbitrary text, so nothing is checked."""
    marker = request.node.get_closest_marker("visible_text")
    options = marker.kwargs if marker else {}
    if options.get("typed"):
        yield
        return
    allow = tuple(options.get("allow", ()))
    found = _PAGE_PROBLEMS.setdefault(request.node.nodeid, [])

    def read(sender, response, **extra) -> None:
        if response.mimetype != "text/html" or response.is_streamed or response.direct_passthrough:
            return
        for problem in problems(response.get_data(as_text=True), allow):
            line = f"{request_path()}: {problem}"
            if line not in found:
                found.append(line)

    request_finished.connect(read)
    try:
        yield
    finally:
        request_finished.disconnect(read)
        _PAGE_PROBLEMS.pop(request.node.nodeid, None)  # reported already, or the test never ran


def request_path() -> str:
    return flask_request.full_path.rstrip("?")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fails a test whose pages showed what ``pages_read_as_a_person`` looks for (a failure, not an
    error at tear-down, so it reads like any other failed assertion)."""
    try:
        result = yield
    except BaseException:
        _PAGE_PROBLEMS.pop(item.nodeid, None)  # the test's own failure says more
        raise
    found = _PAGE_PROBLEMS.pop(item.nodeid, [])
    if found:
        pytest.fail("pages show what a person should not see (tests/visible_text.py):\n  "
                    + "\n  ".join(found), pytrace=False)
    return result


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def users(db):
    """A user of each role, and two applicant organisations (A and B)."""
    return factories.standard_users()


@pytest.fixture
def as_user(app):
    """``as_user(user)``: a client already signed in as ``user`` (without the slow password check or
    the second factor)."""

    from grants.interfaces.auth import sessions

    def _client(user):
        client = app.test_client()
        # A live server-side session, opened with a second factor as a staff member's must be.
        key = sessions.start(user, "totp" if user.needs_second_factor else None)
        _db.session.flush()
        with client.session_transaction() as session:
            session["_user_id"] = key
            session["_fresh"] = True
        return client

    return _client


@pytest.fixture
def as_role(as_user, users):
    """``as_role("grants_officer")``: a client signed in as that user of ``users``."""
    return lambda key: as_user(users[key])


@pytest.fixture
def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def pytest_sessionfinish(session):
    """A worker of a parallel run sends the figures its tests measured to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["figures"] = figures.for_controller()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """The controller of a parallel run gathers each worker's figures as the worker finishes."""
    figures.add_from_worker((getattr(node, "workeroutput", None) or {}).get("figures", {}))


def pytest_terminal_summary(terminalreporter, config):
    """The figures the suite measured (tests/figures.py), together at the end of the run (once, by
    the controller in a parallel run)."""
    lines = figures.summary_lines()
    if lines and not hasattr(config, "workerinput"):
        terminalreporter.section("figures measured by the suite")
        for line in lines:
            terminalreporter.write_line(line)
