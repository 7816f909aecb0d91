"""Signing in, and the step between the password and the second factor.

After the right password, a person who needs a second factor is not signed in yet: the (signed)
session cookie only says who passed the password, when, and where they were going. Nothing behind
sign-in is reachable in that state; the second-factor pages read it, for ten minutes at most.
"""

from __future__ import annotations

import hashlib
import time

from flask import redirect, session, url_for
from flask_login import login_user

from grants import eligibility
from grants.blueprints.auth import devices
from grants.extensions import db
from grants.interfaces.auth import accounts, sessions
from grants.models.accounts import User

KEY = "pending_sign_in"
MAX_AGE_SECONDS = 600


def _fingerprint(user: User) -> str:
    # Changes with the password (and "sign out of every device"): a password change ends it.
    return hashlib.sha256(("pending:" + user.session_token).encode()).hexdigest()[:20]


def sign_in(user: User, second_factor: str | None = None) -> None:
    """Sign ``user`` in on this browser, with a new server-side session."""
    # A fresh session at sign-in: nothing from before (a planted session) carries over, except the
    # answers to an eligibility check, which grant nothing and are not asked again.
    answers = eligibility.carried()
    session.clear()
    eligibility.restore(answers)
    sessions.start(user, second_factor)
    login_user(user)
    session.permanent = True
    accounts.record_sign_in(user)
    devices.remember(user)


def begin(user: User, next_path: str):
    """The password was right: on to the second factor, or to setting one up (staff without one)."""
    answers = eligibility.carried()
    session.clear()
    eligibility.restore(answers)
    session[KEY] = {"user": user.id, "fp": _fingerprint(user), "at": int(time.time()), "next": next_path}
    return redirect(url_for("auth.second_step" if user.has_second_factor else "auth.set_up"))


def user() -> User | None:
    """The person part-way through signing in on this browser, if any."""
    data = session.get(KEY)
    if not isinstance(data, dict) or time.time() - data.get("at", 0) > MAX_AGE_SECONDS:
        return None
    found = db.session.get(User, data.get("user")) if isinstance(data.get("user"), int) else None
    if found is None or not found.active or data.get("fp") != _fingerprint(found):
        return None
    return found


def next_path() -> str:
    data = session.get(KEY)
    return (data.get("next") if isinstance(data, dict) else None) or url_for("main.home")


def complete(found: User, second_factor: str) -> str:
    """Finish signing in with the second factor; returns where to go next."""
    target = next_path()
    sign_in(found, second_factor)
    return target
