"""The officer's round page reads plain columns where it only counts (issue 24): its numbers still
follow the sheets, assignments and declarations, and it loads no one's roles nor any bid's areas."""

from __future__ import annotations

from grants.extensions import db as _db
from grants.interfaces.panel import assignment as iface
from grants.interfaces.panel import reports, score_sheets
from grants.models.accounts import Role
from tests.helpers import counting_statements


def _round_with_work(panel, bids, seat, submit_scores):
    a, b, c = panel
    seat(a, bids[0], bids[1], conflicted=[bids[2]])
    seat(b, bids[0], bids[2])
    seat(c, conflicted=[bids[0], bids[1]])
    _db.session.flush()
    submit_scores(a, bids[0], fit=3, value=2)
    score_sheets.save_sheet(bids[2], b, {"fit": 2}, {}, submit=False)  # a draft
    _db.session.flush()
    return a, b, c


def test_progress_and_conflicts_follow_the_rows(panel, bids, seat, submit_scores):
    a, b, c = _round_with_work(panel, bids, seat, submit_scores)
    funding_round = bids[0].funding_round
    per_member, per_bid = score_sheets.progress(funding_round)
    assert per_member[a.id] == score_sheets.Progress(assigned=2, drafts=0, submitted=1)
    assert per_member[b.id] == score_sheets.Progress(assigned=2, drafts=1, submitted=0)
    assert c.id not in per_member
    assert per_bid[bids[0].id] == score_sheets.Progress(assigned=2, drafts=0, submitted=1)
    assert per_bid[bids[2].id] == score_sheets.Progress(assigned=1, drafts=1, submitted=0)
    assert per_bid[bids[0].id].not_started == 1
    # "No conflict" declarations are not conflicts.
    assert iface.conflicted_pairs(funding_round) == {(a.id, bids[2].id), (c.id, bids[0].id), (c.id, bids[1].id)}
    overview = reports.overview(funding_round)
    assert [row.conflicts for row in overview.bids] == [1, 1, 1]
    assert [row.application.reference for row in overview.bids] == [bid.reference for bid in bids]


def test_the_round_page_shows_the_counts_without_loading_roles_or_areas(as_role, panel, bids, seat, submit_scores):
    _round_with_work(panel, bids, seat, submit_scores)
    client = as_role(Role.GRANTS_OFFICER)
    url = f"/panel/rounds/{bids[0].round_id}"
    client.get(url)  # the officer's own session and roles, loaded once
    _db.session.expunge_all()
    with counting_statements() as seen:
        response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Panel Member A" in page and "Bidder 3" in page
    reads = " ".join(seen).lower()
    assert "application_local_authorities" not in reads
    assert "application_approaches" not in reads
    assert sum("from user_roles" in statement.lower() for statement in seen) <= 1  # the officer's, at most
