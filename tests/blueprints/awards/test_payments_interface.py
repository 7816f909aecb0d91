"""Instalments from scheduled to paid, holds, schedules of offers and the finance queues, through
grants.interfaces.awards.payments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from freezegun import freeze_time
from sqlalchemy import select, update

from grants.extensions import db as _db
from grants.interfaces.awards import payments
from grants.interfaces.awards.awarding import AwardError, InstalmentPlan, StaleAward
from grants.models.accounts import User
from grants.models.audit import AuditEvent
from grants.models.awards import Award, AwardStatus, Instalment, InstalmentStatus, InstalmentTrigger
from grants.models.types import utcnow
from tests.factories import AwardFactory

TODAY = payments.uk_today()


@pytest.fixture
def award(db, users):
    """An accepted £4,000 award of organisation A, accepted 20 days ago: instalment 1 (£2,000) due,
    instalment 2 (£2,000) waiting for a satisfactory return."""
    award = AwardFactory(organisation=users["org_a"], status=AwardStatus.ACCEPTED,
                         accepted_at=utcnow() - timedelta(days=20), accepted_name="Alex Contact",
                         accepted_position="Chair")
    award.instalments[0].status = InstalmentStatus.DUE
    db.session.flush()
    return award


@pytest.fixture
def finance(users):
    return users["finance_officer"]


@pytest.fixture
def officer(users):
    return users["grants_officer"]


def events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def colleague() -> User:
    """The second finance officer: whoever approves an instalment cannot record it as paid."""
    return _db.session.scalars(select(User).filter_by(email="finance.approver@example.org")).one()


def approved(award, finance, number=1) -> Instalment:
    """The instalment approved by ``finance``'s colleague, ready for ``finance`` to record as paid."""
    instalment = award.instalments[number - 1]
    if instalment.status is InstalmentStatus.SCHEDULED:
        instalment.status = InstalmentStatus.DUE
    payments.approve(instalment, colleague())
    return instalment


# Approval ----------------------------------------------------------------------------------------

def test_finance_approves_a_due_instalment(db, award, finance):
    first = award.instalments[0]
    payments.approve(first, finance)
    assert first.status is InstalmentStatus.APPROVED
    assert first.approved_by_id == finance.id and first.approved_at is not None
    [event] = events(db, "instalment.approved")
    assert event.actor_id == finance.id and event.entity_id == str(first.id)
    assert event.changes["status"] == {"before": "due", "after": "approved"}


def test_an_instalment_not_due_yet_cannot_be_approved(award, finance):
    with pytest.raises(AwardError, match="Instalment 2 of CGS-.* is not due yet"):
        payments.approve(award.instalments[1], finance)
    assert award.instalments[1].status is InstalmentStatus.SCHEDULED


def test_a_held_instalment_cannot_be_approved(award, finance, officer):
    payments.hold(award.instalments[0], "Return 1 is overdue", officer)
    with pytest.raises(AwardError, match="is on hold: it cannot be approved until it is released"):
        payments.approve(award.instalments[0], finance)
    assert award.instalments[0].status is InstalmentStatus.DUE


def test_instalments_of_an_award_not_accepted_cannot_be_approved(db, users, finance):
    offer = AwardFactory(organisation=users["org_a"])
    offer.instalments[0].status = InstalmentStatus.DUE  # as if left over from before a withdrawal
    db.session.flush()
    with pytest.raises(AwardError, match="the award is offered, not accepted"):
        payments.approve(offer.instalments[0], finance)


def test_a_second_approval_is_told_who_approved_it(award, finance, users):
    first = award.instalments[0]
    payments.approve(first, finance)
    with pytest.raises(AwardError, match=f"has already been approved by {finance.full_name}"):
        payments.approve(first, users["admin"])
    assert first.approved_by_id == finance.id


def test_an_approval_that_lost_a_race_changes_nothing_and_says_so(db, award, finance, users):
    """Someone else approved between this user loading the instalment and approving it: the
    conditional UPDATE matches no row, and the user is told."""
    first = award.instalments[0]
    db.session.execute(update(Instalment).where(Instalment.id == first.id).values(
        status=InstalmentStatus.APPROVED, approved_by_id=users["admin"].id, approved_at=utcnow(),
        version=Instalment.version + 1).execution_options(synchronize_session=False))
    assert first.status is InstalmentStatus.DUE  # this user's copy is out of date
    with pytest.raises(AwardError, match=f"already been approved by {users['admin'].full_name}"):
        payments.approve(first, finance)
    assert first.approved_by_id == users["admin"].id
    assert events(db, "instalment.approved") == []


# Payment -----------------------------------------------------------------------------------------

def test_finance_records_a_payment_with_its_date_and_reference(db, award, finance):
    first = approved(award, finance)
    payments.record_payment(first, TODAY - timedelta(days=1), "  BACS-000123  ", finance)
    assert first.status is InstalmentStatus.PAID
    assert (first.paid_on, first.payment_reference, first.paid_by_id) == (TODAY - timedelta(days=1), "BACS-000123",
                                                                         finance.id)
    assert payments.paid_total(award) == Decimal("2000.00")
    [event] = events(db, "instalment.paid")
    assert event.changes["status"] == {"before": "approved", "after": "paid"}
    assert event.changes["payment_reference"]["after"] == "BACS-000123"


@pytest.mark.parametrize("paid_on, reference, field, message", [
    (None, "REF-1", "paid_on", "Enter the date the payment was made"),
    (TODAY + timedelta(days=1), "REF-1", "paid_on", "Date paid must be today or in the past"),
    (TODAY - timedelta(days=21), "REF-1", "paid_on", "Date paid must be on or after .*, when the offer was accepted"),
    (TODAY, "   ", "reference", "Enter the payment reference"),
    (TODAY, None, "reference", "Enter the payment reference"),
    (TODAY, "R" * 61, "reference", "Payment reference must be 60 characters or fewer"),
])
def test_bad_payment_details_are_refused_with_the_field(db, award, finance, paid_on, reference, field, message):
    first = approved(award, finance)
    with pytest.raises(AwardError, match=message) as refused:
        payments.record_payment(first, paid_on, reference, finance)
    assert refused.value.field == field
    assert first.status is InstalmentStatus.APPROVED and first.paid_on is None
    assert events(db, "instalment.paid") == []


def test_a_reference_of_exactly_60_characters_is_taken(award, finance):
    first = approved(award, finance)
    payments.record_payment(first, TODAY, "R" * 60, finance)
    assert first.payment_reference == "R" * 60


def test_an_instalment_not_approved_cannot_be_paid(award, finance):
    with pytest.raises(AwardError, match="has not been approved for payment yet"):
        payments.record_payment(award.instalments[0], TODAY, "REF-1", finance)
    assert award.instalments[0].status is InstalmentStatus.DUE


def test_a_held_approved_instalment_cannot_be_paid_until_released(award, finance, officer):
    first = approved(award, finance)
    payments.hold(first, "Return 1 was rated red", officer)
    with pytest.raises(AwardError, match="is on hold: it cannot be paid until it is released"):
        payments.record_payment(first, TODAY, "REF-1", finance)
    payments.release(first, officer)
    payments.record_payment(first, TODAY, "REF-1", finance)
    assert first.status is InstalmentStatus.PAID


def test_paying_twice_is_refused_with_the_first_payment(award, finance):
    first = approved(award, finance)
    payments.record_payment(first, TODAY, "REF-1", finance)
    with pytest.raises(AwardError, match=r"has already been paid \(on .*, reference REF-1\)"):
        payments.record_payment(first, TODAY, "REF-2", finance)
    assert first.payment_reference == "REF-1"


def test_a_payment_that_lost_a_race_is_told_it_was_paid(db, award, finance):
    first = approved(award, finance)
    db.session.execute(update(Instalment).where(Instalment.id == first.id).values(
        status=InstalmentStatus.PAID, paid_on=TODAY, payment_reference="THEIRS",
        version=Instalment.version + 1).execution_options(synchronize_session=False))
    with pytest.raises(AwardError, match="already been paid .*reference THEIRS"):
        payments.record_payment(first, TODAY, "MINE", finance)
    assert first.payment_reference == "THEIRS"


def test_a_payment_beyond_the_award_is_refused(db, award, finance):
    """A variation cut the award to £3,000 after £2,000 was paid: the second £2,000 cannot be paid."""
    first = approved(award, finance)
    payments.record_payment(first, TODAY, "REF-1", finance)
    second = approved(award, finance, number=2)
    db.session.execute(update(Award).where(Award.id == award.id).values(amount=Decimal("3000.00"))
                       .execution_options(synchronize_session=False))
    with pytest.raises(AwardError) as refused:
        payments.record_payment(second, TODAY, "REF-2", finance)
    assert str(refused.value) == (
        "Paying instalment 2 (£2,000.00) would take the payments on this award to £4,000.00, more than the award "
        "of £3,000.00: £2,000.00 has been paid already, so £1,000.00 is left")
    assert second.status is InstalmentStatus.APPROVED and second.paid_on is None
    assert payments.paid_total(award) == Decimal("2000.00")


def test_payments_may_add_up_to_exactly_the_award(award, finance):
    for number in (1, 2):
        payments.record_payment(approved(award, finance, number), TODAY, f"REF-{number}", finance)
    assert payments.paid_total(award) == award.amount


# Holds -------------------------------------------------------------------------------------------

def test_an_officer_holds_and_releases_an_instalment(db, award, officer):
    second = award.instalments[1]
    payments.hold(second, "  Return 1 is overdue  ", officer)
    assert second.held and second.hold_reason == "Return 1 is overdue"
    payments.release(second, officer)
    assert not second.held and second.hold_reason is None
    [held] = events(db, "instalment.held")
    [released] = events(db, "instalment.released")
    assert held.changes["held"] == {"before": False, "after": True} and held.actor_id == officer.id
    assert released.changes["hold_reason"] == {"before": "Return 1 is overdue", "after": None}


@pytest.mark.parametrize("reason, message", [
    ("", "Enter why the instalment is on hold"),
    ("   ", "Enter why the instalment is on hold"),
    ("x" * 2001, "Reason must be 2,000 characters or fewer"),
])
def test_a_hold_needs_a_reason(award, officer, reason, message):
    with pytest.raises(AwardError, match=message) as refused:
        payments.hold(award.instalments[0], reason, officer)
    assert refused.value.field == "reason" and not award.instalments[0].held


def test_a_held_instalment_cannot_be_held_again_or_a_free_one_released(award, officer):
    first = award.instalments[0]
    payments.hold(first, "Overdue return", officer)
    with pytest.raises(AwardError, match="is already on hold"):
        payments.hold(first, "Another reason", officer)
    assert first.hold_reason == "Overdue return"
    payments.release(first, officer)
    with pytest.raises(AwardError, match="is not on hold"):
        payments.release(first, officer)


def test_a_paid_instalment_cannot_be_held(award, finance, officer):
    first = approved(award, finance)
    payments.record_payment(first, TODAY, "REF-1", finance)
    with pytest.raises(AwardError, match="has already been paid, so it cannot be put on hold"):
        payments.hold(first, "Too late", officer)


# Becoming due ------------------------------------------------------------------------------------

def dated(db, award, *due_dates: date) -> list[Instalment]:
    """Replace the award's schedule by instalments paid on dates (rows set directly)."""
    award.instalments.clear()
    db.session.flush()
    award.instalments.extend(
        Instalment(number=number, amount=Decimal("100.00"), due_date=day, trigger=InstalmentTrigger.ON_DATE)
        for number, day in enumerate(due_dates, start=1)
    )
    db.session.flush()
    return list(award.instalments)


def test_instalments_on_dates_become_due_when_the_uk_date_comes(db, users, award):
    # 23:30 UTC on 1 July is 00:30 on 2 July in the UK (BST).
    now = datetime(2027, 7, 1, 23, 30, tzinfo=UTC)
    on_the_day, tomorrow, earlier = dated(db, award, date(2027, 7, 2), date(2027, 7, 3), date(2027, 6, 1))
    offer = AwardFactory(organisation=users["org_b"])  # not accepted: nothing of it becomes due
    dated(db, offer, date(2027, 6, 1))

    made_due = payments.mark_due_instalments(now)
    assert {i.id for i in made_due} == {on_the_day.id, earlier.id}
    assert (on_the_day.status, earlier.status, tomorrow.status) == (
        InstalmentStatus.DUE, InstalmentStatus.DUE, InstalmentStatus.SCHEDULED)
    assert offer.instalments[0].status is InstalmentStatus.SCHEDULED
    assert payments.mark_due_instalments(now) == []  # a second run changes nothing more
    due_events = events(db, "instalment.due")
    assert len(due_events) == 2 and all(e.actor_label == "System" for e in due_events)


def test_marking_due_uses_today_by_default(db, award):
    instalment, = dated(db, award, date(2027, 1, 15))
    with freeze_time("2027-01-14 23:30:00"):  # GMT: still 14 January in the UK
        assert payments.mark_due_instalments() == []
    with freeze_time("2027-01-15 00:00:01"):
        assert payments.mark_due_instalments() == [instalment]


def test_a_satisfactory_return_makes_the_next_instalment_due(db, award, officer):
    second = award.instalments[1]
    assert payments.release_after_return(award, officer) == second
    assert second.status is InstalmentStatus.DUE
    assert payments.release_after_return(award, officer) is None  # none is left waiting
    [event] = events(db, "instalment.due")
    assert event.entity_id == str(second.id) and event.actor_id == officer.id


def test_a_return_on_an_award_not_accepted_makes_nothing_due(db, users):
    offer = AwardFactory(organisation=users["org_a"])
    assert payments.release_after_return(offer) is None
    assert offer.instalments[1].status is InstalmentStatus.SCHEDULED


# The schedule of an offer ------------------------------------------------------------------------

@pytest.fixture
def offer(db, users):
    return AwardFactory(organisation=users["org_a"])


def test_an_offers_schedule_is_replaced(db, offer, officer):
    plans = [InstalmentPlan(Decimal("1333.33"), offer.start_date, InstalmentTrigger.ON_ACCEPTANCE),
             InstalmentPlan(Decimal("1333.33"), offer.start_date + timedelta(days=90), InstalmentTrigger.ON_DATE),
             InstalmentPlan(Decimal("1333.34"), offer.end_date, InstalmentTrigger.AFTER_RETURN)]
    version = offer.version
    payments.replace_schedule(offer, plans, version, officer)
    db.session.expire_all()
    assert [(i.number, i.amount, i.trigger) for i in offer.instalments] == [
        (1, Decimal("1333.33"), InstalmentTrigger.ON_ACCEPTANCE), (2, Decimal("1333.33"), InstalmentTrigger.ON_DATE),
        (3, Decimal("1333.34"), InstalmentTrigger.AFTER_RETURN)]
    assert offer.version == version + 1
    [event] = events(db, "award.schedule_replaced")
    assert len(event.changes["instalments"]["before"]) == 2 and len(event.changes["instalments"]["after"]) == 3


@pytest.mark.parametrize("plans, message", [
    (lambda a: [InstalmentPlan(Decimal("3999.99"), a.start_date, InstalmentTrigger.ON_ACCEPTANCE)],
     "The instalments add up to £3,999.99: they must add up to the award of £4,000.00"),
    (lambda a: [InstalmentPlan(Decimal("2000.00"), a.start_date, InstalmentTrigger.ON_ACCEPTANCE),
                InstalmentPlan(Decimal("2000.01"), a.end_date, InstalmentTrigger.ON_DATE)],
     "add up to £4,000.01"),
    (lambda a: [InstalmentPlan(Decimal("4000.00"), a.end_date + timedelta(days=1), InstalmentTrigger.ON_DATE)],
     "Instalment 1 must be due within the award period"),
    (lambda a: [InstalmentPlan(Decimal("4000.00"), a.start_date - timedelta(days=1), InstalmentTrigger.ON_DATE)],
     "Instalment 1 must be due within the award period"),
    (lambda a: [InstalmentPlan(Decimal("4000.00"), a.start_date, InstalmentTrigger.ON_DATE),
                InstalmentPlan(Decimal("0.00"), a.end_date, InstalmentTrigger.ON_DATE)],
     "Instalment 2 must be more than £0"),
    (lambda a: [InstalmentPlan(Decimal("3999.995"), a.start_date, InstalmentTrigger.ON_DATE),
                InstalmentPlan(Decimal("0.005"), a.end_date, InstalmentTrigger.ON_DATE)],
     "Instalment 1 must be in pounds and pence"),
    (lambda a: [], "Add at least one instalment"),
])
def test_a_bad_schedule_is_refused_and_the_old_one_kept(db, offer, officer, plans, message):
    with pytest.raises(AwardError, match=message) as refused:
        payments.replace_schedule(offer, plans(offer), offer.version, officer)
    assert refused.value.field == "instalments"
    db.session.expire_all()
    assert [i.amount for i in offer.instalments] == [Decimal("2000.00"), Decimal("2000.00")]


def test_a_schedule_saved_over_someone_elses_change_is_refused(db, offer, officer):
    plans = [InstalmentPlan(Decimal("4000.00"), offer.start_date, InstalmentTrigger.ON_ACCEPTANCE)]
    with pytest.raises(StaleAward, match="Someone else changed this award"):
        payments.replace_schedule(offer, plans, offer.version - 1, officer)
    # Changed in the database after this user read it: the version check in the UPDATE catches it
    # (and rolls back, so the set-up is committed first: to the test's savepoint).
    db.session.commit()
    seen = offer.version
    db.session.execute(update(Award).where(Award.id == offer.id).values(version=Award.version + 1)
                       .execution_options(synchronize_session=False))
    with pytest.raises(StaleAward):
        payments.replace_schedule(offer, plans, seen, officer)
    db.session.expire_all()
    assert len(offer.instalments) == 2


def test_an_accepted_awards_schedule_is_changed_by_variation_only(award, officer):
    plans = [InstalmentPlan(Decimal("4000.00"), award.start_date, InstalmentTrigger.ON_ACCEPTANCE)]
    with pytest.raises(AwardError, match="before the offer is accepted: use a variation"):
        payments.replace_schedule(award, plans, award.version, officer)


# The finance queues ------------------------------------------------------------------------------

def test_the_finance_queues_and_their_totals(db, users, award, finance, officer):
    award.accepted_at = datetime(2026, 1, 5, tzinfo=UTC)
    other = AwardFactory(organisation=users["org_b"], status=AwardStatus.ACCEPTED,
                         accepted_at=datetime(2026, 1, 5, tzinfo=UTC), amount=Decimal("3000.00"))
    for instalment in other.instalments:
        instalment.status = InstalmentStatus.DUE
    db.session.flush()
    payments.approve(other.instalments[0], colleague())
    payments.record_payment(other.instalments[0], date(2027, 4, 2), "THIS-YEAR", finance, today=date(2027, 5, 1))
    payments.approve(other.instalments[1], colleague())
    payments.hold(other.instalments[1], "Return 2 is overdue", officer)
    second = award.instalments[1]
    second.status = InstalmentStatus.DUE
    db.session.flush()
    payments.approve(second, colleague())
    payments.record_payment(second, date(2027, 3, 31), "LAST-YEAR", finance, today=date(2027, 5, 1))

    queues = {queue.key: queue for queue in payments.finance_queues(today=date(2027, 5, 1))}
    assert [i.id for i in queues["due"].instalments] == [award.instalments[0].id]
    assert queues["due"].total == Decimal("2000.00")
    assert queues["approved"].instalments == []
    assert [i.hold_reason for i in queues["held"].instalments] == ["Return 2 is overdue"]
    assert queues["held"].total == Decimal("1500.00")
    assert queues["paid"].title == "Paid in 2027-28"
    assert [i.payment_reference for i in queues["paid"].instalments] == ["THIS-YEAR"]  # 31 March was 2026-27
    assert queues["paid"].total == Decimal("1500.00")
