"""A member's counts in a decided round (issue 24): recorded on their seat when the commissioner
decides the round, and what the member's queue shows for the round in its list of past rounds.

The record holds because a decided round's assignments and score sheets no longer change: the
officer's changes are refused (tests/blueprints/panel/test_officer_pages.py,
``test_nothing_changes_once_the_round_is_decided``), and so are the member's scores
(tests/blueprints/panel/test_member_pages.py, ``test_no_scores_are_taken_while_scoring_is_not_open``).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import and_, func, select, update

from grants.extensions import db as _db
from grants.interfaces.panel import assignment, decisions
from grants.models.applications import Application, ApplicationStatus
from grants.models.panel import PanelMember, ScoreSheet, ScoringAssignment, SheetStatus
from tests.factories import FundingRoundFactory
from tests.helpers import page


def _past_rounds(response) -> list[str]:
    return [" ".join(li.get_text(" ").split()) for li in page(response).select("#past-rounds li")]


def _from_scratch(round_id: int, user_id: int) -> tuple[int, int]:
    """The member's (assigned, submitted) in the round, counted from their assignments and sheets."""
    assigned, submitted = _db.session.execute(
        select(func.count(), func.count(ScoreSheet.id))
        .select_from(ScoringAssignment)
        .outerjoin(ScoreSheet, and_(ScoreSheet.application_id == ScoringAssignment.application_id,
                                    ScoreSheet.user_id == ScoringAssignment.user_id,
                                    ScoreSheet.status == SheetStatus.SUBMITTED))
        .where(ScoringAssignment.round_id == round_id, ScoringAssignment.user_id == user_id)
    ).one()
    return assigned, submitted


def _recorded(round_id: int, user_id: int) -> tuple[int | None, int | None]:
    seat = _db.session.get(PanelMember, (round_id, user_id))
    return seat.assigned, seat.submitted


@pytest.fixture
def scored_panel(panel_round, panel, bids, seat, submit_scores):
    """Member A assigned all three bids and submitted two; B assigned bid 1 with a draft; C seated
    with nothing assigned."""
    a, b, c = panel
    seat(a, *bids)
    for bid, score in zip(bids[:2], (4, 3), strict=True):
        submit_scores(a, bid, fit=score, value=score)
    seat(b, bids[0])
    _db.session.add(ScoreSheet(application_id=bids[0].id, user_id=b.id, round_id=panel_round.id,
                               rubric_id=panel_round.rubric_id, status=SheetStatus.DRAFT, values={"fit": 1}))
    seat(c)
    _db.session.flush()
    return panel


def _recommend(panel_round, users):
    return decisions.run_recommendation(
        panel_round, decisions.funding_rules(panel_round, Decimal("0"), "total_score"), users["grants_officer"],
        early_reason="The panel met and agreed to go ahead")


def _decide(panel_round, bids, users):
    decisions.approve(panel_round, _recommend(panel_round, users), [bids[0].id], "Only the first",
                      users["commissioner"])
    _db.session.flush()


def test_deciding_a_round_records_each_members_counts_as_the_queue_shows_them(panel_round, bids, scored_panel,
                                                                            users, as_member):
    # Held, so that the session keeps them: the decision must show on seats already loaded too.
    seats = [_db.session.get(PanelMember, (panel_round.id, member.id)) for member in scored_panel]
    assert [(seat.assigned, seat.submitted) for seat in seats] == [(None, None)] * 3

    _decide(panel_round, bids, users)

    expected = [(3, 2), (1, 0), (0, 0)]
    assert [_from_scratch(panel_round.id, member.id) for member in scored_panel] == expected
    assert [(seat.assigned, seat.submitted) for seat in seats] == expected
    shown = [_past_rounds(as_member(member).get("/panel")) for member in scored_panel]
    assert [line.split(": ")[-1] for [line] in shown] == [
        "you submitted 2 of 3 assigned bids", "you submitted 0 of 1 assigned bid", "you submitted 0 of 0 assigned bids",
    ]


def test_only_the_decided_rounds_seats_are_recorded(panel_round, bids, scored_panel, users):
    other = FundingRoundFactory(name="Another round", opens_at=panel_round.opens_at, closes_at=panel_round.closes_at,
                                published_at=panel_round.published_at)
    _db.session.add(PanelMember(round_id=other.id, user_id=scored_panel[0].id))
    _db.session.flush()

    _decide(panel_round, bids, users)

    assert _recorded(other.id, scored_panel[0].id) == (None, None)
    assert _recorded(panel_round.id, scored_panel[0].id) == (3, 2)


def test_the_queue_reads_the_recorded_counts(panel_round, bids, scored_panel, users, as_member):
    """The past round's line is the record's, not a count: a record changed by hand shows."""
    member = scored_panel[0]
    _decide(panel_round, bids, users)
    seat = _db.session.get(PanelMember, (panel_round.id, member.id))
    seat.assigned, seat.submitted = 7, 5
    _db.session.flush()
    [line] = _past_rounds(as_member(member).get("/panel"))
    assert line.startswith("Community Safety Fund 2026 – decided ")
    assert line.endswith("you submitted 5 of 7 assigned bids")


def test_a_decision_rolled_back_records_nothing(panel_round, bids, scored_panel, users, monkeypatch):
    record = _recommend(panel_round, users)
    read = decisions.round_bids

    def read_then_withdrawn(funding_round):
        found = read(funding_round)
        # The applicant withdraws after this request read the bids.
        _db.session.execute(update(Application).where(Application.id == bids[2].id)
                            .values(status=ApplicationStatus.WITHDRAWN).execution_options(synchronize_session=False))
        return found

    monkeypatch.setattr(decisions, "round_bids", read_then_withdrawn)
    with pytest.raises(decisions.PanelError, match="Nothing was changed"):
        decisions.approve(panel_round, record, [bids[0].id], "Only the first", users["commissioner"])
    assert [_recorded(panel_round.id, member.id) for member in scored_panel] == [(None, None)] * 3


def test_a_conflict_declared_after_the_decision_is_refused(panel_round, bids, scored_panel, users):
    """Declaring a conflict takes the member off the bid; once the round is decided that would
    change its assignments, so it is refused and the record stays true."""
    _decide(panel_round, bids, users)
    member = scored_panel[1]  # assigned bid 1 with only a draft
    with pytest.raises(assignment.PanelError):
        assignment.declare(bids[0], member, True, "My sister runs it")
    assert _from_scratch(panel_round.id, member.id) == _recorded(panel_round.id, member.id) == (1, 0)
