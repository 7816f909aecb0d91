"""Awards: the grant offered on a successful application, its payments, monitoring returns,
variations and closure.

Money is Numeric(12, 2) and Decimal. Instalments of an award add up to its amount to the penny;
the awards of a round never add up to more than its budget, and an award's paid instalments
never to more than the award (checked in the transaction, with row locks on PostgreSQL).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import Model, db
from grants.models.subsidy import SubsidyBasis
from grants.models.types import UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from grants.models.accounts import User
    from grants.models.applications import Application
    from grants.models.organisations import Organisation
    from grants.models.reference import PlanCommitment
    from grants.models.round_forms import RoundForm
    from grants.models.rounds import FundingRound


class AwardStatus(StrEnum):
    OFFERED = "offered"  # waiting for the grantee to accept, until the offer deadline
    ACCEPTED = "accepted"  # the grant is running
    LAPSED = "lapsed"  # not accepted by the deadline (an officer can extend it)
    WITHDRAWN = "withdrawn"  # the offer was withdrawn before acceptance
    CLOSED = "closed"  # final return accepted, underspend and any repayment recorded

    @property
    def label(self) -> str:
        return self.value.capitalize()


# Awards that hold money from the round's budget.
COMMITTING = frozenset({AwardStatus.OFFERED, AwardStatus.ACCEPTED, AwardStatus.CLOSED})


class MonitoringFrequency(StrEnum):
    QUARTERLY = "quarterly"
    MIDPOINT_AND_END = "midpoint_and_end"

    @property
    def label(self) -> str:
        return {"quarterly": "Quarterly", "midpoint_and_end": "At the mid-point and at the end"}[self.value]


award_commitments = Table(
    "award_commitments",
    db.metadata,
    Column("award_id", ForeignKey("awards.id", ondelete="CASCADE"), primary_key=True),
    Column("commitment_id", ForeignKey("plan_commitments.id", ondelete="CASCADE"), primary_key=True),
)


class Award(Model):
    __tablename__ = "awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="RESTRICT"), unique=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("funding_rounds.id", ondelete="RESTRICT"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    status: Mapped[AwardStatus] = mapped_column(enum_type(AwardStatus, "award_status", 20), default=AwardStatus.OFFERED)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    # Why the amount differs from the amount asked for; required when it does.
    amount_reason: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[date] = mapped_column(Date, index=True)  # the portfolio's financial years
    end_date: Mapped[date] = mapped_column(Date)
    # Standard conditions are the keys of grants.award_conditions.STANDARD_CONDITIONS.
    standard_conditions: Mapped[list[str]] = mapped_column(JSON, default=list)
    special_conditions: Mapped[str] = mapped_column(Text, default="")
    monitoring_frequency: Mapped[MonitoringFrequency] = mapped_column(
        enum_type(MonitoringFrequency, "monitoring_frequency", 20)
    )
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)  # award lists, newest first
    offer_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The named, dated declaration: who accepted for the organisation and their position.
    accepted_name: Mapped[str | None] = mapped_column(String(200))
    accepted_position: Mapped[str | None] = mapped_column(String(200))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Subsidy control: whether the award is given as minimal financial assistance (decided when the
    # offer is made), the section 37 statement the offer letter gave, and when the grantee confirmed
    # it on accepting (with the duty to keep the declaration).
    subsidy_basis: Mapped[SubsidyBasis | None] = mapped_column(enum_type(SubsidyBasis, "subsidy_basis", 20))
    mfa_statement: Mapped[str | None] = mapped_column(Text)
    mfa_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Money the grantee did not spend, recorded at closure.
    underspend: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    application: Mapped[Application] = relationship()
    funding_round: Mapped[FundingRound] = relationship()
    organisation: Mapped[Organisation] = relationship()
    officer: Mapped[User | None] = relationship(foreign_keys=[officer_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    instalments: Mapped[list[Instalment]] = relationship(
        back_populates="award", cascade="all, delete-orphan", order_by="Instalment.number"
    )
    returns: Mapped[list[MonitoringReturn]] = relationship(
        back_populates="award", cascade="all, delete-orphan", order_by="MonitoringReturn.due_date"
    )
    variations: Mapped[list[Variation]] = relationship(
        back_populates="award", cascade="all, delete-orphan", order_by="Variation.requested_at"
    )
    repayments: Mapped[list[Repayment]] = relationship(
        back_populates="award", cascade="all, delete-orphan", order_by="Repayment.created_at"
    )
    commitments: Mapped[list[PlanCommitment]] = relationship(
        secondary=award_commitments, order_by="PlanCommitment.position"
    )

    def __repr__(self) -> str:
        return f"<Award {self.id} {self.amount}>"


class InstalmentTrigger(StrEnum):
    ON_ACCEPTANCE = "on_acceptance"  # due when the offer is accepted
    ON_DATE = "on_date"  # due on its due date
    AFTER_RETURN = "after_return"  # due once a monitoring return is accepted as satisfactory

    @property
    def label(self) -> str:
        return {
            "on_acceptance": "On acceptance of the offer",
            "on_date": "On its due date",
            "after_return": "After a satisfactory monitoring return",
        }[self.value]


class InstalmentStatus(StrEnum):
    SCHEDULED = "scheduled"
    DUE = "due"
    APPROVED = "approved"  # by finance
    PAID = "paid"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class PaymentRunStatus(StrEnum):
    PREPARED = "prepared"  # its bank file and journal made, waiting to be sent and marked paid
    PAID = "paid"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class PaymentRun(Model):
    """Approved instalments gathered by finance into one bank bulk-payment file and one journal, then
    marked paid together, all or nothing."""

    __tablename__ = "payment_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The payment reference of every payment in the run, like "RUN-2026-0007" (fits Bacs's 18 characters).
    reference: Mapped[str] = mapped_column(String(18), unique=True)
    status: Mapped[PaymentRunStatus] = mapped_column(
        enum_type(PaymentRunStatus, "payment_run_status", 20), default=PaymentRunStatus.PREPARED
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    paid_on: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # marked paid or cancelled
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    instalments: Mapped[list[Instalment]] = relationship(back_populates="payment_run", order_by="Instalment.id")


class Instalment(Model):
    __tablename__ = "instalments"
    __table_args__ = (UniqueConstraint("award_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    due_date: Mapped[date] = mapped_column(Date)
    trigger: Mapped[InstalmentTrigger] = mapped_column(enum_type(InstalmentTrigger, "instalment_trigger", 20))
    status: Mapped[InstalmentStatus] = mapped_column(
        enum_type(InstalmentStatus, "instalment_status", 20), default=InstalmentStatus.SCHEDULED
    )
    # Held while a monitoring return is overdue or unsatisfactory: not approved or paid until released.
    held: Mapped[bool] = mapped_column(Boolean, default=False)
    hold_reason: Mapped[str | None] = mapped_column(Text)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # A second finance officer's approval, needed when the organisation's bank details changed recently.
    second_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # No ON DELETE: added to an existing table, where SQLite's reflection would lose it (see 0018).
    second_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    paid_on: Mapped[date | None] = mapped_column(Date)
    payment_reference: Mapped[str | None] = mapped_column(String(60))
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The payment run it is in (prepared or paid); None when it was paid on its own or is in none.
    # No ON DELETE: added to an existing table, where SQLite's reflection would lose it (see 0018).
    payment_run_id: Mapped[int | None] = mapped_column(ForeignKey("payment_runs.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    award: Mapped[Award] = relationship(back_populates="instalments")
    payment_run: Mapped[PaymentRun | None] = relationship(back_populates="instalments")
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    second_approved_by: Mapped[User | None] = relationship(foreign_keys=[second_approved_by_id])
    paid_by: Mapped[User | None] = relationship(foreign_keys=[paid_by_id])


class ReturnStatus(StrEnum):
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    MORE_INFORMATION = "more_information"  # the officer asked for more; the grantee can edit again
    ACCEPTED = "accepted"

    @property
    def label(self) -> str:
        return {
            "not_started": "Not started",
            "draft": "In progress",
            "submitted": "Submitted",
            "more_information": "More information needed",
            "accepted": "Accepted",
        }[self.value]


class Rating(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    @property
    def label(self) -> str:
        return self.value.capitalize()


_OWED_RETURNS = text("status NOT IN ('submitted', 'accepted')")


class MonitoringReturn(Model):
    """A report the grantee owes on a date: answers kept as typed, like an application's sections."""

    __tablename__ = "monitoring_returns"
    __table_args__ = (
        UniqueConstraint("award_id", "number"),
        # The returns still owed, by due date: the overdue lists read these and never the reported ones.
        Index("ix_monitoring_returns_owed_due_date", "due_date", postgresql_where=_OWED_RETURNS,
              sqlite_where=_OWED_RETURNS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[ReturnStatus] = mapped_column(
        enum_type(ReturnStatus, "return_status", 20), default=ReturnStatus.NOT_STARTED
    )
    # {"activities": …, "people": …, "spend": …, "outcomes": …, "stories": …, "problems": …}
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rating: Mapped[Rating | None] = mapped_column(enum_type(Rating, "return_rating", 10))
    review_comments: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    last_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The version of the round's monitoring form the return answers, pinned when the grantee first saves
    # an answer; None until then (the return asks the round's current monitoring form).
    form_id: Mapped[int | None] = mapped_column(ForeignKey("round_forms.id"))

    __mapper_args__ = {"version_id_col": version}

    award: Mapped[Award] = relationship(back_populates="returns")
    form: Mapped[RoundForm | None] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])


class ReturnDocument(Model):
    """A file uploaded in answer to a monitoring return's file question, stored outside the web root under
    a random name, as an application's documents are. The return's answers name it ("file:<question id>");
    one document a question: a new upload replaces the old."""

    __tablename__ = "return_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("monitoring_returns.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(100))
    original_filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    # The database removes a return's documents with it (their files are then orphans, as an
    # application's are when its row goes).
    monitoring_return: Mapped[MonitoringReturn] = relationship()
    uploaded_by: Mapped[User | None] = relationship()


class VariationKind(StrEnum):
    AMOUNT = "amount"
    DATES = "dates"
    ACTIVITIES = "activities"

    @property
    def label(self) -> str:
        return {"amount": "Change of amount", "dates": "Change of dates", "activities": "Change of activities"}[
            self.value
        ]


class VariationStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Variation(Model):
    """A change to an award asked for by the grantee or an officer, decided by an officer. The
    award's values before and the proposed values are kept."""

    __tablename__ = "variations"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    kind: Mapped[VariationKind] = mapped_column(enum_type(VariationKind, "variation_kind", 20))
    status: Mapped[VariationStatus] = mapped_column(
        enum_type(VariationStatus, "variation_status", 20), default=VariationStatus.REQUESTED
    )
    # {"amount": "5000.00"} / {"start_date": "2027-01-01", "end_date": …} / {"activities": "…"}
    proposed: Mapped[dict[str, Any]] = mapped_column(JSON)
    before: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_by_grantee: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)

    award: Mapped[Award] = relationship(back_populates="variations")
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class RepaymentStatus(StrEnum):
    DUE = "due"
    RECEIVED = "received"
    WAIVED = "waived"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Repayment(Model):
    """Money the grantee must pay back (clawback), for example an underspend at closure."""

    __tablename__ = "repayments"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    reason: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[RepaymentStatus] = mapped_column(
        enum_type(RepaymentStatus, "repayment_status", 20), default=RepaymentStatus.DUE
    )
    received_on: Mapped[date | None] = mapped_column(Date)
    received_reference: Mapped[str | None] = mapped_column(String(60))
    # When the grantee was last reminded of it (the daily jobs remind before it is due and while overdue).
    last_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    award: Mapped[Award] = relationship(back_populates="repayments")
