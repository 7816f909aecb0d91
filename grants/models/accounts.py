"""People who use the service and what they may do."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from grants.extensions import Model
from grants.models.types import UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from grants.models.organisations import Organisation
    from grants.models.sign_in import Passkey, RecoveryCode, UserSession


class Role(StrEnum):
    APPLICANT = "applicant"
    PANEL_MEMBER = "panel_member"
    GRANTS_OFFICER = "grants_officer"
    FINANCE_OFFICER = "finance_officer"
    COMMISSIONER = "commissioner"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.APPLICANT: "Applicant",
    Role.PANEL_MEMBER: "Panel member",
    Role.GRANTS_OFFICER: "Grants officer",
    Role.FINANCE_OFFICER: "Finance officer",
    Role.COMMISSIONER: "Commissioner",
    Role.ADMIN: "Administrator",
}
STAFF_ROLES = frozenset(Role) - {Role.APPLICANT}


def describe_second_factors(passkeys: int, app: bool) -> str:
    """The second factors someone has, in words: "2 passkeys and an authenticator app"."""
    parts = ([f"{passkeys} passkey{'' if passkeys == 1 else 's'}"] if passkeys else []) + (
        ["an authenticator app"] if app else [])
    return " and ".join(parts) or "none"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased: one account per address, whatever the capitals.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    # The generation of the user's sessions: renewing it (a password change, "sign out of every
    # device", deactivation) ends every session at once (grants.interfaces.auth.sessions).
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    active: Mapped[bool] = mapped_column(default=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Two-factor sign-in with an authenticator app: the shared secret (base32), and the last time
    # step whose code was accepted, so that no code is accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    totp_added_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")
    role_grants: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    passkeys: Mapped[list[Passkey]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Passkey.id"
    )
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(cascade="all, delete-orphan", order_by="RecoveryCode.id")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    # Flask-Login keeps this in the session cookie: the key of the server-side session that
    # grants.interfaces.auth.sessions started or loaded for this request (never stored as it is).
    # Not columns: declared for the type checker only, since SQLAlchemy would read an annotation in the
    # class body as a column.
    if TYPE_CHECKING:
        session_key: str | None
        current_session: UserSession | None
    session_key = None  # set per request
    current_session = None  # the UserSession row of this request

    def get_id(self) -> str | None:
        return self.session_key

    @property
    def is_active(self) -> bool:
        return self.active

    # Passwords
    def set_password(self, password: str) -> None:
        """Hash with scrypt (Werkzeug's default slow hash) and end every other session."""
        self.password_hash = generate_password_hash(password)
        self.session_token = new_session_token()
        self.password_changed_at = utcnow()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # Roles
    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.role_grants)

    def has_role(self, *roles: Role | str) -> bool:
        return bool(self.roles & {Role(role) for role in roles})

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    # Two-factor sign-in
    @property
    def has_second_factor(self) -> bool:
        return bool(self.totp_secret) or bool(self.passkeys)

    @property
    def second_factors_described(self) -> str:
        return describe_second_factors(len(self.passkeys), bool(self.totp_secret))

    @property
    def needs_second_factor(self) -> bool:
        """Staff must use a second factor; an applicant uses one once they have set it up."""
        return self.is_staff or self.has_second_factor

    def set_roles(self, roles: set[Role]) -> None:
        keep = {grant.role: grant for grant in self.role_grants if grant.role in roles}
        self.role_grants = [keep.get(role) or UserRole(role=role) for role in sorted(roles)]


class UserRole(Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(
        enum_type(Role, "role", 32),
        primary_key=True,
    )
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="role_grants")
