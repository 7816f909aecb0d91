"""Closing an award: the final return accepted, the underspend recorded and, where the money is to
come back, a repayment (clawback) tracked until it is received or waived.

Rules:
- Only an accepted award whose final monitoring return has been accepted can be closed, with no
  variation waiting for a decision and every instalment paid (an instalment that will not be paid
  is taken off by reducing the award with a variation first), so that at closure the award, its
  payments and the round's committed budget agree.
- The underspend is £0 or more, and no more than has been paid. More than £0 is recorded as a
  repayment due by a date (today or later), unless the officer records that it is not to be
  recovered, with the reason (the repayment is then recorded as waived).
- A repayment due is later recorded as received (date and reference) or waived (with the reason).
  One past its due date is overdue. Finance sees every repayment due in its queue; the daily jobs
  remind the grantee a week before the due date and every week while it is overdue.
Every change is checked before anything is written, and audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import abort
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from grants import audit
from grants.email_templates import send_template
from grants.extensions import db
from grants.formatting import long_date, money
from grants.interfaces.awards.awarding import REASON_MAX_CHARACTERS, AwardError
from grants.interfaces.awards.payments import REFERENCE_MAX_CHARACTERS, paid_total, uk_today
from grants.interfaces.writes import rows_changed
from grants.models.accounts import User
from grants.models.applications import Application
from grants.models.awards import (
    Award,
    AwardStatus,
    InstalmentStatus,
    Repayment,
    RepaymentStatus,
    ReturnStatus,
    VariationStatus,
)
from grants.models.claims import Claim, ClaimStatus
from grants.models.types import utcnow

PENNY = Decimal("0.01")
WAIVED_NOTE = "Not to be recovered: "


def closure_problem(award: Award) -> str | None:
    """Why the award cannot be closed yet, or None if it can."""
    if award.status is not AwardStatus.ACCEPTED:
        return f"Only an accepted award can be closed: this one is {award.status.label.lower()}"
    final = next((row for row in award.returns if row.final), None)
    if final is None:
        return "The award has no final monitoring return, so it cannot be closed"
    if final.status is not ReturnStatus.ACCEPTED:
        return (f"The final monitoring return (return {final.number}) is {final.status.label.lower()}: it must be "
                "accepted before the award is closed")
    if any(v.status is VariationStatus.REQUESTED for v in award.variations):
        return "A variation is waiting for a decision: approve or reject it before closing the award"
    waiting = db.session.scalar(select(Claim.number).where(Claim.award_id == award.id,
                                                           Claim.status == ClaimStatus.SUBMITTED).limit(1))
    if waiting is not None:  # a grant paid on claims: a claim not yet checked may still be paid
        return f"Claim {waiting} is waiting to be checked: accept, return or reject it before closing the award"
    unpaid = [i for i in award.instalments if i.status is not InstalmentStatus.PAID]
    if unpaid:
        first = unpaid[0]
        return (f"Instalment {first.number} ({money(first.amount)}) has not been paid: pay it, or reduce the award "
                "by a variation, before closing the award")
    return None


def close_award(award: Award, underspend: Decimal | None, repayment_due_date: date | None, officer: User,
                recover: bool = True, waive_reason: str | None = None, now: datetime | None = None,
                ) -> Repayment | None:
    """Close ``award`` with its underspend; record the repayment if there is one (due, or waived
    when ``recover`` is False with ``waive_reason``). Refused (AwardError naming the field) with
    nothing changed when a rule is broken."""
    now = now or utcnow()
    today = uk_today(now)
    waive_reason = (waive_reason or "").strip()
    # The award's row is held until the transaction ends: a payment or variation at the same moment waits.
    db.session.refresh(award, with_for_update=True)
    db.session.expire(award, ["instalments", "returns", "variations"])
    problem = closure_problem(award)
    if problem:
        raise AwardError(problem)
    if underspend is None:
        raise AwardError("Enter the underspend, or 0 if all the grant was spent", "underspend")
    if underspend < 0:
        raise AwardError("Underspend must be £0 or more", "underspend")
    if underspend != underspend.quantize(PENNY):
        raise AwardError("Underspend must be in pounds and pence", "underspend")
    paid = paid_total(award)
    if underspend > paid:
        raise AwardError(f"Underspend cannot be more than the {money(paid)} paid to the grantee", "underspend")
    if underspend > 0:
        if recover:
            if repayment_due_date is None:
                raise AwardError("Enter the date the repayment is due", "repayment_due_date")
            if repayment_due_date < today:
                raise AwardError("Repayment due date must be today or in the future", "repayment_due_date")
        else:
            _check_reason(waive_reason, "Enter the reason the underspend is not to be recovered", "waive_reason")

    before = {"status": award.status, "closed_at": None, "underspend": None}
    award.status, award.closed_at, award.underspend = AwardStatus.CLOSED, now, underspend
    db.session.flush()
    audit.record("award.closed", award, f"{award.application.reference} closed with an underspend of "
                 f"{money(underspend)}", changes=audit.diff(before, {"status": award.status, "closed_at": now,
                                                                    "underspend": underspend}), actor=officer)
    if underspend == 0:
        return None
    reason = f"Underspend at the closure of {award.application.reference}"
    repayment = Repayment(
        award=award, amount=underspend, due_date=repayment_due_date if recover else today,
        status=RepaymentStatus.DUE if recover else RepaymentStatus.WAIVED,
        reason=reason if recover else f"{reason}. {WAIVED_NOTE}{waive_reason}", created_by_id=officer.id,
    )
    db.session.add(repayment)
    db.session.flush()
    audit.record("repayment.recorded", repayment,
                 f"Repayment of {money(underspend)} by {award.organisation.name} "
                 + (f"due by {long_date(repayment.due_date)}" if recover else f"not to be recovered: {waive_reason}"),
                 changes=audit.diff({}, audit.snapshot(repayment)), actor=officer)
    return repayment


def _check_reason(reason: str, missing: str, field: str) -> None:
    if not reason:
        raise AwardError(missing, field)
    if len(reason) > REASON_MAX_CHARACTERS:
        raise AwardError(f"Reason must be {REASON_MAX_CHARACTERS:,} characters or fewer", field)


# Repayments --------------------------------------------------------------------------------------

def repayment_of(award: Award, repayment_id: int) -> Repayment:
    """The award's repayment; another award's (or none) is "not found"."""
    repayment = db.session.get(Repayment, repayment_id)
    if repayment is None or repayment.award_id != award.id:
        abort(404)
    return repayment


def is_overdue(repayment: Repayment, today: date | None = None) -> bool:
    return repayment.status is RepaymentStatus.DUE and repayment.due_date < (today or uk_today())


def overdue_repayments(today: date | None = None) -> list[Repayment]:
    """Repayments due whose date has passed, the longest overdue first."""
    return list(db.session.scalars(
        select(Repayment).where(Repayment.status == RepaymentStatus.DUE, Repayment.due_date < (today or uk_today()))
        .order_by(Repayment.due_date, Repayment.id)
    ))


def repayments_due(today: date | None = None) -> list[RepaymentDue]:
    """Every repayment due and not yet received or waived, earliest due first, each with how many days
    it is overdue (0 when not yet due): finance's queue of money to come back."""
    today = today or uk_today()
    rows = db.session.scalars(
        select(Repayment).join(Award, Award.id == Repayment.award_id)
        .join(Application, Application.id == Award.application_id)
        .where(Repayment.status == RepaymentStatus.DUE)
        .options(joinedload(Repayment.award).joinedload(Award.application),
                 joinedload(Repayment.award).joinedload(Award.organisation))
        .order_by(Repayment.due_date, Application.reference, Repayment.id)
    ).unique()
    return [RepaymentDue(repayment, max((today - repayment.due_date).days, 0)) for repayment in rows]


@dataclass(frozen=True)
class RepaymentDue:
    repayment: Repayment
    days_overdue: int

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


# The daily jobs chase repayments: once in the week before the due date, then weekly while overdue.
REMIND_BEFORE_DAYS = 7
REMIND_OVERDUE_EVERY_DAYS = 7


def remind_repayments(now: datetime | None = None) -> list[RepaymentDue]:
    """Email the grantee of each repayment falling due within a week (once) or overdue (at most weekly);
    returns those reminded. Running it twice in a day sends nothing more."""
    from grants.interfaces.awards import management_emails
    from grants.interfaces.awards.monitoring import grantee_recipients  # monitoring imports this module's peers

    now = now or utcnow()
    today = uk_today(now)
    reminded = []
    for item in repayments_due(today):
        repayment = item.repayment
        last = uk_today(repayment.last_reminded_at) if repayment.last_reminded_at else None
        if item.overdue:
            due = last is None or last <= repayment.due_date or (today - last).days >= REMIND_OVERDUE_EVERY_DAYS
        else:
            due = (repayment.due_date - today).days <= REMIND_BEFORE_DAYS and (
                last is None or last < repayment.due_date - timedelta(days=REMIND_BEFORE_DAYS))
        if not due:
            continue
        award = repayment.award
        values = management_emails.repayment_values(repayment, item.days_overdue if item.overdue else 0)
        recipients = grantee_recipients(award)
        for recipient in recipients:
            send_template("repayment_reminder", recipient, values)
        before = repayment.last_reminded_at
        repayment.last_reminded_at = now
        db.session.flush()
        audit.record("repayment.reminded", repayment,
                     f"Repayment of {money(repayment.amount)} on {award.application.reference}: "
                     f"{'overdue' if item.overdue else 'due soon'} reminder sent to {', '.join(recipients)}",
                     changes=audit.diff({"last_reminded_at": before}, {"last_reminded_at": now}))
        reminded.append(item)
    return reminded


def record_received(repayment: Repayment, received_on: date | None, reference: str | None, user: User,
                    today: date | None = None) -> None:
    """Record that the grantee has paid the repayment back, on ``received_on`` with its reference."""
    today = today or uk_today()
    reference = (reference or "").strip()
    _check_due(repayment)
    if received_on is None:
        raise AwardError("Enter the date the repayment was received", "received_on")
    if received_on > today:
        raise AwardError("Date received must be today or in the past", "received_on")
    if repayment.award.closed_at is not None and received_on < uk_today(repayment.award.closed_at):
        raise AwardError(f"Date received must be on or after {long_date(repayment.award.closed_at)}, when the "
                         "award was closed", "received_on")
    if not reference:
        raise AwardError("Enter the reference of the payment received", "received_reference")
    if len(reference) > REFERENCE_MAX_CHARACTERS:
        raise AwardError(f"Reference must be {REFERENCE_MAX_CHARACTERS} characters or fewer", "received_reference")
    _settle(repayment, {"status": RepaymentStatus.RECEIVED, "received_on": received_on,
                        "received_reference": reference}, user,
            f"Repayment of {money(repayment.amount)} received on {long_date(received_on)}, reference {reference}")


def waive(repayment: Repayment, reason: str | None, user: User) -> None:
    """Record that the repayment is not to be recovered, and why."""
    reason = (reason or "").strip()
    _check_due(repayment)
    _check_reason(reason, "Enter the reason the repayment is not to be recovered", "waive_reason")
    _settle(repayment, {"status": RepaymentStatus.WAIVED, "reason": f"{repayment.reason}. {WAIVED_NOTE}{reason}"},
            user, f"Repayment of {money(repayment.amount)} not to be recovered: {reason}")


def _check_due(repayment: Repayment) -> None:
    if repayment.status is not RepaymentStatus.DUE:
        raise AwardError(f"This repayment has already been recorded as {repayment.status.value}")


def _settle(repayment: Repayment, values: dict, user: User, summary: str) -> None:
    """One conditional UPDATE from due, so that two people settling it at once settle it once."""
    before = {name: getattr(repayment, name) for name in values}
    updated = rows_changed(
        update(Repayment).where(Repayment.id == repayment.id, Repayment.status == RepaymentStatus.DUE)
        .values(**values).execution_options(synchronize_session=False)
    )
    db.session.refresh(repayment)
    if updated != 1:
        _check_due(repayment)
        raise AwardError("This repayment could not be recorded: try again")  # pragma: no cover
    audit.record(f"repayment.{repayment.status.value}", repayment, summary[:500],
                 changes=audit.diff(before, {name: getattr(repayment, name) for name in values}), actor=user)
