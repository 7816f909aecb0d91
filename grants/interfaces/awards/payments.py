"""Payments: an award's instalments from scheduled to paid, holds, the payment schedule of an offer,
and the finance team's queues.

An instalment goes scheduled → due → approved (by finance) → paid. It becomes due on acceptance
(grants.interfaces.awards.awarding.accept_offer), on its due date (``mark_due_instalments``, run daily) or
after a satisfactory monitoring return (``release_after_return``). A held instalment cannot be
approved or paid until an officer releases it.

Segregation of duties: whoever made the award (``Award.created_by_id``) cannot approve its payments,
and whoever approved an instalment cannot record it as paid. Both are checked in ``approve`` and
``record_payment``, the only paths to those states (payment batches go through them too).

A change of bank details: for ``bank_change_hold_days`` after an organisation's new details take
effect, an instalment to it is paid only once a second finance officer (not the first approver) has
approved it too (``second_approve``).

Every change is one conditional UPDATE with the expected state in its WHERE clause, so a double
click or two people acting at once change a row once, and the second is told why not. Paying locks
the award's row first (SELECT … FOR UPDATE on PostgreSQL; SQLite allows one writer at a time) and
re-adds what has been paid inside the same transaction, so an award's payments never add up to more
than the award, even after a variation has reduced it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import abort
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from grants import audit
from grants.extensions import db
from grants.formatting import london_today as uk_today
from grants.formatting import long_date, money
from grants.interfaces.awards.awarding import STALE_MESSAGE, AwardError, InstalmentPlan, StaleAward
from grants.interfaces.writes import rows_changed
from grants.modelling.calendar import financial_year, financial_year_bounds
from grants.models.accounts import Role, User
from grants.models.applications import Application
from grants.models.awards import Award, AwardStatus, Instalment, InstalmentStatus, InstalmentTrigger, PaymentRun
from grants.models.claims import PaymentBasis
from grants.models.types import utcnow

# Who works the finance queues, who approves and pays, and who holds and releases.
PAYMENT_VIEWERS = (Role.FINANCE_OFFICER, Role.GRANTS_OFFICER, Role.ADMIN)
PAYERS = (Role.FINANCE_OFFICER,)
HOLDERS = (Role.GRANTS_OFFICER,)

HOLD_REASON_MAX_CHARACTERS = 2_000
REFERENCE_MAX_CHARACTERS = 60  # Instalment.payment_reference is String(60)
PENNY = Decimal("0.01")



def describe(instalment: Instalment) -> str:
    """ "Instalment 2 of CGS-2026-0042", for messages and the audit log."""
    return f"Instalment {instalment.number} of {instalment.award.application.reference}"


def instalment_of(award: Award, instalment_id: int) -> Instalment:
    """The award's instalment; another award's (or none) is "not found"."""
    instalment = db.session.get(Instalment, instalment_id)
    if instalment is None or instalment.award_id != award.id:
        abort(404)
    return instalment


def paid_total(award: Award) -> Decimal:
    """What has been paid on the award, read from the database (not the loaded instalments)."""
    total = db.session.execute(
        select(func.coalesce(func.sum(Instalment.amount), 0)).where(
            Instalment.award_id == award.id, Instalment.status == InstalmentStatus.PAID
        )
    ).scalar_one()
    return Decimal(total).quantize(PENNY)


def lock_award(award: Award) -> Decimal:
    """Hold the award's row until the transaction ends (so that payments and changes of amount of
    one award happen one at a time); return its amount as committed now, so a variation that
    reduced it a moment ago counts."""
    amount = db.session.execute(select(Award.amount).where(Award.id == award.id).with_for_update()).scalar_one()
    return Decimal(amount)


def _change(instalment: Instalment, expected, values: dict) -> bool:
    """One conditional UPDATE: True if this call changed the row, False if its state had moved on."""
    updated = rows_changed(
        update(Instalment)
        .where(Instalment.id == instalment.id, *expected)
        .values(**values, version=Instalment.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(instalment)
    return updated == 1


def _record(action: str, instalment: Instalment, summary: str, before: dict, actor: User | None) -> None:
    after = {name: getattr(instalment, name) for name in before}
    audit.record(action, instalment, summary, changes=audit.diff(before, after), actor=actor)


# Becoming due ------------------------------------------------------------------------------------

def mark_due_instalments(now: datetime | None = None) -> list[Instalment]:
    """Make due every scheduled instalment paid on a date that has come (UK date), on accepted
    awards. Run daily by ``flask send-reminders``; running it twice changes nothing more."""
    today = uk_today(now)
    candidates = db.session.scalars(
        select(Instalment)
        .join(Award, Award.id == Instalment.award_id)
        .where(Instalment.status == InstalmentStatus.SCHEDULED, Instalment.trigger == InstalmentTrigger.ON_DATE,
               Instalment.due_date <= today, Award.status == AwardStatus.ACCEPTED)
        .order_by(Instalment.due_date, Instalment.id)
    ).all()
    made_due = []
    for instalment in candidates:
        if _change(instalment, [Instalment.status == InstalmentStatus.SCHEDULED],
                   {"status": InstalmentStatus.DUE}):
            _record("instalment.due", instalment, f"{describe(instalment)} ({money(instalment.amount)}) is due: "
                    f"its date, {long_date(instalment.due_date)}, has come",
                    {"status": InstalmentStatus.SCHEDULED}, actor=None)
            made_due.append(instalment)
    return made_due


def release_after_return(award: Award, actor: User | None = None) -> Instalment | None:
    """Make due the award's next instalment waiting for a satisfactory monitoring return (called
    when an officer accepts one). None when no such instalment is waiting."""
    if award.status is not AwardStatus.ACCEPTED:
        return None
    waiting = db.session.scalars(
        select(Instalment)
        .where(Instalment.award_id == award.id, Instalment.status == InstalmentStatus.SCHEDULED,
               Instalment.trigger == InstalmentTrigger.AFTER_RETURN)
        .order_by(Instalment.number)
    ).all()
    for instalment in waiting:
        if _change(instalment, [Instalment.status == InstalmentStatus.SCHEDULED],
                   {"status": InstalmentStatus.DUE}):
            _record("instalment.due", instalment, f"{describe(instalment)} ({money(instalment.amount)}) is due: "
                    "a satisfactory monitoring return was accepted", {"status": InstalmentStatus.SCHEDULED}, actor)
            return instalment
    return None


# Holds -------------------------------------------------------------------------------------------

def hold(instalment: Instalment, reason: str, officer: User) -> None:
    """Stop an unpaid instalment being approved or paid, for example while a return is overdue."""
    reason = (reason or "").strip()
    if not reason:
        raise AwardError("Enter why the instalment is on hold", "reason")
    if len(reason) > HOLD_REASON_MAX_CHARACTERS:
        raise AwardError(f"Reason must be {HOLD_REASON_MAX_CHARACTERS:,} characters or fewer", "reason")
    check_holdable(instalment)
    if not _change(instalment, [Instalment.held.is_(False), Instalment.status != InstalmentStatus.PAID],
                   {"held": True, "hold_reason": reason}):
        check_holdable(instalment)  # says what changed meanwhile
        raise AwardError(f"{describe(instalment)} could not be put on hold")  # pragma: no cover
    _record("instalment.held", instalment, f"{describe(instalment)} put on hold: {reason}",
            {"held": False, "hold_reason": None}, officer)


def check_holdable(instalment: Instalment) -> None:
    if instalment.status is InstalmentStatus.PAID:
        raise AwardError(f"{describe(instalment)} has already been paid, so it cannot be put on hold")
    if instalment.held:
        raise AwardError(f"{describe(instalment)} is already on hold")


def release(instalment: Instalment, officer: User) -> None:
    """Take an instalment off hold: it can be approved and paid again."""
    reason = instalment.hold_reason
    if not instalment.held or not _change(instalment, [Instalment.held.is_(True)],
                                          {"held": False, "hold_reason": None}):
        raise AwardError(f"{describe(instalment)} is not on hold: someone may have released it already")
    _record("instalment.released", instalment, f"{describe(instalment)} released from hold",
            {"held": True, "hold_reason": reason}, officer)


# Approval and payment ----------------------------------------------------------------------------

def _check_award_accepted(instalment: Instalment, action: str) -> None:
    status = instalment.award.status
    if status is not AwardStatus.ACCEPTED:
        raise AwardError(f"{describe(instalment)} cannot be {action}: the award is {status.label.lower()}, "
                         "not accepted")


def duty_problem(instalment: Instalment, user: User | None, action: str) -> str | None:
    """Why ``user`` may not ``action`` ("approve" or "pay") this instalment because of who did the step
    before, or None. Segregation of duties: four eyes on every payment."""
    if user is None:
        return None
    if action == "approve" and instalment.award.created_by_id == user.id:
        return (f"{describe(instalment)} cannot be approved by you: you made this award, so another finance "
                "officer must approve its payments")
    if action == "pay" and instalment.approved_by_id == user.id:
        return (f"{describe(instalment)} cannot be recorded as paid by you: you approved it, so another finance "
                "officer must record the payment")
    return None


def _check_duty(instalment: Instalment, user: User | None, action: str) -> None:
    problem = duty_problem(instalment, user, action)
    if problem:
        raise AwardError(problem)


def check_approvable(instalment: Instalment, user: User | None = None) -> None:
    """AwardError saying why the instalment cannot be approved now (by ``user``, when given)."""
    _check_award_accepted(instalment, "approved")
    status = instalment.status
    if status is InstalmentStatus.APPROVED:
        who = instalment.approved_by.full_name if instalment.approved_by else "someone"
        raise AwardError(f"{describe(instalment)} has already been approved by {who}")
    if status is InstalmentStatus.PAID:
        raise AwardError(f"{describe(instalment)} has already been paid")
    if status is InstalmentStatus.SCHEDULED:
        raise AwardError(f"{describe(instalment)} is not due yet, so it cannot be approved")
    if instalment.held:
        raise AwardError(f"{describe(instalment)} is on hold: it cannot be approved until it is released")
    _check_duty(instalment, user, "approve")


def approve(instalment: Instalment, finance_user: User, now: datetime | None = None) -> None:
    """Finance approves a due instalment for payment."""
    now = now or utcnow()
    check_approvable(instalment, finance_user)
    accepted = select(Award.id).where(Award.status == AwardStatus.ACCEPTED)
    if not _change(instalment, [Instalment.status == InstalmentStatus.DUE, Instalment.held.is_(False),
                                Instalment.award_id.in_(accepted)],
                   {"status": InstalmentStatus.APPROVED, "approved_at": now, "approved_by_id": finance_user.id}):
        db.session.refresh(instalment.award)
        check_approvable(instalment)
        raise AwardError(f"{describe(instalment)} could not be approved: try again")  # pragma: no cover
    _record("instalment.approved", instalment, f"{describe(instalment)} ({money(instalment.amount)}) approved "
            "for payment", {"status": InstalmentStatus.DUE, "approved_at": None, "approved_by_id": None},
            finance_user)


def check_payment_details(instalment: Instalment, paid_on: date | None, reference: str | None,
                          today: date | None = None) -> str:
    """The trimmed payment reference, or AwardError naming the field that is wrong."""
    today = today or uk_today()
    reference = (reference or "").strip()
    if paid_on is None:
        raise AwardError("Enter the date the payment was made", "paid_on")
    if paid_on > today:
        raise AwardError("Date paid must be today or in the past", "paid_on")
    accepted_at = instalment.award.accepted_at
    if accepted_at is not None and paid_on < uk_today(accepted_at):
        raise AwardError(f"Date paid must be on or after {long_date(accepted_at)}, when the offer was accepted",
                         "paid_on")
    if not reference:
        raise AwardError("Enter the payment reference", "reference")
    if len(reference) > REFERENCE_MAX_CHARACTERS:
        raise AwardError(f"Payment reference must be {REFERENCE_MAX_CHARACTERS} characters or fewer", "reference")
    return reference


def check_payable(instalment: Instalment, user: User | None = None) -> None:
    """AwardError saying why the instalment cannot be recorded as paid now (by ``user``, when given)."""
    _check_award_accepted(instalment, "paid")
    status = instalment.status
    if status is InstalmentStatus.PAID:
        raise AwardError(f"{describe(instalment)} has already been paid (on {long_date(instalment.paid_on)}, "
                         f"reference {instalment.payment_reference})")
    if status is not InstalmentStatus.APPROVED:
        raise AwardError(f"{describe(instalment)} has not been approved for payment yet")
    if instalment.held:
        raise AwardError(f"{describe(instalment)} is on hold: it cannot be paid until it is released")
    _check_duty(instalment, user, "pay")
    if (hold := bank_change(instalment)) is not None and instalment.second_approved_by_id is None:
        raise AwardError(f"{describe(instalment)} needs a second approval before it is paid: "
                         f"{instalment.award.organisation.name}'s bank details changed on {long_date(hold.changed_on)}")


def bank_change(instalment: Instalment):
    """The organisation's recent change of bank details that calls for a second approval, or None."""
    from grants.interfaces.bank_details.details import change_hold

    return change_hold(instalment.award.organisation_id)


def check_second_approvable(instalment: Instalment, user: User) -> None:
    _check_award_accepted(instalment, "approved a second time")
    if instalment.status is not InstalmentStatus.APPROVED:
        raise AwardError(f"{describe(instalment)} is not waiting for payment, so it needs no second approval")
    if instalment.second_approved_by_id is not None:
        who = instalment.second_approved_by.full_name if instalment.second_approved_by else "someone"
        raise AwardError(f"{describe(instalment)} has already had its second approval, from {who}")
    if bank_change(instalment) is None:
        raise AwardError(f"{describe(instalment)} needs no second approval: the organisation's bank details have "
                         "not changed recently")
    if instalment.approved_by_id == user.id:
        raise AwardError(f"{describe(instalment)} cannot have its second approval from you: you approved it first")


def second_approve(instalment: Instalment, finance_user: User, now: datetime | None = None) -> None:
    """A second finance officer approves a payment to an organisation whose bank details changed recently."""
    now = now or utcnow()
    check_second_approvable(instalment, finance_user)
    if not _change(instalment, [Instalment.status == InstalmentStatus.APPROVED,
                                Instalment.second_approved_by_id.is_(None)],
                   {"second_approved_at": now, "second_approved_by_id": finance_user.id}):
        db.session.refresh(instalment)
        check_second_approvable(instalment, finance_user)
        raise AwardError(f"{describe(instalment)} could not be approved: try again")  # pragma: no cover
    _record("instalment.second_approved", instalment, f"{describe(instalment)} ({money(instalment.amount)}) "
            "approved a second time after a change of bank details",
            {"second_approved_at": None, "second_approved_by_id": None}, finance_user)


def record_payment(instalment: Instalment, paid_on: date | None, reference: str | None, finance_user: User,
                   today: date | None = None, run: PaymentRun | None = None) -> None:
    """Record that an approved instalment has been paid, on ``paid_on`` with the bank's reference.

    Refused when the details are wrong, the instalment is not approved (or is held), or the award's
    payments would come to more than the award.
    """
    reference = check_payment_details(instalment, paid_on, reference, today)
    check_payable(instalment, finance_user)
    if instalment.payment_run_id is not None and (run is None or run.id != instalment.payment_run_id):
        in_run = instalment.payment_run.reference if instalment.payment_run else "another"
        raise AwardError(f"{describe(instalment)} is in payment run {in_run}: mark the run as paid, or cancel it to "
                         "pay this instalment on its own")
    # The award's row is locked before the sum, so payments of one award are added up one at a time.
    amount = lock_award(instalment.award)
    db.session.refresh(instalment)
    db.session.refresh(instalment.award)
    check_payable(instalment, finance_user)  # what another payment, hold or variation did while this one waited
    paid = paid_total(instalment.award)
    if paid + instalment.amount > amount:
        raise AwardError(
            f"Paying instalment {instalment.number} ({money(instalment.amount)}) would take the payments on this "
            f"award to {money(paid + instalment.amount)}, more than the award of {money(amount)}: "
            f"{money(paid)} has been paid already, so {money(max(amount - paid, Decimal(0)))} is left")
    if not _change(instalment, [Instalment.status == InstalmentStatus.APPROVED, Instalment.held.is_(False)],
                   {"status": InstalmentStatus.PAID, "paid_on": paid_on, "payment_reference": reference,
                    "paid_by_id": finance_user.id}):
        check_payable(instalment)
        raise AwardError(f"{describe(instalment)} could not be paid: try again")  # pragma: no cover
    _record("instalment.paid", instalment, f"{describe(instalment)} ({money(instalment.amount)}) paid on "
            f"{long_date(paid_on)}, reference {reference}",
            {"status": InstalmentStatus.APPROVED, "paid_on": None, "payment_reference": None, "paid_by_id": None},
            finance_user)


# The schedule of an offer ------------------------------------------------------------------------

def check_schedule(award: Award, plans: Sequence[InstalmentPlan]) -> None:
    """AwardError for the first thing wrong with a payment schedule for ``award``."""
    if award.funding_round.payment_basis is PaymentBasis.CLAIMS:
        raise AwardError("This grant is paid on claims of spend, so it has no payment schedule", "instalments")
    if not plans:
        raise AwardError("Add at least one instalment to the payment schedule", "instalments")
    for number, plan in enumerate(plans, start=1):
        if plan.amount <= 0:
            raise AwardError(f"Instalment {number} must be more than £0", "instalments")
        if plan.amount != plan.amount.quantize(PENNY):
            raise AwardError(f"Instalment {number} must be in pounds and pence", "instalments")
        if not award.start_date <= plan.due_date <= award.end_date:
            raise AwardError(f"Instalment {number} must be due within the award period, "
                             f"{long_date(award.start_date)} to {long_date(award.end_date)}", "instalments")
    total = sum((plan.amount for plan in plans), Decimal(0))
    if total != award.amount:
        raise AwardError(f"The instalments add up to {money(total)}: they must add up to the award of "
                         f"{money(award.amount)}", "instalments")


def replace_schedule(award: Award, plans: Sequence[InstalmentPlan], seen_version: int, officer: User) -> None:
    """Give an offer not yet accepted a new payment schedule (adding up to the award to the penny).

    ``seen_version`` is the award's version when the officer opened the form: if someone has saved
    the award since, StaleAward is raised and nothing is saved.
    """
    if award.version != seen_version:
        raise StaleAward(STALE_MESSAGE)
    if award.status is not AwardStatus.OFFERED:
        raise AwardError("The payment schedule can only be changed before the offer is accepted: use a variation "
                         "instead")
    check_schedule(award, plans)
    before = [_plain_plan(i) for i in award.instalments]
    award.updated_at = utcnow()  # the award's row is updated, so its version is checked and raised
    award.instalments.clear()
    try:
        db.session.flush()  # the old rows go before the new take their numbers
    except StaleDataError:  # another transaction saved the award after this one read it
        db.session.rollback()
        raise StaleAward(STALE_MESSAGE) from None
    for number, plan in enumerate(plans, start=1):
        award.instalments.append(Instalment(number=number, amount=plan.amount, due_date=plan.due_date,
                                            trigger=plan.trigger))
    db.session.flush()
    audit.record("award.schedule_replaced", award, f"Payment schedule of {award.application.reference} changed "
                 f"to {len(plans)} instalment{'' if len(plans) == 1 else 's'}",
                 changes={"instalments": {"before": before, "after": [_plain_plan(i) for i in award.instalments]}},
                 actor=officer)


def _plain_plan(instalment: Instalment) -> dict:
    return {"number": instalment.number, "amount": str(instalment.amount),
            "due_date": instalment.due_date.isoformat(), "trigger": instalment.trigger.value}


# The finance team's queues -----------------------------------------------------------------------

@dataclass(frozen=True)
class Queue:
    key: str
    title: str
    instalments: list[Instalment]

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.instalments), Decimal(0))


def _instalments(*conditions, order=None) -> list[Instalment]:
    return list(db.session.scalars(
        select(Instalment)
        .join(Award, Award.id == Instalment.award_id)
        .join(Application, Application.id == Award.application_id)
        .where(*conditions)
        .options(joinedload(Instalment.award).joinedload(Award.application),
                 joinedload(Instalment.award).joinedload(Award.organisation),
                 # the queues say "instalment 2 of 3": every award's instalments in one more query
                 joinedload(Instalment.award).selectinload(Award.instalments),
                 joinedload(Instalment.approved_by), joinedload(Instalment.paid_by))
        .order_by(*(order or (Instalment.due_date, Application.reference, Instalment.number)))
    ).unique())


def due_instalments() -> list[Instalment]:
    """Due, not held, on accepted awards: waiting for finance to approve."""
    return _instalments(Instalment.status == InstalmentStatus.DUE, Instalment.held.is_(False),
                        Award.status == AwardStatus.ACCEPTED)


def approved_instalments() -> list[Instalment]:
    """Approved, not held: waiting for the payment to be made and recorded."""
    return _instalments(Instalment.status == InstalmentStatus.APPROVED, Instalment.held.is_(False),
                        Award.status == AwardStatus.ACCEPTED)


def held_instalments() -> list[Instalment]:
    """Unpaid instalments on hold, with their reasons."""
    return _instalments(Instalment.held.is_(True), Instalment.status != InstalmentStatus.PAID)


def paid_in_financial_year(today: date | None = None) -> tuple[str, list[Instalment]]:
    """The current financial year (like "2026-27") and the instalments paid in it, latest first."""
    year = financial_year(today or uk_today())
    first, last = financial_year_bounds(year)
    return year, _instalments(Instalment.status == InstalmentStatus.PAID, Instalment.paid_on >= first,
                              Instalment.paid_on <= last,
                              order=(Instalment.paid_on.desc(), Application.reference, Instalment.number))


def finance_queues(today: date | None = None) -> list[Queue]:
    year, paid = paid_in_financial_year(today)
    return [
        Queue("due", "Due for approval", due_instalments()),
        Queue("approved", "Approved, waiting for payment", approved_instalments()),
        Queue("held", "On hold", held_instalments()),
        Queue("paid", f"Paid in {year}", paid),
    ]
