"""Helpers for tests that act like a person using the pages."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

from bs4 import BeautifulSoup
from itsdangerous import URLSafeTimedSerializer

from tests.factories import TEST_PASSWORD


def sign_in(client, user, password: str = TEST_PASSWORD):
    """Sign in with the password and, for staff (or anyone with an authenticator app), the app's code."""
    response = post(client, "/sign-in", {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    if response.headers["Location"].endswith("/sign-in/check"):
        response = post(client, "/sign-in/check", {"code": fresh_totp_code(user)})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return client


def fresh_totp_code(user) -> str:
    """The code ``user``'s authenticator app shows now. The record of the last code used is
    cleared first, so that a test may sign the same person in twice within 30 seconds (the
    replay tests in tests/blueprints/auth/test_second_factor.py do not use this)."""
    import pyotp

    from grants.extensions import db

    assert user.totp_secret, f"{user.email} has no authenticator app"
    user.totp_last_step = None
    db.session.flush()
    return pyotp.TOTP(user.totp_secret).now()


def link_in(bodies, path_prefix: str) -> str | None:
    """The path of the first link starting ``path_prefix`` in these email bodies (newest first)."""
    for body in bodies:
        match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"\S*)", body)
        if match:
            return match.group(1)
    return None


def emailed_link(recipient: str, path_prefix: str) -> str:
    """The path of the newest link starting ``path_prefix`` emailed to ``recipient`` (from the outbox)."""
    from grants.extensions import db
    from grants.models.mail import OutboxMessage

    bodies = db.session.scalars(db.select(OutboxMessage.body).where(OutboxMessage.recipient == recipient)
                                .order_by(OutboxMessage.id.desc())).all()
    link = link_in(bodies, path_prefix)
    assert link, f"no {path_prefix} link emailed to {recipient}"
    return link


def register(client, full_name: str, email: str, password: str, next_path: str = ""):
    """Create an account as a person would: name and email, then the emailed link, then a password.
    Returns the response to the password page (a redirect once the account exists)."""
    url = f"/register?next={next_path}" if next_path else "/register"
    sent = post(client, url, {"full_name": full_name, "email": email})
    assert sent.status_code == 200 and "Check your email" in sent.get_data(as_text=True), sent.status_code
    link = emailed_link(email.strip().lower(), "/register/")
    return post(client, link, {"password": password, "confirm_password": password})


def csrf_token(client) -> str:
    """A valid CSRF token for this client's session, made as Flask-WTF's ``generate_csrf`` makes the
    one a form's page shows (signed from the raw token in the session, which it adds if there is
    none), without rendering a page for it: a GET of a whole page before every POST had cost a
    tenth of the suite's time. Forms showing their token are tested by the pages' own tests."""
    app = client.application
    with client.session_transaction() as session:
        if not isinstance(session.get("csrf_token"), str):
            session["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()
        raw = session["csrf_token"]
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    return URLSafeTimedSerializer(secret, salt="wtf-csrf-token").dumps(raw)


def post(client, url: str, data: dict | None = None, **kwargs):
    """POST a form with a valid CSRF token, as the page's form would."""
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client)}, **kwargs)




def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def error_messages(response) -> list[str]:
    """The messages in the GOV.UK error summary, in order."""
    soup = page(response)
    summary = soup.select_one(".govuk-error-summary")
    if summary is None:
        return []
    return [" ".join(a.get_text().split()) for a in summary.select(".govuk-error-summary__list li")]


@contextmanager
def counting_statements() -> Iterator[list[str]]:
    """The SQL statements run inside the ``with`` block, in order (a list filled as they run)."""
    from sqlalchemy import event

    from grants.extensions import db

    statements: list[str] = []

    def _record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", _record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", _record)
