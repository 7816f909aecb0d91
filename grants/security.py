"""Response headers that every page gets, and the client's address behind trusted proxies.

(The request id that logs and the audit trail carry is set in ``grants.request_logging``.)
"""

from __future__ import annotations

import secrets

from flask import Flask, abort, g, request
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response
from werkzeug.wsgi import get_host


class TrustedHosts:
    """Answers 400 to a request for any host but the service's own, before the app sees it.

    Flask would refuse it too (``TRUSTED_HOSTS``), but then cannot build any address, so its error
    page could not be drawn; and nothing in the app should ever see a host it does not serve.
    """

    def __init__(self, wsgi_app, hosts: list[str]):
        self.wsgi_app = wsgi_app
        self.hosts = hosts

    def __call__(self, environ, start_response):
        try:
            get_host(environ, self.hosts)
        except SecurityError:
            refused = Response("Bad request: this service does not answer to that host name.\n", status=400,
                               content_type="text/plain; charset=utf-8")
            return refused(environ, start_response)
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    if app.config.get("TRUSTED_HOSTS"):
        app.wsgi_app = TrustedHosts(  # type: ignore[method-assign]  # Flask's documented way to add middleware
            app.wsgi_app, app.config["TRUSTED_HOSTS"])
    proxies = app.config.get("TRUSTED_PROXIES") or 0
    if proxies:
        # Behind N reverse proxies, take the client's address and scheme from the last N
        # X-Forwarded-For/-Proto values: the per-address sign-in throttle and the logs need the
        # client's address, not the proxy's. Never trust more hops than there are proxies.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # as above
            app.wsgi_app, x_for=proxies, x_proto=proxies)

    @app.before_request
    def _refuse_nul_characters_in_addresses():
        # No address of this service contains NUL, and PostgreSQL refuses it in text. (Forms drop
        # it from typed text instead: see grants.forms.)
        if any("\x00" in value for value in request.args.values()):
            abort(400)

    @app.before_request
    def _per_request_values():
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.context_processor
    def _nonce():
        return {"csp_nonce": g.get("csp_nonce")}

    @app.after_request
    def _headers(response):
        nonce = g.get("csp_nonce", "")
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config.get("HSTS"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static":
            # Pages show personal data: never keep them in shared caches.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
