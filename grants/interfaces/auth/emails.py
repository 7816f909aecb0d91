"""The values of the emails about people's accounts (grants/data/emails/accounts.toml), and examples of
them from real records for the administrators' previews.

A link holding a secret token (registration, password reset, staff invitation) is built here from the
token the caller made, when the email is sent. The examples never make a token: their links point at
the right page with the word "example" where the token goes, which the page refuses.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from grants.email_templates import Value, send_template
from grants.extensions import db
from grants.formatting import duration
from grants.links import public_url
from grants.models.accounts import STAFF_ROLES, Role, User, UserRole
from grants.models.mail import OutboxMessage

# Where a token goes in a preview's link: not a token, so the link says it is not valid.
EXAMPLE_TOKEN = "example"


def _service_name() -> str:
    return current_app.config["SERVICE_NAME"]


def already_registered_values(user: User) -> dict[str, Value]:
    return {
        "full name": user.full_name,
        "service name": _service_name(),
        "sign in link": public_url("auth.login"),
        "reset link": public_url("auth.reset_request"),
    }


def tell_already_registered(user: User) -> OutboxMessage:
    """Someone asked to register with ``user``'s address: remind its owner that they have an account."""
    return send_template("account_already_registered", user.email, already_registered_values(user))


def confirm_registration_values(full_name: str, token: str) -> dict[str, Value]:
    return {
        "full name": full_name.strip(),
        "service name": _service_name(),
        "link lifetime": duration(current_app.config["REGISTRATION_LINK_MAX_AGE"]),
        "link": public_url("auth.register_confirm", token=token),
    }


def send_registration_link(email: str, full_name: str, token: str) -> OutboxMessage:
    """Email the link that finishes a registration (``token`` from ``accounts.registration_token``)."""
    return send_template("account_confirm_registration", email, confirm_registration_values(full_name, token))


def registered_values(user: User) -> dict[str, Value]:
    return {
        "full name": user.full_name,
        "email address": user.email,
        "service name": _service_name(),
        "link": public_url("organisations.mine"),
    }


def tell_of_new_account(user: User) -> OutboxMessage:
    return send_template("account_registered", user.email, registered_values(user))


def password_reset_values(user: User, token: str) -> dict[str, Value]:
    return {
        "full name": user.full_name,
        "service name": _service_name(),
        "link lifetime": duration(current_app.config["PASSWORD_RESET_MAX_AGE"]),
        "link": public_url("auth.reset_password", token=token),
    }


def send_password_reset(user: User, token: str) -> OutboxMessage:
    """Email the link to set a new password (``token`` from ``accounts.password_reset_token``)."""
    return send_template("password_reset", user.email, password_reset_values(user, token))


def staff_invite_values(user: User, token: str) -> dict[str, Value]:
    return {
        "full name": user.full_name,
        "email address": user.email,
        "roles": ", ".join(sorted(role.label for role in user.roles)),
        "service name": _service_name(),
        "link lifetime": duration(current_app.config["PASSWORD_RESET_MAX_AGE"]),
        "link": public_url("auth.reset_password", token=token),
        "reset link": public_url("auth.reset_request"),
    }


def send_staff_invite(user: User, token: str) -> OutboxMessage:
    """Email a new member of staff the link to set their password (a password-reset ``token``)."""
    return send_template("staff_invite", user.email, staff_invite_values(user, token))


def second_factor_reset_values(user: User) -> dict[str, Value]:
    return {
        "full name": user.full_name,
        "service name": _service_name(),
        "must set up again": user.needs_second_factor,
        "may turn on again": not user.needs_second_factor,
        "link": public_url("auth.login"),
    }


def tell_of_second_factor_reset(user: User) -> OutboxMessage:
    return send_template("second_factor_reset", user.email, second_factor_reset_values(user))


# Examples for previews: read-only, from the newest matching account --------------------------------

def _newest_user(*roles: Role) -> User | None:
    query = select(User).where(User.active.is_(True))
    if roles:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(roles))))
    return db.session.scalars(query.order_by(User.created_at.desc(), User.id.desc()).limit(1)).first()


def example_already_registered() -> dict[str, Value] | None:
    user = _newest_user()
    return None if user is None else already_registered_values(user)


def example_confirm_registration() -> dict[str, Value] | None:
    # Nobody is part-way through registering in the database (the registration is in the link itself):
    # the newest applicant's name stands in.
    user = _newest_user(Role.APPLICANT)
    return None if user is None else confirm_registration_values(user.full_name, EXAMPLE_TOKEN)


def example_registered() -> dict[str, Value] | None:
    user = _newest_user(Role.APPLICANT)
    return None if user is None else registered_values(user)


def example_password_reset() -> dict[str, Value] | None:
    user = _newest_user()
    return None if user is None else password_reset_values(user, EXAMPLE_TOKEN)


def example_staff_invite() -> dict[str, Value] | None:
    user = _newest_user(*STAFF_ROLES)
    return None if user is None else staff_invite_values(user, EXAMPLE_TOKEN)


def example_second_factor_reset() -> dict[str, Value] | None:
    user = _newest_user(*STAFF_ROLES)
    return None if user is None else second_factor_reset_values(user)
