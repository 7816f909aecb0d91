"""Opt-in count of SQL statements per request, for the benchmark (``QUERY_COUNT_HEADER = True``).

Every statement sent on the app's engine while a request is handled adds one to a counter on
``flask.g``; the count goes back in the ``X-Query-Count`` response header. Off by default: it costs
an event hook per statement and tells anyone who can see headers how hard a page works.
"""

from __future__ import annotations

from flask import Flask, g, has_app_context
from sqlalchemy import event

HEADER = "X-Query-Count"


def _count(*_args) -> None:
    if has_app_context():
        g.query_count = g.get("query_count", 0) + 1


def init_app(app: Flask) -> None:
    """Count statements per request when the app's ``QUERY_COUNT_HEADER`` setting is true."""
    if not app.config.get("QUERY_COUNT_HEADER"):
        return
    from grants.extensions import db

    with app.app_context():
        engine = db.engine
    if not event.contains(engine, "before_cursor_execute", _count):
        event.listen(engine, "before_cursor_execute", _count)

    @app.after_request
    def _add_header(response):
        response.headers[HEADER] = str(g.get("query_count", 0))
        return response
