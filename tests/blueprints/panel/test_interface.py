"""The panel's rules, checked through grants.interfaces.panel.assignment directly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.extensions import db as _db
from grants.interfaces.panel import assignment as iface
from grants.interfaces.panel import results as panel_results
from grants.interfaces.panel import score_sheets
from grants.models.audit import AuditEvent
from grants.models.panel import ModeratedScore, ScoreSheet, ScoringAssignment, SheetStatus


def test_declaring_a_conflict_takes_the_member_off_the_bid_and_deletes_their_draft(panel, bids, seat):
    member = panel[0]
    seat(member, bids[0])
    score_sheets.save_sheet(bids[0], member, {"fit": 3}, {}, submit=False)
    # The fixture declared "no conflict"; a conflict found later replaces it.
    iface.declare(bids[0], member, True, "I am a trustee")
    assert _db.session.get(ScoringAssignment, (bids[0].id, member.id)) is None
    assert iface.sheet_for(bids[0], member) is None
    declared = iface.declaration(bids[0], member)
    assert declared.conflicted and declared.reason == "I am a trustee"


def test_a_declared_conflict_cannot_be_withdrawn_or_given_without_a_reason(panel, bids, seat):
    member = panel[0]
    seat(member, conflicted=[bids[0]])
    with pytest.raises(iface.PanelError, match="cannot be withdrawn"):
        iface.declare(bids[0], member, False, None)
    seat(member)
    with pytest.raises(iface.PanelError, match="Say what the conflict"):
        iface.declare(bids[1], member, True, "  ")


def test_no_conflict_after_submitting_is_refused(panel, bids, seat):
    member = panel[0]
    seat(member, bids[0])
    assert score_sheets.save_sheet(bids[0], member, {"fit": 2, "value": 2}, {}, submit=True).submitted
    with pytest.raises(iface.PanelError, match="already submitted"):
        iface.declare(bids[0], member, True, "Remembered a link")


def test_submission_needs_every_score_and_comments_at_the_ends_of_the_scale(panel, bids, seat):
    member = panel[0]
    seat(member, bids[0])
    result = score_sheets.save_sheet(bids[0], member, {"fit": 4, "value": None}, {"fit": ""}, submit=True)
    assert not result.submitted
    assert [key for key, _ in result.errors] == ["fit", "value"]
    assert "needs a comment" in result.errors[0][1]
    # What was typed is kept as a draft.
    sheet = iface.sheet_for(bids[0], member)
    assert sheet.status is SheetStatus.DRAFT and sheet.values == {"fit": 4, "value": None}

    result = score_sheets.save_sheet(bids[0], member, {"fit": 4, "value": 2}, {"fit": "Exactly what the plan asks"},
                                     submit=True)
    assert result.submitted and result.sheet.submitted_at is not None


def test_a_submitted_sheet_is_never_changed(panel, bids, seat):
    member = panel[0]
    seat(member, bids[0])
    score_sheets.save_sheet(bids[0], member, {"fit": 2, "value": 2}, {}, submit=True)
    with pytest.raises(iface.PanelError, match="cannot be changed"):
        score_sheets.save_sheet(bids[0], member, {"fit": 1, "value": 1}, {}, submit=False)
    assert iface.sheet_for(bids[0], member).values == {"fit": 2, "value": 2}


def test_the_first_saved_score_freezes_the_rubric(panel, panel_round, bids, seat):
    member = panel[0]
    seat(member, bids[0])
    assert panel_round.rubric.frozen_at is None
    score_sheets.save_sheet(bids[0], member, {"fit": 2}, {}, submit=False)
    assert panel_round.rubric.frozen_at is not None
    assert _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rubric.frozen")) is not None


def test_parse_values_refuses_scores_off_the_scale(panel_round):
    rubric = iface.scoring_rubric(panel_round.rubric)
    values, errors = score_sheets.parse_values(rubric, {"fit": "5", "value": "2.5"})
    assert values == {"fit": None, "value": None}
    assert [key for key, _ in errors] == ["fit", "value"]
    assert "whole number from 0 to 4" in errors[0][1]
    assert score_sheets.parse_values(rubric, {"fit": "4", "value": ""}) == ({"fit": 4, "value": None}, [])


def test_blind_scoring_shows_others_only_after_submitting(panel, bids, seat):
    first, second = panel[0], panel[1]
    seat(first, bids[0])
    seat(second, bids[0])
    score_sheets.save_sheet(bids[0], first, {"fit": 3, "value": 3}, {}, submit=True)
    score_sheets.save_sheet(bids[0], second, {"fit": 1, "value": 2}, {}, submit=False)
    assert score_sheets.others_sheets(bids[0], second) == []
    score_sheets.save_sheet(bids[0], second, {"fit": 1, "value": 2}, {}, submit=True)
    assert [sheet.user_id for sheet in score_sheets.others_sheets(bids[0], second)] == [first.id]
    assert [sheet.user_id for sheet in score_sheets.others_sheets(bids[0], first)] == [second.id]


def test_scoring_is_closed_before_the_round_closes_and_after_the_decision(panel, panel_round, bids, seat):
    from datetime import timedelta

    from grants.models.types import utcnow

    member = panel[0]
    seat(member, bids[0])
    panel_round.decided_at = utcnow() - timedelta(minutes=1)
    with pytest.raises(iface.PanelError, match="not open"):
        score_sheets.save_sheet(bids[0], member, {"fit": 2}, {}, submit=False)


def test_assignment_respects_declared_conflicts_and_keeps_hand_made_ones(panel, panel_round, bids, seat, users):
    panel_round.scorers_per_bid = 2
    seat(panel[0], conflicted=[bids[0]])
    seat(panel[1])
    seat(panel[2])
    iface.assign(bids[2], panel[0], users["grants_officer"])
    plan = iface.run_assignment(panel_round, users["grants_officer"])
    pairs = {(row.user_id, row.application_id) for row in iface.assignments(panel_round)}
    assert (panel[0].id, bids[0].id) not in pairs
    assert (panel[0].id, bids[2].id) in pairs
    for application in bids:
        assert sum(1 for _, app_id in pairs if app_id == application.id) == 2
    assert plan.shortfalls == ()
    with pytest.raises(iface.PanelError, match="conflict of interest"):
        iface.assign(bids[0], panel[0], users["grants_officer"])


def test_results_rank_flag_and_moderate(panel, panel_round, bids, seat, submit_scores, users):
    for member in panel:
        seat(member, *bids)
    submit_scores(panel[0], bids[0], fit=4, value=4)
    submit_scores(panel[1], bids[0], fit=0, value=1)  # far apart: flagged
    submit_scores(panel[0], bids[1], fit=3, value=3)
    submit_scores(panel[1], bids[1], fit=3, value=2)
    results = panel_results.round_results(panel_round)
    assert [bid.application.reference for bid in results.bids] == ["CGS-2026-0002", "CGS-2026-0001", "CGS-2026-0003"]
    first = results.bid(bids[0].id)
    assert first.flagged and first.panel.score == Decimal("2.25")
    assert results.bid(bids[2].id).final_score is None and results.bid(bids[2].id).rank is None

    panel_results.moderate(bids[0], "3.5", "The panel agreed at the meeting that the evidence is strong",
                           users["grants_officer"])
    results = panel_results.round_results(panel_round)
    assert results.bids[0].application.id == bids[0].id
    assert results.bid(bids[0].id).final_score == Decimal("3.5")
    assert results.bid(bids[0].id).panel.score == Decimal("2.25")  # raw stays
    # Raw sheets untouched, the moderation appended.
    raw = _db.session.scalar(select(ScoreSheet).where(ScoreSheet.user_id == panel[1].id,
                                                      ScoreSheet.application_id == bids[0].id))
    assert raw.values == {"fit": 0, "value": 1}
    assert len(list(_db.session.scalars(select(ModeratedScore)))) == 1


@pytest.mark.parametrize("score, reason, message", [
    ("4.5", "ok", "from 0 to 4"), ("abc", "ok", "from 0 to 4"), ("NaN", "ok", "from 0 to 4"),
    ("2.555", "ok", "2 decimal places"), ("2", " ", "reason"),
])
def test_moderation_refuses_bad_input(panel_round, bids, users, score, reason, message):
    with pytest.raises(iface.PanelError, match=message):
        panel_results.moderate(bids[0], score, reason, users["grants_officer"])


@pytest.mark.parametrize("text", ["sNaN", "NaN", "Infinity", "-inf", "1e400"])
def test_parse_values_refuses_numbers_that_are_not_plain(panel_round, text):
    rubric = iface.scoring_rubric(panel_round.rubric)
    values, errors = score_sheets.parse_values(rubric, {"fit": text, "value": "1"})
    assert values["fit"] is None and [key for key, _ in errors] == ["fit"]


def test_a_decided_rounds_panel_cannot_change(panel, panel_round, bids, seat, users):
    from datetime import timedelta

    from grants.models.types import utcnow

    seat(panel[0])
    panel_round.decided_at = utcnow() - timedelta(minutes=1)
    officer = users["grants_officer"]
    for attempt in (
        lambda: iface.remove_member(panel_round, panel[0], officer),
        lambda: iface.set_panel_settings(panel_round, 2, "median", True, officer),
        lambda: iface.add_member(panel_round, panel[1], officer),
        lambda: iface.run_assignment(panel_round, officer),
        lambda: iface.assign(bids[0], panel[0], officer),
    ):
        with pytest.raises(iface.PanelError, match="decided"):
            attempt()
    assert panel_round.scorers_per_bid == 3
