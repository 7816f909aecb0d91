"""Every workbook the app exports, read as pandas, previewers and finance systems read it (the values
stored in the file, without recalculating): every formula cell carries its value, and the values
are the app's figures, to the penny. The demo data gives every export something to show; each file
is downloaded through its route, as staff download it."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from grants.demo import seed_everything
from grants.exports import pooled_workbook as pw
from grants.exports.cocommissioning_sheets import C, J, Layout
from grants.extensions import db
from grants.formatting import money
from grants.interfaces.cocommissioning import scenarios as co
from grants.interfaces.cocommissioning.scenarios import latest_scenarios
from grants.models.pooled_budgets import Agreement
from grants.models.rounds import FundingRound
from tests.blueprints.social_return.test_calculator import INPUTS
from tests.blueprints.social_return.test_calculator import figures as page_figures
from tests.exports.workbooks import formula_cells, recalculated, stored_values_agree
from tests.helpers import page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def demo(db, users):
    """The whole demo, as ``flask demo seed`` makes it: rounds, scores, awards, pooled budget,
    co-commissioning scenarios and the rest."""
    seed_everything()
    db.session.commit()


def _download(client, url: str, **query) -> bytes:
    response = client.get(url, query_string=query)
    assert response.status_code == 200, url
    assert response.mimetype == XLSX, url
    return response.data


def every_export(client) -> dict[str, bytes]:
    """Each xlsx download of the app, by its address: every round's applications and scoring matrix,
    the 360Giving spreadsheet, each pooled budget's workbook, import template and year workbook, the
    social-return estimate, and each co-commissioning scenario and their comparison."""
    files: dict[str, bytes] = {}
    for funding_round in db.session.scalars(db.select(FundingRound)):
        for url in (f"/screening/rounds/{funding_round.id}/export.xlsx",
                    f"/panel/rounds/{funding_round.id}/scoring.xlsx"):
            if client.get(url).status_code == 200:  # a draft round has neither
                files[url] = _download(client, url)
    files["/awards/open-data/360giving.xlsx"] = _download(client, "/awards/open-data/360giving.xlsx")
    for agreement in db.session.scalars(db.select(Agreement)):
        for url in (f"/pooled-budgets/{agreement.id}/export.xlsx",
                    f"/pooled-budgets/{agreement.id}/import-template.xlsx",
                    *(f"/pooled-budgets/export/{year}.xlsx" for year in agreement.years)):
            files[url] = _download(client, url)
    files["/social-return/export.xlsx"] = _download(client, "/social-return/export.xlsx", **INPUTS)
    scenarios = latest_scenarios()
    for scenario in scenarios:
        files[f"/co-commissioning/{scenario.id}/scenario.xlsx"] = _download(
            client, f"/co-commissioning/{scenario.id}/scenario.xlsx")
    files["/co-commissioning/compare/comparison.xlsx"] = _download(
        client, "/co-commissioning/compare/comparison.xlsx", ids=[s.id for s in scenarios])
    return files


def penny(value) -> Decimal:
    return Decimal(str(round(float(value), 2)))


def pounds(pence: int) -> Decimal:
    return (Decimal(pence) / 100).quantize(Decimal("0.01"))


def test_every_formula_in_every_export_carries_its_value(demo, as_role):
    files = every_export(as_role("admin"))
    assert len([url for url in files if "/scoring.xlsx" in url]) >= 1
    assert len([url for url in files if "/screening/" in url]) >= 2
    counted = 0
    for url, content in files.items():
        for sheet, coordinate, formula, value, kind in formula_cells(content):
            counted += 1
            # An empty text result ("" where a share has no total) is stored typed as text ("str");
            # anything else must be a number or text. A formula stored without a value reads as None, "n".
            assert value is not None or kind == "str", f"{url} {sheet}!{coordinate} {formula} has no value"
    assert counted > 2_000, counted  # the demo's workbooks hold thousands of formulas


def test_the_stored_values_are_the_apps_figures(demo, as_role):
    client = as_role("admin")
    # Pooled budget: each partner's contributions, the pool's totals and each year's variance.
    agreement = db.session.scalars(db.select(Agreement)).first()
    book = load_workbook(BytesIO(_download(client, f"/pooled-budgets/{agreement.id}/export.xlsx")), data_only=True)
    years = sorted(agreement.years)
    summary = book["Summary"]
    rows = {summary.cell(row=r, column=2).value: r for r in range(2, len(agreement.members) + 3)}
    checked = 0
    for index, year in enumerate(years):
        figures = pw.contributions(agreement, year)
        total_row = rows["Total"]
        assert penny(summary.cell(row=total_row, column=3 + index).value) == pounds(sum(figures.amounts.values()))
        for member in agreement.members:
            share = summary.cell(row=rows[member.partner.name], column=4 + len(years) + index).value
            assert round(Decimal(str(share)) * 100, 3) == figures.shares_percent[member.partner_id]
            checked += 1
        variance = book[pw.year_label(year)].cell(row=len(agreement.lines) + 2,
                                                   column=len(pw.year_headings(year)) - 1).value
        assert penny(variance) == pounds(pw.year_variance_pence(agreement, year))
    assert penny(summary.cell(row=rows["Total"], column=3 + len(years)).value) == pounds(
        sum(sum(pw.contributions(agreement, year).amounts.values()) for year in years))
    assert checked >= 2

    # Social return: the Results sheet says what the calculator's page says.
    shown = page_figures(page(client.get("/social-return", query_string=INPUTS)))
    results = load_workbook(BytesIO(_download(client, "/social-return/export.xlsx", **INPUTS)),
                            data_only=True)["Results"]
    for row, name in ((2, "gross-year-one"), (3, "gross-present-value"), (5, "net-present-value"), (6, "cost"),
                      (7, "net-after-cost"), (8, "return-per-pound")):
        assert penny(results[f"B{row}"].value) == shown[name], name

    # Co-commissioning: each scenario's joint cost, contributions, costs per client and per-£1 figures.
    scenarios = latest_scenarios()
    checked_per_pound = 0
    for scenario in scenarios:
        outcome = co.outcome(scenario)
        result = outcome.result
        book = load_workbook(BytesIO(_download(client, f"/co-commissioning/{scenario.id}/scenario.xlsx")),
                             data_only=True)
        layout = Layout("Inputs", "Contributions", "Joint cost", len(result.partners), len(result.year_costs))
        joint, contributions = book["Joint cost"], book["Contributions"]
        assert penny(joint[f"{J['joint']}{layout.joint_total_row}"].value) == pounds(result.total_pence)
        for year, cost in enumerate(result.year_costs, start=1):
            assert penny(joint[f"{J['joint']}{layout.joint_row(year)}"].value) == pounds(cost)
            assert joint[f"{J['check']}{layout.joint_row(year)}"].value == "matches the app"
        benefits = {area.code: area.sroi for area in outcome.social_return if area.sroi}
        # The scenario page's "Return per £1", as a person reads it (issue 22: the workbook's per £1 is the same).
        shown = page(client.get(f"/co-commissioning/{scenario.id}"))
        per_pound_on_page = {}
        for row in shown.select("#social-return tbody tr"):
            cells = [" ".join(cell.get_text(" ").split()) for cell in row.find_all(["th", "td"])]
            per_pound_on_page[row["id"].removeprefix("social-return-")] = cells[3]
        for index, partner in enumerate(result.partners):
            total_row = layout.total_row(index)
            assert penny(contributions[f"{C['contribution']}{total_row}"].value) == pounds(partner.contribution_pence)
            assert penny(contributions[f"{C['saving']}{total_row}"].value) == pounds(partner.saving_pence)
            if partner.cost_per_client_pence is not None:
                assert penny(contributions[f"{C['per_client']}{total_row}"].value) == pounds(
                    partner.cost_per_client_pence)
            for year, figures in enumerate(partner.years, start=1):
                row = layout.row(year, index)
                assert penny(contributions[f"{C['contribution']}{row}"].value) == pounds(figures.contribution_pence)
            if partner.code in benefits and partner.contribution_pence:
                sroi = benefits[partner.code]
                assert penny(contributions[f"{C['benefit']}{total_row}"].value) == penny(sroi.gross_present_value)
                assert penny(contributions[f"{C['net_benefit']}{total_row}"].value) == penny(sroi.net_present_value)
                cell = penny(contributions[f"{C['benefit_per_pound']}{total_row}"].value)
                assert cell == penny(sroi.return_per_pound)
                assert money(cell) == per_pound_on_page[partner.code]
                checked_per_pound += 1
    assert checked_per_pound >= 3  # the demo's scenarios have social returns to compare
    comparison = load_workbook(BytesIO(_download(client, "/co-commissioning/compare/comparison.xlsx",
                                                 ids=[s.id for s in scenarios])), data_only=True)["Comparison"]
    for row, scenario in enumerate(scenarios, start=2):
        result = co.outcome(scenario).result
        assert penny(comparison[f"B{row}"].value) == pounds(result.total_pence)
        assert penny(comparison[f"D{row}"].value) == pounds(result.saving_pence)


def test_recalculating_gives_the_values_stored(demo, as_role, tmp_path):
    """The values stored beside the formulas are what the formulas work out to."""
    client = as_role("admin")
    agreement = db.session.scalars(db.select(Agreement)).first()
    scenario = latest_scenarios()[0]
    compared = 0
    for number, url in enumerate((f"/pooled-budgets/{agreement.id}/export.xlsx", "/social-return/export.xlsx",
                                  f"/co-commissioning/{scenario.id}/scenario.xlsx")):
        content = _download(client, url, **(INPUTS if "social-return" in url else {}))
        compared += stored_values_agree(content, recalculated(content, tmp_path / f"file{number}.xlsx"), url)
    assert compared > 1_000
