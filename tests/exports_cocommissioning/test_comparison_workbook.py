"""The comparison workbook: its Comparison sheet references each scenario's own sheets, which
recompute that scenario, so the side-by-side figures equal ``compare``'s to the penny."""

from __future__ import annotations

import io
from dataclasses import replace

from openpyxl import load_workbook

from grants.exports.cocommissioning_sheets import MONEY
from grants.exports.cocommissioning_workbook import comparison_workbook
from grants.modelling.cocommissioning_analysis import compare
from tests.exports.workbooks import stored_values_agree
from tests.exports_cocommissioning.scenarios import SCENARIOS, assert_workbook_equals, layout_of, pence

LONG = "A very long scenario name that will not fit in a sheet title [draft]"


def _items():
    scenarios = [replace(SCENARIOS["population, five partners"], name=LONG),
                 replace(SCENARIOS["need and caseload, two partners"], name=LONG),
                 replace(SCENARIOS["each partner alone"], name="=cmd|' /C calc'!A0")]
    comparison = compare(scenarios)
    return list(zip(scenarios, comparison.results, strict=True)), comparison


def test_the_comparison_references_each_scenarios_recomputed_sheets(recalculate):
    items, comparison = _items()
    content = comparison_workbook(items, title="Options for the South West")
    book = load_workbook(io.BytesIO(content))
    titles = book.sheetnames
    assert titles[0] == "Comparison" and titles[-1] == "Notes"
    assert len(titles) == 2 + 3 * len(items) and len(set(titles)) == len(titles)
    assert all(len(title) <= 31 for title in titles)
    assert titles[1:4] == ["1 Inputs A very long scenario n", "1 Contributions A very long sce",
                           "1 Joint cost A very long scenar"]
    assert titles[4].startswith("2 Inputs") and titles[7] == "3 Inputs =cmd| C calc!A0"
    sheet = book["Comparison"]
    assert sheet["B2"].value.startswith(f"='{titles[3]}'!") and sheet["B2"].number_format == MONEY
    assert sheet["A4"].data_type == "s" and sheet["A4"].value == "'=cmd|' /C calc'!A0"
    assert sheet.freeze_panes == "B2" and sheet["A1"].font.bold

    value, _path = recalculate(content)
    assert stored_values_agree(content, value, "comparison") > 100  # stored beside each formula, as recalculated
    for number, (_scenario, result) in enumerate(items, start=1):
        layout = layout_of(result, titles=tuple(titles[3 * number - 2:3 * number + 1]))
        assert_workbook_equals(value, result, layout)
        row = 1 + number
        assert pence(value("Comparison", f"B{row}")) == result.total_pence
        assert pence(value("Comparison", f"C{row}")) == result.standalone_total_pence
        assert pence(value("Comparison", f"D{row}")) == result.saving_pence
    for position, partner in enumerate(comparison.rows):
        contribution_column = chr(ord("E") + 2 * position)
        saving_column = chr(ord("F") + 2 * position)
        for number, (contribution, saving) in enumerate(zip(partner.contributions, partner.savings, strict=True)):
            row = 2 + number
            if contribution is None:
                assert sheet[f"{contribution_column}{row}"].value is None
                continue
            assert pence(value("Comparison", f"{contribution_column}{row}")) == contribution, partner.code
            assert pence(value("Comparison", f"{saving_column}{row}")) == saving, partner.code
