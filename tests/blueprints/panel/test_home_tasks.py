"""What the home page asks of panel members, officers and the commissioner while a round is scored."""

from __future__ import annotations

from datetime import timedelta

import scoring
from grants.interfaces.panel import decisions
from tests.helpers import page


def _tasks(response) -> list[str]:
    return [" ".join(li.get_text(" ").split()) for li in page(response).select("main li")]


def test_a_member_is_told_how_many_bids_are_left_to_score(as_member, panel, bids, seat, submit_scores):
    seat(panel[0], bids[0], bids[1])
    submit_scores(panel[0], bids[0], fit=2, value=2)
    tasks = _tasks(as_member(panel[0]).get("/home"))
    assert any("Score 1 bid in Community Safety Fund 2026" in task and "1 of 2 submitted" in task for task in tasks)


def test_a_member_with_nothing_left_is_told_so(as_member, panel, bids, seat, submit_scores):
    seat(panel[0], bids[0])
    submit_scores(panel[0], bids[0], fit=2, value=2)
    assert "Nothing is waiting for you." in page(as_member(panel[0]).get("/home")).get_text()


def test_the_officer_sees_the_rounds_progress(as_role, panel, bids, seat, submit_scores):
    seat(panel[0], bids[0], bids[1])
    submit_scores(panel[0], bids[0], fit=2, value=2)
    tasks = _tasks(as_role("grants_officer").get("/home"))
    assert any("Assessment of Community Safety Fund 2026" in task and "1 of 2" in task for task in tasks)


def test_the_commissioner_is_asked_to_approve_once_there_is_a_recommendation(
    as_role, users, panel_round, panel, bids, seat, submit_scores
):
    seat(panel[0], bids[0])
    submit_scores(panel[0], bids[0], fit=3, value=3)
    assert not any("Approve" in task for task in _tasks(as_role("commissioner").get("/home")))
    decisions.run_recommendation(panel_round, scoring.FundingRules(budget_pence=1_000_000), users["grants_officer"])
    response = as_role("commissioner").get("/home")
    link = page(response).find("a", string=lambda text: text and "Approve the funding decisions" in text)
    assert link["href"] == f"/panel/rounds/{panel_round.id}/decision"
    # Decided: nothing left to approve.
    from grants.models.types import utcnow

    panel_round.decided_at = utcnow() - timedelta(minutes=1)
    assert not any("Approve" in task for task in _tasks(as_role("commissioner").get("/home")))
