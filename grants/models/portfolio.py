"""The portfolio's totals, kept as rows so that the awards dashboard and the plan delivery page read a
row per round and financial year (and per code of each breakdown), never a row per award.

A *bucket* is one round's awards starting in one financial year (``year_starting``: 2026 for
2026-27). ``portfolio_buckets`` holds its money (the columns of the dashboard's ``Money``);
``portfolio_figures`` its breakdowns, a row per (measure, code): the money shared out to each area,
approach, ADDER strand and outcome, the people reached by group, and the awards serving each plan
commitment and approach. A bucket is worked out again from its awards, in SQL, in the same transaction
as any change that moves it (``grants.interfaces.awards.portfolio_totals``), so its rows are always the
sum the dashboard used to do on every view. A row in ``portfolio_to_build`` says they are still to be
built from every award (a database upgraded from before they existed, or rows written with Core
statements): the first read builds them and removes it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, ForeignKeyConstraint, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from grants.extensions import Model
from grants.models.types import UTCDateTime, utcnow

TOTAL = Numeric(14, 2)


class PortfolioBucket(Model):
    __tablename__ = "portfolio_buckets"

    round_id: Mapped[int] = mapped_column(ForeignKey("funding_rounds.id", ondelete="CASCADE"), primary_key=True)
    year_starting: Mapped[int] = mapped_column(Integer, primary_key=True)
    awards: Mapped[int] = mapped_column(Integer, default=0)
    awarded: Mapped[Decimal] = mapped_column(TOTAL, default=Decimal(0))
    offered: Mapped[Decimal] = mapped_column(TOTAL, default=Decimal(0))
    committed: Mapped[Decimal] = mapped_column(TOTAL, default=Decimal(0))
    paid: Mapped[Decimal] = mapped_column(TOTAL, default=Decimal(0))
    remaining: Mapped[Decimal] = mapped_column(TOTAL, default=Decimal(0))
    repaid: Mapped[Decimal] = mapped_column(TOTAL, default=Decimal(0))
    underspend: Mapped[Decimal] = mapped_column(TOTAL, default=Decimal(0))
    waived: Mapped[Decimal] = mapped_column(TOTAL, default=Decimal(0))
    owed: Mapped[Decimal] = mapped_column(TOTAL, default=Decimal(0))
    worked_out_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PortfolioFigure(Model):
    __tablename__ = "portfolio_figures"
    __table_args__ = (
        ForeignKeyConstraint(["round_id", "year_starting"],
                             ["portfolio_buckets.round_id", "portfolio_buckets.year_starting"], ondelete="CASCADE"),
    )

    round_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year_starting: Mapped[int] = mapped_column(Integer, primary_key=True)
    # area, approach, strand, outcome (money shared out), people (people reached, by answer field),
    # commitment and delivery (the awards serving a plan commitment, and an approach's commitments).
    measure: Mapped[str] = mapped_column(String(20), primary_key=True)
    code: Mapped[str] = mapped_column(String(100), primary_key=True)
    awards: Mapped[int] = mapped_column(Integer, default=0)
    amount: Mapped[Decimal] = mapped_column(TOTAL, default=Decimal(0))
    paid: Mapped[Decimal] = mapped_column(TOTAL, default=Decimal(0))


class PortfolioToBuild(Model):
    """One row (id 1) while the totals are still to be built from every award."""

    __tablename__ = "portfolio_to_build"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
