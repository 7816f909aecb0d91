"""The recommendation's table of minimums read by a screen reader (issue 18, finding 12): one row
group for the local authority areas and one for the approaches, each headed by a row-group header,
so that each input is announced with its group, its area or approach and what it is the minimum of
(tests/table_headers.py works the headers out as the HTML standard says)."""

from __future__ import annotations

from tests.helpers import page
from tests.table_headers import Grid

GROUPS = ("Local authority areas", "Approaches of the plan")


def test_areas_and_approaches_are_row_groups_whose_inputs_get_the_right_headers(as_role, panel_round, bids):
    soup = page(as_role("grants_officer").get(f"/panel/rounds/{panel_round.id}/recommendation"))
    table = soup.select_one("#minimums-hint + .opcc-table-wrapper table")
    groups = table.find_all("tbody", recursive=False)
    assert len(groups) == 2
    grid = Grid(table)
    for group, title in zip(groups, GROUPS, strict=True):
        first, *rows = group.find_all("tr", recursive=False)
        [heading] = first.find_all(["th", "td"])
        assert heading.name == "th" and heading["scope"] == "rowgroup" and heading.get_text(strip=True) == title
        assert int(heading["colspan"]) == 3 and rows
        for row in rows:
            name = row.th.get_text(strip=True)
            spend, count = row.find_all("td")
            assert spend.select_one("input")["name"].endswith("_spend")
            assert count.select_one("input")["name"].endswith("_count")
            for cell, column in ((spend, "Minimum spend"), (count, "Minimum number of bids")):
                headers = {h.text for h in grid.headers(grid.cell_of(cell))}
                assert headers == {title, name, column}, headers
