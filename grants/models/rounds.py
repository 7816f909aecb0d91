"""Funding rounds of the Commissioners Grant scheme."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, Numeric, String, Table, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import Model, db
from grants.models.claims import PaymentBasis
from grants.models.organisations import LegalType
from grants.models.types import UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from grants.models.applications import Application
    from grants.models.reference import AdderStrand, DrugsOutcome, LocalAuthority, PlanApproach
    from grants.models.rubrics import Rubric


class RoundState(StrEnum):
    DRAFT = "draft"  # being written; not shown to the public
    SCHEDULED = "scheduled"  # published, not yet open
    OPEN = "open"
    CLOSED = "closed"  # past its closing time, under assessment
    DECIDED = "decided"  # the commissioner has approved the funding decisions

    @property
    def label(self) -> str:
        return self.value.capitalize()


class VatDisplay(StrEnum):
    """Whether a round's budget lines record VAT and, if so, which figure its pages lead with: the
    amount including VAT (the cash the grant pays) or without it, the other shown beside."""

    NOT_ASKED = "not_asked"
    INCLUDING = "including"
    EXCLUDING = "excluding"

    @property
    def label(self) -> str:
        return {"not_asked": "VAT is not recorded",
                "including": "Amounts shown including VAT, with the amount without VAT beside",
                "excluding": "Amounts shown without VAT, with the amount including VAT beside"}[self.value]

    @property
    def asked(self) -> bool:
        return self is not VatDisplay.NOT_ASKED


round_local_authorities = Table(
    "round_local_authorities",
    db.metadata,
    Column("round_id", ForeignKey("funding_rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("local_authority_id", ForeignKey("local_authorities.id", ondelete="CASCADE"), primary_key=True),
)
round_approaches = Table(
    "round_approaches",
    db.metadata,
    Column("round_id", ForeignKey("funding_rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("approach_id", ForeignKey("plan_approaches.id", ondelete="CASCADE"), primary_key=True),
)
round_adder_strands = Table(
    "round_adder_strands",
    db.metadata,
    Column("round_id", ForeignKey("funding_rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("adder_strand_id", ForeignKey("adder_strands.id", ondelete="CASCADE"), primary_key=True),
)
round_outcomes = Table(
    "round_outcomes",
    db.metadata,
    Column("round_id", ForeignKey("funding_rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("outcome_id", ForeignKey("drugs_outcomes.id", ondelete="CASCADE"), primary_key=True),
)


class RoundLegalType(Model):
    """An organisation type that may apply to a round."""

    __tablename__ = "round_legal_types"

    round_id: Mapped[int] = mapped_column(ForeignKey("funding_rounds.id", ondelete="CASCADE"), primary_key=True)
    legal_type: Mapped[LegalType] = mapped_column(enum_type(LegalType, "legal_type", 40), primary_key=True)


class FundingRound(Model):
    __tablename__ = "funding_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Markdown, rendered without raw HTML.
    description: Mapped[str] = mapped_column(Text, default="")
    guidance: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    total_budget: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    min_award: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    max_award: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    max_project_months: Mapped[int] = mapped_column(Integer)
    # Organisations with a higher annual income cannot apply; no limit when empty.
    max_annual_income: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    # The rubric the panel will score with (chosen by the officer; frozen once scoring starts).
    rubric_id: Mapped[int | None] = mapped_column(ForeignKey("rubrics.id", ondelete="RESTRICT"), index=True)
    # Panel settings: how many members score each bid, how their totals are combined, and
    # whether each member's totals are normalised first (see scoring.calibration).
    scorers_per_bid: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    score_aggregation: Mapped[str] = mapped_column(String(10), default="mean", server_default="mean")
    normalise_scores: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A two-stage round: expressions of interest (its expression-of-interest form) are taken from
    # opens_at until eoi_closes_at; officers shortlist them, and only shortlisted organisations are
    # invited to the full application, which closes at closes_at. None: one stage, full bids only.
    eoi_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Whether the panel scores expressions of interest as well as full bids (which it always scores).
    panel_scores_eoi: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # When the panel's score sheets are due (issue 23): members with bids left to score are reminded
    # before it and on it, officers see who is late, and the recommendation waits for it unless every
    # sheet is in or an officer overrides with a reason. None: no deadline.
    scoring_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The due-diligence checklist officers work through before a bid goes to the panel:
    # [{"id", "label", "hint", "required"}], configured per round (new rounds start from the shipped
    # default, grants/data/due_diligence.json). Empty: the round has no checklist.
    due_diligence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")
    # How its grants are paid: on a schedule of instalments, or on claims of spend with evidence; a
    # claim's line may exceed the line's budget by at most this percentage (the award never).
    payment_basis: Mapped[PaymentBasis] = mapped_column(enum_type(PaymentBasis, "payment_basis", 20),
                                                        default=PaymentBasis.SCHEDULE, server_default="schedule")
    claim_tolerance_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("10.00"),
                                                             server_default="10.00")
    # Whether budget lines record the VAT in each amount and whether it is recoverable, and which figure
    # the round's pages lead with (grants.interfaces.awards.vat).
    vat_display: Mapped[VatDisplay] = mapped_column(enum_type(VatDisplay, "vat_display", 20),
                                                    default=VatDisplay.NOT_ASKED, server_default="not_asked")
    # Where finance books the round's grants: the journal of a payment run carries them on each line.
    cost_centre: Mapped[str | None] = mapped_column(String(20))
    account_code: Mapped[str | None] = mapped_column(String(20))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic locking: an edit based on an older version fails instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    legal_type_rows: Mapped[list[RoundLegalType]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=RoundLegalType.legal_type
    )
    local_authorities: Mapped[list[LocalAuthority]] = relationship(
        secondary=round_local_authorities, lazy="selectin", order_by="LocalAuthority.position"
    )
    approaches: Mapped[list[PlanApproach]] = relationship(
        secondary=round_approaches, lazy="selectin", order_by="PlanApproach.position"
    )
    adder_strands: Mapped[list[AdderStrand]] = relationship(
        secondary=round_adder_strands, lazy="selectin", order_by="AdderStrand.position"
    )
    outcomes: Mapped[list[DrugsOutcome]] = relationship(
        secondary=round_outcomes, lazy="selectin", order_by="DrugsOutcome.position"
    )
    applications: Mapped[list[Application]] = relationship(back_populates="funding_round")
    rubric: Mapped[Rubric | None] = relationship(back_populates="rounds", lazy="joined")

    def __repr__(self) -> str:
        return f"<FundingRound {self.id} {self.name}>"

    @property
    def legal_types(self) -> list[LegalType]:
        return [row.legal_type for row in self.legal_type_rows]

    @legal_types.setter
    def legal_types(self, types) -> None:
        wanted = set(types)
        keep = [row for row in self.legal_type_rows if row.legal_type in wanted]
        have = {row.legal_type for row in keep}
        self.legal_type_rows = keep + [RoundLegalType(legal_type=t) for t in LegalType if t in wanted - have]

    def state(self, now: datetime | None = None) -> RoundState:
        now = now or utcnow()
        if self.published_at is None:
            return RoundState.DRAFT
        if self.decided_at is not None:
            return RoundState.DECIDED
        if now < self.opens_at:
            return RoundState.SCHEDULED
        if now < self.closes_at:
            return RoundState.OPEN
        return RoundState.CLOSED

    @property
    def has_eoi_stage(self) -> bool:
        return self.eoi_closes_at is not None

    def is_open(self, now: datetime | None = None) -> bool:
        return self.state(now) is RoundState.OPEN

    def rules_frozen(self, now: datetime | None = None) -> bool:
        """Budget and rules freeze once a published round opens."""
        return self.published_at is not None and (now or utcnow()) >= self.opens_at
