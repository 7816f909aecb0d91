"""Accounts: creating users, signing in, passwords and roles."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from functools import cache

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from grants import audit
from grants.extensions import db
from grants.models.accounts import Role, User, UserRole, new_session_token
from grants.models.types import utcnow


class DuplicateEmail(ValueError):
    """An account already exists for this email address."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    email: str,
    full_name: str,
    password: str | None,
    roles: set[Role],
    actor: User | None = None,
) -> User:
    """Add a user; ``password=None`` leaves the account unusable until a reset link is followed."""
    email = normalise_email(email)
    if get_user_by_email(email) is not None:
        raise DuplicateEmail(email)
    user = User(email=email, full_name=full_name.strip())
    # An unguessable random password for accounts that will set their own by emailed link.
    user.set_password(password if password is not None else _unusable_password())
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.created",
        user,
        f"Account created for {email} with roles {', '.join(sorted(r.value for r in roles))}",
        changes=audit.diff({}, {**audit.snapshot(user), "roles": {r.value for r in roles}}),
        actor=actor,
    )
    return user


def _unusable_password() -> str:
    return secrets.token_urlsafe(48)


@cache
def _dummy_hash() -> str:
    """A hash to check against when the email is unknown, so that a miss takes as long as a hit."""
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or ``None``."""
    user = get_user_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def record_sign_in(user: User) -> None:
    user.last_login_at = utcnow()
    audit.record("user.signed_in", user, f"{user.email} signed in", actor=user)


def change_password(user: User, new_password: str, action: str = "user.password_changed") -> None:
    """Set a new password; every existing session of the user ends (their session token changes)."""
    user.set_password(new_password)
    audit.record(action, user, f"Password changed for {user.email}; other sessions ended", actor=user)


def set_roles(user: User, roles: set[Role], actor: User) -> None:
    before = {r.value for r in user.roles}
    user.set_roles(roles)
    after = {r.value for r in roles}
    if before != after:
        audit.record(
            "user.roles_changed",
            user,
            f"Roles of {user.email} changed",
            changes=audit.diff({"roles": before}, {"roles": after}),
            actor=actor,
        )


def set_active(user: User, active: bool, actor: User) -> None:
    if user.active == active:
        return
    user.active = active
    if not active:
        user.session_token = new_session_token()  # end their sessions now
    audit.record(
        "user.activated" if active else "user.deactivated",
        user,
        f"Account {'reactivated' if active else 'deactivated'}: {user.email}",
        changes=audit.diff({"active": not active}, {"active": active}),
        actor=actor,
    )


def count_users_by_role() -> dict[Role, int]:
    rows = db.session.execute(select(UserRole.role, func.count()).group_by(UserRole.role)).all()
    return {role: count for role, count in rows}


# Password reset tokens -------------------------------------------------------------------------

@dataclass(frozen=True)
class ResetCheck:
    user: User | None
    problem: str | None  # "expired" or "invalid"


@dataclass(frozen=True)
class Registration:
    """A confirmed request to create an account: the email address is the person's own."""

    email: str
    full_name: str
    next: str
    # Session values the registration carries to the browser the link is opened in (grants.eligibility).
    carried: dict | None = None


@dataclass(frozen=True)
class RegistrationCheck:
    registration: Registration | None
    problem: str | None  # "expired", "invalid" or "used" (an account now exists for the address)


def _registration_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="registration")


def registration_token(email: str, full_name: str, next_path: str = "", carried: dict | None = None) -> str:
    """A signed, expiring link token for creating an account for ``email``. Nothing is stored until
    the link is followed, so a registration reveals nothing about which addresses have accounts.
    ``carried``: answers already given (an eligibility check's), signed with the rest."""
    data: dict[str, str | dict] = {"email": normalise_email(email), "name": full_name.strip(), "next": next_path}
    if carried:
        data["carried"] = carried
    return _registration_serializer().dumps(data)


def check_registration_token(token: str) -> RegistrationCheck:
    max_age = int(current_app.config["REGISTRATION_LINK_MAX_AGE"].total_seconds())
    try:
        data = _registration_serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        return RegistrationCheck(None, "expired")
    except BadSignature:
        return RegistrationCheck(None, "invalid")
    if not isinstance(data, dict) or not isinstance(data.get("email"), str) or not isinstance(data.get("name"), str):
        return RegistrationCheck(None, "invalid")
    if get_user_by_email(data["email"]) is not None:
        return RegistrationCheck(None, "used")
    carried = data.get("carried") if isinstance(data.get("carried"), dict) else None
    return RegistrationCheck(Registration(data["email"], data["name"], str(data.get("next") or ""), carried), None)


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _token_fingerprint(user: User) -> str:
    # Changes whenever the password does, so a link works once; reveals nothing of the token.
    return hashlib.sha256(user.session_token.encode()).hexdigest()[:20]


def password_reset_token(user: User) -> str:
    return _reset_serializer().dumps({"user": user.id, "fp": _token_fingerprint(user)})


def check_reset_token(token: str) -> ResetCheck:
    max_age = int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds())
    try:
        data = _reset_serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        return ResetCheck(None, "expired")
    except BadSignature:
        return ResetCheck(None, "invalid")
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("fp") != _token_fingerprint(user):
        return ResetCheck(None, "invalid")
    return ResetCheck(user, None)
