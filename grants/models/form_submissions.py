"""One-time form keys: each form a page renders carries a random key, and the first POST with it
is recorded here, so that the same form sent again (a browser's retry after a lost response) does
not act twice. See ``grants.form_keys``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from grants.extensions import Model
from grants.models.types import UTCDateTime, utcnow

KEY_LENGTH = 64
LOCATION_LENGTH = 2000


class FormSubmission(Model):
    """A form key that has been used, stored in the same transaction as the change its form made.

    ``status`` and ``location`` (a redirect's target) are the first response's, written just after
    the view's own commit: both are empty when the worker stopped in between.
    """

    __tablename__ = "form_submissions"

    # The primary key's unique index is what makes a second use of a key fail, even at the same moment.
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    # Empty for a visitor who was not signed in (a sign-in or registration form).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    endpoint: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    status: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str | None] = mapped_column(String(LOCATION_LENGTH))
