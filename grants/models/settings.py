"""Office settings an administrator changes without a developer: the figures and names the service
quotes in law-bound documents (the subsidy limits and their sources, the decision maker on a decision
notice, the decision numbering). One row a setting; a setting with no row has its shipped default
(``grants.interfaces.admin.settings.DEFAULTS``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import Model
from grants.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from grants.models.accounts import User


class OfficeSetting(Model):
    __tablename__ = "office_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    # Kept as text as typed (money as "315000.00"): the service parses it by the setting's kind.
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship()
