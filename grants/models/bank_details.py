"""Organisations' bank details, kept encrypted (``grants.interfaces.bank_details.vault``) with keys that are
not ``SECRET_KEY``. A change is the classic mandate fraud, so details take effect only once a finance
officer other than whoever entered them has verified them by calling a contact the office already knew.
Earlier details are kept, replaced, for the audit trail."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import Model
from grants.models.types import UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from grants.models.accounts import User
    from grants.models.organisations import Organisation


class BankDetailsStatus(StrEnum):
    PENDING = "pending"  # entered, waiting for a finance officer to verify them
    VERIFIED = "verified"  # in effect: payments go here
    REJECTED = "rejected"  # the call-back did not confirm them
    REPLACED = "replaced"  # verified once, then replaced by newer verified details

    @property
    def label(self) -> str:
        return {"pending": "Waiting for verification", "verified": "Verified", "rejected": "Rejected",
                "replaced": "Replaced"}[self.value]


class BankDetails(Model):
    __tablename__ = "bank_details"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    # Each value encrypted (a Fernet token); never stored or logged in the clear.
    account_name: Mapped[str] = mapped_column(Text)
    sort_code: Mapped[str] = mapped_column(Text)
    account_number: Mapped[str] = mapped_column(Text)
    roll_number: Mapped[str | None] = mapped_column(Text)
    status: Mapped[BankDetailsStatus] = mapped_column(
        enum_type(BankDetailsStatus, "bank_details_status", 20), default=BankDetailsStatus.PENDING
    )
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The verification (or rejection): who called whom on which number, and what was confirmed.
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    callback_contact: Mapped[str | None] = mapped_column(String(200))
    callback_phone: Mapped[str | None] = mapped_column(String(40))
    callback_note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    organisation: Mapped[Organisation] = relationship()
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
