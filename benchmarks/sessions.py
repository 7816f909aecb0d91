"""Signed-in simulated users without the sign-in form: live server-side sessions opened directly.

The benchmark measures pages, not signing in. Staff sign in with a password and then a second
factor, and an authenticator code is accepted only once per account, so twenty simulated users
cannot all sign in to one account through the forms at once. Instead each account gets a session
opened as the code form opens it (``grants.interfaces.auth.sessions.start``, with ``"totp"`` for anyone
who needs a second factor) and the signed session cookie a browser would then hold. The cookie is
signed with the served app's SECRET_KEY (``benchmarks.load.Server.secret_key``), so the app that
mints it must have that key and the served app's database.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask

from benchmarks import bulk


def minting_app(database_url: str, secret_key: str) -> Flask:
    """An app on the served app's database with its SECRET_KEY, for opening sessions in this process.

    The development profile needs no public address; the session cookie is made the same way in
    every profile.
    """
    from grants import create_app

    return create_app({"GRANTS_ENV": "development", "SQLALCHEMY_DATABASE_URI": bulk.driver_url(database_url),
                       "SECRET_KEY": secret_key, "RATELIMIT_ENABLED": False})


def cookie_name(app: Flask) -> str:
    return app.config["SESSION_COOKIE_NAME"]


def open_session(app: Flask, email: str) -> str:
    """A new live session for the account ``email``, committed; returns the value of the session
    cookie that signs a browser in to it (as after the password and, for staff, the code)."""
    from grants.extensions import db
    from grants.interfaces.auth import accounts, sessions

    with app.app_context():
        user = accounts.get_user_by_email(email)
        if user is None:
            raise LookupError(f"There is no account {email} in {app.config['SQLALCHEMY_DATABASE_URI']}")
        key = sessions.start(user, "totp" if user.needs_second_factor else None)
        db.session.commit()
    # What Flask-Login and pending.sign_in leave in the session (``session.permanent = True``).
    return app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": key, "_fresh": True, "_permanent": True})


def open_sessions(app: Flask, emails: list[str]) -> list[str]:
    """One session cookie value per account, in the order given."""
    return [open_session(app, email) for email in emails]


def carry(jar, name: str, value: str, base_url: str) -> None:
    """Put a session cookie in a requests (or locust) cookie jar as the server at ``base_url`` would
    set it: for its host only and every path, so the cookie the server sends back with each response
    (a permanent session is refreshed on every request) replaces it rather than joining it."""
    jar.set(name, value, domain=urlsplit(base_url).hostname, path="/")
