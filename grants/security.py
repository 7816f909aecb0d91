"""Response headers that every page gets, and a request id for logs and the audit trail."""

from __future__ import annotations

import re
import secrets

from flask import Flask, abort, g, request

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def init_app(app: Flask) -> None:
    @app.before_request
    def _refuse_nul_characters_in_addresses():
        # No address of this service contains NUL, and PostgreSQL refuses it in text. (Forms drop
        # it from typed text instead: see grants.forms.)
        if any("\x00" in value for value in request.args.values()):
            abort(400)

    @app.before_request
    def _per_request_values():
        g.csp_nonce = secrets.token_urlsafe(16)
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else secrets.token_hex(16)

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
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        if app.config.get("HSTS"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static":
            # Pages show personal data: never keep them in shared caches.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
