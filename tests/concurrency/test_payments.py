"""Finance staff recording payments at the same moment: an instalment is paid once, and an award's
payments never add up to more than the award, even after a variation has reduced it."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from decimal import Decimal

from grants.interfaces.awards import payments
from grants.models.accounts import Role, User
from grants.models.awards import Award, AwardStatus, Instalment, InstalmentStatus, InstalmentTrigger
from grants.models.types import utcnow
from tests.factories import AwardFactory, OrganisationFactory, UserFactory
from tests.figures import report


def _accepted_award(db, amount: Decimal, instalments: list[tuple[Decimal, InstalmentStatus]]) -> Award:
    """An accepted award whose schedule is set row by row (as a test of the guard, not of schedules)."""
    award = AwardFactory(organisation=OrganisationFactory(), status=AwardStatus.ACCEPTED, amount=amount,
                         accepted_at=utcnow() - timedelta(days=30))
    award.instalments.clear()
    db.session.flush()
    for number, (value, status) in enumerate(instalments, start=1):
        award.instalments.append(Instalment(
            number=number, amount=value, due_date=award.start_date, trigger=InstalmentTrigger.ON_DATE, status=status,
            approved_at=utcnow(),
            paid_on=utcnow().date() - timedelta(days=5) if status is InstalmentStatus.PAID else None,
            payment_reference=f"EARLIER-{number}" if status is InstalmentStatus.PAID else None,
        ))
    db.session.flush()
    return award


def _race(app, db, jobs) -> tuple[list[str], list[BaseException]]:
    """Run each (instalment id, finance user id, reference) at the same moment; 'paid' or the refusal."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []
    errors: list[BaseException] = []
    today = payments.uk_today()

    def attempt(instalment_id: int, user_id: int, reference: str):
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                instalment = db.session.get(Instalment, instalment_id)
                who = db.session.get(User, user_id)
                try:
                    payments.record_payment(instalment, today, reference, who)
                    db.session.commit()
                    outcomes.append("paid")
                except payments.AwardError as refused:
                    db.session.rollback()
                    outcomes.append(str(refused))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=attempt, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes, errors


def test_finance_users_paying_the_same_instalment_at_once_pay_it_once(app, db):
    award = _accepted_award(db, Decimal("4000.00"), [(Decimal("2000.00"), InstalmentStatus.APPROVED),
                                                     (Decimal("2000.00"), InstalmentStatus.SCHEDULED)])
    finance = [UserFactory(roles=[Role.FINANCE_OFFICER]) for _ in range(2)]
    db.session.commit()
    instalment_id, award_id = award.instalments[0].id, award.id

    outcomes, errors = _race(app, db, [(instalment_id, user.id, f"REF-{n}") for n, user in enumerate(finance)])

    assert not errors, errors
    assert outcomes.count("paid") == 1, outcomes
    [refusal] = [outcome for outcome in outcomes if outcome != "paid"]
    assert "has already been paid" in refusal
    db.session.expire_all()
    paid = db.session.get(Instalment, instalment_id)
    assert paid.status is InstalmentStatus.PAID and paid.payment_reference in {"REF-0", "REF-1"}
    assert payments.paid_total(db.session.get(Award, award_id)) == Decimal("2000.00")
    report(f"same-instalment race: {len(finance)} finance users at once, {outcomes.count('paid')} payment recorded")


def test_payments_at_once_never_take_an_award_beyond_its_reduced_amount(app, db, monkeypatch):
    """A £10,000 award in ten £1,000 instalments, reduced by a variation to £6,500 after £3,000 was
    paid, with its seven other instalments approved: paid at once, only three fit."""
    # Slow the sum of what has been paid, so that without the award's row lock every payment would
    # read £3,000 and all seven would be recorded (checked by removing the lock: the test fails).
    read_paid_total = payments.paid_total

    def slow_paid_total(award):
        total = read_paid_total(award)
        time.sleep(0.1)
        return total

    monkeypatch.setattr(payments, "paid_total", slow_paid_total)
    award = _accepted_award(db, Decimal("10000.00"), [(Decimal("1000.00"), InstalmentStatus.PAID)] * 3
                            + [(Decimal("1000.00"), InstalmentStatus.APPROVED)] * 7)
    award.amount = Decimal("6500.00")  # the variation
    finance = [UserFactory(roles=[Role.FINANCE_OFFICER]) for _ in range(7)]
    db.session.commit()
    award_id = award.id
    approved = [i.id for i in award.instalments if i.status is InstalmentStatus.APPROVED]

    outcomes, errors = _race(app, db, [(instalment_id, user.id, f"REF-{instalment_id}")
                                       for instalment_id, user in zip(approved, finance, strict=True)])

    assert not errors, errors
    assert outcomes.count("paid") == 3, outcomes
    refusals = [outcome for outcome in outcomes if outcome != "paid"]
    assert len(refusals) == 4
    assert all("more than the award of £6,500.00" in refusal for refusal in refusals)
    db.session.expire_all()
    award = db.session.get(Award, award_id)
    paid = read_paid_total(award)
    assert paid == Decimal("6000.00") and paid <= award.amount
    report(f"payment race: {len(approved)} payments of £1,000 at once on an award cut to £{award.amount:,} with "
          f"£3,000 paid: {outcomes.count('paid')} recorded, {len(refusals)} refused; paid £{paid:,}")
