"""Messages the service sends, kept so that staff can read what went out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from grants.extensions import Model
from grants.models.types import UTCDateTime, utcnow


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
