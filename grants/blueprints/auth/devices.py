"""Browsers a person has signed in from before: OWASP's "device cookie" against lockout attacks.

Five wrong passwords lock an account for 15 minutes, and 30 lock out an address; anyone who knows
a staff email, or shares an office's address, could use that to keep a person out. So a successful
sign-in leaves a signed cookie naming the person and a random nonce. From that browser the person is
not held back by the account's or the address's lockout; the browser has its own, smaller allowance
(``LOGIN_LIMIT_PER_DEVICE``), so a stolen cookie is no way round the throttle either.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import after_this_request, current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from grants.interfaces.auth import accounts
from grants.models.accounts import User

COOKIE = "grants_device"
MAX_AGE = timedelta(days=180)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="trusted-device")


def _read() -> dict | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=int(MAX_AGE.total_seconds()))
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("n"), str):
        return None
    return data


def trusted_for(email: str) -> str | None:
    """This browser's nonce if it has signed in as the account with ``email`` before, else None."""
    cache = g.setdefault("trusted_devices", {})
    if email not in cache:
        data = _read()
        user = accounts.get_user_by_email(email) if data and email else None
        cache[email] = data["n"] if data and user is not None and user.id == data["u"] else None
    return cache[email]


def remember(user: User) -> None:
    """Mark this browser as one ``user`` signs in from (after a complete sign-in)."""
    data = _read()
    nonce = data["n"] if data and data["u"] == user.id else secrets.token_urlsafe(16)
    value = _serializer().dumps({"u": user.id, "n": nonce})

    @after_this_request
    def _set(response):
        response.set_cookie(COOKIE, value, max_age=int(MAX_AGE.total_seconds()), httponly=True, samesite="Lax",
                            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
        return response
