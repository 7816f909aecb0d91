"""Reference data from the plan and from public statistics, loaded by ``flask reference load``.

Rows are matched on ``code`` so that loading again updates values rather than duplicating them.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import Model


class PlanApproach(Model):
    """One of the plan's four approaches: Prevention, People, Place, Partnership."""

    __tablename__ = "plan_approaches"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    pledge: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)

    commitments: Mapped[list[PlanCommitment]] = relationship(
        back_populates="approach", order_by="PlanCommitment.position", cascade="all, delete-orphan"
    )


class PlanCommitment(Model):
    """A commitment under an approach, by who delivers it (the OPCC, the Chief Constable, partners)."""

    __tablename__ = "plan_commitments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    approach_id: Mapped[int] = mapped_column(ForeignKey("plan_approaches.id", ondelete="CASCADE"), index=True)
    delivered_by: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)

    approach: Mapped[PlanApproach] = relationship(back_populates="commitments")

    @property
    def delivered_by_label(self) -> str:
        return DELIVERED_BY_LABELS.get(self.delivered_by, self.delivered_by)


DELIVERED_BY_LABELS = {
    "office": "My office will",
    "chief_constable": "I will hold the Chief Constable to account for",
    "partners": "I will work with partners to",
    "office_and_partners": "My office and I will work with partners to",
}


class AdderStrand(Model):
    """A strand of ADDER: Addiction, Diversion, Disruption, Enforcement, Recovery."""

    __tablename__ = "adder_strands"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)


class DrugsOutcome(Model):
    """An outcome of the National Combating Drugs Outcomes Framework (From harm to hope, 2022)."""

    __tablename__ = "drugs_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))  # "strategic" or "intermediate"
    position: Mapped[int] = mapped_column(Integer)


class LocalAuthority(Model):
    """A local authority area of Devon, Cornwall and the Isles of Scilly."""

    __tablename__ = "local_authorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    council_name: Mapped[str] = mapped_column(String(150))
    ons_code: Mapped[str] = mapped_column(String(9), unique=True)
    population: Mapped[int] = mapped_column(Integer)
    population_source: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)


class PoliceForceArea(Model):
    """A South West police force area and its Police and Crime Commissioner."""

    __tablename__ = "police_force_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    commissioner_title: Mapped[str] = mapped_column(String(200))
    population: Mapped[int] = mapped_column(Integer)
    population_source: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
