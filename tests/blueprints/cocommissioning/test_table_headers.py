"""The scenario page's year-by-year table read by a screen reader (issue 18, finding 12): a row
group for each partner, headed by the partner's name, so that every figure is announced with its
partner, its row and its year; and the same headers from the cells' scopes alone and from their
``headers`` attributes (tests/table_headers.py works both out as the HTML standard says)."""

from __future__ import annotations

from grants.interfaces.cocommissioning import scenarios as co
from grants.modelling.cocommissioning import run
from tests.helpers import page
from tests.table_headers import Grid

ROWS = ("Contribution", "Cost alone", "Saving")


def test_each_partner_is_a_row_group_headed_by_its_name(scenario, commissioner):
    soup = page(commissioner.get(f"/co-commissioning/{scenario.id}"))
    result = run(co.to_model(scenario))
    table = soup.select_one("table#years")
    groups = table.find_all("tbody", recursive=False)
    assert len(groups) == 1 + len(result.partners)  # the joint cost, then one for each partner
    columns = 1 + len(result.year_costs)
    for partner, group in zip(result.partners, groups[1:], strict=True):
        first, *rows = group.find_all("tr", recursive=False)
        [name] = first.find_all(["th", "td"])
        assert name.name == "th" and name["scope"] == "rowgroup" and int(name["colspan"]) == columns
        assert name.get_text(strip=True) == partner.name
        assert [row.th.get_text(strip=True) for row in rows] == list(ROWS)


def test_every_figure_gets_its_partner_row_and_year_as_headers(scenario, commissioner):
    soup = page(commissioner.get(f"/co-commissioning/{scenario.id}"))
    result = run(co.to_model(scenario))
    grid = Grid(soup.select_one("table#years"))
    figures = [cell for cell in grid.cells if not cell.is_header and not cell.empty]
    assert len(figures) == len(result.year_costs) * (1 + 3 * len(result.partners))
    joint = "Joint cost" if result.joint else "Cost of all partners alone"
    expected = [{joint, f"Year {year}"} for year in range(1, len(result.year_costs) + 1)]
    for partner in result.partners:
        expected += [{partner.name, row, f"Year {year}"}
                     for row in ROWS for year in range(1, len(result.year_costs) + 1)]
    for cell, headers in zip(figures, expected, strict=True):
        assert {h.text for h in grid.headers(cell, by_scope=True)} == headers, (cell.text, cell.y)
        assert {h.text for h in grid.headers(cell)} == headers, (cell.text, cell.y)
