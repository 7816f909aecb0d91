"""A round's submitted applications as an Excel workbook: one row each, one column per question of the
forms they answer (a round's applications may answer several versions of its form: every question of
each, in the order of the first version that asks it; a question an application's form does not ask,
or that an earlier answer hides, is blank)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from io import BytesIO

from grants.form_definitions import FormDefinition, Kind
from grants.formatting import LONDON, money
from grants.interfaces.applications import questions, shown_answers
from grants.interfaces.round_forms.versions import current
from grants.models.applications import Application
from grants.models.rounds import FundingRound
from grants.models.types import utcnow
from grants.spreadsheets import MONEY_FORMAT, ExportWorkbook

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIXED_HEADINGS = (
    "Reference",
    "Status",
    "Organisation",
    "Organisation type",
    "Charity number",
    "Company number",
    # A consortium bid's partner organisations, each with its share: "Name (£1,500.00); Other (£500.00)".
    "Partners",
    "Amount requested",
    "Submitted at (UK time)",
)
# Characters wide, roughly: enough to read a reference or a date without widening the column.
FIXED_WIDTHS = (16, 18, 36, 30, 16, 16, 40, 18, 20)
ANSWER_WIDTH = 50


def filename(funding_round: FundingRound) -> str:
    """``applications-community-safety-fund-2026-2026-11-28.xlsx``: ASCII only, safe in any header."""
    slug = re.sub(r"[^a-z0-9]+", "-", funding_round.name.lower()).strip("-")[:60].strip("-") or "round"
    return f"applications-{slug}-{utcnow().astimezone(LONDON):%Y-%m-%d}.xlsx"


def _organisation(application: Application) -> dict[str, str | None]:
    """The organisation as it was at submission (its snapshot), or as it is now if none was kept."""
    snapshot = application.organisation_snapshot or {}
    organisation = application.organisation
    return {
        "name": snapshot.get("name") or organisation.name,
        "type": snapshot.get("legal_type_label") or organisation.legal_type.label,
        "charity_number": snapshot.get("charity_number", organisation.charity_number),
        "company_number": snapshot.get("company_number", organisation.company_number),
    }


def _forms(applications: Sequence[Application], funding_round: FundingRound | None) -> list[FormDefinition]:
    """The distinct forms the applications answer, in the order of the first application answering
    each; the round's current form when there are no applications (for the headings alone)."""
    found: dict[object, FormDefinition] = {}
    for application in applications:
        key = ("version", application.form_id) if application.form_id is not None else ("round", application.round_id)
        if key not in found:
            found[key] = questions.definition(application)
    if not found and funding_round is not None:
        return [current(funding_round, Kind.APPLICATION)]
    return list(found.values())


def round_workbook(applications: Iterable[Application], funding_round: FundingRound | None = None) -> BytesIO:
    """The workbook, written row by row (XlsxWriter's constant-memory mode keeps memory flat). With no
    applications, ``funding_round``'s current form gives the question columns."""
    applications = list(applications)
    book = ExportWorkbook(constant_memory=True)
    sheet = book.sheet("Applications")
    columns = shown_answers.export_columns(_forms(applications, funding_round))
    sheet.widths((*FIXED_WIDTHS, *([ANSWER_WIDTH] * len(columns))))
    sheet.freeze("B2")
    for column, heading in enumerate((*FIXED_HEADINGS, *(heading for _id, heading in columns)), start=1):
        sheet.text(1, column, heading)
    for row, application in enumerate(applications, start=2):
        organisation = _organisation(application)
        answers = shown_answers.export_values(application)
        # Typed by applicants: sheet.text keeps a name starting "=" from being a formula.
        texts = [application.reference, application.status.label, organisation["name"], organisation["type"],
                 organisation["charity_number"], organisation["company_number"],
                 "; ".join(f"{p.name} ({money(p.budget_share)})" for p in application.partners)]
        for column, text in enumerate(texts, start=1):
            sheet.text(row, column, text)
        sheet.number(row, 8, application.amount_requested, MONEY_FORMAT)
        sheet.moment(row, 9, application.submitted_at)
        for column, (question_id, _heading) in enumerate(columns, start=len(FIXED_HEADINGS) + 1):
            sheet.text(row, column, answers.get(question_id, ""))
    return BytesIO(book.close())
