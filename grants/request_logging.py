"""A request id on every request and response, and one structured log line per request.

The id comes from an incoming ``X-Request-ID`` header when it is a safe token (so that a reverse
proxy's id follows the request through), or is made here; it is on ``flask.g.request_id``, in the
``X-Request-ID`` response header, in the audit trail and in every log record written during the
request. With ``LOG_FORMAT=json`` each record is one JSON object on one line of stderr, which log
collectors read without parsing rules; ``LOG_REQUESTS`` adds a line per request with its method,
path, status, duration and a hash of the signed-in user's id (never the id, email or query string).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, current_app, g, has_request_context, request
from flask.logging import default_handler

REQUEST_ID_HEADER = "X-Request-ID"
# Letters, digits, dot, dash and underscore: nothing that could forge a log line or a header, and
# no longer than the audit trail's column.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# View arguments that are secrets in the address itself (password-reset and invitation links).
_SECRET_VIEW_ARGS = ("token",)
_LOGGER_NAME = "grants"
_REQUEST_LOGGER = "grants.requests"
# The standard attributes of every LogRecord; anything else on a record was passed in ``extra``.
_RECORD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


def init_app(app: Flask) -> None:
    # Runs before every other before_request function (Flask-Limiter's, the security checks), so
    # that the id and the clock are there even for a request that one of them refuses.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request)
    app.after_request(_finish_request)
    configure_logging(app)


def configure_logging(app: Flask) -> None:
    """Send the app's log records (logger ``grants`` and its children) to stderr, one per line.

    ``LOG_FORMAT`` is ``json`` or ``text``; when it is empty (the tests) logging is left as Python
    and pytest set it up. The handler replaces any this function installed before, so creating
    the app again does not double the lines.
    """
    logger = logging.getLogger(_LOGGER_NAME)
    for handler in list(logger.handlers):
        if getattr(handler, "_grants_handler", False) or handler is default_handler:
            logger.removeHandler(handler)
    log_format = app.config.get("LOG_FORMAT")
    if not log_format:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler._grants_handler = True  # type: ignore[attr-defined]
    handler.addFilter(RequestIdFilter())
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    logger.addHandler(handler)
    logger.setLevel(app.config.get("LOG_LEVEL") or "INFO")
    # This handler is the one place the lines go: a root handler (basicConfig) would repeat them.
    logger.propagate = False


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (``None`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = g.get("request_id") if has_request_context() else None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message, request id and extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def safe_request_id(incoming: str | None) -> str:
    """The incoming id if it is a safe token, else a new one (32 hex digits)."""
    if incoming and _SAFE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def user_hash(user_id: object, secret_key: str) -> str:
    """A stable pseudonym for a user in the logs: HMAC-SHA-256 of the id, keyed with SECRET_KEY.

    Lines of one user can be followed without the logs holding who they are; without the key the
    hash cannot be turned back into an id by trying every id.
    """
    digest = hmac.new(secret_key.encode(), f"log-user:{user_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def _start_request() -> None:
    g.request_started = time.perf_counter()
    g.request_id = safe_request_id(request.headers.get(REQUEST_ID_HEADER))


def _finish_request(response):
    if "request_id" not in g:  # a request refused before _start_request ran
        g.request_id = safe_request_id(request.headers.get(REQUEST_ID_HEADER))
    response.headers[REQUEST_ID_HEADER] = g.request_id
    if current_app.config.get("LOG_REQUESTS"):
        started = g.get("request_started")
        duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
        fields = {
            "method": request.method,
            "path": _loggable_path(),
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_hash": _user_hash(),
        }
        if current_app.config.get("LOG_REMOTE_ADDR"):
            fields["remote_addr"] = request.remote_addr
        logging.getLogger(_REQUEST_LOGGER).info(
            "%s %s %s %sms", fields["method"], fields["path"], fields["status"], duration_ms, extra=fields
        )
    return response


def _loggable_path() -> str:
    """The path without the query string, with secret parts (reset and invite tokens) masked."""
    path = request.path
    for name in _SECRET_VIEW_ARGS:
        value = (request.view_args or {}).get(name)
        if value:
            path = path.replace(str(value), f"<{name}>")
    return path


def _user_hash() -> str | None:
    """The signed-in user's hash, "anonymous", or None for static files (served without a lookup)."""
    if request.endpoint == "static" and "_login_user" not in g:
        return None
    from flask_login import current_user

    try:
        authenticated = current_user.is_authenticated
        user_id = current_user.id if authenticated else None
    except Exception:  # noqa: BLE001 - a failed user lookup (database down) must not fail the response
        return None
    if not authenticated:
        return "anonymous"
    return user_hash(user_id, current_app.config["SECRET_KEY"])
