"""The finance workbook and CSV export of pooled budgets: recalculated with the ``formulas`` package,
every total matches the app's own figures to the penny; layout, safety and the download pages."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

import formulas
import pytest
from openpyxl import load_workbook

from grants.exports import pooled_workbook as pw
from grants.extensions import db
from grants.modelling.pooled import line_position
from grants.models.pooled_budgets import MonthlyFigure
from grants.models.types import utcnow
from tests.factories import make_agreement

# Odd pence on purpose: actuals for the first months, forecasts for others, some months with neither.
FIGURES = {
    # (line position, year offset, month): (actual, forecast)
    (0, 0, 1): ("5012.37", "5000.00"), (0, 0, 2): ("4999.99", None), (0, 0, 3): ("5100.01", "5000.00"),
    (0, 0, 4): (None, "5050.50"), (0, 0, 5): (None, "4890.13"), (0, 0, 7): (None, "6000.00"),
    (1, 0, 1): ("3333.33", None), (1, 0, 2): ("0.00", "3333.33"), (1, 0, 6): (None, "3400.07"),
    (1, 0, 12): (None, "12345.67"), (0, 1, 1): ("5000.01", None), (1, 1, 9): (None, "3333.34"),
}
BUDGET, ACTUAL, OUTTURN, VARIANCE, PERCENT = (pw.column_letter(39 + i) for i in range(5))


def agreement_with_figures(start_year: int = 2026, years: int = 2):
    agreement = make_agreement(start_year=start_year, years=years)
    for (position, offset, month), (actual, forecast) in FIGURES.items():
        db.session.add(MonthlyFigure(line=agreement.lines[position], year=start_year + offset, month=month,
                                     actual=actual and Decimal(actual), forecast=forecast and Decimal(forecast)))
    db.session.flush()
    db.session.expire(agreement)
    return agreement


def save(workbook, tmp_path, name="pool.xlsx"):
    path = tmp_path / name
    workbook.save(path)
    return path


def recalculated(path):
    model = formulas.ExcelModel().loads(str(path)).finish()
    solution = model.calculate()

    def value(sheet: str, coordinate: str):
        result = solution[f"'[{path.name}]{sheet.upper()}'!{coordinate}"]
        raw = result.value[0][0] if hasattr(result, "value") else result[0][0]
        return raw

    return value


def penny(value) -> Decimal:
    return Decimal(str(round(float(value), 2))).quantize(Decimal("0.01"))


def test_recalculated_totals_match_the_app_to_the_penny(tmp_path):
    agreement = agreement_with_figures()
    path = save(pw.export_agreement([agreement], list(agreement.years), "Finance <f@example.org>", utcnow()), tmp_path)
    value = recalculated(path)
    checked = 0
    for year in agreement.years:
        sheet = pw.year_label(year)
        budgets, actuals, outturns, variances = 0, 0, 0, 0
        for row, line in enumerate(agreement.lines, start=2):
            position = line_position(pw.line_budget_pence(line, year), *pw.line_figures(line, year),
                                     agreement.tolerance_percent)
            assert penny(value(sheet, f"{BUDGET}{row}")) == Decimal(position.budget_pence) / 100
            assert penny(value(sheet, f"{ACTUAL}{row}")) == Decimal(position.actual_pence) / 100
            assert penny(value(sheet, f"{OUTTURN}{row}")) == Decimal(position.outturn_pence) / 100
            assert penny(value(sheet, f"{VARIANCE}{row}")) == Decimal(position.variance_pence) / 100
            assert Decimal(str(round(float(value(sheet, f"{PERCENT}{row}")) * 100, 2))) == position.variance_percent
            budgets += position.budget_pence
            actuals += position.actual_pence
            outturns += position.outturn_pence
            variances += position.variance_pence
            checked += 5
        total_row = 2 + len(agreement.lines)
        assert value(sheet, f"B{total_row}") == "Total"
        for column, expected in ((BUDGET, budgets), (ACTUAL, actuals), (OUTTURN, outturns), (VARIANCE, variances)):
            assert penny(value(sheet, f"{column}{total_row}")) == Decimal(expected) / 100
            checked += 1
        # Each month's budget column adds up to the profile, and the totals row's months too.
        for month in range(1, 13):
            column = pw.column_letter(pw.month_column(month, "budget"))
            expected = sum(pw.monthly_budget(pw.line_budget_pence(line, year))[month - 1] for line in agreement.lines)
            assert penny(value(sheet, f"{column}{total_row}")) == Decimal(expected) / 100
            checked += 1
    # Summary: each year's total, the grand total and each partner's share of the pool.
    members = agreement.members
    total_row = 2 + len(members)
    grand = 0
    for index, year in enumerate(agreement.years):
        column = pw.column_letter(3 + index)
        figures = pw.contributions(agreement, year)
        assert penny(value("Summary", f"{column}{total_row}")) == Decimal(figures.total_pence) / 100
        grand += figures.total_pence
        share_column = pw.column_letter(4 + len(agreement.years) + index)
        for row, member in enumerate(members, start=2):
            share = Decimal(str(value("Summary", f"{share_column}{row}"))) * 100
            assert abs(share - figures.shares_percent[member.partner_id]) <= Decimal("0.0005")
            checked += 1
    all_years = pw.column_letter(3 + len(agreement.years))
    assert penny(value("Summary", f"{all_years}{total_row}")) == Decimal(grand) / 100
    # Risk share: the formula (pro rata, no caps) is within a penny of the app's to-the-penny figure.
    for index, year in enumerate(agreement.years):
        shares = pw.risk_shares(agreement, year)
        assert sum(shares.values()) == pw.year_variance_pence(agreement, year)
        formula_column, app_column = (pw.column_letter(7 + 3 * index + i) for i in (0, 1))
        for row, member in enumerate(members, start=2):
            formula = Decimal(str(value("Risk share", f"{formula_column}{row}")))
            app = Decimal(str(value("Risk share", f"{app_column}{row}")))
            assert app == Decimal(shares[member.partner_id]) / 100
            assert abs(formula - app) <= Decimal("0.01")
            checked += 1
    assert checked > 50


def test_layout_print_setup_names_and_no_external_links(tmp_path):
    agreement = agreement_with_figures()
    path = save(pw.export_agreement([agreement], list(agreement.years), "Finance", utcnow()), tmp_path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert not [n for n in names if "externalLink" in n or "vbaProject" in n]
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Summary", "2026-27", "2027-28", "Risk share", "Notes"]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes
        assert sheet.page_setup.orientation == "landscape"
        assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
        # one page wide: XlsxWriter leaves out fitToWidth="1", the format's default
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth in (1, None)
        assert sheet.page_setup.fitToHeight == 0 and sheet.print_title_rows == "$1:$1"
        assert sheet["A1"].font.bold
        assert sheet.column_dimensions["B"].width > 10
    year = workbook["2026-27"]
    assert [c.value for c in year[1]] == pw.year_headings(2026)
    assert year["C1"].value == "Apr 2026 budget" and year["AL1"].value == "Mar 2027 forecast"
    assert year["C2"].number_format == pw.MONEY and year["AM2"].value.startswith("=SUM(")
    assert year["AQ2"].number_format == "0.00%"
    names = set(workbook.defined_names)
    reference = agreement.reference.replace("-", "_")
    assert {f"SummaryTotals_{reference}", f"Lines_2026_27_{reference}", f"Totals_2027_28_{reference}"} <= names
    assert workbook.defined_names[f"Lines_2026_27_{reference}"].attr_text == "'2026-27'!$A$2:$AQ$3"
    notes = {row[0].value: row[1].value for row in workbook["Notes"].iter_rows(min_row=2) if row[0].value}
    assert notes["Exported by"] == "Finance"
    assert notes["Legal basis"] == "Section 75 arrangement"
    assert notes["Host partner"] == "Office of the Police and Crime Commissioner"


def test_user_text_cannot_become_a_formula(tmp_path):
    agreement = agreement_with_figures()
    agreement.title = '=HYPERLINK("http://evil.example","Click")'
    agreement.lines[0].name = "+cmd|' /C calc'!A0"
    db.session.flush()
    workbook = load_workbook(save(pw.export_agreement([agreement], [2026], "@attacker", utcnow()), tmp_path))
    texts = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.data_type == "s"]
    assert workbook["Notes"]["B2"].value == "'@attacker"
    for cell in texts:
        assert not str(cell.value).startswith(("=", "+", "-", "@")), cell.coordinate
    assert workbook["2026-27"]["B2"].value == "'+cmd|' /C calc'!A0"
    text = pw.export_csv([agreement], [2026])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][1] == "'" + agreement.title and rows[1][2].startswith("'+")


def test_csv_has_a_row_per_line_year_and_month():
    agreement = agreement_with_figures()
    rows = list(csv.DictReader(io.StringIO(pw.export_csv([agreement], list(agreement.years)))))
    assert len(rows) == 2 * 2 * 12
    first = rows[0]
    assert first["Agreement"] == agreement.reference and first["Budget line"] == "Community treatment"
    assert (first["Financial year"], first["Month"], first["Month starting"]) == ("2026-27", "1", "2026-04-01")
    assert (first["Budget"], first["Actual"], first["Forecast"]) == ("5000.00", "5012.37", "5000.00")
    assert rows[3]["Actual"] == "" and rows[3]["Forecast"] == "5050.50"
    assert sum(Decimal(r["Budget"]) for r in rows) == Decimal("200000.00")


def test_download_pages(as_role, users):
    agreement = agreement_with_figures()
    make_agreement(start_year=2027, years=1, reference="PB-LATER")
    client = as_role("commissioner")
    response = client.get(f"/pooled-budgets/{agreement.id}/export.xlsx")
    assert response.status_code == 200 and response.mimetype == pw.XLSX_MIMETYPE
    assert "attachment" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    assert users["commissioner"].email in workbook["Notes"]["B2"].value
    response = client.get(f"/pooled-budgets/{agreement.id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    response = client.get("/pooled-budgets/export/2027.xlsx")
    assert response.status_code == 200
    year = load_workbook(io.BytesIO(response.data))
    assert year.sheetnames == ["Summary", "2027-28", "Risk share", "Notes"]
    references = {row[0].value for row in year["2027-28"].iter_rows(min_row=2)}
    assert {agreement.reference, "PB-LATER"} <= references
    assert as_role("grants_officer").get(f"/pooled-budgets/{agreement.id}/export.xlsx").status_code == 403


@pytest.mark.parametrize("year", [2026, 2027])
def test_a_year_export_of_several_agreements_recalculates(tmp_path, year):
    first = agreement_with_figures()
    second = make_agreement(start_year=2027, years=1, reference="PB-SECOND")
    agreements = [a for a in (first, second) if year in a.years]
    value = recalculated(save(pw.export_agreement(agreements, [year], "Finance", utcnow()), tmp_path))
    row = 2
    for agreement in agreements:
        row += len(agreement.lines)
        expected = sum(line_position(pw.line_budget_pence(line, year), *pw.line_figures(line, year),
                                     agreement.tolerance_percent).outturn_pence for line in agreement.lines)
        assert value(pw.year_label(year), f"A{row}") == agreement.reference
        assert penny(value(pw.year_label(year), f"{OUTTURN}{row}")) == Decimal(expected) / 100
        row += 1
