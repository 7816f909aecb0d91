"""Messages the service sends, kept so that staff can read what went out."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import Model
from grants.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from grants.models.accounts import User


class OutboxMessage(Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # "kept" (the outbox backend: recorded, never sent), "queued" (to be sent, or sent again after a
    # failure), "sent", or "failed" (given up after the last attempt; an administrator can send it again).
    status: Mapped[str] = mapped_column(String(20), default="kept", index=True)
    error: Mapped[str | None] = mapped_column(String(500))  # the last attempt's, while it fails
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a queued message waits until then
    # A sender holds the message until then: no other sender takes it meanwhile (grants.mail.deliver).
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EmailTemplateVersion(Model):
    """A version of an email's template as an administrator saved it (issue 23). The newest version of
    a key is what the service sends; with none, the shipped default (grants/emails/*.toml). Versions
    are never changed: restoring the default or an older version saves a new one."""

    __tablename__ = "email_template_versions"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), index=True)
    version: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # Why it was saved, in words: "Edited", "Restored the default", "Restored version 2".
    note: Mapped[str] = mapped_column(String(200), default="Edited")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship()


class ExportFile(Model):
    """A slow export made by a job (issue 23): asked for on a page, made in the background, kept here
    for the person who asked to download, so that any web process can serve it."""

    __tablename__ = "export_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))  # which export (grants.exports.KINDS)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # "waiting", "making", "ready" or "failed".
    status: Mapped[str] = mapped_column(String(10), default="waiting")
    filename: Mapped[str | None] = mapped_column(String(200))
    content_type: Mapped[str | None] = mapped_column(String(120))
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    error: Mapped[str | None] = mapped_column(String(500))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
