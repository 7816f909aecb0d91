"""Secret calendar feeds: the address a person gives Outlook (or any calendar) to subscribe to their
deadlines. A calendar app cannot sign in, so the address itself is the key: only its SHA-256 digest
is kept, and making a new one (or stopping the feed) deletes the row, so the old address opens
nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from grants.extensions import Model
from grants.models.types import UTCDateTime, utcnow


class CalendarFeed(Model):
    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One feed a person: a new address replaces the old one.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
