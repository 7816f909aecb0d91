"""The funding recommendation, the commissioner's approval and feedback, through
grants.interfaces.panel.decisions directly."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

import scoring
from grants.extensions import db as _db
from grants.interfaces.panel import decisions, feedback
from grants.models.applications import Application, ApplicationStatus
from grants.models.audit import AuditEvent
from grants.models.mail import OutboxMessage
from grants.models.panel import FundingDecision
from grants.models.rounds import RoundState
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, UserFactory

S = ApplicationStatus


@pytest.fixture
def officer(users):
    return users["grants_officer"]


@pytest.fixture
def commissioner(users):
    return users["commissioner"]


@pytest.fixture
def scored(panel, bids, submit_scores):
    """Panel member A's scores: bid 1 (£4,000) 4, bid 2 (£3,000) 3, bid 3 (£5,000) 2."""
    for bid, score in zip(bids, (4, 3, 2), strict=True):
        submit_scores(panel[0], bid, fit=score, value=score)
    return bids


def _run(funding_round, officer, threshold="0", objective="total_score", minimums=(), share=None):
    rules = decisions.funding_rules(funding_round, Decimal(threshold), objective, minimums, share)
    return decisions.run_recommendation(funding_round, rules, officer)


def _events(action: str) -> list[AuditEvent]:
    return list(_db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _statuses(applications) -> list[ApplicationStatus]:
    for application in applications:
        _db.session.refresh(application)
    return [application.status for application in applications]


def _entry(record, bid) -> dict:
    return next(entry for entry in record.result["decisions"] if entry["application_id"] == bid.id)


# The recommendation ------------------------------------------------------------------------------

def test_the_recommendation_is_kept_with_its_rules_and_result(panel_round, scored, officer):
    record = _run(panel_round, officer)
    assert record.rules == {
        "budget_pence": 1_000_000, "quality_threshold": "0", "objective": "total_score", "minimums": [],
        "max_organisation_share": None, "aggregation": "mean", "normalised": False,
    }
    result = record.result
    assert result["status"] == "optimal"
    assert result["optimum"]["references"] == ["CGS-2026-0001", "CGS-2026-0002"]
    assert result["optimum"]["application_ids"] == [scored[0].id, scored[1].id]
    assert result["optimum"]["spend_pence"] == 700_000 and result["optimum"]["remaining_pence"] == 300_000
    assert Decimal(result["optimum"]["total_score"]) == 7
    assert result["rank_order"]["references"] == ["CGS-2026-0001", "CGS-2026-0002"]
    assert Decimal(result["gain"]) == 0
    assert [entry["rank"] for entry in result["decisions"]] == [1, 2, 3]
    third = _entry(record, scored[2])
    assert third == {
        "reference": "CGS-2026-0003", "application_id": scored[2].id, "organisation": "Bidder 3", "rank": 3,
        "recommended": False, "funded_in_rank_order": False, "reason": "over the remaining budget",
        "explanation": third["explanation"], "amount_pence": 500_000, "score": third["score"],
    }
    assert "£3,000 is left" in third["explanation"] and Decimal(third["score"]) == 2
    # One sheet each where the round asks for three: every bid is short, and it is recorded.
    assert result["scorers_per_bid"] == 3
    assert [row["sheets"] for row in result["short_of_scores"]] == [1, 1, 1]
    assert decisions.latest_recommendation(panel_round) == record
    [event] = _events("funding.recommendation_run")
    assert event.actor_id == officer.id and event.entity_id == str(record.id)
    assert event.changes["recommended"]["after"] == ["CGS-2026-0001", "CGS-2026-0002"]


def test_a_later_run_is_the_latest_and_earlier_ones_are_kept(panel_round, scored, officer):
    first = _run(panel_round, officer)
    second = _run(panel_round, officer, threshold="3.5")
    assert decisions.latest_recommendation(panel_round) == second
    assert first.result["optimum"]["references"] == ["CGS-2026-0001", "CGS-2026-0002"]


def test_bids_nobody_scored_are_listed_and_never_recommended(panel_round, panel, bids, submit_scores, officer):
    submit_scores(panel[0], bids[0], fit=1, value=1)
    submit_scores(panel[1], bids[0], fit=1, value=1)
    submit_scores(panel[0], bids[1], fit=2, value=2)
    record = _run(panel_round, officer)
    unscored = _entry(record, bids[2])
    assert unscored["rank"] is None and unscored["score"] is None and not unscored["recommended"]
    assert unscored["reason"] == decisions.NOT_SCORED
    assert record.result["optimum"]["references"] == ["CGS-2026-0002", "CGS-2026-0001"]
    assert [row["reference"] for row in record.result["short_of_scores"]] == [
        "CGS-2026-0002", "CGS-2026-0001", "CGS-2026-0003"]


def test_nothing_to_recommend_before_any_score(panel_round, bids, officer):
    with pytest.raises(decisions.PanelError, match="No bid has a panel score yet"):
        _run(panel_round, officer)


def test_the_quality_threshold_leaves_out_low_bids(panel_round, scored, officer):
    record = _run(panel_round, officer, threshold="3.5")
    assert record.result["optimum"]["references"] == ["CGS-2026-0001"]
    assert record.rules["quality_threshold"] == "3.5"
    low = _entry(record, scored[1])
    assert not low["recommended"] and low["reason"] == "below quality threshold"
    assert "below the quality threshold of 3.5" in low["explanation"]


def test_rules_that_cannot_be_met_are_recorded_naming_the_one_that_cannot(panel_round, scored, officer, commissioner):
    area = scored[0].local_authorities[0]
    minimum = scoring.Minimum(scoring.AREA, area.code, count=2, name=area.name)
    record = _run(panel_round, officer, minimums=[minimum])
    assert record.rules["minimums"] == [
        {"kind": "area", "code": area.code, "name": area.name, "spend_pence": 0, "count": 2}]
    assert record.result["status"] == "infeasible" and record.result["optimum"] is None
    [message] = record.result["unmet"]
    assert message.startswith(f"The minimum of 2 bids for {area.name} cannot be met")
    assert record.result["unmet_keys"] == [f"area:{area.code}:count"]
    assert {entry["reason"] for entry in record.result["decisions"]} == {"no recommendation"}
    with pytest.raises(decisions.PanelError, match="no set of bids that keeps the rules"):
        decisions.approve(panel_round, record, [scored[0].id], "", commissioner)
    assert panel_round.decided_at is None


def test_a_minimum_changes_the_recommendation_from_rank_order(panel_round, scored, officer):
    approach = scored[2].approaches[0]
    record = _run(panel_round, officer,
                  minimums=[scoring.Minimum(scoring.APPROACH, approach.code, spend_pence=100_000, name=approach.name)])
    assert record.result["optimum"]["references"] == ["CGS-2026-0001", "CGS-2026-0003"]
    assert record.result["rank_order"]["references"] == ["CGS-2026-0001", "CGS-2026-0002"]
    assert _entry(record, scored[1])["reason"] == "displaced by a better-value combination"


def test_running_is_refused_unless_the_round_is_closed_and_undecided(panel_round, scored, officer):
    panel_round.closes_at = utcnow() + timedelta(days=1)
    with pytest.raises(decisions.PanelError, match="once the round has closed"):
        _run(panel_round, officer)
    panel_round.closes_at = utcnow() - timedelta(days=1)
    panel_round.decided_at = utcnow()
    with pytest.raises(decisions.PanelError, match="can no longer be run"):
        _run(panel_round, officer)


# Approval ----------------------------------------------------------------------------------------

def test_approving_the_recommendation_decides_the_round(panel_round, scored, officer, commissioner):
    record = _run(panel_round, officer)
    decision = decisions.approve(panel_round, record, [scored[0].id, scored[1].id], "", commissioner)
    assert _statuses(scored) == [S.SUCCESSFUL, S.SUCCESSFUL, S.UNSUCCESSFUL]
    assert panel_round.decided_at is not None and panel_round.state() is RoundState.DECIDED
    assert decision.funded == [scored[0].id, scored[1].id]
    assert decision.changed is False and decision.reason is None
    assert decision.approved_by_id == commissioner.id and decision.recommendation_id == record.id
    changes = [event.changes["status"] for event in _events("application.funding_decided")]
    assert changes == [{"before": "under_assessment", "after": after}
                       for after in ("successful", "successful", "unsuccessful")]
    [approved] = _events("funding.approved")
    assert approved.actor_id == commissioner.id and approved.changes["decided_at"]["after"] is not None


def test_changing_the_recommendation_needs_a_reason(panel_round, scored, officer, commissioner):
    record = _run(panel_round, officer)
    chosen = [scored[0].id, scored[2].id]
    with pytest.raises(decisions.DecisionError, match="Give the reason for changing the recommendation") as refused:
        decisions.approve(panel_round, record, chosen, "   ", commissioner)
    assert refused.value.field == "reason"
    assert _statuses(scored) == [S.UNDER_ASSESSMENT] * 3 and panel_round.decided_at is None

    decision = decisions.approve(panel_round, record, chosen, "  Bidder 3 reaches people no one else does ",
                                 commissioner)
    assert decision.changed is True and decision.reason == "Bidder 3 reaches people no one else does"
    assert _statuses(scored) == [S.SUCCESSFUL, S.UNSUCCESSFUL, S.SUCCESSFUL]
    changes = decisions.decision_changes(decision)
    assert [entry["reference"] for entry in changes.added] == ["CGS-2026-0003"]
    assert [entry["reference"] for entry in changes.removed] == ["CGS-2026-0002"]


def test_a_selection_over_the_budget_is_refused_naming_the_excess(panel_round, scored, officer, commissioner):
    record = _run(panel_round, officer)
    with pytest.raises(decisions.DecisionError) as refused:
        decisions.approve(panel_round, record, [bid.id for bid in scored], "Fund them all", commissioner)
    assert str(refused.value) == ("The bids you selected ask for £12,000: that is £2,000 over the £10,000 budget")
    assert refused.value.field == "funded"
    assert _statuses(scored) == [S.UNDER_ASSESSMENT] * 3 and panel_round.decided_at is None


def test_a_second_approval_is_refused(panel_round, scored, officer, commissioner):
    record = _run(panel_round, officer)
    decisions.approve(panel_round, record, [scored[0].id, scored[1].id], None, commissioner)
    with pytest.raises(decisions.PanelError, match="already been approved"):
        decisions.approve(panel_round, record, [scored[0].id], "Only one", commissioner)
    assert len(list(_db.session.scalars(select(FundingDecision)))) == 1
    assert _statuses(scored) == [S.SUCCESSFUL, S.SUCCESSFUL, S.UNSUCCESSFUL]


def test_only_the_latest_recommendation_can_be_approved(panel_round, scored, officer, commissioner):
    old = _run(panel_round, officer)
    _run(panel_round, officer, threshold="3.5")
    with pytest.raises(decisions.PanelError, match="newer recommendation"):
        decisions.approve(panel_round, old, [scored[0].id, scored[1].id], None, commissioner)


def test_only_scored_bids_under_assessment_can_be_funded(panel_round, panel, bids, submit_scores, officer,
                                                         commissioner):
    submit_scores(panel[0], bids[0], fit=3, value=3)
    record = _run(panel_round, officer)
    with pytest.raises(decisions.DecisionError, match="have a panel score") as refused:
        decisions.approve(panel_round, record, [bids[0].id, bids[1].id], "Bid 2 too", commissioner)
    assert refused.value.field == "funded"


def test_bids_not_under_assessment_are_left_alone(panel_round, scored, officer, commissioner):
    others = [
        ApplicationFactory(funding_round=panel_round, status=status, reference=f"CGS-2026-09{number}",
                           amount_requested=Decimal("1000.00"), submitted_at=utcnow())
        for number, status in enumerate((S.WITHDRAWN, S.INELIGIBLE, S.SUBMITTED))
    ]
    record = _run(panel_round, officer)
    decisions.approve(panel_round, record, [scored[0].id, scored[1].id], None, commissioner)
    assert _statuses(others) == [S.WITHDRAWN, S.INELIGIBLE, S.SUBMITTED]
    assert _statuses(scored) == [S.SUCCESSFUL, S.SUCCESSFUL, S.UNSUCCESSFUL]


def test_a_bid_withdrawn_while_approving_rolls_everything_back(panel_round, scored, officer, commissioner,
                                                               monkeypatch):
    record = _run(panel_round, officer)
    read = decisions.round_bids

    def read_then_withdrawn(funding_round):
        found = read(funding_round)
        # The applicant withdraws after this request read the bids (it still holds them as they were).
        _db.session.execute(
            update(Application).where(Application.id == scored[2].id)
            .values(status=S.WITHDRAWN).execution_options(synchronize_session=False)
        )
        return found

    monkeypatch.setattr(decisions, "round_bids", read_then_withdrawn)
    with pytest.raises(decisions.PanelError, match="Nothing was changed"):
        decisions.approve(panel_round, record, [scored[0].id, scored[1].id], None, commissioner)
    monkeypatch.undo()
    assert _statuses(scored) == [S.UNDER_ASSESSMENT, S.UNDER_ASSESSMENT, S.WITHDRAWN]
    _db.session.refresh(panel_round)
    assert panel_round.decided_at is None
    assert _db.session.scalar(select(FundingDecision)) is None
    assert _events("application.funding_decided") == []


# Feedback ----------------------------------------------------------------------------------------

@pytest.fixture
def decided(panel_round, scored, officer, commissioner):
    record = _run(panel_round, officer)
    decisions.approve(panel_round, record, [scored[0].id, scored[1].id], None, commissioner)
    for bid in scored:
        _db.session.refresh(bid)
    return scored


def _outbox() -> list[OutboxMessage]:
    """Messages to applicants (the commissioners' "ready for your decision" ones left out:
    tests/blueprints/panel/test_recommendation_email.py)."""
    return list(_db.session.scalars(select(OutboxMessage).where(~OutboxMessage.subject.contains("for your decision"))
                                    .order_by(OutboxMessage.id)))


def test_feedback_waits_for_the_decision(scored, officer):
    with pytest.raises(decisions.PanelError, match="once the commissioner has approved"):
        feedback.publish_feedback(scored[0], "Well done", officer)
    assert scored[0].feedback is None and _outbox() == []


def test_publishing_feedback_emails_the_organisation(decided, officer):
    bid = decided[2]
    feedback.publish_feedback(bid, "  A clear plan; the costs were high for the reach.  ", officer)
    assert bid.feedback == "A clear plan; the costs were high for the reach."
    assert bid.feedback_published_at is not None and bid.feedback_by_id == officer.id
    [message] = _outbox()
    assert message.recipient == bid.organisation.contact_email
    assert message.subject == "The outcome of your application CGS-2026-0003"
    assert "has not been successful" in message.body
    assert f"/applications/{bid.id}" in message.body
    [event] = _events("application.feedback_published")
    assert event.changes["feedback"] == {"before": None, "after": "A clear plan; the costs were high for the reach."}
    assert event.actor_id == officer.id


def test_feedback_can_be_updated_and_the_change_is_kept(decided, officer):
    bid = decided[0]
    feedback.publish_feedback(bid, "First words", officer)
    feedback.publish_feedback(bid, "Better words", officer)
    assert bid.feedback == "Better words"
    [event] = _events("application.feedback_updated")
    assert event.changes["feedback"] == {"before": "First words", "after": "Better words"}
    first, second = _outbox()
    assert "has been successful" in first.body
    assert second.subject == "Updated feedback on your application CGS-2026-0001"
    with pytest.raises(decisions.DecisionError, match="already published"):
        feedback.publish_feedback(bid, "Better words", officer)


@pytest.mark.parametrize("text, message", [
    ("   ", "Enter the feedback for the applicant"),
    ("x" * 5001, "Feedback must be 5,000 characters or fewer"),
    ("As panel member a said, it was good", "Feedback must not name panel members: remove Panel Member A"),
])
def test_feedback_is_refused(decided, officer, text, message):
    with pytest.raises(decisions.DecisionError, match=message) as refused:
        feedback.publish_feedback(decided[0], text, officer)
    assert refused.value.field == "feedback"
    assert decided[0].feedback is None and _outbox() == []


# Readiness, counted in SQL -----------------------------------------------------------------------

def _readiness_from_results(funding_round) -> decisions.Readiness:
    """The counts as scoring the whole round gives them."""
    from grants.interfaces.panel.results import round_results

    results = round_results(funding_round)
    return decisions.Readiness(
        bids=len(results.bids),
        scored=sum(1 for result in results.bids if result.final_score is not None),
        short=sum(1 for result in results.bids if len(result.sheets) < funding_round.scorers_per_bid),
        scorers_per_bid=funding_round.scorers_per_bid,
    )


def test_readiness_counts_as_the_round_results_do(panel_round, panel, bids, seat, submit_scores, db):
    from grants.interfaces.panel import results as panel_results
    from grants.interfaces.panel import score_sheets

    more = [ApplicationFactory(funding_round=panel_round, status=status, reference=f"CGS-2026-{number:04d}",
                               amount_requested=Decimal("1000.00"), submitted_at=utcnow())
            for number, status in ((4, ApplicationStatus.UNDER_ASSESSMENT), (5, ApplicationStatus.SUBMITTED),
                                   (6, ApplicationStatus.UNDER_ASSESSMENT))]
    panel_round.scorers_per_bid = 2
    seat(panel[0], bids[0], bids[1], bids[2], more[0])
    seat(panel[1], bids[0], bids[1])
    submit_scores(panel[0], bids[0], fit=3, value=2)
    submit_scores(panel[1], bids[0], fit=1, value=2)  # two sheets: not short
    submit_scores(panel[0], bids[1], fit=4, value=4)  # one sheet: short
    score_sheets.save_sheet(bids[2], panel[0], {"fit": 2}, {}, submit=False)  # a draft counts for nothing
    panel_results.moderate(more[2], "2.5", "Panel agreed", UserFactory())  # moderated, never scored
    db.session.flush()

    assert decisions.readiness(panel_round) == _readiness_from_results(panel_round) == decisions.Readiness(
        bids=5, scored=3, short=4, scorers_per_bid=2)  # the submitted (unscreened) bid is not one
