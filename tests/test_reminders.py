"""``flask send-reminders``: the daily jobs, run with explicit dates.

Offers past their deadline lapse, instalments due on a date become due, a payment is held while a
return is overdue, and grantees are reminded of returns due soon and overdue (at most every 7
days). Running it twice in a day does nothing more.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from freezegun import freeze_time

from grants.interfaces import monitoring
from grants.models.audit import AuditEvent
from grants.models.awards import AwardStatus, InstalmentStatus, InstalmentTrigger, Rating, ReturnStatus
from grants.models.mail import OutboxMessage
from grants.models.types import utcnow
from tests.blueprints.grantee.test_returns import running_award
from tests.factories import AwardFactory, UserFactory


def at(day: date, hour: int = 7) -> datetime:
    """A time on ``day`` (UTC; 7am is 7 or 8am in the UK, the same day)."""
    return datetime.combine(day, time(hour), tzinfo=UTC)


def run(app, day: date, hour: int = 7):
    with freeze_time(at(day, hour)):
        result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    return result.output


def reminders(db, monitoring_return=None) -> list[OutboxMessage]:
    query = db.select(OutboxMessage).where(OutboxMessage.subject.contains("monitoring return"))
    if monitoring_return is not None:
        query = query.where(OutboxMessage.subject.contains(monitoring_return.award.application.reference))
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


@pytest.fixture
def award(db, users):
    """An accepted award of organisation A: instalment 1 due, instalment 2 after a return."""
    return running_award(users["org_a"])


@pytest.fixture
def first_return(award):
    return award.returns[0]


def test_an_overdue_return_is_reminded_and_holds_the_next_payment(app, db, award, first_return, users):
    member = UserFactory(organisation=users["org_a"], email="second.member@example.org")
    day = first_return.due_date + timedelta(days=1)
    output = run(app, day)
    assert "Reminders of overdue returns: 1" in output and monitoring.describe(first_return) in output
    assert "Instalments held for overdue returns: 1" in output

    sent = reminders(db, first_return)
    assert {m.recipient for m in sent} == {award.organisation.contact_email, users["applicant"].email, member.email}
    assert sent[0].subject == f"Overdue: monitoring return 1 of {award.application.reference}"
    assert "1 day overdue" in sent[0].body
    assert f"/grants/{award.id}/returns/{first_return.id}" in sent[0].body  # the link, with SERVER_NAME set
    db.session.refresh(first_return)
    assert first_return.last_reminded_at == at(day)

    second = award.instalments[1]
    db.session.refresh(second)
    assert second.trigger is InstalmentTrigger.AFTER_RETURN
    assert second.held and second.hold_reason == "Monitoring return 1 is overdue"
    assert not award.instalments[0].held  # due on acceptance: not held for a return
    actions = set(db.session.scalars(db.select(AuditEvent.action)))
    assert {"return.reminded", "instalment.held"} <= actions


def test_running_twice_in_a_day_sends_nothing_new(app, db, first_return):
    day = first_return.due_date + timedelta(days=3)
    run(app, day, hour=6)
    count = len(reminders(db))
    audit_count = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))
    output = run(app, day, hour=18)
    assert "Reminders of overdue returns: 0" in output and "Instalments held for overdue returns: 0" in output
    assert len(reminders(db)) == count
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == audit_count


def test_an_overdue_reminder_is_sent_at_most_every_seven_days(app, db, first_return):
    first_day = first_return.due_date + timedelta(days=1)
    run(app, first_day)
    after_one = len(reminders(db, first_return))
    for offset in range(1, 7):
        run(app, first_day + timedelta(days=offset))
    assert len(reminders(db, first_return)) == after_one
    output = run(app, first_day + timedelta(days=7))
    assert "Reminders of overdue returns: 1" in output
    assert len(reminders(db, first_return)) == 2 * after_one
    assert "8 days overdue" in reminders(db, first_return)[-1].body


def test_a_reminder_seven_days_before_a_return_is_due(app, db, first_return):
    week_before = first_return.due_date - timedelta(days=7)
    assert "Reminders of returns due soon: 0" in run(app, week_before - timedelta(days=1))
    output = run(app, week_before)
    assert "Reminders of returns due soon: 1" in output
    sent = reminders(db, first_return)
    assert sent and all(m.subject.startswith("Due on ") for m in sent)
    assert "Reminders of returns due soon: 0" in run(app, week_before + timedelta(days=3))
    assert "Reminders of returns due soon: 0" in run(app, first_return.due_date)
    # Overdue the next day: 8 days after the last reminder, so it is sent.
    assert "Reminders of overdue returns: 1" in run(app, first_return.due_date + timedelta(days=1))


def test_submitted_returns_and_offers_not_accepted_are_left_alone(app, db, first_return, users):
    first_return.status = ReturnStatus.SUBMITTED
    offer = AwardFactory(organisation=users["org_b"], offer_deadline=utcnow() + timedelta(days=400))
    db.session.flush()
    output = run(app, first_return.due_date + timedelta(days=10))
    assert "Reminders of overdue returns: 0" in output and reminders(db) == []
    assert not any(i.held for i in first_return.award.instalments + offer.instalments)


def test_accepting_the_overdue_return_releases_its_hold(app, db, award, first_return, users):
    run(app, first_return.due_date + timedelta(days=2))
    second = award.instalments[1]
    db.session.refresh(second)
    assert second.held
    first_return.status = ReturnStatus.SUBMITTED
    db.session.flush()
    outcome = monitoring.review_return(first_return, users["grants_officer"], Rating.GREEN, "", "accept")
    assert outcome.released == [second]
    assert not second.held and second.hold_reason is None
    assert outcome.made_due == second and second.status is InstalmentStatus.DUE
    # No longer overdue: the next run neither reminds nor holds again.
    output = run(app, first_return.due_date + timedelta(days=3))
    assert "Instalments held for overdue returns: 0" in output and "Reminders of overdue returns: 0" in output


def test_offers_lapse_and_dated_instalments_fall_due(app, db, users):
    offer = AwardFactory(organisation=users["org_b"], offer_deadline=utcnow() + timedelta(days=2))
    running = running_award(users["org_a"])
    dated = running.instalments[1]
    dated.trigger, dated.due_date = InstalmentTrigger.ON_DATE, running.start_date + timedelta(days=40)
    db.session.flush()
    day = max(offer.offer_deadline.date() + timedelta(days=1), dated.due_date)
    day = min(day, running.returns[0].due_date - timedelta(days=8))  # before any return reminder
    output = run(app, day)
    db.session.refresh(offer)
    db.session.refresh(dated)
    assert offer.status is AwardStatus.LAPSED
    assert f"Offers lapsed: 1\n  {offer.application.reference}" in output
    assert dated.status is InstalmentStatus.DUE and "Instalments now due: 1" in output
    again = run(app, day, hour=20)
    assert "Offers lapsed: 0" in again and "Instalments now due: 0" in again
