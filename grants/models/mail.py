"""Messages the service sends, kept so that staff can read what went out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
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
    # "kept" (outbox only), "sent" or "failed"
    status: Mapped[str] = mapped_column(String(20), default="kept")
    error: Mapped[str | None] = mapped_column(String(500))
