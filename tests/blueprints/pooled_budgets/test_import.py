"""Importing actuals and forecasts from the exported workbook or the template: the round trip, an
edit changing exactly its figures, and every kind of bad file reported by sheet and cell with
nothing changed."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from grants import uploads
from grants.exports import pooled_workbook as pw
from grants.extensions import db
from grants.interfaces.pooled_budgets import imports as pooled_import
from grants.models.audit import AuditEvent
from grants.models.pooled_budgets import MonthlyFigure, YearEnd
from grants.models.types import utcnow
from tests.blueprints.pooled_budgets.test_workbook import agreement_with_figures
from tests.helpers import error_messages, page, post
from tests.office_files import link_to_workbook


@pytest.fixture
def agreement(db):
    return agreement_with_figures()


def exported(agreement) -> Workbook:
    return load_workbook(pw.workbook_bytes(pw.export_agreement([agreement], list(agreement.years), "F", utcnow())))


def upload(workbook_or_bytes, name="pool.xlsx") -> FileStorage:
    data = workbook_or_bytes if isinstance(workbook_or_bytes, bytes) else pw.workbook_bytes(workbook_or_bytes).read()
    return FileStorage(io.BytesIO(data), filename=name)


def figures(agreement) -> dict:
    rows = db.session.scalars(select(MonthlyFigure).where(
        MonthlyFigure.line_id.in_([line.id for line in agreement.lines]))).all()
    return {(f.line_id, f.year, f.month): (f.actual, f.forecast, f.version) for f in rows}


def audits() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "pooled_budget.actuals_imported"))


def run(agreement, users, file):
    return pooled_import.import_actuals(agreement, file, users["finance_officer"])


def test_round_trip_changes_nothing(agreement, users):
    before = figures(agreement)
    result = run(agreement, users, upload(exported(agreement)))
    assert result.problems == [] and result.changed == 0
    assert result.unchanged == 2 * 2 * 12 * 2  # lines × years × months × (actual, forecast)
    assert result.message == "No changes: the figures already match"
    db.session.flush()
    assert figures(agreement) == before and audits() == 0


def test_edited_cells_change_exactly_those_figures(agreement, users):
    before = figures(agreement)
    workbook = exported(agreement)
    sheet = workbook["2026-27"]
    line = agreement.lines[1]  # row 3
    sheet.cell(row=3, column=pw.month_column(1, "actual")).value = 3400.5  # was 3333.33
    sheet.cell(row=3, column=pw.month_column(3, "actual")).value = 12  # no figure before
    sheet.cell(row=3, column=pw.month_column(12, "forecast")).value = None  # cleared
    workbook["2027-28"].cell(row=2, column=pw.month_column(5, "forecast")).value = "£1,234.50"
    result = run(agreement, users, upload(workbook))
    assert result.problems == [] and result.changed == 4
    db.session.flush()
    after = figures(agreement)
    assert after[(line.id, 2026, 1)][0] == Decimal("3400.50")
    assert after[(line.id, 2026, 3)][:2] == (Decimal("12.00"), None)
    assert after[(line.id, 2026, 12)][:2] == (None, None)
    assert after[(agreement.lines[0].id, 2027, 5)][:2] == (None, Decimal("1234.50"))
    changed = {key for key in after if after[key] != before.get(key)}
    assert changed == {(line.id, 2026, 1), (line.id, 2026, 3), (line.id, 2026, 12), (agreement.lines[0].id, 2027, 5)}
    assert audits() == 1
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "pooled_budget.actuals_imported")).one()
    assert "4 changed" in event.summary and len(event.changes) == 4
    # The same file again: nothing more.
    again = run(agreement, users, upload(workbook))
    assert again.changed == 0 and again.message == pooled_import.NO_CHANGES


def test_the_template_imports(agreement, users):
    workbook = load_workbook(pw.workbook_bytes(pooled_import.template(agreement)))
    assert workbook.sheetnames == ["Instructions", "2026-27", "2027-28"]
    workbook["2026-27"].cell(row=2, column=pw.month_column(8, "actual")).value = 100
    result = run(agreement, users, upload(load_workbook(pw.workbook_bytes(workbook))))
    assert result.problems == [] and result.changed == 1


def assert_refused(agreement, users, file, *expected):
    before = figures(agreement)
    result = run(agreement, users, file)
    for message in expected:
        assert message in result.problems, result.problems
    db.session.flush()
    assert figures(agreement) == before and audits() == 0
    return result.problems


def test_every_cell_problem_is_listed_and_nothing_changes(agreement, users):
    workbook = exported(agreement)
    sheet = workbook["2026-27"]
    sheet["F2"] = 999  # a good change, not applied because of the others
    sheet["D2"] = "£1,2x0"
    sheet["E3"] = -5
    sheet["G2"] = "=1+1"
    sheet["H3"] = 1.234
    sheet["B3"] = "Unknown service"
    workbook["2027-28"]["D2"] = "n/a"
    problems = assert_refused(
        agreement, users, upload(workbook),
        '2026-27!D2: "£1,2x0" is not an amount',
        "2026-27!E3: -5 is negative: enter 0 or more",
        "2026-27!G2: a formula is not allowed here; enter the amount",
        "2026-27!H3: 1.234 has more than 2 decimal places",
        '2026-27!B3: "Unknown service" is not a budget line of this agreement',
        '2027-28!D2: "n/a" is not an amount',
        # The renamed line's own row is then missing too (issue 22: no line is skipped without a word).
        f'2026-27: the row of the budget line "{agreement.lines[1].name}" is missing (it is row 3 in the exported '
        "layout); put it back, or download the workbook again",
    )
    assert len(problems) == 7


def test_sheets_and_columns_renamed_missing_or_extra(agreement, users):
    workbook = exported(agreement)
    workbook["2027-28"].title = "Year two"
    sheet = workbook["2026-27"]
    sheet["E1"] = "Apr actuals"  # renamed
    sheet["AR1"] = "Comments"  # extra
    assert_refused(
        agreement, users, upload(workbook),
        "Year two: a sheet this agreement does not have (its years are 2026-27, 2027-28); remove it or rename it",
        "2027-28: the sheet for 2027-28 is missing",
        '2026-27!E1: the column "Apr 2026 forecast" is missing',
        '2026-27!E1: "Apr actuals" is not a column of the exported layout',
        '2026-27!AR1: "Comments" is not a column of the exported layout',
    )
    workbook = exported(agreement)
    workbook["2026-27"].delete_cols(5)  # Apr forecast gone: a missing column
    assert_refused(agreement, users, upload(workbook), '2026-27!E1: the column "Apr 2026 forecast" is missing')
    workbook = exported(agreement)
    sheet = workbook["2026-27"]
    sheet["D1"], sheet["E1"] = sheet["E1"].value, sheet["D1"].value  # swapped
    assert_refused(agreement, users, upload(workbook),
                   '2026-27!D1: "Apr 2026 forecast" is in the place of "Apr 2026 actual"')


def test_a_year_outside_the_agreement(agreement, users):
    later = load_workbook(pw.workbook_bytes(pw.export_agreement([agreement], [2026, 2027], "F", utcnow())))
    later.create_sheet("2028-29")
    assert_refused(agreement, users, upload(later),
                   "2028-29: a sheet this agreement does not have (its years are 2026-27, 2027-28); remove it or "
                   "rename it")


def test_a_closed_year_cannot_change(agreement, users):
    db.session.add(YearEnd(agreement=agreement, year=2026, budget=Decimal("100000"), outturn=Decimal("100000"),
                           variance_shares={}))
    db.session.flush()
    workbook = exported(agreement)
    workbook["2026-27"]["D2"] = 1
    assert_refused(agreement, users, upload(workbook), "2026-27!D2: 2026-27 is closed, so its figures cannot change")


def test_files_that_are_not_workbooks(agreement, users):
    assert_refused(agreement, users, upload(b"Line,Actual\nA,1\n", "figures.csv"), pooled_import.NOT_XLSX)
    assert_refused(agreement, users, upload(b"%PDF-1.7\n", "figures.xlsx"), pooled_import.NOT_XLSX)
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert_refused(agreement, users, upload(plain_zip.getvalue(), "figures.xlsx"), pooled_import.NOT_XLSX)
    # A macro-enabled workbook: by its name, and an .xlsx carrying a VBA project.
    data = pw.workbook_bytes(exported(agreement)).read()
    assert_refused(agreement, users, upload(data, "figures.xlsm"),
                   "The selected file contains macros. Save it without macros and try again")
    with_macros = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(with_macros, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\x00" * 64)
    assert_refused(agreement, users, upload(with_macros.getvalue()),
                   "The selected file contains macros. Save it without macros and try again")


def test_workbooks_reaching_beyond_themselves_say_what_to_remove(agreement, users):
    """The exported workbook with a link to another workbook, or a formula that starts a program,
    is refused with the upload check's own words, not "not our workbook"."""
    linked = exported(agreement)
    link_to_workbook(linked)
    assert_refused(agreement, users, upload(linked), uploads.EXTERNAL_LINKS)
    commanding = exported(agreement)
    commanding["2026-27"]["H2"] = "=cmd|' /C calc'!A0"
    assert_refused(agreement, users, upload(commanding), uploads.DDE)


def test_huge_files_and_too_many_rows(agreement, users):
    assert_refused(agreement, users, upload(b"PK" + b"\x00" * (2 * 1024 * 1024 + 10)), pooled_import.TOO_LARGE)
    workbook = exported(agreement)
    workbook["2026-27"]["A600"] = "x"
    assert_refused(agreement, users, upload(workbook), "2026-27: the sheet has 600 rows; it can have at most 500")


def test_the_import_page(agreement, users, as_role):
    client = as_role("finance_officer")
    url = f"/pooled-budgets/{agreement.id}/import"
    response = client.get(url)
    soup = page(response)
    assert response.status_code == 200 and soup.select_one('form[enctype="multipart/form-data"] input[type=file]')
    assert soup.select_one(f'a[href="/pooled-budgets/{agreement.id}/import-template.xlsx"]')
    workbook = exported(agreement)
    workbook["2026-27"]["D2"] = "£1,2x0"
    workbook["2026-27"]["E2"] = -1
    response = post(client, url, {"file": (pw.workbook_bytes(workbook), "pool.xlsx")},
                    content_type="multipart/form-data")
    assert error_messages(response) == ['2026-27!D2: "£1,2x0" is not an amount',
                                        "2026-27!E2: -1 is negative: enter 0 or more"]
    workbook["2026-27"]["D2"], workbook["2026-27"]["E2"] = 5012.37, 7
    response = post(client, url, {"file": (pw.workbook_bytes(workbook), "pool.xlsx")},
                    content_type="multipart/form-data", follow_redirects=True)
    assert "1 figure changed" in response.get_data(as_text=True)
    response = post(client, url, {"file": (pw.workbook_bytes(workbook), "pool.xlsx")},
                    content_type="multipart/form-data", follow_redirects=True)
    assert "No changes: the figures already match" in response.get_data(as_text=True)
    response = post(client, url, {}, content_type="multipart/form-data")
    assert error_messages(response) == ["Select a workbook"]
    template = client.get(f"/pooled-budgets/{agreement.id}/import-template.xlsx")
    assert template.status_code == 200 and "Instructions" in load_workbook(io.BytesIO(template.data)).sheetnames
    assert post(as_role("commissioner"), url, {}).status_code == 403
