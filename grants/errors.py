"""Error pages in the service's own layout, which never fail because the database does.

The layout shows the signed-in user (their name, the navigation), and Flask-Login reads the user
from the database. When the database cannot be reached that read fails again inside the error
handler, and the web server's bare error page was all a signed-in user saw. So a page whose user
cannot be read is drawn as for a visitor who is signed out (the session itself is left alone: the
user is still signed in once the database is back), and a database that cannot be reached at all
is "Sorry, the service is unavailable" (503, with ``Retry-After``) rather than a fault (500).

Ids in addresses are bounded by their converter (``grants.url_converters``); an id posted in a form
or a query string that no integer column can hold, looked up all the same, is "page not found"
too (the view should have refused it: the warning in the log names the page).
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DisconnectionError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from grants.extensions import db, login_manager

PAGES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    405: "errors/404.html",
    413: "errors/413.html",
    429: "errors/429.html",
    503: "errors/503.html",
}
# Seconds a browser or a client script is asked to wait before trying again when unavailable.
RETRY_AFTER = 30

# PostgreSQL's codes for "no connection": class 08 (connection exception), the server shutting
# down or starting up (57P01-57P03), and no connection slot free (53300).
_UNAVAILABLE_SQLSTATES = {"57P01", "57P02", "57P03", "53300"}
_OUT_OF_RANGE_SQLSTATE = "22003"  # numeric_value_out_of_range: "integer out of range"

logger = logging.getLogger(__name__)


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` says the database cannot be reached at all (connection refused or lost,
    the server shutting down, no connection free in the pool) rather than that one statement failed
    (a deadlock, a full disk, a bad query), which stays a fault of the service (500)."""
    if isinstance(error, DisconnectionError | PoolTimeout):
        return True
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    if error.connection_invalidated:  # the driver says the connection is gone
        return True
    driver_error = error.orig
    if driver_error is not None and hasattr(driver_error, "sqlstate"):
        code: str | None = driver_error.sqlstate  # psycopg: no code at all means the server never answered
        return code is None or code.startswith("08") or code in _UNAVAILABLE_SQLSTATES
    return getattr(driver_error, "sqlite_errorname", None) == "SQLITE_CANTOPEN"


def number_beyond_any_record(error: BaseException) -> bool:
    """Whether ``error`` is a look-up (a SELECT) for a number no integer column can hold, such as a
    tampered id of twenty digits: no row can match it, so the answer is "not found". A write of such
    a number stays a fault (500)."""
    if isinstance(error, DataError):
        return (getattr(error.orig, "sqlstate", None) == _OUT_OF_RANGE_SQLSTATE
                and (error.statement or "").lstrip().upper().startswith("SELECT"))
    # SQLite's driver refuses to bind it, before any statement runs (SQLite is for development).
    return isinstance(error, OverflowError) and "too large to convert to SQLite INTEGER" in str(error)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return _page("errors/csrf.html", 400)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code == 503:
            return _unavailable()
        code = error.code or 500
        template = PAGES.get(code)
        if template is None:
            return error
        return _page(template, code, error=error)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(DisconnectionError)
    @app.errorhandler(PoolTimeout)
    def _database_error(error: SQLAlchemyError):
        if not database_unavailable(error):
            # A fault in one statement: on to the 500 page, logged with its traceback.
            raise error
        logger.warning("The database is unavailable: %s", _summary(error))
        return _unavailable()

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def _number_out_of_range(error: Exception):
        if not number_beyond_any_record(error):
            raise error
        logger.warning("%s looked up a number beyond any record: %s", request.endpoint, _summary(error))
        _rollback()
        return _page("errors/404.html", 404)

    @app.errorhandler(500)
    def _server_error(error):
        if database_unavailable(getattr(error, "original_exception", None) or error):
            return _unavailable()
        _rollback()
        return _page("errors/500.html", 500)


def unavailable():
    """The "service is unavailable" page (503, with ``Retry-After``), drawn without the database."""
    return _unavailable()


def server_error_page():
    """The "problem with the service" page (500), after rolling back."""
    _rollback()
    return _page("errors/500.html", 500)


def changed_by_someone_else():
    """The "someone else changed this" page (409): another transaction saved a row this one had read."""
    _rollback()
    return _page("errors/409.html", 409)


def as_response(result):
    """A view-style return value of these pages as a response (for an ``after_request`` function)."""
    return current_app.make_response(result)


def summary(error: Exception) -> str:
    return _summary(error)


def _unavailable():
    _rollback()
    _as_signed_out()  # without asking the database who is signed in
    body, status = _page("errors/503.html", 503)
    return body, status, {"Retry-After": str(RETRY_AFTER)}


def _page(template: str, status: int, **context):
    """The page in the layout, drawn as for a signed-out visitor if reading the signed-in user (or
    anything else the layout shows) fails in the database."""
    try:
        return render_template(template, **context), status
    except SQLAlchemyError:
        _rollback()
        _as_signed_out()
        return render_template(template, **context), status


def _as_signed_out() -> None:
    # Flask-Login keeps the request's user on g: an anonymous one there is never looked up. The
    # navigation, worked out once a request, is worked out again for it.
    g._login_user = login_manager.anonymous_user()
    g.pop("navigation_items", None)


def _rollback() -> None:
    """End the request's transaction. With the database gone even this can fail; the page is still drawn."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - any failure here must not replace the page with a bare one
        logger.warning("Could not roll back after an error", exc_info=True)


def _summary(error: Exception) -> str:
    """The driver's own first line (never the SQL or its parameters, which may hold personal data)."""
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0] if lines else ''}"
