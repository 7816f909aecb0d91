"""Variations: a change of an accepted award's amount, dates or activities, asked for by the grantee
or by an officer and decided by a grants officer, with the award's values before and the proposed
values kept.

Rules:
- Only an accepted award can be varied, and only one variation of each kind is open at a time.
- Any grants officer may decide a variation, including one they asked for themselves (the audit
  log says who asked and who decided).
- Amount: an increase needs room in the round's budget; the award cannot go below what has been
  paid or approved for payment. The difference is shared over the instalments not yet approved or
  paid, in proportion to their amounts (to the penny); an instalment that comes to £0 is dropped.
- Dates: the end must be after the start; the new period must still include the due date of every
  instalment approved or paid (others falling outside are moved to the nearest end of the period);
  returns already started, submitted or accepted are kept, and the start cannot move after the
  first of them; the returns after the last one kept are planned again for the new period. Once
  the final return has been started the dates cannot change.
- Activities: the agreed change is recorded, and shown on the award's pages.

Approving is one transaction: the award's row (and its instalments') is locked, the variation's
status changes by one conditional UPDATE (so two officers deciding at once decide it once), the
change is applied, the award's version goes up, and the audit log gets the before and after.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import abort
from sqlalchemy import select, update

from grants import audit
from grants.extensions import db
from grants.formatting import long_date, money
from grants.interfaces.awards.awarding import REASON_MAX_CHARACTERS, AwardError, check_headroom
from grants.interfaces.awards.payments import paid_total
from grants.interfaces.subsidy import ledger as subsidy_ledger
from grants.interfaces.writes import rows_changed
from grants.modelling.replanning import ReplanError, replan_instalments, replan_periods
from grants.models.accounts import User
from grants.models.awards import (
    Award,
    AwardStatus,
    Instalment,
    InstalmentStatus,
    MonitoringReturn,
    ReturnStatus,
    Variation,
    VariationKind,
    VariationStatus,
)
from grants.models.claims import PaymentBasis
from grants.models.subsidy import SubsidyBasis
from grants.models.types import utcnow

ACTIVITIES_MAX_CHARACTERS = 5_000
PENNY = Decimal("0.01")
OPEN_INSTALMENT = (InstalmentStatus.SCHEDULED, InstalmentStatus.DUE)


def variation_of(award: Award, variation_id: int) -> Variation:
    """The award's variation; another award's (or none) is "not found"."""
    variation = db.session.get(Variation, variation_id)
    if variation is None or variation.award_id != award.id:
        abort(404)
    return variation


def open_variation(award: Award, kind: VariationKind) -> Variation | None:
    return db.session.scalar(select(Variation).where(
        Variation.award_id == award.id, Variation.kind == kind, Variation.status == VariationStatus.REQUESTED))


def agreed_activities(award: Award) -> Variation | None:
    """The latest approved change of activities, if any: what the grantee has agreed to deliver now."""
    approved = [v for v in award.variations
                if v.kind is VariationKind.ACTIVITIES and v.status is VariationStatus.APPROVED]
    return max(approved, key=lambda v: (v.decided_at, v.id)) if approved else None


def changes(variation: Variation) -> list[tuple[str, str, str]]:
    """What the variation changes, as (what, before, proposed) in words for a page or an email."""
    before, proposed = variation.before, variation.proposed
    if variation.kind is VariationKind.AMOUNT:
        return [("Amount", money(Decimal(before["amount"])), money(Decimal(proposed["amount"])))]
    if variation.kind is VariationKind.DATES:
        return [(label, long_date(date.fromisoformat(before[key])), long_date(date.fromisoformat(proposed[key])))
                for label, key in (("Start date", "start_date"), ("End date", "end_date"))]
    return [("Activities", before.get("activities") or "As in the application", proposed["activities"])]


# Asking for a variation --------------------------------------------------------------------------

def request_variation(award: Award, kind: VariationKind, proposal: dict[str, Any], reason: str | None,
                      user: User, by_grantee: bool) -> Variation:
    """Record a request to vary ``award``: ``proposal`` holds "amount" (Decimal), "start_date" and
    "end_date" (dates) or "activities" (text), by ``kind``. Refused (AwardError naming the field)
    when the award is not accepted, one of the kind is already open, or the proposal is wrong."""
    reason = (reason or "").strip()
    _lock(award)
    if award.status is not AwardStatus.ACCEPTED:
        raise AwardError(f"Only an accepted award can be varied: this one is {award.status.label.lower()}")
    if open_variation(award, kind) is not None:
        raise AwardError(f"There is already a {kind.label.lower()} waiting for a decision: it must be decided "
                         "before another is asked for", "kind")
    before, proposed = _proposal(award, kind, proposal)
    if not reason:
        raise AwardError("Enter the reason for the change", "reason")
    if len(reason) > REASON_MAX_CHARACTERS:
        raise AwardError(f"Reason must be {REASON_MAX_CHARACTERS:,} characters or fewer", "reason")
    variation = Variation(award=award, kind=kind, before=before, proposed=proposed, reason=reason,
                          requested_by_id=user.id, requested_by_grantee=by_grantee, requested_at=utcnow())
    db.session.add(variation)
    db.session.flush()
    who = award.organisation.name if by_grantee else "a grants officer"
    audit.record("variation.requested", variation, f"{kind.label} of {award.application.reference} asked for by "
                 f"{who}", changes=audit.diff({}, {"kind": kind, **proposed, "reason": reason}), actor=user)
    return variation


def _proposal(award: Award, kind: VariationKind, proposal: dict[str, Any]) -> tuple[dict, dict]:
    """The award's values before and the proposed values, as JSON; AwardError if the proposal is wrong."""
    before = current_values(award, kind)
    if kind is VariationKind.AMOUNT:
        return before, _proposed_amount(award, proposal)
    if kind is VariationKind.DATES:
        return before, _proposed_dates(award, proposal)
    return before, _proposed_activities(proposal)


def _proposed_amount(award: Award, proposal: dict[str, Any]) -> dict[str, str]:
    amount = proposal.get("amount")
    if amount is None:
        raise AwardError("Enter the new amount of the award", "amount")
    if amount <= 0:
        raise AwardError("New amount must be more than £0", "amount")
    if amount != amount.quantize(PENNY):
        raise AwardError("New amount must be in pounds and pence", "amount")
    if amount == award.amount:
        raise AwardError(f"New amount must be different from the current award of {money(award.amount)}",
                         "amount")
    _check_not_below_committed_payments(award, amount)
    return {"amount": str(amount)}


def _proposed_dates(award: Award, proposal: dict[str, Any]) -> dict[str, str]:
    start, end = proposal.get("start_date"), proposal.get("end_date")
    if start is None:
        raise AwardError("Enter the new start date", "start_date")
    if end is None:
        raise AwardError("Enter the new end date", "end_date")
    if end <= start:
        raise AwardError("End date must be after the start date", "end_date")
    if (start, end) == (award.start_date, award.end_date):
        raise AwardError("Change the start date, the end date or both", "start_date")
    return {"start_date": start.isoformat(), "end_date": end.isoformat()}


def _proposed_activities(proposal: dict[str, Any]) -> dict[str, str]:
    activities = (proposal.get("activities") or "").strip()
    if not activities:
        raise AwardError("Describe the activities as they would be after the change", "activities")
    if len(activities) > ACTIVITIES_MAX_CHARACTERS:
        raise AwardError(f"Activities must be {ACTIVITIES_MAX_CHARACTERS:,} characters or fewer", "activities")
    return {"activities": activities}


def current_values(award: Award, kind: VariationKind) -> dict[str, str]:
    """The award's values that a variation of ``kind`` changes, as kept in ``Variation.before``."""
    if kind is VariationKind.AMOUNT:
        return {"amount": str(award.amount)}
    if kind is VariationKind.DATES:
        return {"start_date": award.start_date.isoformat(), "end_date": award.end_date.isoformat()}
    current = agreed_activities(award)
    return {"activities": current.proposed["activities"] if current else ""}


def _check_not_below_committed_payments(award: Award, amount: Decimal) -> None:
    paid = paid_total(award)
    if amount < paid:
        raise AwardError(f"The award cannot go down to {money(amount)}: {money(paid)} has already been paid",
                         "amount")
    fixed = sum((i.amount for i in award.instalments if i.status not in OPEN_INSTALMENT), Decimal(0))
    if amount < fixed:
        raise AwardError(f"The award cannot go down to {money(amount)}: {money(fixed)} has already been paid or "
                         "approved for payment", "amount")


# Deciding ----------------------------------------------------------------------------------------

def decide_variation(variation: Variation, approve: bool, reason: str | None, officer: User,
                     now: datetime | None = None) -> None:
    """Approve (and apply) or reject a variation. A rejection needs a reason; an approval may have
    one. Refused (AwardError) when it has been decided already or the change no longer fits."""
    now = now or utcnow()
    reason = (reason or "").strip()
    if not approve and not reason:
        raise AwardError("Enter the reason for rejecting the variation", "decision_reason")
    if len(reason) > REASON_MAX_CHARACTERS:
        raise AwardError(f"Reason must be {REASON_MAX_CHARACTERS:,} characters or fewer", "decision_reason")
    award = variation.award
    _lock(award)
    db.session.refresh(variation)
    _check_open(variation)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    if approve:
        if award.status is not AwardStatus.ACCEPTED:
            raise AwardError(f"The award is {award.status.label.lower()}, so the variation cannot be approved: "
                             "reject it instead")
        apply = _plan(award, variation)  # every check made before anything is written
    status = VariationStatus.APPROVED if approve else VariationStatus.REJECTED
    values = {"status": status, "decided_by_id": officer.id, "decided_at": now, "decision_reason": reason or None}
    if approve:  # the values it changed, which another variation may have changed since it was asked for
        values["before"] = current_values(award, variation.kind)
    updated = rows_changed(
        update(Variation)
        .where(Variation.id == variation.id, Variation.status == VariationStatus.REQUESTED)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(variation)
    if updated != 1:
        _check_open(variation)
        raise AwardError("This variation could not be decided: try again")  # pragma: no cover
    if approve:
        before, after = apply()
        award.updated_at = now  # the award's row is updated, so its version goes up
        db.session.flush()
        subsidy_ledger.sync_award(award, officer)  # the ledger holds the varied amount
    summary = (f"{variation.kind.label} of {award.application.reference} {status.value}"
               + (f": {reason}" if reason else ""))
    audit.record(f"variation.{status.value}", variation, summary[:500],
                 changes={"status": {"before": VariationStatus.REQUESTED.value, "after": status.value}}, actor=officer)
    if approve:
        audit.record("award.varied", award, f"{award.application.reference} varied: {variation.kind.label.lower()}",
                     changes=audit.diff(before, after), actor=officer)


def _check_open(variation: Variation) -> None:
    if variation.status is not VariationStatus.REQUESTED:
        who = variation.decided_by.full_name if variation.decided_by else "someone"
        raise AwardError(f"This variation has already been {variation.status.value} by {who}")


def _lock(award: Award) -> None:
    """Hold the award's row, its instalments' and its returns' until the transaction ends (a payment
    or a return saved at the same moment waits), and reload them."""
    db.session.refresh(award, with_for_update=True)
    db.session.expire(award, ["instalments", "returns", "variations"])
    for model in (Instalment, MonitoringReturn):
        db.session.execute(
            select(model).where(model.award_id == award.id).with_for_update()
            .execution_options(populate_existing=True)
        ).all()


def _plan(award: Award, variation: Variation):
    """Check the variation against the award as it is now; return a function that applies it and
    returns the award's values before and after. Nothing is written until that is called."""
    if variation.kind is VariationKind.AMOUNT:
        return _plan_amount(award, Decimal(variation.proposed["amount"]))
    if variation.kind is VariationKind.DATES:
        return _plan_dates(award, date.fromisoformat(variation.proposed["start_date"]),
                           date.fromisoformat(variation.proposed["end_date"]))
    previous = current_values(award, VariationKind.ACTIVITIES)
    return lambda: (previous, {"activities": variation.proposed["activities"]})


def _pence(amount: Decimal) -> int:
    return int(amount * 100)


def _plan_amount(award: Award, amount: Decimal):
    old = award.amount
    _check_not_below_committed_payments(award, amount)
    instalments = list(award.instalments)
    on_claims = award.funding_round.payment_basis is PaymentBasis.CLAIMS
    if on_claims:
        # Each instalment is an accepted claim, paid as claimed: none is replanned, and the award cannot
        # go below them.
        claimed = sum((i.amount for i in instalments), Decimal(0))
        if amount < claimed:
            raise AwardError(f"The award cannot go down to {money(amount)}: {money(claimed)} has already been "
                             "accepted on claims", "amount")
        shares = [_pence(i.amount) for i in instalments]
    else:
        try:
            shares = replan_instalments([_pence(i.amount) for i in instalments],
                                        [i.status in OPEN_INSTALMENT for i in instalments], _pence(amount))
        except ReplanError:
            raise AwardError("Every instalment has been approved or paid, so there is no payment left to change: "
                             "the amount cannot be varied", "amount") from None
    if amount > old:
        check_headroom(award.funding_round, amount, excluding=award, field="amount")
        # More money is more minimal financial assistance, counted on the day it is agreed.
        if award.subsidy_basis is SubsidyBasis.MFA and (
            over := subsidy_ledger.limit_problem(award.organisation, amount, award=award)
        ):
            raise AwardError(over, "amount")

    def apply():
        before = {"amount": old, "instalments": _schedule(award)}
        award.amount = amount
        for instalment, pence in zip(instalments, shares, strict=True):
            if pence == 0:
                award.instalments.remove(instalment)
            else:
                instalment.amount = Decimal(pence) / 100
        _renumber(award.instalments)
        return before, {"amount": amount, "instalments": _schedule(award)}

    return apply


def _schedule(award: Award) -> list[str]:
    return [f"{i.number}: {i.amount} due {i.due_date.isoformat()} ({i.status.value})" for i in award.instalments]


def _renumber(rows: list) -> None:
    """Number rows 1, 2, 3… in their order, without two rows holding a number at once."""
    db.session.flush()  # rows removed are deleted before others take their numbers
    if [row.number for row in rows] == list(range(1, len(rows) + 1)):
        return
    for row in rows:
        row.number = -row.number
    db.session.flush()
    for number, row in enumerate(rows, start=1):
        row.number = number
    db.session.flush()


def _plan_dates(award: Award, start: date, end: date):
    if end <= start:
        raise AwardError("End date must be after the start date", "end_date")
    for instalment in award.instalments:
        if instalment.status not in OPEN_INSTALMENT and not start <= instalment.due_date <= end:
            raise AwardError(f"Instalment {instalment.number} was due on {long_date(instalment.due_date)} and has "
                             f"been {instalment.status.value}: the award's dates must still include it")
    returns = list(award.returns)
    started = [index for index, row in enumerate(returns) if row.status is not ReturnStatus.NOT_STARTED]
    kept = returns[:started[-1] + 1] if started else []
    if any(row.final for row in kept):
        raise AwardError("The final monitoring return has been started, so the award's dates cannot change")
    if kept and start > kept[0].period_start:
        raise AwardError(f"Monitoring return {kept[0].number} covers from {long_date(kept[0].period_start)}: the "
                         "start date cannot move after it")
    try:
        periods = replan_periods(start, end, award.monitoring_frequency.value, kept[-1].period_end if kept else None)
    except ReplanError:
        raise AwardError(f"Monitoring return {kept[-1].number} covers up to {long_date(kept[-1].period_end)}: the "
                         "end date must be after it") from None

    def apply():
        before = {"start_date": award.start_date, "end_date": award.end_date, "instalments": _schedule(award),
                  "returns": _returns(award)}
        award.start_date, award.end_date = start, end
        for instalment in award.instalments:
            if instalment.status in OPEN_INSTALMENT:
                instalment.due_date = min(max(instalment.due_date, start), end)
        for row in returns[len(kept):]:
            award.returns.remove(row)
        db.session.flush()  # the old returns go before the new take their numbers
        for number, period in enumerate(periods, start=len(kept) + 1):
            award.returns.append(MonitoringReturn(number=number, period_start=period.start, period_end=period.end,
                                                  due_date=period.due, final=period.final))
        db.session.flush()
        return before, {"start_date": start, "end_date": end, "instalments": _schedule(award),
                        "returns": _returns(award)}

    return apply


def _returns(award: Award) -> list[str]:
    return [f"{r.number}: {r.period_start.isoformat()} to {r.period_end.isoformat()}"
            f"{' (final)' if r.final else ''} ({r.status.value})" for r in award.returns]

