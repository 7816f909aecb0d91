"""The Police and Crime Commissioner's decision notices: the published record of a round's funding
decision, drafted by the service when the commissioner approves it, edited, then signed. A signed
notice is fixed (its fields are never changed again) and appears on the public Decisions page."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import Model
from grants.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from grants.models.accounts import User
    from grants.models.panel import FundingDecision
    from grants.models.rounds import FundingRound


class DecisionNotice(Model):
    __tablename__ = "decision_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("funding_rounds.id", ondelete="CASCADE"), unique=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("funding_decisions.id", ondelete="CASCADE"), unique=True)
    # As the office numbers its decisions, for example "PCC/D/2027/004"; given when drafted.
    number: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    decision_maker_name: Mapped[str] = mapped_column(String(200))
    decision_maker_office: Mapped[str] = mapped_column(String(300))
    decision_date: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(Text)
    reasons: Mapped[str] = mapped_column(Text)
    financial_implications: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text)
    conflicts_of_interest: Mapped[str] = mapped_column(Text)
    # The grants decided, as they stood when drafted: [{"reference", "recipient", "amount", "purpose"}].
    grants: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    funding_round: Mapped[FundingRound] = relationship()
    funding_decision: Mapped[FundingDecision] = relationship()
    signed_by: Mapped[User | None] = relationship()
