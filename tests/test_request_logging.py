"""A request id on every response, and one JSON log line per request without personal data."""

from __future__ import annotations

import io
import json
import logging
import re
import sys

import pytest
from flask import current_app

from grants import create_app
from grants.request_logging import JsonFormatter, RequestIdFilter, safe_request_id, user_hash

LINE_FIELDS = {"timestamp", "level", "logger", "message", "request_id", "method", "path", "status",
               "duration_ms", "user_hash"}


class _Lines(logging.Handler):
    """Keeps each record as the JSON line production would write."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.addFilter(RequestIdFilter())
        self.setFormatter(JsonFormatter())
        self.lines: list[dict] = []

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def logged(app, monkeypatch):
    """The request lines (and app records) written while the test runs, parsed."""
    monkeypatch.setitem(app.config, "LOG_REQUESTS", True)
    handler = _Lines()
    logger = logging.getLogger("grants")
    previous_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)


def _request_lines(lines):
    return [line for line in lines if line["logger"] == "grants.requests"]


def test_one_json_line_per_request_with_its_fields(client, logged):
    response = client.get("/accessibility")
    [line] = _request_lines(logged)
    assert set(line) >= LINE_FIELDS
    assert (line["level"], line["method"], line["path"], line["status"]) == ("INFO", "GET", "/accessibility", 200)
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user_hash"] == "anonymous"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["timestamp"])
    assert "remote_addr" not in line  # personal data: only when LOG_REMOTE_ADDR is set


def test_a_safe_incoming_request_id_comes_back_and_is_logged(client, logged):
    response = client.get("/", headers={"X-Request-ID": "lb-7f3a9c21.trace_01"})
    assert response.headers["X-Request-ID"] == "lb-7f3a9c21.trace_01"
    assert _request_lines(logged)[0]["request_id"] == "lb-7f3a9c21.trace_01"


@pytest.mark.parametrize("unsafe", ["<script>", "short", "a" * 65, "id with spaces", "abc\tdefgh12",
                                    "abc12345\"}{"])
def test_an_unsafe_incoming_request_id_is_replaced(client, logged, unsafe):
    response = client.get("/", headers={"X-Request-ID": unsafe})
    issued = response.headers["X-Request-ID"]
    assert issued != unsafe and re.fullmatch(r"[0-9a-f]{32}", issued)
    assert _request_lines(logged)[0]["request_id"] == issued


def test_every_response_has_a_request_id_even_refused_and_missing_pages(client):
    for url in ("/no-such-page", "/organisations?q=%00", "/healthz", "/static/css/application.css"):
        response = client.get(url)
        response.close()  # a static file's response holds the file open
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"]), url


def test_the_path_is_logged_without_the_query_string_or_secret_tokens(client, logged):
    client.get("/rounds?q=jane.doe%40example.org&page=2")
    client.get("/reset-password/eyJ1c2VyIjo0Mn0.secret-token-value")
    first, second = _request_lines(logged)
    assert first["path"] == "/rounds" and "jane" not in json.dumps(first)
    assert second["path"] == "/reset-password/<token>" and "secret-token-value" not in json.dumps(second)


def test_the_signed_in_user_is_a_keyed_hash_never_their_id_or_email(app, as_role, users, logged):
    as_role("grants_officer").get("/home")
    [line] = _request_lines(logged)
    officer = users["grants_officer"]
    assert line["status"] == 200
    assert line["user_hash"] == user_hash(officer.id, app.config["SECRET_KEY"])
    assert re.fullmatch(r"[0-9a-f]{16}", line["user_hash"])
    assert officer.email not in json.dumps(line)
    # The same user keeps one hash; another key (another deployment) gives another.
    assert user_hash(officer.id, "k" * 40) != line["user_hash"]


def test_application_records_carry_the_request_id(app, client, logged, monkeypatch):
    def noisy():
        current_app.logger.warning("Something to look into")
        return "ok"

    monkeypatch.setitem(app.view_functions, "main.cookies", noisy)
    response = client.get("/cookies")
    [record] = [line for line in logged if line["message"] == "Something to look into"]
    assert record["level"] == "WARNING" and record["request_id"] == response.headers["X-Request-ID"]


def test_request_ids_are_checked_for_length_and_characters():
    assert safe_request_id("abcdefgh") == "abcdefgh"
    assert safe_request_id("A1._-" * 12) == "A1._-" * 12
    assert safe_request_id(None) != safe_request_id(None)
    assert len(safe_request_id("ab\ncdefgh")) == 32


@pytest.fixture
def restore_grants_logger():
    """create_app(LOG_FORMAT=...) configures the shared ``grants`` logger: put it back afterwards."""
    logger = logging.getLogger("grants")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield logger
    logger.handlers[:] = saved[0]
    logger.setLevel(saved[1])
    logger.propagate = saved[2]


def _app_writing_json(app, **overrides):
    return create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                       "LOG_FORMAT": "json", "LOG_REQUESTS": True, **overrides})


def test_json_format_writes_one_line_per_request_to_stderr(app, restore_grants_logger):
    _app_writing_json(app)
    json_app = _app_writing_json(app)  # created twice: still one handler, so no doubled lines
    [handler] = restore_grants_logger.handlers
    assert handler.stream is sys.stderr
    stream = io.StringIO()
    handler.setStream(stream)
    response = json_app.test_client().get("/privacy?email=someone@example.org",
                                          headers={"X-Request-ID": "edge-0123456789"})
    [line] = [json.loads(text) for text in stream.getvalue().splitlines()]
    assert line["request_id"] == response.headers["X-Request-ID"] == "edge-0123456789"
    assert (line["path"], line["status"], line["user_hash"]) == ("/privacy", 200, "anonymous")


def test_behind_a_trusted_proxy_the_client_address_is_the_forwarded_one(app, restore_grants_logger):
    proxied = _app_writing_json(app, TRUSTED_PROXIES=1, LOG_REMOTE_ADDR=True)
    stream = io.StringIO()
    restore_grants_logger.handlers[0].setStream(stream)
    proxied.test_client().get("/", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
                              environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert json.loads(stream.getvalue())["remote_addr"] == "203.0.113.9"


def test_production_logs_json_request_lines_by_default(tmp_path):
    from grants.config import ConfigurationError, load_config

    required = {"SECRET_KEY": "9f1c0e5b7a3d48e2b6c4f0a1d9e7c3b5", "PUBLIC_BASE_URL": "https://grants.example.org",
                "BANK_DETAILS_KEYS": "XlYs6h2pn0m4vQp8KZCqRk7bqk2bq1bQ6tq5xv0cW3I="}
    production = load_config("production", str(tmp_path), environ=dict(required))
    assert (production["LOG_FORMAT"], production["LOG_REQUESTS"], production["LOG_REMOTE_ADDR"]) == (
        "json", True, False)
    assert production["TRUSTED_PROXIES"] == 0
    chosen = load_config("production", str(tmp_path), environ={
        **required, "LOG_FORMAT": "text", "LOG_REQUESTS": "false", "TRUSTED_PROXIES": "1",
        "RATELIMIT_KEY_PREFIX": "opcc-a"})
    assert (chosen["LOG_FORMAT"], chosen["LOG_REQUESTS"], chosen["TRUSTED_PROXIES"]) == ("text", False, 1)
    assert chosen["RATELIMIT_KEY_PREFIX"] == "opcc-a"
    assert load_config("development", str(tmp_path), environ={})["LOG_FORMAT"] == "text"
    with pytest.raises(ConfigurationError, match="LOG_FORMAT"):
        load_config("production", str(tmp_path), environ={**required, "LOG_FORMAT": "xml"})
