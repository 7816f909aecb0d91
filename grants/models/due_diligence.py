"""Due diligence: each round's checklist (the items are data on the round, ``FundingRound.due_diligence``),
an officer's finding on each item for an application, and the registers' own published data that the
register checks read (the Charity Commission's register extract and Companies House's basic company
data), imported by an administrator so that no network call is made at check time."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import Model
from grants.models.types import UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from grants.models.accounts import User
    from grants.models.applications import Application


class CheckOutcome(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_NEEDED = "not_needed"

    @property
    def label(self) -> str:
        return {"met": "Met", "not_met": "Not met", "not_needed": "Not needed"}[self.value]


class DueDiligenceCheck(Model):
    """An officer's finding on one checklist item for one application: who found it and when."""

    __tablename__ = "due_diligence_checks"
    __table_args__ = (UniqueConstraint("application_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    # The id of the item in the round's checklist.
    item_id: Mapped[str] = mapped_column(String(60))
    outcome: Mapped[CheckOutcome] = mapped_column(enum_type(CheckOutcome, "check_outcome", 20))
    note: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    application: Mapped[Application] = relationship()
    checked_by: Mapped[User | None] = relationship()


class Register(StrEnum):
    CHARITY = "charity"  # the Charity Commission for England and Wales
    COMPANY = "company"  # Companies House

    @property
    def label(self) -> str:
        return {"charity": "Charity Commission register", "company": "Companies House register"}[self.value]


class RegisterExtract(Model):
    """One import of a register's published file: its date (the date the register was extracted, as
    the file gives it) and who imported it. An import replaces that register's entries."""

    __tablename__ = "register_extracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    register: Mapped[Register] = mapped_column(enum_type(Register, "register", 10), index=True)
    extract_date: Mapped[date] = mapped_column(Date)
    filename: Mapped[str] = mapped_column(String(255))
    row_count: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    imported_by: Mapped[User | None] = relationship()


class RegisterEntry(Model):
    """A charity or company as its register lists it in the latest extract."""

    __tablename__ = "register_entries"
    __table_args__ = (UniqueConstraint("register", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    register: Mapped[Register] = mapped_column(enum_type(Register, "register", 10))
    # As the register writes it (a company number keeps its leading zeros and letters).
    number: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    # The register's own words: "Registered", "Removed"; "Active", "Dissolved", "In Administration", …
    status: Mapped[str] = mapped_column(String(100))
    in_administration: Mapped[bool] = mapped_column(Boolean, default=False)
    insolvent: Mapped[bool] = mapped_column(Boolean, default=False)
    # When it was removed from the register or dissolved.
    ended_on: Mapped[date | None] = mapped_column(Date)
    extract_id: Mapped[int] = mapped_column(ForeignKey("register_extracts.id", ondelete="CASCADE"), index=True)

    extract: Mapped[RegisterExtract] = relationship()
