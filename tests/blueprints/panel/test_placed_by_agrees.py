"""The scoring matrix and the results page say the same thing about each bid (issue 22): the matrix's
"Why it ranks here" column reads, bid for bid, as the results page's, including the first bid, a bid
placed by a tie-break and an unscored bid."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from tests.blueprints.panel.test_scoring_export import no_decisions_module  # noqa: F401
from tests.helpers import page


def _page_reasons(client, funding_round) -> dict[str, str]:
    soup = page(client.get(f"/panel/rounds/{funding_round.id}/results"))
    table = next(table for table in soup.select("table")
                 if "Why it ranks here" in [" ".join(th.get_text(" ").split()) for th in table.select("thead th")])
    headings = [" ".join(th.get_text(" ").split()) for th in table.select("thead th")]
    reasons = {}
    for row in table.select("tbody tr"):
        cells = [" ".join(cell.get_text(" ").split()) for cell in row.find_all(["th", "td"], recursive=False)]
        reasons[cells[headings.index("Bid")]] = cells[headings.index("Why it ranks here")]
    return reasons


def _matrix_reasons(client, funding_round) -> dict[str, str]:
    workbook = load_workbook(BytesIO(client.get(f"/panel/rounds/{funding_round.id}/scoring.xlsx").data),
                             data_only=True)
    rows = list(workbook["Bids"].iter_rows(values_only=True))
    headings = list(rows[0])
    return {row[headings.index("Reference")]: row[headings.index("Why it ranks here")] for row in rows[1:]}


def test_the_matrix_and_the_results_page_place_each_bid_alike(as_role, panel_round, bids, panel, seat, submit_scores,
                                                             no_decisions_module):  # noqa: F811
    a, b, _c = panel
    seat(a, *bids[:3])
    seat(b, *bids[:3])
    # Bids 1 and 2 tie on the final score and are split by strategic fit; bid 3 scores lower.
    submit_scores(a, bids[0], fit=4, value=2)
    submit_scores(b, bids[0], fit=4, value=2)
    submit_scores(a, bids[1], fit=2, value=4)
    submit_scores(b, bids[1], fit=2, value=4)
    submit_scores(a, bids[2], fit=1, value=1)
    submit_scores(b, bids[2], fit=1, value=1)
    officer = as_role("grants_officer")
    on_page = _page_reasons(officer, panel_round)
    in_matrix = _matrix_reasons(officer, panel_round)
    ranked = [bid.reference for bid in bids[:3]]
    assert {reference: in_matrix[reference] for reference in ranked} == {
        reference: on_page[reference] for reference in ranked}
    assert len(set(on_page[reference] for reference in ranked)) == 3  # first, tie-break and lower score all differ
