"""Journey 5 in a real browser: a commissioner builds two co-commissioning scenarios (one first
with weights that do not add up to 100%), compares them and downloads the comparison workbook."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from tests.browser.person import Person

pytestmark = pytest.mark.browser

FIVE_FORCES = ["avon-somerset", "devon-cornwall", "dorset", "gloucestershire", "wiltshire"]


def _scenario(name: str, partners: list[str], weights: dict[str, str]) -> dict[str, list[str]]:
    """What the commissioner types (as tests/blueprints/cocommissioning's ``scenario_form``)."""
    answers = {
        "name": name, "service": "cj_pathway", "caseload_kind": "probation_orders", "joint": "joint", "years": "3",
        "setup": "£150,000.00", "fixed_annual": "400,000", "cost_per_client": "1,200", "take_up_percent": "60",
        "inflation_percent": "2%", "scale_kind": "percent", "scale_percent": "75", "floor_kind": "none",
        "cap_kind": "none", "phase_in_years": "0",
    }
    return {"partner_codes": partners, **{key: [value] for key, value in answers.items()},
            **{f"weight_{basis}": [value] for basis, value in weights.items()}}


def _build(person: Person, answers: dict[str, list[str]]) -> None:
    person.goto("/co-commissioning/new")
    person.fill(answers)
    person.press("Save scenario")
    assert not person.errors(), person.errors()
    assert f"{answers['name'][0]} saved as version 1" in person.page.locator("body").inner_text()


def test_build_compare_and_download_scenarios(new_page, axe, tmp_path, screenshot):
    commissioner = Person(new_page(accept_downloads=True), axe)
    commissioner.sign_in("commissioner@example.org")
    commissioner.goto("/co-commissioning")

    # A slip first: the weights add up to 95%.
    commissioner.goto("/co-commissioning/new")
    commissioner.fill(_scenario("Five forces, need and caseload", FIVE_FORCES, {"need": "25", "caseload": "70"}))
    commissioner.press("Save scenario")
    assert any("100%" in error for error in commissioner.errors()), commissioner.errors()
    commissioner.fill({"weight_caseload": ["75"]})
    commissioner.press("Save scenario")
    assert not commissioner.errors(), commissioner.errors()
    assert "Five forces, need and caseload saved as version 1" in commissioner.page.locator("body").inner_text()

    _build(commissioner, _scenario("Peninsula and Dorset, population", ["devon-cornwall", "dorset"],
                                   {"need": "", "caseload": "", "population": "100"}))

    # Compare the two, and download the comparison.
    commissioner.goto("/co-commissioning")
    for name in ("Five forces, need and caseload", "Peninsula and Dorset, population"):
        commissioner.page.get_by_label(f"Compare {name}").check()
    commissioner.press("Compare selected scenarios")
    text = commissioner.text()
    assert "Five forces, need and caseload" in text and "Peninsula and Dorset, population" in text
    with commissioner.page.expect_download() as download_info:
        commissioner.page.get_by_role("link", name="Download the comparison as a spreadsheet").click()
    path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(path)
    workbook = load_workbook(path)
    assert "Comparison" in workbook.sheetnames, workbook.sheetnames
    values = {str(cell.value) for row in workbook["Comparison"].iter_rows() for cell in row if cell.value}
    assert any("Peninsula and Dorset, population" in value for value in values)
    screenshot(commissioner.page)
