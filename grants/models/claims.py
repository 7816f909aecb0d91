"""Claims: in a round that pays on claim, the grantee claims what it has spent, line by line of its
budget, with evidence (receipts); an officer checks the claim and, accepted, it becomes an instalment
due that finance approves and pays as any other (with the same controls, payment runs included).

Money is Numeric(12, 2) and Decimal.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import Model
from grants.models.types import UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from grants.models.accounts import User
    from grants.models.awards import Award, Instalment


class PaymentBasis(StrEnum):
    SCHEDULE = "schedule"  # instalments on a schedule set with the offer
    CLAIMS = "claims"  # the grantee claims its spend, with evidence

    @property
    def label(self) -> str:
        return {"schedule": "On a schedule of instalments", "claims": "On claims of spend, with evidence"}[self.value]


class ClaimStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # waiting for an officer to check it
    RETURNED = "returned"  # the officer asked for changes; the grantee can edit again
    ACCEPTED = "accepted"  # checked: its instalment is due for finance to approve and pay
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {"draft": "In progress", "submitted": "Submitted", "returned": "Changes needed",
                "accepted": "Accepted", "rejected": "Rejected"}[self.value]


class Claim(Model):
    __tablename__ = "claims"
    __table_args__ = (UniqueConstraint("award_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[ClaimStatus] = mapped_column(enum_type(ClaimStatus, "claim_status", 20),
                                                default=ClaimStatus.DRAFT)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    # Spend claimed by budget line: [{"line": <the line's key in the application's budget>, "amount": "123.45"}].
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0.00"))
    description: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    check_note: Mapped[str | None] = mapped_column(Text)
    # The instalment an accepted claim became, paid through the finance queue.
    instalment_id: Mapped[int | None] = mapped_column(ForeignKey("instalments.id", ondelete="SET NULL"),
                                                      unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    award: Mapped[Award] = relationship()
    instalment: Mapped[Instalment | None] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    checked_by: Mapped[User | None] = relationship(foreign_keys=[checked_by_id])
    documents: Mapped[list[ClaimDocument]] = relationship(back_populates="claim", cascade="all, delete-orphan",
                                                          order_by="ClaimDocument.id")


class ClaimDocument(Model):
    """Evidence (a receipt, an invoice) uploaded with a claim, kept as an application's documents are."""

    __tablename__ = "claim_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    original_filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    claim: Mapped[Claim] = relationship(back_populates="documents")
    uploaded_by: Mapped[User | None] = relationship()
