"""A co-commissioning scenario's workbook: recalculated with ``formulas``, its contributions equal the
model's to the penny and add up exactly to the joint cost; after a finance officer changes an input
they follow the model run on the changed scenario; user text never becomes a formula."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from grants.exports.cocommissioning_sheets import (
    CAP_PERCENT,
    FLOOR_POUNDS,
    MONEY,
    PARTNER_HEADING_ROW,
    ROW,
    WEIGHT_ROW,
    C,
    J,
)
from grants.exports.cocommissioning_workbook import scenario_workbook
from grants.modelling.cocommissioning import Bound, CostSplit, Partner, ScaleEconomies, run
from tests.exports.workbooks import stored_values_agree
from tests.exports_cocommissioning.scenarios import SCENARIOS, assert_workbook_equals, layout_of, pence


@pytest.mark.parametrize("key", SCENARIOS)
def test_recalculated_contributions_equal_the_model_to_the_penny(recalculate, key):
    scenario = SCENARIOS[key]
    result = run(scenario)
    content = scenario_workbook(scenario, result)
    value, _path = recalculate(content)
    layout = layout_of(result)
    assert_workbook_equals(value, result, layout)
    # Every step of the share rule (breakpoints, test point, holds, λ, pennies) is stored with the
    # value the formulas give, for a reader that does not recalculate.
    assert stored_values_agree(content, value, key) > 50
    for year in range(1, layout.years + 1):
        assert value("Joint cost", f"{J['check']}{layout.joint_row(year)}") == "matches the app"
        for index in range(layout.partners):
            assert value("Contributions", f"{C['check']}{layout.row(year, index)}") == "matches the app"
    if key == "cash floor and cap per partner, phase-in":
        held = {o.code: value("Contributions", f"{C['status']}{layout.row(2, index)}")
                for index, o in enumerate(result.partners)}
        assert held == {"avon-somerset": "cap", "devon-cornwall": "cap", "dorset": "share",
                        "gloucestershire": "floor", "wiltshire": "share"}


def _edited(content: bytes, tmp_path, edit) -> bytes:
    book = load_workbook(io.BytesIO(content))
    edit(book["Inputs"])
    path = tmp_path / "edited.xlsx"
    book.save(path)
    return path.read_bytes()


def _partner_row(result, code: str) -> int:
    return PARTNER_HEADING_ROW + 1 + [o.code for o in result.partners].index(code)


@pytest.mark.parametrize("change", ["weights", "cost per client", "scale", "floor and cap", "figure"])
def test_changing_an_input_recomputes_contributions_that_still_add_up(recalculate, tmp_path, change):
    scenario = SCENARIOS["hybrid weights, curve, five years"]
    scenario = replace(scenario, costs=replace(scenario.costs, years=2))
    result = run(scenario)
    if change == "weights":
        changed = replace(scenario, split=CostSplit({"equal": D(50), "population": D(50)}))

        def edit(sheet):
            for basis, row in WEIGHT_ROW.items():
                sheet[f"B{row}"] = {"equal": 0.5, "population": 0.5}.get(basis, 0)
    elif change == "cost per client":
        changed = replace(scenario, costs=replace(scenario.costs, cost_per_client_pence=250_000))

        def edit(sheet):
            sheet[f"B{ROW['per_client']}"] = 2500
    elif change == "scale":
        changed = replace(scenario, costs=replace(scenario.costs, scale=ScaleEconomies(percent=D(80))))

        def edit(sheet):
            sheet[f"B{ROW['scale_percent']}"] = 0.8
    elif change == "floor and cap":
        changed = replace(scenario, split=replace(scenario.split, floors={"wiltshire": Bound(pence=60_000_000)},
                                                  caps={"avon-somerset": Bound(percent=D(25))}))

        def edit(sheet):
            sheet[f"{FLOOR_POUNDS}{_partner_row(result, 'wiltshire')}"] = 600_000
            sheet[f"{CAP_PERCENT}{_partner_row(result, 'avon-somerset')}"] = 0.25
    else:
        dorset = next(p for p in scenario.partners if p.code == "dorset")
        bigger = Partner(dorset.code, dorset.name, dorset.population, dorset.population_15_64, D(9000),
                         dorset.caseload)
        changed = replace(scenario, partners=tuple(bigger if p.code == "dorset" else p for p in scenario.partners))

        def edit(sheet):
            sheet[f"E{_partner_row(result, 'dorset')}"] = 9000

    expected = run(changed)
    assert [o.contribution_pence for o in expected.partners] != [o.contribution_pence for o in result.partners]
    value, _path = recalculate(_edited(scenario_workbook(scenario, result), tmp_path, edit))
    assert_workbook_equals(value, expected, layout_of(expected))
    # the as-exported check cells now point out the difference from the app
    checks = {value("Contributions", f"{C['check']}{layout_of(result).row(1, i)}") for i in range(len(result.partners))}
    assert "differs from the app" in checks


def test_floors_that_cannot_be_met_are_flagged_not_hidden(recalculate, tmp_path):
    scenario = SCENARIOS["floors that take the whole cost"]
    result = run(scenario)

    def edit(sheet):  # floors of 30% for five partners: more than the cost
        for index in range(5):
            sheet[f"G{PARTNER_HEADING_ROW + 1 + index}"] = 0.3

    value, _path = recalculate(_edited(scenario_workbook(scenario, result), tmp_path, edit))
    assert value("Joint cost", f"{J['adds_up']}2").startswith("DOES NOT ADD UP")


def test_layout_formats_and_assumptions(tmp_path):
    scenario = SCENARIOS["percentage floor and cap"]
    result = run(scenario)
    social = {o.code: (D("1234567.89"), D("1000000.00")) for o in result.partners}
    book = load_workbook(io.BytesIO(scenario_workbook(scenario, result, title="South West", social_return=social)))
    assert book.sheetnames == ["Inputs", "Contributions", "Joint cost", "Notes"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes, sheet.title
        assert sheet["A1"].font.bold and sheet["B1"].font.bold, sheet.title
        assert sheet.column_dimensions["A"].width > 5, sheet.title
    inputs, contributions = book["Inputs"], book["Contributions"]
    assert inputs[f"B{ROW['per_client']}"].number_format == MONEY
    assert inputs[f"B{ROW['scale_factor']}"].value.startswith("=IF(")
    assert contributions[f"{C['contribution']}2"].number_format == MONEY
    assert contributions[f"{C['contribution']}2"].value.startswith("=IF(")
    assert "SUMPRODUCT" in contributions[f"{C['extra']}2"].value
    first = PARTNER_HEADING_ROW + 1
    assert inputs[f"C{first}"].fill.fill_type is None  # population: published
    assert inputs[f"E{first}"].fill.fgColor.rgb.endswith("FFF2CC")  # OCU: an assumption
    assert "OCU estimate" in inputs[f"K{first}"].value
    assert inputs[f"G{first}"].value == pytest.approx(0.15) and inputs[f"I{first}"].value == pytest.approx(0.27)
    total_row = layout_of(result).total_row(0)
    assert contributions[f"{C['benefit']}{total_row}"].value == pytest.approx(1234567.89)
    assert contributions[f"{C['net_benefit']}{total_row}"].value == pytest.approx(1000000.00)
    # Per £1 is the net value over the contribution, as the scenario page's Return per £1.
    assert contributions[f"{C['benefit_per_pound']}{total_row}"].value == (
        f'=IF({C["contribution"]}{total_row}=0,"",{C["net_benefit"]}{total_row}/{C["contribution"]}{total_row})')
    notes = {row[0].value: row[1].value for row in book["Notes"].iter_rows(min_row=2)}
    assert notes["Title"] == "South West"
    assert "largest" in notes["Pennies"] and "exactly" in notes["Floors and caps"]
    assert "values, not formulas" in notes["Social value"] and "Return per £1" in notes["Social value"]
    assert "(Assumption)" in notes["Dorset: OCU estimate"]


def test_user_text_cannot_become_a_formula(recalculate):
    hostile = "=cmd|' /C calc'!A0"
    base = SCENARIOS["equal, two partners"]
    partners = tuple(replace(p, name="@SUM(1+1)") if p.code == "a" else p for p in base.partners)
    scenario = replace(base, name=hostile, service="+44 1632", partners=partners)
    result = run(scenario)
    content = scenario_workbook(scenario, result, title="-2+3")
    book = load_workbook(io.BytesIO(content))
    for cell in (book["Inputs"][f"B{ROW['name']}"], book["Inputs"][f"B{ROW['service']}"],
                 book["Inputs"][f"B{PARTNER_HEADING_ROW + 1}"], book["Contributions"]["C2"], book["Notes"]["B2"]):
        assert cell.data_type == "s" and cell.value.startswith("'"), cell.value
    assert book["Inputs"][f"B{ROW['name']}"].value == "'" + hostile
    value, _path = recalculate(content)
    assert value("Inputs", f"B{ROW['name']}") == "'" + hostile
    assert pence(value("Contributions", f"{C['contribution']}2")) == result.partners[0].contribution_pence
