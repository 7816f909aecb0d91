"""Scale-out: two app servers on one PostgreSQL and one Redis act as one service.

Two gunicorn processes (each with two workers) serve the same database after the documented
release step (``flask db upgrade``, ``flask reference load``, ``flask create-user``). A session
signed in on one is signed in on the other (the session is a signed cookie; nothing is kept in
a process), and failed sign-ins alternating between them are counted together in Redis, so the
account locks after the configured number whichever process answers.

Runs when TEST_DATABASE_URL is a PostgreSQL URL (it makes a throwaway database beside it) and
Redis answers at TEST_REDIS_URL (default redis://127.0.0.1:6379/14); skipped otherwise.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
from bs4 import BeautifulSoup

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/14"
ROOT = Path(__file__).resolve().parent.parent
EMAIL = "sam.scaleout@example.org"
PASSWORD = "harbour-lantern-moss-42"
ACCOUNT_LIMIT = 3  # failed sign-ins per account (LOGIN_LIMIT_PER_ACCOUNT), kept small to be quick

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not TEST_DATABASE_URL.startswith(("postgres://", "postgresql://", "postgresql+")),
                       reason="needs TEST_DATABASE_URL to be a PostgreSQL URL: two servers share one database"),
]


@pytest.fixture
def db():
    """Not the suite's per-test transaction (nor the test database it migrates): the servers here
    use a database of their own."""
    return None


@pytest.fixture
def scale_out_database():
    """A fresh database beside the test database (``<name>_scaleout``), dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    parts = urlsplit(TEST_DATABASE_URL.replace("postgresql+psycopg://", "postgresql://"))
    name = parts.path.lstrip("/") + "_scaleout"
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    try:
        admin = psycopg.connect(maintenance, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable: {error}")
    try:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        yield urlunsplit(parts._replace(path=f"/{name}"))
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.close()


@pytest.fixture
def redis_key_prefix():
    """A key prefix of this run's own in the shared Redis, its keys deleted afterwards."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        client.close()
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {error}")
    prefix = f"scaleout-{uuid.uuid4().hex}"
    try:
        yield prefix
    finally:
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
        client.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """A cookie-keeping HTTP client that may talk to any of the servers (no redirects followed).

    Production cookies are Secure; the servers here speak plain HTTP on localhost, so the cookies
    are kept and sent by hand, as a browser would through a TLS-terminating proxy.
    """

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict | None = None,
                headers: dict | None = None) -> tuple[int, http.client.HTTPMessage, str]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            sent = {"User-Agent": "scale-out-test", **(headers or {})}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            body = None
            if form is not None:
                body = urlencode(form)
                sent["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode()
            for header in response.msg.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.msg, text
        finally:
            connection.close()

    def csrf_token(self, port: int) -> str:
        status, _, text = self.request(port, "GET", "/sign-in")
        assert status == 200
        return BeautifulSoup(text, "html.parser").find("input", {"name": "csrf_token"})["value"]

    def sign_in(self, port: int, email: str, password: str, token: str) -> int:
        form = {"email": email, "password": password, "csrf_token": token}
        return self.request(port, "POST", "/sign-in", form)[0]


# The release step as the README gives it (`flask db upgrade`, `flask reference load`) and a first
# account (`flask create-user ...`), run by Flask's own command line in one process.
RELEASE = """
import sys
from flask.cli import cli
for command in (["db", "upgrade"], ["reference", "load"], ["create-user", *sys.argv[1:]]):
    cli.main(["--app", "wsgi:app", *command], prog_name="flask", standalone_mode=False)
"""


def _wait_until_ready(port: int, server: subprocess.Popen, log: Path, deadline: float) -> dict:
    while True:
        try:
            status, _, body = Browser().request(port, "GET", "/readyz")
            if status == 200:
                return json.loads(body)
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"server on {port} not ready:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


def _request_lines(log: Path) -> list[dict]:
    lines = []
    for text in log.read_text().splitlines():
        if text.startswith("{"):
            entry = json.loads(text)
            if entry.get("logger") == "grants.requests":
                lines.append(entry)
    return lines


def test_two_servers_share_the_session_and_the_sign_in_throttle(scale_out_database, redis_key_prefix, tmp_path):
    env = {
        **os.environ,
        "GRANTS_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "BANK_DETAILS_KEYS": "XlYs6h2pn0m4vQp8KZCqRk7bqk2bq1bQ6tq5xv0cW3I=",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        "DATABASE_URL": scale_out_database,
        "REDIS_URL": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": redis_key_prefix,
        "LOGIN_LIMIT_PER_ACCOUNT": f"{ACCOUNT_LIMIT} per 15 minutes",
        "LOG_FORMAT": "json",
        "GRANTS_INSTANCE_PATH": str(tmp_path / "instance"),
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
    }
    servers: dict[str, tuple[int, subprocess.Popen, Path]] = {}
    try:
        for name in ("A", "B"):
            port, log = _free_port(), tmp_path / f"server-{name}.log"
            with log.open("w") as output:
                # --preload: the app is imported once per server and forked into its workers, which
                # keeps this test quick (create_app opens no database connection to share).
                server = subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "--workers", "2", "--preload", "--bind",
                     f"127.0.0.1:{port}", "--graceful-timeout", "2", "wsgi:app"],
                    cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                )
            servers[name] = (port, server, log)
        # The release step, while the servers start (they are not ready until it has run).
        release = subprocess.run([sys.executable, "-c", RELEASE, "--email", EMAIL, "--name", "Sam Scaleout",
                                  "--role", "applicant", "--password", PASSWORD],
                                 cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert release.returncode == 0, release.stderr[-3000:]
        deadline = time.monotonic() + 30
        for port, server, log in servers.values():
            assert _wait_until_ready(port, server, log, deadline) == {
                "status": "ok", "database": "ok", "migrations": "ok", "redis": "ok"}
        a, b = servers["A"][0], servers["B"][0]

        # Signed in on A, the same cookie is signed in on B.
        sam = Browser()
        assert sam.sign_in(a, EMAIL, PASSWORD, sam.csrf_token(a)) == 302
        status, headers, body = sam.request(b, "GET", "/home", headers={"X-Request-ID": "scaleout-home-0001"})
        assert status == 200 and "Sam Scaleout" in body
        assert headers["X-Request-ID"] == "scaleout-home-0001"
        assert sam.request(b, "GET", "/sign-in")[0] == 302  # already signed in: sent home

        # Failed sign-ins alternate between A and B; Redis counts them together.
        attacker = Browser()
        token = attacker.csrf_token(a)  # one session, so one token is good on both servers
        ports = [a, b] * ACCOUNT_LIMIT
        statuses = [attacker.sign_in(port, EMAIL, "not-the-password", token) for port in ports[:ACCOUNT_LIMIT + 1]]
        assert statuses == [200] * ACCOUNT_LIMIT + [429]
        # Locked on both servers now, even with the right password.
        assert attacker.sign_in(a, EMAIL, PASSWORD, token) == 429
        assert attacker.sign_in(b, EMAIL, PASSWORD, token) == 429
    finally:
        for _, server, _ in servers.values():
            server.terminate()
        for _, server, _ in servers.values():
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=5)

    # Both servers wrote JSON request lines; the user is the same pseudonym on each.
    on_a, on_b = _request_lines(servers["A"][2]), _request_lines(servers["B"][2])
    [signed_in] = [line for line in on_a if line["path"] == "/sign-in" and line["status"] == 302]
    [home] = [line for line in on_b if line["path"] == "/home"]
    assert home["request_id"] == "scaleout-home-0001"
    assert signed_in["user_hash"] == home["user_hash"] not in ("anonymous", None)
    assert EMAIL not in servers["A"][2].read_text() + servers["B"][2].read_text()
