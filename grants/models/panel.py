"""The assessment panel: who scores a round, their conflicts, their score sheets, moderation,
the funding recommendation and the commissioner's decision.

Submitted score sheets are never changed (moderation is recorded beside them); recommendations
are kept as they were shown, so a decision always refers to the figures the commissioner saw.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import Model
from grants.models.types import UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from grants.models.accounts import User
    from grants.models.applications import Application
    from grants.models.rounds import FundingRound
    from grants.models.rubrics import Rubric


class PanelMember(Model):
    """A panel member appointed by an officer to score a round.

    ``assigned`` and ``submitted`` are the member's bids assigned and score sheets submitted in the
    round, recorded when the round is decided (None until then): a decided round's assignments and
    sheets no longer change, so the member's queue reads them instead of counting.
    """

    __tablename__ = "panel_members"

    round_id: Mapped[int] = mapped_column(ForeignKey("funding_rounds.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assigned: Mapped[int | None] = mapped_column(Integer)
    submitted: Mapped[int | None] = mapped_column(Integer)

    funding_round: Mapped[FundingRound] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")


class ConflictDeclaration(Model):
    """A member's declaration for one application: no conflict, or a conflict with a reason.

    Kept for the record. A member may turn "no conflict" into a conflict until they submit their
    score; a declared conflict is never withdrawn.
    """

    __tablename__ = "conflict_declarations"
    __table_args__ = (UniqueConstraint("application_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    conflicted: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship()
    user: Mapped[User] = relationship()


class ScoringAssignment(Model):
    """A member asked to score an application, by the assignment run or by an officer's hand."""

    __tablename__ = "scoring_assignments"

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True, index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("funding_rounds.id", ondelete="CASCADE"), index=True)
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    application: Mapped[Application] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class SheetStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ScoreSheet(Model):
    """One member's scores and comments for one application against the round's rubric.

    ``values`` maps criterion key to a whole score (or None while a draft leaves it blank);
    ``comments`` maps criterion key to text. Once submitted the row is never updated.
    """

    __tablename__ = "score_sheets"
    __table_args__ = (UniqueConstraint("application_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("funding_rounds.id", ondelete="CASCADE"), index=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubrics.id", ondelete="RESTRICT"))
    status: Mapped[SheetStatus] = mapped_column(enum_type(SheetStatus, "sheet_status", 20), default=SheetStatus.DRAFT)
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    comments: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    application: Mapped[Application] = relationship()
    user: Mapped[User] = relationship()
    rubric: Mapped[Rubric] = relationship()

    @property
    def submitted(self) -> bool:
        return self.status is SheetStatus.SUBMITTED


class ModeratedScore(Model):
    """An officer's moderated panel score for an application, with the reason. Append-only: the
    newest row counts, earlier rows and every member's raw scores stay as they were."""

    __tablename__ = "moderated_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    # On the rubric's scale, like the panel score it replaces.
    score: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    reason: Mapped[str] = mapped_column(Text)
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship()
    moderated_by: Mapped[User | None] = relationship()


class FundingRecommendationRecord(Model):
    """A funding recommendation as it was run and shown: the rules chosen and the result.

    ``rules`` and ``result`` are JSON snapshots (money in pence, scores as strings), so a later
    change of scores or settings never changes a recommendation already made.
    """

    __tablename__ = "funding_recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("funding_rounds.id", ondelete="CASCADE"), index=True)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A random name for this snapshot, never reused (an id can be, on SQLite, after a delete): a worker
    # keeps the result as read under it (grants.interfaces.panel.shown_recommendation). Nullable only
    # so that adding it did not copy the table on SQLite; the app always writes it.
    snapshot_key: Mapped[str | None] = mapped_column(String(32), default=lambda: uuid4().hex)

    funding_round: Mapped[FundingRound] = relationship()
    created_by: Mapped[User | None] = relationship()


class FundingDecision(Model):
    """The commissioner's approval of a round's funding: which applications are funded, and why
    any differ from the recommendation. One per round."""

    __tablename__ = "funding_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("funding_rounds.id", ondelete="CASCADE"), unique=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("funding_recommendations.id", ondelete="RESTRICT"))
    # Application ids funded.
    funded: Mapped[list[int]] = mapped_column(JSON)
    changed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Required when the funded set differs from the recommendation.
    reason: Mapped[str | None] = mapped_column(Text)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    funding_round: Mapped[FundingRound] = relationship()
    recommendation: Mapped[FundingRecommendationRecord] = relationship()
    approved_by: Mapped[User | None] = relationship()


class PanelReminder(Model):
    """A scoring-deadline reminder sent to a member ("before" the deadline or "on" it): the daily job
    sends each at most once however often it runs (the unique key makes a second send fail)."""

    __tablename__ = "panel_reminders"
    __table_args__ = (UniqueConstraint("round_id", "user_id", "kind", "deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("funding_rounds.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "before" or "on"
    # The deadline it was about: moving the deadline makes new reminders due.
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    unscored: Mapped[int] = mapped_column(Integer)  # how many bids it said were left
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
