"""Signed-in sessions, kept on the server: signing out ends a session for good.

The browser's (signed) session cookie carries a random key; the server keeps its SHA-256 in
``user_sessions``. A copied cookie stops working the moment its session ends: by signing out, by
"sign out of every device", by a password change or reset, by deactivation, or after the session
lifetime (``PERMANENT_SESSION_LIFETIME``) whatever the cookie says.
"""

from __future__ import annotations

import hashlib
import secrets
from functools import cache

from flask import current_app, has_request_context, request
from sqlalchemy import Select, bindparam, delete, select, update
from sqlalchemy.orm import joinedload

from grants import audit
from grants.extensions import db
from grants.interfaces.writes import rows_changed
from grants.models.accounts import User, new_session_token
from grants.models.sign_in import UserSession
from grants.models.types import utcnow


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# Werkzeug no longer names browsers: these words of a User-Agent header are enough to tell a
# person's own devices apart on the account page. First match wins (Edge and Opera also say Chrome).
_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"))
_PLATFORMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
              ("Macintosh", "Mac"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def describe_browser(agent: str) -> str:
    """ "Chrome on Windows" from a User-Agent header, or "" when neither is recognised."""
    browser = next((name for word, name in _BROWSERS if word in agent), "")
    platform = next((name for word, name in _PLATFORMS if word in agent), "")
    return " on ".join(part for part in (browser, platform) if part)


def _browser() -> str:
    if not has_request_context():
        return ""
    return describe_browser(request.user_agent.string or "")[:200]


def start(user: User, second_factor: str | None) -> str:
    """A new live session for ``user``; returns the key for the browser's cookie (never stored)."""
    key = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, key_hash=_hash(key), generation=user.session_token,
                               second_factor=second_factor, user_agent=_browser()))
    user.session_key = key
    return key


def _live():
    oldest = utcnow() - current_app.config["PERMANENT_SESSION_LIFETIME"]
    return (UserSession.ended_at.is_(None), UserSession.created_at > oldest,
            UserSession.generation == User.session_token, User.active)


def load(key: str) -> User | None:
    """The user whose live session has this key, with their roles and organisation (one statement).

    A staff member's session counts only if it was opened with a second factor, so that no staff
    page can be reached without one, whatever happened to the account since.
    """
    oldest = utcnow() - current_app.config["PERMANENT_SESSION_LIFETIME"]
    row = db.session.execute(_load_statement(), {"key_hash": _hash(key), "oldest": oldest}).unique().one_or_none()
    if row is None:
        return None
    user, user_session = row
    if user.is_staff and not user_session.second_factor:
        return None
    user.session_key = key
    user.current_session = user_session
    return user


@cache
def _load_statement() -> Select:
    """``load``'s statement, the key's hash and the oldest live start bound when it runs: built once,
    not on each of every signed-in request (building it and working out its key in SQLAlchemy's
    cache of compiled statements cost more than running it)."""
    return (select(User, UserSession)
            .join(UserSession, UserSession.user_id == User.id)
            .options(joinedload(User.role_grants), joinedload(User.organisation))
            .where(UserSession.key_hash == bindparam("key_hash"), UserSession.ended_at.is_(None),
                   UserSession.created_at > bindparam("oldest"), UserSession.generation == User.session_token,
                   User.active))


def end(key: str | None) -> None:
    """End the session with this key (signing out)."""
    if key:
        db.session.execute(update(UserSession).where(UserSession.key_hash == _hash(key), UserSession.ended_at.is_(None))
                           .values(ended_at=utcnow()))


def end_all(user: User, reason: str, actor: User | None = None) -> int:
    """End every session of ``user`` (every device), returning how many were live."""
    ended = rows_changed(
        update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    user.session_token = new_session_token()
    audit.record("user.signed_out_everywhere", user, f"{user.email}: {reason}", actor=actor or user)
    return ended


def live_sessions(user: User) -> list[UserSession]:
    return list(db.session.scalars(
        select(UserSession).join(User, User.id == UserSession.user_id)
        .where(UserSession.user_id == user.id, *_live()).order_by(UserSession.created_at.desc())
    ))


def prune() -> int:
    """Delete sessions that have ended or outlived the session lifetime (run daily); returns how many."""
    oldest = utcnow() - current_app.config["PERMANENT_SESSION_LIFETIME"]
    return rows_changed(
        delete(UserSession).where((UserSession.ended_at.is_not(None)) | (UserSession.created_at <= oldest))
    )
