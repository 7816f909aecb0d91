"""The 360Giving grants as a spreadsheet in the standard's flattened form.

Sheet "grants": one row per grant, headed with the 360Giving titles ("Identifier", "Amount Awarded",
"Recipient Org:Identifier", …) so that 360Giving's tools read it as they read the JSON. A grant
may serve several areas, so beneficiary locations go on a second sheet, "beneficiaryLocation", one
row per grant and area, tied to the grant by its "Identifier" (the standard's own template).
Text cells cannot turn into formulas (grants.spreadsheets).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import IO, Any

from grants.formatting import LONDON
from grants.models.types import utcnow
from grants.spreadsheets import ExportSheet, ExportWorkbook

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AMOUNT_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"


def _get(key: str, field: str | None = None) -> Callable[[Mapping[str, Any]], Any]:
    """The grant's ``key``, or ``field`` of the first item of its list ``key`` (None when missing)."""
    if field is None:
        return lambda grant: grant.get(key)

    def first(grant: Mapping[str, Any]) -> Any:
        items = grant.get(key)
        return items[0].get(field) if items else None

    return first


# (title, value from the grant, kind): kind "text", "amount" or "date".
GRANT_COLUMNS: tuple[tuple[str, Callable[[Mapping[str, Any]], Any], str], ...] = (
    ("Identifier", _get("id"), "text"),
    ("Title", _get("title"), "text"),
    ("Description", _get("description"), "text"),
    ("Currency", _get("currency"), "text"),
    ("Amount Applied For", _get("amountAppliedFor"), "amount"),
    ("Amount Awarded", _get("amountAwarded"), "amount"),
    ("Amount Disbursed", _get("amountDisbursed"), "amount"),
    ("Award Date", _get("awardDate"), "date"),
    ("Planned Dates:Start Date", _get("plannedDates", "startDate"), "date"),
    ("Planned Dates:End Date", _get("plannedDates", "endDate"), "date"),
    ("Recipient Org:Identifier", _get("recipientOrganization", "id"), "text"),
    ("Recipient Org:Name", _get("recipientOrganization", "name"), "text"),
    ("Recipient Org:Charity Number", _get("recipientOrganization", "charityNumber"), "text"),
    ("Recipient Org:Company Number", _get("recipientOrganization", "companyNumber"), "text"),
    ("Recipient Org:Postal Code", _get("recipientOrganization", "postalCode"), "text"),
    ("Funding Org:Identifier", _get("fundingOrganization", "id"), "text"),
    ("Funding Org:Name", _get("fundingOrganization", "name"), "text"),
    ("Grant Programme:Code", _get("grantProgramme", "code"), "text"),
    ("Grant Programme:Title", _get("grantProgramme", "title"), "text"),
    ("From an open call?", _get("fromOpenCall"), "text"),
    ("Last modified", _get("dateModified"), "text"),
    ("Data Source", _get("dataSource"), "text"),
    # An additional field (grants.open_data.partner_organisations): each partner as "Name (org-id)".
    ("Partner Organisations", lambda grant: "; ".join(
        f"{partner['name']} ({partner['id']})" for partner in grant.get("partnerOrganization") or []) or None, "text"),
)
LOCATION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Beneficiary Location:Name", "name"),
    ("Beneficiary Location:Country Code", "countryCode"),
    ("Beneficiary Location:Geographic Code", "geoCode"),
    ("Beneficiary Location:Geographic Code Type", "geoCodeType"),
)
GRANT_WIDTHS = {"Title": 40, "Description": 60, "Recipient Org:Name": 36, "Funding Org:Name": 40,
                "Grant Programme:Title": 36, "Identifier": 28, "Recipient Org:Identifier": 26}


def filename(extension: str) -> str:
    """``360giving-2026-11-28.xlsx``: ASCII only, safe in any header."""
    return f"360giving-{utcnow().astimezone(LONDON):%Y-%m-%d}.{extension}"


# A grant's value as its cell holds it, by kind: text (made safe by the sheet), an amount, a date.
CELL_VALUES: dict[str, Callable[[Any], object]] = {"text": str, "amount": Decimal, "date": date.fromisoformat}


def _widths(sheet: ExportSheet, titles: Sequence[str]) -> None:
    sheet.widths([GRANT_WIDTHS.get(title, 20) for title in titles])


def workbook(grants: Iterable[Mapping[str, Any]]) -> IO[bytes]:
    """The grants (as built by grants.open_data.grant) as an xlsx file, in one pass over ``grants``
    (which may be a generator: a grant's row and its locations' rows are written as it comes, and
    XlsxWriter's constant-memory mode keeps no rows in memory). The file is spooled to disk past 1 MB."""
    document = tempfile.SpooledTemporaryFile(max_size=2**20)  # noqa: SIM115 (returned open; the response closes it)
    book = ExportWorkbook(document, constant_memory=True)
    sheet = book.sheet("grants")
    _widths(sheet, [title for title, _value, _kind in GRANT_COLUMNS])
    sheet.freeze("B2")
    for column, (title, _value, _kind) in enumerate(GRANT_COLUMNS, start=1):
        sheet.text(1, column, title)
    locations = book.sheet("beneficiaryLocation")
    location_titles = ("Identifier", *(title for title, _key in LOCATION_COLUMNS))
    _widths(locations, location_titles)
    for column, title in enumerate(location_titles, start=1):
        locations.text(1, column, title)
    # Each row is written whole (ExportSheet.whole_row): a cell at a time, XlsxWriter's bookkeeping
    # took most of the time for 4,000 grants.
    formats = {"text": None, "amount": book.style(AMOUNT_FORMAT), "date": book.style(DATE_FORMAT)}
    columns = [(value, CELL_VALUES[kind], formats[kind]) for _title, value, kind in GRANT_COLUMNS]
    row = location_row = 1
    for grant in grants:
        row += 1
        sheet.whole_row(row, [(None if (found := value(grant)) is None else typed(found), cell_format)
                              for value, typed, cell_format in columns])
        for location in grant.get("beneficiaryLocation") or []:
            location_row += 1
            locations.whole_row(location_row, [(grant["id"], None), *(
                (None if (found := location.get(key)) is None else str(found), None)
                for _title, key in LOCATION_COLUMNS)])
    book.close()
    document.seek(0)
    return document
