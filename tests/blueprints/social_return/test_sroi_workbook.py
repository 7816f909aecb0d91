"""The social-return workbook: recalculated with the ``formulas`` package, its results equal the page's
and the model's; it is laid out for people (formats, frozen headings, no macros) and source text in it
cannot turn into a formula."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from decimal import Decimal

import formulas
import pytest
from openpyxl import load_workbook

from grants.exports import sroi_workbook
from grants.interfaces.social_return import calculator as sroi_calculator
from grants.interfaces.social_return.parameters import ensure_default_set, parameters_to_json
from grants.modelling.sroi_defaults import DEFAULT_PARAMETERS
from grants.modelling.sroi_parameters import Source
from grants.models.types import utcnow
from tests.blueprints.social_return.test_calculator import INPUTS, figures
from tests.helpers import page

RESULT_ROWS = {"gross_year_one": 2, "gross_present_value": 3, "net_present_value": 5, "cost": 6,
               "net_after_cost": 7, "return_per_pound": 8}


@pytest.fixture
def stored_set(db):
    row = ensure_default_set()
    db.session.commit()
    return row


def outcome_for(query):
    return sroi_calculator.run(sroi_calculator.parse_request(query, sroi_calculator.available_sets()))


def recalculated(path):
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()

    def value(sheet: str, coordinate: str):
        result = solution[f"'[{path.name}]{sheet.upper()}'!{coordinate}"]
        return result.value[0][0] if hasattr(result, "value") else result[0][0]

    return value


def saved(outcome, tmp_path, name="sroi.xlsx"):
    path = tmp_path / name
    sroi_workbook.build_workbook(outcome, "Officer <o@example.org>", utcnow(), "https://example.org/x").save(path)
    return path


def penny(value) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal("0.01"))


@pytest.mark.parametrize("changes", [
    {},
    {"horizon": "1", "seed": "3"},
    {"horizon": "10", "price_year": "2011-12", "cost_basis": "total", "cost": "3,000,000",
     "clients-non_opiate": "75", "completions-non_opiate": "75", "clients-non_opiate_and_alcohol": "9",
     "completions-non_opiate_and_alcohol": "0"},
])
def test_recalculated_results_equal_the_model_and_the_page(as_role, stored_set, tmp_path, changes):
    query = {**INPUTS, **changes}
    result = outcome_for(query).result
    value = recalculated(saved(outcome_for(query), tmp_path))
    for name, row in RESULT_ROWS.items():
        expected = getattr(result, name)
        if name == "return_per_pound":
            assert Decimal(repr(float(value("Results", f"B{row}")))).quantize(Decimal("0.0001")) == \
                expected.quantize(Decimal("0.0001")), name
        else:
            assert penny(value("Results", f"B{row}")) == expected.quantize(Decimal("0.01")), name
    for position, (_category, amount) in enumerate(result.by_category().items()):
        assert penny(value("Results", f"B{11 + position}")) == amount.quantize(Decimal("0.01"))
    # The page shows the same figures, to the penny.
    shown = figures(page(as_role("panel_member").get("/social-return", query_string=query)))
    assert shown["gross-present-value"] == penny(value("Results", "B3"))
    assert shown["net-after-cost"] == penny(value("Results", "B7"))


def test_no_cost_gives_no_return_per_pound_in_the_workbook(stored_set, tmp_path):
    value = recalculated(saved(outcome_for({**INPUTS, "cost": ""}), tmp_path))
    assert float(value("Results", "B6")) == 0
    assert value("Results", "B8") == "No cost of treatment entered"


def test_the_download_is_the_workbook_of_the_same_query(as_role, stored_set, tmp_path):
    response = as_role("commissioner").get("/social-return/export.xlsx", query_string=INPUTS)
    assert response.status_code == 200
    assert response.mimetype == sroi_workbook.XLSX_MIMETYPE
    assert "social-return-estimate.xlsx" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    path = tmp_path / "download.xlsx"
    path.write_bytes(response.data)
    value = recalculated(path)
    result = outcome_for(INPUTS).result
    assert penny(value("Results", "B5")) == result.net_present_value.quantize(Decimal("0.01"))
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert not [name for name in names if "vba" in name.lower()], "no macros"
    book = load_workbook(path)
    assert book.sheetnames == ["Results", "Inputs", "Parameters", "Calculation"]
    assert book["Inputs"]["B13"].value == 800  # alcohol clients, after opiate on row 12
    assert "clients-opiate=1200&completions-opiate=150" in book["Inputs"]["B10"].value


def test_bad_input_on_the_download_goes_back_to_the_form(as_role, stored_set):
    response = as_role("commissioner").get("/social-return/export.xlsx", query_string={**INPUTS, "horizon": "11"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/social-return?")


def test_layout_formats_and_sources(stored_set, tmp_path):
    outcome = outcome_for(INPUTS)
    book = load_workbook(saved(outcome, tmp_path))
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
    assert book["Results"]["B3"].value.startswith("=SUM(")
    assert "£" in book["Results"]["B3"].number_format
    parameters = {row[0].value: row for row in book["Parameters"].iter_rows(min_row=2)}
    assert set(parameters) == set(outcome.parameters.values)
    crime = parameters["crime.opiate"]
    assert crime[1].value == pytest.approx(float(outcome.parameters.value("crime.opiate")))
    assert crime[5].value == "2023-24"  # uprated to the chosen price year
    assert "National Treatment Agency" in crime[6].value and crime[7].value == "Yes"
    calculation = book["Calculation"]
    assert calculation["H3"].value.startswith("=E3*F3*(1-Parameters!")  # a completer's year 2, with drop-off
    assert "^(C3-1)" in calculation["J3"].value
    assert calculation.max_row == 1 + 2 * 4 * 5  # groups × categories × years


def test_source_text_cannot_become_a_formula(stored_set, db, tmp_path):
    hostile = Source('=HYPERLINK("http://evil.example","click")', "@SUM(1+1)", "-2+3", "+1", "")
    values = dict(DEFAULT_PARAMETERS.values)
    values["crime.opiate"] = replace(values["crime.opiate"], source=hostile, note="=1+1", set_by="@me")
    stored_set.parameters = parameters_to_json(replace(DEFAULT_PARAMETERS, values=values))
    db.session.commit()
    book = load_workbook(saved(outcome_for(INPUTS), tmp_path))
    row = next(row for row in book["Parameters"].iter_rows(min_row=2) if row[0].value == "crime.opiate")
    for cell in (row[6], row[8], row[9]):
        assert cell.data_type == "s" and cell.value.startswith("'"), cell.value
