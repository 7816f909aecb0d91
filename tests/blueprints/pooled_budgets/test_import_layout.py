"""Importing actuals (issue 22): a year sheet whose budget line's row was deleted or moved is refused,
naming the sheet and the line, with nothing changed (a deleted row was once skipped without a word); a
figure the import deletes is named in the confirmation."""

from __future__ import annotations

from sqlalchemy import select

from grants.exports import pooled_workbook as pw
from grants.extensions import db
from grants.models.pooled_budgets import MonthlyFigure
from tests.blueprints.pooled_budgets.test_import import agreement, audits, exported, figures, run, upload  # noqa: F401
from tests.helpers import page, post


def test_a_deleted_line_row_is_refused_naming_the_sheet_and_line_and_nothing_changes(agreement, users):  # noqa: F811
    before = figures(agreement)
    workbook = exported(agreement)
    workbook["2026-27"].cell(row=2, column=pw.month_column(1, "actual")).value = 99  # a real edit elsewhere
    workbook["2026-27"].delete_rows(3)  # the second line's row; the total row moves up
    result = run(agreement, users, upload(workbook))
    second = agreement.lines[1].name
    assert result.problems == [f'2026-27: the row of the budget line "{second}" is missing (it is row 3 in the '
                               "exported layout); put it back, or download the workbook again"]
    assert result.changed == 0
    db.session.flush()
    assert figures(agreement) == before and audits() == 0


def test_moved_rows_are_refused_with_the_row_each_belongs_on(agreement, users):  # noqa: F811
    workbook = exported(agreement)
    sheet = workbook["2027-28"]
    for column in range(1, len(pw.year_headings(2027)) + 1):
        first, second = sheet.cell(row=2, column=column), sheet.cell(row=3, column=column)
        first.value, second.value = second.value, first.value
    result = run(agreement, users, upload(workbook))
    first_line, second_line = (line.name for line in agreement.lines)
    assert result.problems == [
        f'2027-28!B3: "{first_line}" has moved; it belongs on row 2, in the exported order',
        f'2027-28!B2: "{second_line}" has moved; it belongs on row 3, in the exported order',
    ]


def test_a_missing_sheet_and_a_missing_month_are_still_refused(agreement, users):  # noqa: F811
    workbook = exported(agreement)
    del workbook["2027-28"]
    workbook["2026-27"].delete_cols(pw.month_column(4, "budget"), 3)  # July's three columns
    problems = run(agreement, users, upload(workbook)).problems
    assert "2027-28: the sheet for 2027-28 is missing" in problems
    assert any(problem.startswith("2026-27!") and "Jul 2026 actual" in problem for problem in problems), problems


def test_a_blanked_figure_is_named_in_the_confirmation(agreement, users, as_role):  # noqa: F811
    line = agreement.lines[0]
    held = db.session.scalar(select(MonthlyFigure).where(MonthlyFigure.line_id == line.id, MonthlyFigure.year == 2026,
                                                         MonthlyFigure.actual.is_not(None)).order_by(MonthlyFigure.month))
    assert held is not None
    workbook = exported(agreement)
    workbook["2026-27"].cell(row=2, column=pw.month_column(held.month, "actual")).value = None
    month = ("April", "May", "June", "July", "August", "September", "October", "November", "December", "January",
             "February", "March")[held.month - 1]
    client = as_role("finance_officer")
    response = post(client, f"/pooled-budgets/{agreement.id}/import",
                    {"file": (pw.workbook_bytes(workbook), "pool.xlsx")}, content_type="multipart/form-data",
                    follow_redirects=True)
    banner = " ".join(page(response).select_one(".govuk-notification-banner").get_text(" ").split())
    assert f"1 figure changed, 95 unchanged. Removed: 2026-27 {month}, {line.name}: actual removed" in banner
    db.session.refresh(held)
    assert held.actual is None
