"""Signed-in sessions and second factors: passkeys and recovery codes (an authenticator app's
secret sits on the user row, see ``grants.models.accounts.User``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import Model
from grants.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from grants.models.accounts import User


class UserSession(Model):
    """One browser's signed-in session, kept on the server so that signing out really ends it.

    The browser's session cookie holds a random key; only its SHA-256 is stored here, so a copy of
    this table signs nobody in. A session is live while it has not ended, is younger than the
    session lifetime and its ``generation`` is the user's current ``session_token`` (a password
    change or "sign out of every device" renews that, ending every session at once).
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    generation: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How the person proved it was them beyond their password: "passkey", "totp", "recovery_code"
    # or empty (an applicant who has not turned on two-factor sign-in).
    second_factor: Mapped[str | None] = mapped_column(String(20))
    # A short description of the browser, to tell sessions apart on the account page.
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()


class Passkey(Model):
    """A WebAuthn credential: the public half of a key pair the person's device keeps."""

    __tablename__ = "passkeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(1024), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(2048))
    sign_count: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="passkeys")


class RecoveryCode(Model):
    """A single-use code for when the person's passkey or phone is lost. Only its hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
