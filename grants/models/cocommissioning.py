"""Regional co-commissioning: the South West force areas with the figures a cost split uses, and saved
scenarios of who joins a service and how its cost is shared.

An area's ``figures`` are JSON, ``{key: {"value": int, "source": str, "year": str, "assumption": bool,
"set_by": str}}``. A scenario is never changed once saved: a revision is a new row, the next version
of the same family (``family_id`` is the id of version 1), and each row keeps a snapshot of the
partners' figures as they were, so an old version works out as it did. Money is whole pence.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import Model
from grants.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from grants.models.accounts import User

PERCENT = Numeric(7, 3)
PENCE = BigInteger


class CommissioningArea(Model):
    """A South West police force area and its PCC, as a possible partner in co-commissioning."""

    __tablename__ = "commissioning_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    pcc_name: Mapped[str] = mapped_column(String(200))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    updated_by: Mapped[User | None] = relationship()

    def figure_value(self, key: str) -> int:
        return int(self.figures.get(key, {}).get("value", 0))


class CoCommissioningScenario(Model):
    """One version of a saved co-commissioning option."""

    __tablename__ = "cocommissioning_scenarios"
    __table_args__ = (UniqueConstraint("family_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int | None] = mapped_column(Integer, index=True)  # set to version 1's id once it has one
    version: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(200))
    service: Mapped[str] = mapped_column(String(40))
    caseload_kind: Mapped[str] = mapped_column(String(40))  # arrest_tests, prison_releases or probation_orders
    partner_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    joint: Mapped[bool] = mapped_column(Boolean, default=True)
    years: Mapped[int] = mapped_column(Integer)
    setup_pence: Mapped[int] = mapped_column(PENCE)
    fixed_annual_pence: Mapped[int] = mapped_column(PENCE)  # for one partner running the service alone
    cost_per_client_pence: Mapped[int] = mapped_column(PENCE)
    take_up_percent: Mapped[Decimal] = mapped_column(PERCENT)
    inflation_percent: Mapped[Decimal] = mapped_column(PERCENT)
    # Economies of scale: one of the two is set (a percentage, or a curve's exponent in (0, 1]).
    scale_percent: Mapped[Decimal | None] = mapped_column(PERCENT)
    scale_exponent: Mapped[Decimal | None] = mapped_column(Numeric(7, 4))
    weights: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # basis -> percent as a string
    floor_percent: Mapped[Decimal | None] = mapped_column(PERCENT)
    floor_pence: Mapped[int | None] = mapped_column(PENCE)
    cap_percent: Mapped[Decimal | None] = mapped_column(PERCENT)
    cap_pence: Mapped[int | None] = mapped_column(PENCE)
    phase_in_years: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    # The partners' areas as they were when this version was saved: code -> {code, name, figures}.
    reference_snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    based_on_id: Mapped[int | None] = mapped_column(
        ForeignKey("cocommissioning_scenarios.id", ondelete="SET NULL"))
    is_latest: Mapped[bool] = mapped_column(Boolean, default=True)
    preferred: Mapped[bool] = mapped_column(Boolean, default=False)
    preferred_note: Mapped[str] = mapped_column(Text, default="")
    preferred_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    preferred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    preferred_by: Mapped[User | None] = relationship(foreign_keys=[preferred_by_id])
    based_on: Mapped[CoCommissioningScenario | None] = relationship(remote_side=[id])

    @property
    def label(self) -> str:
        return f"{self.name} (version {self.version})"
