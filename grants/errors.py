"""Error pages in the service's own layout."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from grants.extensions import db

PAGES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    405: "errors/404.html",
    413: "errors/413.html",
    429: "errors/429.html",
}


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        template = PAGES.get(error.code or 500)
        if template is None:
            return error
        return render_template(template, error=error), error.code

    @app.errorhandler(500)
    def _server_error(error):
        db.session.rollback()
        return render_template("errors/500.html"), 500
