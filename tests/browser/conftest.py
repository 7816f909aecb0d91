"""Fixtures for the journeys in a real browser: the app served by gunicorn on a fresh database,
Debian's Chromium driven by Playwright, and axe-core run on every page a journey visits.

Without /usr/bin/chromium (or the playwright package) the browser tests are skipped on a
developer's machine, and fail in CI (``CI`` or ``REQUIRE_BROWSER`` set), where .ci/run installs it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url

from tests.browser.axe import AxeRunner
from tests.browser.inbox import Inbox
from tests.browser.report import CLOCK, REPORT

CHROMIUM = Path("/usr/bin/chromium")
PROJECT_ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def _browser_required() -> bool:
    return any(os.environ.get(name, "").lower() not in {"", "0", "false", "no"} for name in ("CI", "REQUIRE_BROWSER"))


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing: pip install -e '.[dev]'"
    if not AXE_SCRIPT.exists():
        return f"{AXE_SCRIPT.relative_to(PROJECT_ROOT)} is missing: npm ci"
    return None


@pytest.fixture(autouse=True)
def db():
    """Browser tests use the served app's own database, not the suite's rolled-back session."""
    yield None


@pytest.fixture(scope="session")
def chromium_available() -> None:
    problem = _missing()
    if problem is None:
        return
    if _browser_required():
        pytest.fail(f"Browser tests are required here (CI or REQUIRE_BROWSER is set) but {problem}", pytrace=False)
    pytest.skip(f"Browser tests skipped: {problem}")


# --- the database and the server ---------------------------------------------------------------

def _postgres_database(base_url: str) -> str:
    """A fresh PostgreSQL database beside the suite's, named ``<name>_browser``."""
    import psycopg

    url = make_url(base_url)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    name = f"{url.database}_browser" + (f"_{worker}" if worker else "")
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_postgres_database(url: str) -> None:
    import psycopg

    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer within {seconds}s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def browser_database_url(chromium_available, tmp_path_factory):
    base = os.environ.get("TEST_DATABASE_URL")
    if base and base.startswith(("postgres://", "postgresql")):
        url = _postgres_database(base)
        yield url
        _drop_postgres_database(url)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'browser.sqlite'}"


@pytest.fixture(scope="session")
def server_env(browser_database_url, tmp_path_factory) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "TEST_DATABASE_URL"}}
    env.update(
        BROWSER_DATABASE_URL=browser_database_url,
        BROWSER_UPLOAD_FOLDER=str(tmp_path_factory.mktemp("browser-uploads")),
        GRANTS_INSTANCE_PATH=str(tmp_path_factory.mktemp("browser-instance")),
        PYTHONPATH=str(PROJECT_ROOT),
    )
    env.pop("REDIS_URL", None)  # rate limiting is off; nothing else needs Redis
    return env


@pytest.fixture(scope="session")
def live_server(server_env, tmp_path_factory) -> str:
    """The base URL of the app, migrated and seeded with the demo data, served by gunicorn."""
    started = time.monotonic()
    prepared = subprocess.run([sys.executable, "-m", "tests.browser.server", "prepare"], cwd=PROJECT_ROOT,
                              env=server_env, capture_output=True, text=True, timeout=300)
    assert prepared.returncode == 0, prepared.stdout + prepared.stderr
    CLOCK["prepare"] = time.monotonic() - started
    port = _free_port()
    # Passkeys need a secure context with a host name: http://localhost is one (127.0.0.1 is not a
    # valid relying-party id), and the app builds its links and checks passkeys against this address.
    url = f"http://localhost:{port}"
    log = tmp_path_factory.mktemp("browser-server") / "gunicorn.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--worker-class", "gthread", "--threads", "8", "--timeout", "120", "--error-logfile", "-",
             "tests.browser.server:create()"],
            cwd=PROJECT_ROOT, env={**server_env, "PUBLIC_BASE_URL": url}, stdout=log_file, stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    errors = [line for line in log.read_text().splitlines() if "Traceback" in line or "[ERROR]" in line]
    assert not errors, f"the server logged errors (see {log}):\n" + "\n".join(errors[:20])


@pytest.fixture(scope="session")
def served_db(browser_database_url):
    """An engine on the served app's database, for what a person would read elsewhere (their email)."""
    from grants.config import database_url

    engine = create_engine(database_url(browser_database_url))
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def inbox(served_db) -> Inbox:
    """``inbox.link(email, "/register/")``: the newest such link the served app emailed to someone."""
    return Inbox(served_db)


# --- the browser -------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def playwright_instance(chromium_available):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """``new_page(**context_options)``: a page in a fresh browser context (its own cookies)."""
    contexts = []

    def _new_page(**options):
        context = browser.new_context(base_url=live_server, locale="en-GB", timezone_id="Europe/London", **options)
        context.set_default_timeout(15_000)
        if options.get("java_script_enabled", True):
            # axe-core in every page before the page's own scripts, as the protocol adds it (the
            # page's Content-Security-Policy rightly blocks an injected inline script).
            context.add_init_script(AXE_SCRIPT.read_text())
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page(viewport={"width": 1280, "height": 900})


@pytest.fixture
def axe(request) -> AxeRunner:
    """``axe.check(page)``: run axe-core on the page; a serious or critical violation fails the test."""
    return AxeRunner(AXE_SCRIPT.read_text(), REPORT, test=request.node.nodeid)


@pytest.fixture
def screenshot(request):
    """``screenshot(page)``: save the page (whole length) as test-artifacts/screenshots/<test>.png."""

    def _save(page, suffix: str = "") -> Path:
        folder = ARTIFACTS / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{request.node.name}{suffix}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _save

