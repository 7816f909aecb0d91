"""Error pages: ids no database column can hold are "page not found", and a database that cannot be
reached gives the service's own "unavailable" page (503), signed in or not.

``test_every_id_in_an_address_beyond_the_id_columns_is_not_found`` walks every route with an id in
its address; numbers in query strings and ids posted in forms are sent to the pages that read them.
The unavailable pages are served with the database made unreachable for real (an engine whose
server address refuses connections), not with a mocked session.
"""

from __future__ import annotations

import logging
import socket
import sqlite3
from contextlib import contextmanager

import pytest
from flask import abort
from sqlalchemy import create_engine
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import scoped_session, sessionmaker
from werkzeug.routing import IntegerConverter

from grants.errors import RETRY_AFTER, database_unavailable, number_beyond_any_record
from grants.extensions import db as _db
from grants.forms import LARGEST_ID
from tests.helpers import csrf_token, page
from tests.test_access import ACCESS, ACTORS, ANY, PUBLIC, ROLE_OF, objects  # noqa: F401

# Past PostgreSQL's integer (2**31 - 1), past SQLite's 64-bit integer, and past Python's limit for
# turning digits into a number (4,300 digits).
OUT_OF_RANGE = ["99999999999999999999", str(2**31), "9" * 5000]
MARKER = 918273645  # stands in for the id under test while the address is built


@pytest.fixture
def served(app):
    """Exceptions reach the app's own handlers, as in production, instead of the test."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    yield app
    app.config["PROPAGATE_EXCEPTIONS"] = None


def _id_rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        ids = [name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]
        if ids:
            yield rule, ids


def _actor(endpoint: str) -> str | None:
    """Someone the endpoint lets in (None: a visitor), so that the request reaches the view."""
    allowed = ACCESS[endpoint]
    if allowed == PUBLIC:
        return None
    if allowed == ANY:
        return "applicant"
    return next(actor for actor in ACTORS if ROLE_OF[actor] in allowed)


def _address(app, rule, objects, name: str, text: str) -> str:  # noqa: F811
    from flask import url_for

    with app.test_request_context():
        values = {arg: objects[arg] for arg in rule.arguments}
        values[name] = MARKER
        return url_for(rule.endpoint, **values).replace(str(MARKER), text)


def test_every_id_in_an_address_beyond_the_id_columns_is_not_found(served, objects, client, as_role,  # noqa: F811
                                                                     caplog):
    caplog.set_level(logging.INFO)
    failures, checked = [], 0
    for rule, ids in _id_rules(served):
        actor = _actor(rule.endpoint)
        for name in ids:
            texts = OUT_OF_RANGE + (["-1"] if rule._converters[name].signed else [])
            for text in texts:
                user = as_role(actor) if actor else client
                url = _address(served, rule, objects, name, text)
                if "GET" in rule.methods:
                    response = user.get(url)
                else:
                    response = user.post(url, data={"csrf_token": csrf_token(user)})
                checked += 1
                if response.status_code != 404:
                    failures.append(f"{rule.endpoint} {name}={text[:25]}: {response.status_code}")
            # The largest id the columns hold is let through: the view answers it, without a fault.
            url = _address(served, rule, objects, name, str(LARGEST_ID))
            user = as_role(actor) if actor else client
            response = user.get(url) if "GET" in rule.methods else user.post(
                url, data={"csrf_token": csrf_token(user)})
            if response.status_code >= 500:
                failures.append(f"{rule.endpoint} {name}={LARGEST_ID}: {response.status_code}")
    errors = [record.getMessage()[:200] for record in caplog.records if record.levelno >= logging.ERROR]
    assert not failures, "\n".join(failures)
    assert not errors, errors
    assert checked > 200


# Numbers in query strings and ids posted in forms: a page or a form error, never a 500 (the views
# parse most of them within range; a look-up that is still sent is "not found", see grants.errors).
TAMPERED = [
    ("admin", "GET", "/organisations?page={n}", None),
    ("admin", "GET", "/admin/audit?page={n}&entity_id={n}&actor={n}", None),
    ("grants_officer", "GET", "/awards?round={n}", None),
    ("admin", "GET", "/awards/dashboard?round={n}&year={n}", None),
    ("finance_officer", "GET", "/pooled-budgets?year={n}", None),
    ("commissioner", "GET", "/co-commissioning/compare?ids={n}&ids=1", None),
    ("commissioner", "POST", "/panel/rounds/{round_id}/decision", {"recommendation_id": "{n}", "funded": "{n}"}),
    ("grants_officer", "POST", "/panel/rounds/{round_id}/members", {"user_id": "{n}"}),
    ("grants_officer", "POST", "/panel/rounds/{round_id}/bids/{bid_id}/assign", {"user_id": "{n}"}),
    ("grants_officer", "POST", "/panel/rounds/{round_id}/bids/{bid_id}/unassign", {"user_id": "{n}"}),
    ("finance_officer", "POST", "/pooled-budgets/{agreement_id}/edit",
     {"partner_ids": "{n}", "host_partner_id": "{n}", "start_year": "{n}", "end_year": "{n}", "version": "{n}"}),
    ("grants_officer", "POST", "/awards/new/{application_id}", {"officer_id": "{n}", "commitments": "{n}"}),
]


def _send_tampered(objects, as_role, numbers) -> list[str]:  # noqa: F811
    """Each request of TAMPERED with each of ``numbers``: those answered with a 5xx."""
    failures = []
    for actor, method, template, form in TAMPERED:
        for number in numbers:
            client = as_role(actor)
            url = template.format(n=number, **objects)
            if method == "GET":
                response = client.get(url)
            else:
                data = {key: value.format(n=number) for key, value in form.items()}
                response = client.post(url, data={**data, "csrf_token": csrf_token(client)})
            if response.status_code >= 500:
                failures.append(f"{method} {url[:80]}: {response.status_code}")
    return failures


def test_numbers_in_query_strings_and_posted_ids_never_fail(served, objects, as_role, caplog):  # noqa: F811
    caplog.set_level(logging.INFO)
    failures = _send_tampered(objects, as_role, ["99999999999999999999", "99999999999", str(2**31)])
    assert not failures, "\n".join(failures)
    assert not [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


def test_posted_ids_are_refused_before_they_reach_the_database(served, objects, as_role, caplog):  # noqa: F811
    caplog.set_level(logging.INFO)
    failures = _send_tampered(objects, as_role, ["99999999999999999999", "99999999999", str(2**31), "9" * 5000])
    looked_up = [record.getMessage() for record in caplog.records if "beyond any record" in record.getMessage()]
    assert not failures and not looked_up, failures + looked_up


# The database unreachable ------------------------------------------------------------------------

UNAVAILABLE = "Sorry, the service is unavailable"
HEADINGS = {
    400: "Sorry, there is a problem with your request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    413: "The file you sent is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}
# What the web server's own page, a traceback or the driver's message would show.
NEVER_SHOWN = ["Traceback", "Internal Server Error", "OperationalError", "psycopg", "Connection refused",
               "sqlalchemy", "Service Unavailable"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def unreachable_database():
    """Every query of the app goes to a PostgreSQL address where nothing listens, as when the
    database server is down: the driver's connection is refused for real."""
    engine = create_engine(f"postgresql+psycopg://grants@127.0.0.1:{_free_port()}/grants",
                           pool_pre_ping=True, connect_args={"connect_timeout": 5})
    working = _db.session
    _db.session = scoped_session(sessionmaker(bind=engine), scopefunc=working.registry.scopefunc)
    try:
        yield
    finally:
        _db.session.remove()
        _db.session = working
        engine.dispose()


def assert_service_page(response, status: int, heading: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    html = page(response)
    assert html.h1.get_text(strip=True) == heading
    assert html.select_one(".opcc-header") is not None  # the service's own layout
    text = response.get_data(as_text=True)
    assert not [words for words in NEVER_SHOWN if words in text]


def assert_unavailable_page(response) -> None:
    assert_service_page(response, 503, UNAVAILABLE)
    assert response.headers["Retry-After"] == str(RETRY_AFTER)
    # Drawn as for a signed-out visitor: who is signed in cannot be looked up.
    assert page(response).select_one(".opcc-header__account").get_text(strip=True) == "Sign in"


@pytest.mark.parametrize("url", ["/screening", "/rounds", "/cookies"])
def test_a_signed_in_user_gets_the_unavailable_page_when_the_database_is_down(served, users, as_user, caplog,
                                                                               url):
    client = as_user(users["grants_officer"])
    with unreachable_database():
        response = client.get(url)
    assert_unavailable_page(response)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert any("The database is unavailable" in record.getMessage() for record in caplog.records)

    # Nothing was done to the session: the user is still signed in once the database is back.
    assert client.get("/screening").status_code == 200


@pytest.mark.parametrize("url", ["/rounds", "/rounds/1"])
def test_a_visitor_gets_the_unavailable_page_when_the_database_is_down(served, client, url):
    with unreachable_database():
        assert_unavailable_page(client.get(url))


def test_a_form_sent_while_the_database_is_down_gets_the_unavailable_page(served, client, users):
    token = csrf_token(client)
    with unreachable_database():
        response = client.post("/sign-in", data={"csrf_token": token, "email": users["admin"].email,
                                                 "password": "anything at all"})
    assert_unavailable_page(response)


def test_pages_that_need_no_database_are_still_served(served, client):
    with unreachable_database():
        assert client.get("/").status_code == 200
        staff_page = client.get("/screening")
    assert staff_page.status_code == 302 and staff_page.headers["Location"].startswith("/sign-in")


def _raises(code: int):
    def view():
        if code == 500:
            raise RuntimeError("a fault of the service")
        abort(code)

    return view


@pytest.mark.parametrize("code", sorted(HEADINGS))
def test_every_error_page_is_drawn_for_a_signed_in_user_when_the_database_is_down(served, monkeypatch, users,
                                                                                 as_user, code):
    monkeypatch.setitem(served.view_functions, "main.cookies", _raises(code))
    client = as_user(users["admin"])
    with unreachable_database():
        response = client.get("/cookies")
    assert_service_page(response, code, HEADINGS[code])
    assert page(response).select_one(".opcc-header__account").get_text(strip=True) == "Sign in"


def test_the_csrf_and_not_found_pages_are_drawn_when_the_database_is_down(served, users, as_user):
    client = as_user(users["admin"])
    with unreachable_database():
        assert_service_page(client.get("/no-such-page"), 404, HEADINGS[404])
        assert_service_page(client.post("/sign-out"), 400, "Your form could not be sent")
        assert_service_page(client.get("/organisations?q=%00"), 400, HEADINGS[400])


def test_an_error_page_shows_who_is_signed_in_when_the_database_is_up(users, as_user):
    response = as_user(users["admin"]).get("/no-such-page")
    assert_service_page(response, 404, HEADINGS[404])
    assert users["admin"].full_name in page(response).select_one(".opcc-header__account").get_text()


def test_abort_503_is_the_unavailable_page(served, monkeypatch, client):
    monkeypatch.setitem(served.view_functions, "main.cookies", _raises(503))
    assert_unavailable_page(client.get("/cookies"))


# Which database errors mean "unavailable" ---------------------------------------------------------

class _DriverError(Exception):
    def __init__(self, message: str, sqlstate: str | None):
        super().__init__(message)
        self.sqlstate = sqlstate


def _refused() -> OperationalError:
    engine = create_engine(f"postgresql+psycopg://grants@127.0.0.1:{_free_port()}/grants")
    try:
        with engine.connect():
            pass
    except OperationalError as error:
        return error
    finally:
        engine.dispose()
    raise AssertionError("nothing should listen there")


def test_a_connection_refused_means_the_service_is_unavailable():
    assert database_unavailable(_refused())


@pytest.mark.parametrize("error, unavailable", [
    (OperationalError("SELECT 1", {}, _DriverError("server closed the connection unexpectedly", None),
                      connection_invalidated=True), True),
    (OperationalError("SELECT 1", {}, _DriverError("terminating connection due to administrator command",
                                                   "57P01")), True),
    (OperationalError(None, None, _DriverError("sorry, too many clients already", "53300")), True),
    (OperationalError(None, None, _DriverError("could not connect", "08006")), True),
    (PoolTimeout("QueuePool limit of size 5 overflow 10 reached, connection timed out"), True),
    (OperationalError("UPDATE awards", {}, _DriverError("deadlock detected", "40P01")), False),
    (OperationalError("INSERT INTO audit_events", {}, _DriverError("could not extend file", "53100")), False),
    (OperationalError("SELECT * FROM nowhere", {}, sqlite3.OperationalError("no such table: nowhere")), False),
    (IntegrityError("INSERT INTO users", {}, _DriverError("duplicate key", "23505")), False),
    (RuntimeError("a fault of the service"), False),
], ids=["lost", "shutdown", "no-slot", "class-08", "pool-timeout", "deadlock", "disk-full",
        "no-table", "integrity", "not-database"])
def test_which_database_errors_mean_the_service_is_unavailable(error, unavailable):
    assert database_unavailable(error) is unavailable


@pytest.mark.parametrize("error, not_found", [
    (DataError("SELECT users.id FROM users WHERE users.id = %(pk_1)s::INTEGER", {},
               _DriverError("integer out of range", "22003")), True),
    (DataError("UPDATE awards SET amount=%(amount)s::INTEGER", {}, _DriverError("integer out of range", "22003")),
     False),
    (DataError("SELECT 1", {}, _DriverError("invalid input syntax for type integer", "22P02")), False),
    (OverflowError("Python int too large to convert to SQLite INTEGER"), True),
    (OverflowError("math range error"), False),
], ids=["lookup", "write", "other-data-error", "sqlite", "other-overflow"])
def test_only_a_look_up_of_a_number_beyond_any_record_is_not_found(error, not_found):
    assert number_beyond_any_record(error) is not_found
