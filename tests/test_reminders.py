"""``flask send-reminders``: the daily jobs, run with explicit dates.

Offers past their deadline lapse (and the organisation and its grants officer are told), instalments
due on a date become due, a payment is held while a return is overdue, and grantees are reminded of
returns due soon and overdue (at most every 7 days). Running it twice in a day does nothing more.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from freezegun import freeze_time

from grants.interfaces.awards import monitoring
from grants.models.accounts import Role
from grants.models.audit import AuditEvent
from grants.models.awards import AwardStatus, InstalmentStatus, InstalmentTrigger, Rating, ReturnStatus
from grants.models.mail import OutboxMessage
from grants.models.types import utcnow
from tests.blueprints.grantee.test_returns import running_award
from tests.factories import AwardFactory, UserFactory
from tests.helpers import error_messages, link_in, page, post


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


# Lapsed offers ------------------------------------------------------------------------------------

def lapse_emails(db, award) -> list[OutboxMessage]:
    return list(db.session.scalars(
        db.select(OutboxMessage)
        .where(OutboxMessage.subject.contains("has lapsed"),
               OutboxMessage.subject.contains(award.application.reference))
        .order_by(OutboxMessage.id)))


@pytest.fixture
def offer(db, users):
    """Organisation B's offer, with the grants officer responsible, due for acceptance in two days."""
    return AwardFactory(organisation=users["org_b"], officer_id=users["grants_officer"].id,
                        offer_deadline=utcnow() + timedelta(days=2))


def test_a_lapsed_offer_is_told_to_the_organisation_and_its_officer_once(app, db, offer, users, as_role):
    reference = offer.application.reference
    day = offer.offer_deadline.date() + timedelta(days=1)
    run(app, day)
    db.session.refresh(offer)
    assert offer.status is AwardStatus.LAPSED

    sent = lapse_emails(db, offer)
    to_grantee = [m for m in sent if m.subject == f"Your grant offer for {reference} has lapsed"]
    assert {m.recipient for m in to_grantee} == {users["org_b"].contact_email, users["applicant_b"].email}
    body = to_grantee[0].body
    assert body.startswith("Hello,\n")
    assert f"The grant offer of £4,000.00 to Organisation B for {offer.application.project_title} " \
           f"(application {reference}) has lapsed. It was not accepted by its deadline" in body
    assert "so it can no longer be accepted" in body
    officer = users["grants_officer"]
    assert f"contact your grants officer, {officer.full_name} ({officer.email}), as soon as you can" in body
    assert f"You can see the offer here:\nhttp://localhost/grants/{offer.id}/offer\n" in body
    offer_page = as_role("applicant_b").get(link_in([body], "/grants/"))
    assert offer_page.status_code == 200 and "This offer lapsed" in page(offer_page).get_text()

    [to_officer] = [m for m in sent if m.recipient == officer.email]
    assert to_officer.subject == f"The offer to Organisation B ({reference}) has lapsed"
    assert to_officer.body.startswith(f"Hello {officer.full_name},\n")
    assert "The organisation has been emailed." in to_officer.body
    assert "If the organisation still wants the grant, extend the offer" in to_officer.body
    assert f"To extend or withdraw it, sign in and follow this link:\nhttp://localhost/awards/{offer.id}\n" \
        in to_officer.body
    award_page = as_role("grants_officer").get(link_in([to_officer.body], "/awards/"))
    assert award_page.status_code == 200 and "Offer lapsed: extend or withdraw it" in page(award_page).get_text()
    [lapsed] = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "award.lapsed")).all()
    assert lapsed.entity_id == str(offer.id)

    # The next day's run, and a second run the same day, tell nobody again.
    run(app, day, hour=20)
    run(app, day + timedelta(days=1))
    assert len(lapse_emails(db, offer)) == 3


def test_an_offer_extended_after_lapsing_is_told_again_when_it_lapses_again(app, db, offer, users, as_role):
    day = offer.offer_deadline.date() + timedelta(days=1)
    run(app, day)
    assert len(lapse_emails(db, offer)) == 3
    new_deadline = day + timedelta(days=3)
    with freeze_time(at(day, 9)):
        extended = post(as_role("grants_officer"), f"/awards/{offer.id}/extend",
                        {"offer_deadline": [str(new_deadline.day), str(new_deadline.month), str(new_deadline.year)]})
    assert extended.status_code == 302, error_messages(extended)
    db.session.refresh(offer)
    assert offer.status is AwardStatus.OFFERED
    run(app, day + timedelta(days=2))
    assert len(lapse_emails(db, offer)) == 3  # not yet past the new deadline
    run(app, day + timedelta(days=4))
    assert len(lapse_emails(db, offer)) == 6


def test_with_the_officer_responsible_deactivated_every_active_grants_officer_is_told(app, db, users, as_role):
    responsible = UserFactory(full_name="Rae Responsible", roles=[Role.GRANTS_OFFICER])
    other = UserFactory(full_name="Bea Officer", roles=[Role.GRANTS_OFFICER])
    retired = UserFactory(full_name="Cy Retired", roles=[Role.GRANTS_OFFICER], active=False)
    offer = AwardFactory(organisation=users["org_b"], officer_id=responsible.id,
                         offer_deadline=utcnow() + timedelta(days=2))
    users["applicant_b"].active = False  # a member who has left the organisation
    db.session.flush()
    assert post(as_role("admin"), f"/admin/users/{responsible.id}/active", {"active": "0"}).status_code == 302

    run(app, offer.offer_deadline.date() + timedelta(days=1))
    told = {m.recipient for m in lapse_emails(db, offer)}
    assert told == {users["org_b"].contact_email, users["grants_officer"].email, other.email}
    assert not told & {responsible.email, retired.email, users["applicant_b"].email}
    grantee_body = next(m.body for m in lapse_emails(db, offer) if m.recipient == users["org_b"].contact_email)
    assert "contact your grants officer as soon as you can" in grantee_body
