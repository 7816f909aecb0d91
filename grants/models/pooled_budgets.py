"""Pooled-budget agreements with local authorities for drug and alcohol treatment and recovery.

Years are financial years, stored as the calendar year they start in (2026 means 2026-27);
months are numbered 1 (April) to 12 (March). Money is Numeric(14, 2) and Decimal.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import Model
from grants.models.types import UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from grants.models.accounts import User
    from grants.models.reference import LocalAuthority

MONEY = Numeric(14, 2)


class PartnerKind(StrEnum):
    OPCC = "opcc"
    LOCAL_AUTHORITY = "local_authority"
    OTHER = "other"  # an NHS body, another PCC, … added by an administrator

    @property
    def label(self) -> str:
        return {"opcc": "Office of the Police and Crime Commissioner", "local_authority": "Local authority",
                "other": "Other partner"}[self.value]


class Partner(Model):
    """An organisation that can contribute to a pooled budget."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[PartnerKind] = mapped_column(enum_type(PartnerKind, "partner_kind", 20))
    local_authority_id: Mapped[int | None] = mapped_column(
        ForeignKey("local_authorities.id", ondelete="SET NULL"), unique=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    local_authority: Mapped[LocalAuthority | None] = relationship()


class AgreementStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ENDED = "ended"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class RiskShareRule(StrEnum):
    PRO_RATA = "pro_rata"  # in proportion to each partner's contribution for the year (the default)
    FIXED = "fixed"  # fixed percentages agreed in advance
    HOST = "host"  # the host partner bears all of it

    @property
    def label(self) -> str:
        return {"pro_rata": "Pro rata to contributions", "fixed": "Fixed percentages",
                "host": "The host partner bears it all"}[self.value]


class Agreement(Model):
    __tablename__ = "agreements"
    __table_args__ = (CheckConstraint("end_year >= start_year", name="years_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    # Free text with common choices offered (s.9 Police Reform and Social Responsibility Act 2011 grant,
    # s.75 NHS Act 2006 arrangement, collaboration agreement).
    legal_basis: Mapped[str] = mapped_column(Text)
    host_partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    fund_manager: Mapped[str] = mapped_column(String(200))  # the pooled-fund manager (a post, not a login)
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int] = mapped_column(Integer)
    status: Mapped[AgreementStatus] = mapped_column(
        enum_type(AgreementStatus, "agreement_status", 20), default=AgreementStatus.DRAFT
    )
    review_dates: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO dates
    risk_share_rule: Mapped[RiskShareRule] = mapped_column(
        enum_type(RiskShareRule, "risk_share_rule", 20), default=RiskShareRule.PRO_RATA
    )
    # A line whose forecast outturn is over its budget by more than this percentage is flagged.
    tolerance_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("5.00"))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    host_partner: Mapped[Partner] = relationship()
    members: Mapped[list[AgreementPartner]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="AgreementPartner.position"
    )
    lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="BudgetLine.position"
    )
    contributions: Mapped[list[Contribution]] = relationship(back_populates="agreement", cascade="all, delete-orphan")
    year_ends: Mapped[list[YearEnd]] = relationship(back_populates="agreement", cascade="all, delete-orphan",
                                                    order_by="YearEnd.year")
    created_by: Mapped[User | None] = relationship()

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


class AgreementPartner(Model):
    """A partner in an agreement, with its fixed risk-share percentage and cap, if any."""

    __tablename__ = "agreement_partners"
    __table_args__ = (UniqueConstraint("agreement_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    risk_share_percent: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))  # for RiskShareRule.FIXED
    risk_cap: Mapped[Decimal | None] = mapped_column(MONEY)  # most this partner bears of a year's variance

    agreement: Mapped[Agreement] = relationship(back_populates="members")
    partner: Mapped[Partner] = relationship()


class BudgetLine(Model):
    """A service the pool funds, such as community treatment or recovery support."""

    __tablename__ = "budget_lines"
    __table_args__ = (UniqueConstraint("agreement_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)

    agreement: Mapped[Agreement] = relationship(back_populates="lines")
    budgets: Mapped[list[LineBudget]] = relationship(back_populates="line", cascade="all, delete-orphan")
    figures: Mapped[list[MonthlyFigure]] = relationship(back_populates="line", cascade="all, delete-orphan")


class ContributionBasis(StrEnum):
    FIXED = "fixed"  # an amount
    SHARE = "share"  # a percentage of the year's total pool

    @property
    def label(self) -> str:
        return {"fixed": "A fixed amount", "share": "A share of the total"}[self.value]


class InstalmentProfile(StrEnum):
    ANNUAL = "annual"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"

    @property
    def label(self) -> str:
        return {"annual": "One payment", "quarterly": "Four equal quarterly payments",
                "monthly": "Twelve equal monthly payments"}[self.value]


class Contribution(Model):
    """What a partner puts into the pool in a financial year."""

    __tablename__ = "contributions"
    __table_args__ = (UniqueConstraint("agreement_id", "partner_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    basis: Mapped[ContributionBasis] = mapped_column(enum_type(ContributionBasis, "contribution_basis", 10))
    amount: Mapped[Decimal | None] = mapped_column(MONEY)  # for FIXED
    share_percent: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))  # for SHARE
    profile: Mapped[InstalmentProfile] = mapped_column(
        enum_type(InstalmentProfile, "contribution_profile", 10), default=InstalmentProfile.QUARTERLY
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    agreement: Mapped[Agreement] = relationship(back_populates="contributions")
    partner: Mapped[Partner] = relationship()


class LineBudget(Model):
    """A budget line's budget for a financial year."""

    __tablename__ = "line_budgets"
    __table_args__ = (UniqueConstraint("line_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("budget_lines.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    line: Mapped[BudgetLine] = relationship(back_populates="budgets")


class MonthlyFigure(Model):
    """A line's actual spend in a month (once known) and the forecast for the month."""

    __tablename__ = "monthly_figures"
    __table_args__ = (
        UniqueConstraint("line_id", "year", "month"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month_of_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("budget_lines.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)  # 1 = April … 12 = March
    actual: Mapped[Decimal | None] = mapped_column(MONEY)
    forecast: Mapped[Decimal | None] = mapped_column(MONEY)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    line: Mapped[BudgetLine] = relationship(back_populates="figures")


class YearEnd(Model):
    """A financial year closed: its outturn, the variance shared under the risk-share rule, and any
    underspend agreed to carry forward into the next year."""

    __tablename__ = "year_ends"
    __table_args__ = (UniqueConstraint("agreement_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    budget: Mapped[Decimal] = mapped_column(MONEY)
    outturn: Mapped[Decimal] = mapped_column(MONEY)
    # Partner id (as text) -> their share of the variance (positive: overspend they bear).
    variance_shares: Mapped[dict[str, str]] = mapped_column(JSON)
    carry_forward: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    agreement: Mapped[Agreement] = relationship(back_populates="year_ends")


def month_start(year: int, month: int) -> date:
    """The first day of month ``month`` (1 = April) of the financial year starting in ``year``."""
    calendar_month = (month + 2) % 12 + 1
    return date(year if month <= 9 else year + 1, calendar_month, 1)
