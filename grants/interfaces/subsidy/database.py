"""Awards given as minimal financial assistance above the transparency threshold, for the UK subsidy
database, with the fields its upload asks for (granting authority, recipient and its identifier,
purpose, instrument, amount, legal granting date, form, region, sector).

Region and sectors are office settings (``subsidy_region``, ``subsidy_sector``,
``subsidy_spending_sector``): one office gives grants in one police area for much the same purposes.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grants.extensions import db
from grants.formatting import london_today
from grants.interfaces.admin.settings import money_setting, setting
from grants.models.awards import COMMITTING, Award
from grants.models.subsidy import SubsidyBasis
from grants.spreadsheets import safe_text

INSTRUMENT = "Direct grant"
SUBSIDY_FORM = "Minimal financial assistance"
COLUMNS = (
    "Granting authority", "Recipient name", "Recipient identifier", "Identifier type", "Subsidy purpose",
    "Subsidy instrument", "Subsidy amount (£)", "Legal granting date", "Subsidy form", "Region", "Sector",
    "Spending sector", "Grant reference",
)


@dataclass(frozen=True)
class Threshold:
    amount: Decimal
    source: str


def threshold() -> Threshold:
    return Threshold(money_setting("subsidy_transparency_threshold"), setting("subsidy_transparency_source"))


@dataclass(frozen=True)
class SubsidyRecord:
    award: Award
    granting_authority: str
    recipient_name: str
    recipient_identifier: str
    identifier_type: str
    purpose: str
    amount: Decimal
    granted_on: date
    region: str
    sector: str
    spending_sector: str

    def values(self) -> tuple:
        return (self.granting_authority, self.recipient_name, self.recipient_identifier, self.identifier_type,
                self.purpose, INSTRUMENT, f"{self.amount:.2f}", self.granted_on.isoformat(), SUBSIDY_FORM,
                self.region, self.sector, self.spending_sector, self.award.application.reference or "")


def _identifier(award: Award) -> tuple[str, str]:
    organisation = award.organisation
    if organisation.company_number:
        return organisation.company_number, "Companies House number"
    if organisation.charity_number:
        return organisation.charity_number, "Charity number"
    return "", "None (not registered)"


def records() -> list[SubsidyRecord]:
    """MFA awards that hold money (offered, accepted, closed) above the threshold, newest first."""
    above = threshold().amount
    awards = db.session.scalars(
        select(Award).where(Award.subsidy_basis == SubsidyBasis.MFA, Award.status.in_(sorted(COMMITTING)),
                            Award.amount > above)
        .options(joinedload(Award.organisation), joinedload(Award.application), joinedload(Award.funding_round))
        .order_by(Award.offered_at.desc(), Award.id.desc())
    ).unique()
    authority = str(current_app.config.get("OFFICE_NAME") or "")
    region, sector, spending = setting("subsidy_region"), setting("subsidy_sector"), setting("subsidy_spending_sector")
    result = []
    for award in awards:
        identifier, kind = _identifier(award)
        title = award.application.project_title or "the project in the application"
        result.append(SubsidyRecord(
            award=award, granting_authority=authority, recipient_name=award.organisation.name,
            recipient_identifier=identifier, identifier_type=kind,
            purpose=f"{award.funding_round.name}: {title}", amount=award.amount,
            granted_on=london_today(award.offered_at), region=region, sector=sector, spending_sector=spending,
        ))
    return result


def export_csv(rows: list[SubsidyRecord]) -> str:
    """The records as CSV, every text cell guarded against being read as a formula."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([safe_text(value) for value in row.values()])
    return out.getvalue()


def filename(today: date | None = None) -> str:
    return f"subsidy-database-{(today or london_today()).isoformat()}.csv"
