"""Reminders of the scoring deadline: 2 days before it and on its day, to members with bids still
to score (a draft is unscored, a declared conflict is not owed), each once per deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from grants.extensions import db as _db
from grants.interfaces.panel import deadlines
from grants.models.panel import ConflictDeclaration, PanelReminder, ScoreSheet, ScoringAssignment, SheetStatus
from grants.models.types import utcnow

# 11:59pm on Wednesday 10 June 2026, UK time (BST).
DEADLINE = datetime(2026, 6, 10, 22, 59, tzinfo=UTC)


def _body(message) -> str:
    return " ".join(message.body.split())


@pytest.fixture
def scoring(panel_round, bids, panel, seat, submit_scores):
    """Member A owes bid 2 (bid 1 submitted, bid 2 a draft); B has submitted all three; C is assigned
    bid 3 but declared a conflict with it (an assignment left from before the declaration)."""
    a, b, c = panel
    panel_round.opens_at = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
    panel_round.closes_at = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)
    panel_round.published_at = datetime(2026, 3, 25, 8, 0, tzinfo=UTC)
    panel_round.scoring_deadline = DEADLINE
    seat(a, bids[0], bids[1])
    seat(b, *bids)
    seat(c)
    _db.session.add(ScoringAssignment(application_id=bids[2].id, user_id=c.id, round_id=panel_round.id))
    _db.session.add(ConflictDeclaration(application_id=bids[2].id, user_id=c.id, conflicted=True,
                                        reason="My sister runs it"))
    submit_scores(a, bids[0], fit=3, value=3)
    _db.session.add(ScoreSheet(application_id=bids[1].id, user_id=a.id, round_id=panel_round.id,
                               rubric_id=panel_round.rubric_id, status=SheetStatus.DRAFT, values={"fit": 2},
                               comments={}))
    for bid in bids:
        submit_scores(b, bid, fit=2, value=2)
    return panel


def test_who_has_bids_left_to_score(scoring, panel_round):
    a, _b, _c = scoring
    assert deadlines.unscored_counts(panel_round) == {a.id: 1}
    found = deadlines.sheets_in(panel_round)
    assert (found.owed, found.submitted, found.missing) == (5, 4, 1)


def test_the_reminder_two_days_before_goes_once_to_members_with_bids_to_score(scoring, panel_round, outbox):
    a, _b, _c = scoring
    # 88 hours before: nothing yet.
    assert deadlines.send_reminders(datetime(2026, 6, 7, 6, 0, tzinfo=UTC)) == []
    # 41 hours before, the day before the deadline's.
    now = datetime(2026, 6, 9, 6, 0, tzinfo=UTC)
    [sent] = deadlines.send_reminders(now)
    assert (sent.user, sent.kind, sent.unscored) == (a, "before", 1)
    [message] = outbox()
    assert message.recipient == "member.a@example.org"  # not B (all scored), not C (conflicted)
    assert message.subject == "Reminder: 1 bid to score in Community Safety Fund 2026 by 10 June 2026 at 11:59pm"
    body = _body(message)
    assert body.startswith("Hello Panel Member A,")
    assert "The panel's scores for Community Safety Fund 2026 are due by 10 June 2026 at 11:59pm." in body
    assert "You still have 1 bid to score. A draft does not count until you submit it." in body
    assert f"http://localhost/panel#round-{panel_round.id}" in body
    assert "((" not in body and "None" not in body

    # The daily job running again, even hours later, sends nothing twice.
    assert deadlines.send_reminders(now) == []
    assert deadlines.send_reminders(now + timedelta(hours=12)) == []
    assert len(outbox()) == 1
    [row] = _db.session.scalars(_db.select(PanelReminder))
    assert (row.user_id, row.kind, row.deadline, row.unscored) == (a.id, "before", DEADLINE, 1)


def test_on_the_deadlines_day_a_second_reminder_then_nothing_after_it(scoring, panel_round, outbox):
    deadlines.send_reminders(datetime(2026, 6, 9, 6, 0, tzinfo=UTC))
    # 6am on 10 June in the UK (BST): the deadline's day.
    [sent] = deadlines.send_reminders(datetime(2026, 6, 10, 5, 0, tzinfo=UTC))
    assert sent.kind == "on"
    message = outbox()[-1]
    assert message.subject == "Scores due today: 1 bid to score in Community Safety Fund 2026"
    assert ("Today is the deadline for the panel's scores for Community Safety Fund 2026: they are due by "
            "10 June 2026 at 11:59pm." in _body(message))
    assert deadlines.send_reminders(datetime(2026, 6, 10, 20, 0, tzinfo=UTC)) == []
    assert deadlines.send_reminders(datetime(2026, 6, 11, 6, 0, tzinfo=UTC)) == []  # past it: late, not reminded
    assert len(outbox()) == 2


def test_the_day_in_uk_time_decides_on_the_day(scoring, panel_round, outbox):
    # 11:30pm UTC on 9 June is 12:30am on 10 June in the UK: the deadline's day, not the day before.
    [sent] = deadlines.send_reminders(datetime(2026, 6, 9, 23, 30, tzinfo=UTC))
    assert sent.kind == "on"


def test_no_reminder_when_every_bid_is_scored(scoring, panel_round, bids, outbox):
    a = scoring[0]
    sheet = _db.session.scalar(_db.select(ScoreSheet).filter_by(user_id=a.id, application_id=bids[1].id))
    sheet.status, sheet.values, sheet.comments, sheet.submitted_at = (
        SheetStatus.SUBMITTED, {"fit": 2, "value": 2}, {"fit": "Because", "value": "Because"}, utcnow())
    _db.session.flush()
    assert deadlines.send_reminders(datetime(2026, 6, 9, 6, 0, tzinfo=UTC)) == []
    assert deadlines.send_reminders(datetime(2026, 6, 10, 6, 0, tzinfo=UTC)) == []
    assert outbox() == []


def test_a_moved_deadline_is_reminded_again(scoring, panel_round, outbox):
    deadlines.send_reminders(datetime(2026, 6, 9, 6, 0, tzinfo=UTC))
    panel_round.scoring_deadline = DEADLINE + timedelta(days=2)  # 12 June
    _db.session.flush()
    [sent] = deadlines.send_reminders(datetime(2026, 6, 11, 6, 0, tzinfo=UTC))
    assert sent.kind == "before"
    assert outbox()[-1].subject == "Reminder: 1 bid to score in Community Safety Fund 2026 by 12 June 2026 at 11:59pm"
    assert len(outbox()) == 2


def test_a_decided_round_and_a_deactivated_member_are_not_reminded(scoring, panel_round, outbox):
    scoring[0].active = False
    _db.session.flush()
    assert deadlines.send_reminders(datetime(2026, 6, 9, 6, 0, tzinfo=UTC)) == []
    scoring[0].active = True
    panel_round.decided_at = datetime(2026, 6, 8, 12, 0, tzinfo=UTC)
    _db.session.flush()
    assert deadlines.send_reminders(datetime(2026, 6, 9, 6, 0, tzinfo=UTC)) == []
    assert outbox() == []


def test_the_daily_jobs_send_the_reminders_and_list_them(app, scoring, panel_round, outbox):
    panel_round.closes_at = utcnow() - timedelta(days=1)
    panel_round.scoring_deadline = utcnow() + timedelta(hours=30)
    _db.session.flush()
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert "Panel scoring reminders: 1" in result.output, result.output
    assert "  Community Safety Fund 2026: Panel Member A, 1 bid to score (deadline within 2 days)" in result.output
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert "Panel scoring reminders: 0" in result.output, result.output
    assert [message.recipient for message in outbox()] == ["member.a@example.org"]


def test_the_unique_row_stops_a_second_send_that_missed_the_check(scoring, panel_round, outbox):
    """Two daily jobs at the same moment both find the reminder unsent; the second's row is refused
    by the unique key, and its email is not queued."""
    now = datetime(2026, 6, 9, 6, 0, tzinfo=UTC)
    assert deadlines._remind(panel_round, scoring[0], "before", 1, now) is not None
    assert deadlines._remind(panel_round, scoring[0], "before", 1, now) is None
    assert len(outbox()) == 1
    assert len(_db.session.scalars(_db.select(PanelReminder)).all()) == 1
