"""Subsidy control (Subsidy Control Act 2022): the ledger of minimal financial assistance (MFA) and
services of public economic interest (SPEI) assistance each organisation has had, declared by the
organisation on its application or given by the OPCC itself as an award.

Money is Numeric(12, 2) and Decimal.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import Model
from grants.models.types import UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from grants.models.accounts import User
    from grants.models.applications import Application
    from grants.models.awards import Award
    from grants.models.organisations import Organisation


class AssistanceKind(StrEnum):
    MFA = "mfa"  # minimal financial assistance (section 36)
    SPEI = "spei"  # services of public economic interest assistance (section 42)

    @property
    def label(self) -> str:
        return {"mfa": "Minimal financial assistance (MFA)", "spei": "SPEI assistance"}[self.value]


class AssistanceSource(StrEnum):
    DECLARED = "declared"  # declared by the organisation, from another giver or an earlier OPCC grant
    OPCC = "opcc"  # an award made by this office as MFA

    @property
    def label(self) -> str:
        return {"declared": "Declared by the organisation", "opcc": "Given by this office"}[self.value]


class SubsidyBasis(StrEnum):
    """On what footing an award is given, decided when the offer is made."""

    MFA = "mfa"  # a subsidy given as minimal financial assistance
    NOT_A_SUBSIDY = "not_a_subsidy"  # the project is not economic activity

    @property
    def label(self) -> str:
        return {"mfa": "Minimal financial assistance", "not_a_subsidy": "Not a subsidy (no economic activity)"}[
            self.value
        ]


class SubsidyEntry(Model):
    """One line of an organisation's ledger: an amount of MFA or SPEI assistance, who gave it and when."""

    __tablename__ = "subsidy_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AssistanceKind] = mapped_column(enum_type(AssistanceKind, "assistance_kind", 10))
    source: Mapped[AssistanceSource] = mapped_column(enum_type(AssistanceSource, "assistance_source", 10))
    giver: Mapped[str] = mapped_column(String(200))
    given_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    description: Mapped[str] = mapped_column(Text, default="")
    # The application whose subsidy-control section declared it, or the award that gave it.
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="SET NULL"),
                                                       index=True)
    award_id: Mapped[int | None] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    application: Mapped[Application | None] = relationship()
    award: Mapped[Award | None] = relationship()
    created_by: Mapped[User | None] = relationship()
