"""A round's submitted applications as an Excel workbook: one row each, one column per question."""

from __future__ import annotations

import re
from collections.abc import Iterable
from io import BytesIO

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from grants.application_form.sections import export_columns, export_values
from grants.formatting import LONDON
from grants.models.applications import Application
from grants.models.rounds import FundingRound
from grants.models.types import utcnow
from grants.spreadsheets import datetime_cell, money_cell, text_cell

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIXED_HEADINGS = (
    "Reference",
    "Status",
    "Organisation",
    "Organisation type",
    "Charity number",
    "Company number",
    "Amount requested",
    "Submitted at (UK time)",
)
# Characters wide, roughly: enough to read a reference or a date without widening the column.
FIXED_WIDTHS = (16, 18, 36, 30, 16, 16, 18, 20)
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


def round_workbook(applications: Iterable[Application]) -> BytesIO:
    """The workbook, written row by row (openpyxl's write-only mode keeps memory flat)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Applications")
    columns = export_columns()
    for index, width in enumerate((*FIXED_WIDTHS, *([ANSWER_WIDTH] * len(columns))), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "B2"
    sheet.append([text_cell(sheet, heading) for heading in (*FIXED_HEADINGS, *(c[2] for c in columns))])
    for application in applications:
        organisation = _organisation(application)
        answers = export_values(application)
        sheet.append(
            [
                text_cell(sheet, application.reference),
                text_cell(sheet, application.status.label),
                text_cell(sheet, organisation["name"]),
                text_cell(sheet, organisation["type"]),
                text_cell(sheet, organisation["charity_number"]),
                text_cell(sheet, organisation["company_number"]),
                money_cell(sheet, application.amount_requested),
                datetime_cell(sheet, application.submitted_at),
                *(text_cell(sheet, answers.get((key, name), "")) for key, name, _heading in columns),
            ]
        )
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer

