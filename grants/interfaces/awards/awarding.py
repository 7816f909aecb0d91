"""Awards: creating the grant offer from a successful application, the grantee's acceptance, offer
deadlines, and who may see an award.

Budget rule kept here: the awards of a round that hold money (offered, accepted, closed) never add
up to more than the round's budget. Every change that adds to them locks the round's row first
(SELECT … FOR UPDATE on PostgreSQL; SQLite allows one writer at a time), then re-adds the
committed amount inside the same transaction, so two officers acting at once cannot overspend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import abort
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from grants import audit
from grants.extensions import db
from grants.formatting import money
from grants.interfaces.paging import contains
from grants.interfaces.subsidy import ledger as subsidy_ledger
from grants.interfaces.writes import rows_changed
from grants.modelling.calendar import reporting_periods
from grants.models.accounts import Role, User
from grants.models.applications import Application, ApplicationStage, ApplicationStatus
from grants.models.awards import (
    COMMITTING,
    Award,
    AwardStatus,
    Instalment,
    InstalmentStatus,
    InstalmentTrigger,
    MonitoringFrequency,
    MonitoringReturn,
)
from grants.models.claims import PaymentBasis
from grants.models.organisations import Organisation
from grants.models.reference import PlanCommitment
from grants.models.rounds import FundingRound
from grants.models.subsidy import SubsidyBasis
from grants.models.types import utcnow

# Who may look at awards, and who changes them.
AWARD_VIEWERS = (Role.GRANTS_OFFICER, Role.FINANCE_OFFICER, Role.COMMISSIONER, Role.ADMIN)
AWARD_MANAGERS = (Role.GRANTS_OFFICER,)

REASON_MAX_CHARACTERS = 2_000
STALE_MESSAGE = ("Someone else changed this award while you were editing it. Check the current values below "
                 "and make your changes again")


class AwardError(Exception):
    """An award action that cannot be done. ``field`` names the form field it is about, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class StaleAward(AwardError):
    """The award changed since the form was loaded; nothing was saved."""


# Who may see an award ----------------------------------------------------------------------------

def award_for_staff(award_id: int) -> Award:
    award = db.session.get(Award, award_id)
    if award is None:
        abort(404)
    return award


def award_for_member(user: User, award_id: int) -> Award:
    """An award of the user's organisation; another organisation's award is "not found"."""
    award = db.session.get(Award, award_id)
    if award is None or user.organisation_id is None or award.organisation_id != user.organisation_id:
        abort(404)
    return award


def organisation_awards(organisation_id: int) -> list[Award]:
    return list(
        db.session.scalars(
            select(Award)
            .where(Award.organisation_id == organisation_id)
            .options(joinedload(Award.application), joinedload(Award.funding_round), selectinload(Award.returns))
            .order_by(Award.offered_at.desc(), Award.id.desc())
        ).unique()
    )


def list_awards(round_id: int | None = None, search: str | None = None) -> list[Award]:
    """Awards, newest offer first: of one round, and whose organisation, reference or project title
    contains ``search``, when given."""
    query = (
        select(Award)
        .join(Application, Application.id == Award.application_id)
        .join(Organisation, Organisation.id == Award.organisation_id)
        .options(joinedload(Award.application), joinedload(Award.organisation), joinedload(Award.funding_round),
                 selectinload(Award.instalments), selectinload(Award.returns))
        .order_by(Award.offered_at.desc(), Award.id.desc())
    )
    if round_id is not None:
        query = query.where(Award.round_id == round_id)
    if (condition := matching(search)) is not None:
        query = query.where(condition)
    return list(db.session.scalars(query).unique())


# Status ------------------------------------------------------------------------------------------

def effective_status(award: Award, now: datetime | None = None) -> AwardStatus:
    """The award's status as the grantee sees it: an offer past its deadline has lapsed, even
    before the daily job records it."""
    if award.status is AwardStatus.OFFERED and (now or utcnow()) >= award.offer_deadline:
        return AwardStatus.LAPSED
    return award.status


def lapse_overdue_offers(now: datetime | None = None) -> list[Award]:
    """Record as lapsed every offer whose deadline has passed (run daily by ``flask send-reminders``)."""
    now = now or utcnow()
    overdue = list(db.session.scalars(
        select(Award).where(Award.status == AwardStatus.OFFERED, Award.offer_deadline <= now)
    ))
    lapsed = []
    for award in overdue:
        updated = rows_changed(
            update(Award)
            .where(Award.id == award.id, Award.status == AwardStatus.OFFERED, Award.offer_deadline <= now)
            .values(status=AwardStatus.LAPSED, version=Award.version + 1)
            .execution_options(synchronize_session=False)
        )
        if updated == 1:
            db.session.refresh(award)
            subsidy_ledger.sync_award(award)  # a lapsed offer gives no assistance
            audit.record("award.lapsed", award, f"Offer to {award.organisation.name} lapsed: not accepted by "
                         "its deadline", changes=audit.diff({"status": AwardStatus.OFFERED}, {"status": award.status}))
            lapsed.append(award)
    return lapsed


# The round's budget ------------------------------------------------------------------------------

def lock_round(funding_round: FundingRound) -> None:
    """Hold the round's row until the transaction ends, so that budget checks are serialised."""
    db.session.execute(select(FundingRound.id).where(FundingRound.id == funding_round.id).with_for_update())


def committed(funding_round: FundingRound, excluding: Award | None = None) -> Decimal:
    """The money the round's awards hold: every offered, accepted or closed award's amount."""
    query = select(func.coalesce(func.sum(Award.amount), 0)).where(
        Award.round_id == funding_round.id, Award.status.in_(sorted(COMMITTING))
    )
    if excluding is not None:
        query = query.where(Award.id != excluding.id)
    return Decimal(db.session.execute(query).scalar_one()).quantize(Decimal("0.01"))


def headroom(funding_round: FundingRound, excluding: Award | None = None) -> Decimal:
    """What is left of the round's budget after its awards."""
    return funding_round.total_budget - committed(funding_round, excluding)


def check_headroom(funding_round: FundingRound, amount: Decimal, excluding: Award | None = None,
                   field: str | None = "amount") -> None:
    """Lock the round and refuse (AwardError) if ``amount`` more would take it over its budget."""
    lock_round(funding_round)
    left = headroom(funding_round, excluding)
    if amount > left:
        raise AwardError(
            f"The round has {money(max(left, Decimal(0)))} left of its {money(funding_round.total_budget)} budget: "
            f"an award of {money(amount)} would go over it by {money(amount - left)}", field)


# Creating an award -------------------------------------------------------------------------------

@dataclass(frozen=True)
class InstalmentPlan:
    amount: Decimal
    due_date: date
    trigger: InstalmentTrigger


@dataclass(frozen=True)
class AwardTerms:
    """Everything an officer decides when making an offer."""

    amount: Decimal
    amount_reason: str | None
    start_date: date
    end_date: date
    standard_conditions: tuple[str, ...]
    special_conditions: str
    monitoring_frequency: MonitoringFrequency
    # None only in an award's current terms (terms_of) once its officer's account is gone; the offer
    # form, which makes the terms that are saved, always names one.
    officer: User | None
    offer_deadline: datetime
    instalments: tuple[InstalmentPlan, ...]
    commitment_ids: tuple[int, ...] = ()


SEARCH_MAX_CHARACTERS = 100


def matching(search: str | None):
    """The condition "the organisation's name, the application's reference or the project's title
    contains ``search``", whatever the capitals (lower() on both sides: SQLite's and PostgreSQL's
    LIKE differ on case, lower() does not); None when there is nothing to search for. The query
    must join Application and Organisation."""
    search = (search or "").strip()[:SEARCH_MAX_CHARACTERS]
    if not search:
        return None
    pattern = contains(search.lower())
    return or_(*(func.lower(column).like(pattern, escape="\\")
                 for column in (Organisation.name, Application.reference, Application.project_title)))


def awardable_applications(round_id: int | None = None, search: str | None = None) -> list[Application]:
    """Successful full applications that have no award yet (of the round, matching ``search``); a
    shortlisted expression of interest is "successful" too, but only its full bid can be awarded."""
    query = (
        select(Application)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .outerjoin(Award, Award.application_id == Application.id)
        .where(Application.status == ApplicationStatus.SUCCESSFUL, Application.stage == ApplicationStage.FULL,
               Award.id.is_(None))
        .options(joinedload(Application.organisation), joinedload(Application.funding_round))
        .order_by(Application.reference)
    )
    if round_id is not None:
        query = query.where(Application.round_id == round_id)
    if (condition := matching(search)) is not None:
        query = query.where(condition)
    return list(db.session.scalars(query).unique())


def check_terms(application: Application, terms: AwardTerms, now: datetime | None = None) -> None:
    """Raise AwardError for the first thing wrong with ``terms`` (the field it is about named)."""
    now = now or utcnow()
    if terms.amount <= 0:
        raise AwardError("Award amount must be more than £0", "amount")
    if terms.amount != terms.amount.quantize(Decimal("0.01")):
        raise AwardError("Award amount must be in pounds and pence", "amount")
    if terms.amount != application.amount_requested and not (terms.amount_reason or "").strip():
        raise AwardError(
            f"Give the reason the award differs from the {money(application.amount_requested)} asked for",
            "amount_reason")
    if terms.end_date < terms.start_date:
        raise AwardError("End date must be on or after the start date", "end_date")
    if terms.offer_deadline <= now:
        raise AwardError("The offer deadline must be in the future", "offer_deadline")
    if application.funding_round.payment_basis is PaymentBasis.CLAIMS:
        # Paid on claims of spend (grants.interfaces.awards.claims): no schedule, each claim an instalment.
        if terms.instalments:
            raise AwardError("This round pays grants on claims of spend, so the offer has no payment schedule: "
                             "leave the instalments empty", "instalments")
        return
    _check_schedule_terms(terms)


def _check_schedule_terms(terms: AwardTerms) -> None:
    if not terms.instalments:
        raise AwardError("Add at least one instalment to the payment schedule", "instalments")
    total = sum((plan.amount for plan in terms.instalments), Decimal(0))
    if total != terms.amount:
        raise AwardError(
            f"The instalments add up to {money(total)}: they must add up to the award of {money(terms.amount)}",
            "instalments")
    for number, plan in enumerate(terms.instalments, start=1):
        if plan.amount <= 0:
            raise AwardError(f"Instalment {number} must be more than £0", "instalments")
        if not terms.start_date <= plan.due_date <= terms.end_date:
            raise AwardError(f"Instalment {number} must be due within the award period", "instalments")


def create_award(application: Application, terms: AwardTerms, created_by: User) -> Award:
    """Offer a grant on a successful application: the award, its instalments and its monitoring
    returns. Refused (AwardError) when the terms are wrong or the round's budget cannot take it."""
    if application.status is not ApplicationStatus.SUCCESSFUL:
        raise AwardError("Only a successful application can be given an award")
    if application.stage is not ApplicationStage.FULL:
        raise AwardError("An expression of interest cannot be given an award: its full application can")
    check_terms(application, terms)
    funding_round = application.funding_round
    check_headroom(funding_round, terms.amount)
    if db.session.scalar(select(Award.id).where(Award.application_id == application.id)) is not None:
        raise AwardError(f"{application.reference} already has an award")
    # Subsidy control: economic activity is given as MFA, within the section 36 limit.
    subsidy_basis = subsidy_ledger.basis_for(application)
    if subsidy_basis is SubsidyBasis.MFA and (
        over := subsidy_ledger.limit_problem(application.organisation, terms.amount)
    ):
        raise AwardError(over, "amount")
    assert terms.officer is not None  # the offer form requires one
    award = Award(
        application_id=application.id, round_id=funding_round.id, organisation_id=application.organisation_id,
        status=AwardStatus.OFFERED, amount=terms.amount,
        amount_reason=(terms.amount_reason or "").strip() or None,
        start_date=terms.start_date, end_date=terms.end_date,
        standard_conditions=list(terms.standard_conditions), special_conditions=terms.special_conditions.strip(),
        monitoring_frequency=terms.monitoring_frequency, officer_id=terms.officer.id,
        offer_deadline=terms.offer_deadline, created_by_id=created_by.id, subsidy_basis=subsidy_basis,
    )
    for number, plan in enumerate(terms.instalments, start=1):
        award.instalments.append(Instalment(number=number, amount=plan.amount, due_date=plan.due_date,
                                            trigger=plan.trigger))
    for number, period in enumerate(
        reporting_periods(terms.start_date, terms.end_date, terms.monitoring_frequency.value), start=1
    ):
        award.returns.append(MonitoringReturn(number=number, period_start=period.start, period_end=period.end,
                                              due_date=period.due, final=period.final))
    if terms.commitment_ids:
        award.commitments = list(db.session.scalars(
            select(PlanCommitment).where(PlanCommitment.id.in_(terms.commitment_ids))
        ))
    db.session.add(award)
    db.session.flush()
    audit.record("award.offered", award,
                 f"Award of {money(award.amount)} offered to {application.organisation.name} for "
                 f"{application.reference}",
                 changes=audit.diff({}, audit.snapshot(award)), actor=created_by)
    subsidy_ledger.given(award, created_by)
    return award


# The grantee's acceptance ------------------------------------------------------------------------

def accept_offer(award: Award, user: User, name: str, position: str, confirmed: bool,
                 now: datetime | None = None, mfa_confirmed: bool = False) -> None:
    """The grantee's named, dated acceptance. Refused once the offer has lapsed or been withdrawn.

    One conditional UPDATE (status still "offered" and the deadline not passed), so a lapse or a
    withdrawal at the same moment wins cleanly. Instalments due on acceptance become due.
    """
    now = now or utcnow()
    name, position = (name or "").strip(), (position or "").strip()
    if not name:
        raise AwardError("Enter your full name", "name")
    if not position:
        raise AwardError("Enter your position in the organisation", "position")
    if not confirmed:
        raise AwardError("Confirm that you accept the grant and its conditions on behalf of your organisation",
                         "confirm")
    is_mfa = award.subsidy_basis is SubsidyBasis.MFA
    if is_mfa and not mfa_confirmed:
        raise AwardError(subsidy_ledger.MFA_NOT_CONFIRMED, "mfa_confirm")
    status = effective_status(award, now)
    if status is not AwardStatus.OFFERED:
        raise AwardError(not_open_to_accept(status))
    updated = rows_changed(
        update(Award)
        .where(Award.id == award.id, Award.status == AwardStatus.OFFERED, Award.offer_deadline > now)
        .values(status=AwardStatus.ACCEPTED, accepted_at=now, accepted_by_id=user.id, accepted_name=name,
                accepted_position=position, version=Award.version + 1, mfa_confirmed_at=now if is_mfa else None)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(award)
    if updated != 1:
        raise AwardError(not_open_to_accept(effective_status(award, now)))
    for instalment in award.instalments:
        if instalment.trigger is InstalmentTrigger.ON_ACCEPTANCE and instalment.status is InstalmentStatus.SCHEDULED:
            instalment.status = InstalmentStatus.DUE
    db.session.flush()
    audit.record("award.accepted", award, f"{name} ({position}) accepted the award of {money(award.amount)} for "
                 f"{award.organisation.name}", changes=audit.diff({"status": AwardStatus.OFFERED},
                                                                   {"status": AwardStatus.ACCEPTED}), actor=user)


def not_open_to_accept(status: AwardStatus) -> str:
    if status is AwardStatus.LAPSED:
        return "This offer has lapsed: it was not accepted by its deadline. Contact your grants officer"
    if status is AwardStatus.WITHDRAWN:
        return "This offer has been withdrawn, so it cannot be accepted"
    return "This offer has already been accepted"


def extend_offer(award: Award, new_deadline: datetime, officer: User, now: datetime | None = None) -> None:
    """Give the grantee longer to accept. A lapsed offer is offered again, if the budget still has room."""
    now = now or utcnow()
    if award.status not in (AwardStatus.OFFERED, AwardStatus.LAPSED):
        raise AwardError("Only an offer that has not been accepted or withdrawn can be extended")
    if new_deadline <= now:
        raise AwardError("The new deadline must be in the future", "offer_deadline")
    if new_deadline <= award.offer_deadline:
        raise AwardError("The new deadline must be later than the current one", "offer_deadline")
    before = {"status": award.status, "offer_deadline": award.offer_deadline}
    if award.status is AwardStatus.LAPSED:
        check_headroom(award.funding_round, award.amount, excluding=award, field="offer_deadline")
        if award.subsidy_basis is SubsidyBasis.MFA and (
            over := subsidy_ledger.limit_problem(award.organisation, award.amount, award=award)
        ):
            raise AwardError(over, "offer_deadline")
    award.status, award.offer_deadline = AwardStatus.OFFERED, new_deadline
    changes = audit.diff(before, {"status": award.status, "offer_deadline": award.offer_deadline})
    db.session.flush()
    subsidy_ledger.sync_award(award, officer)
    audit.record("award.offer_extended", award, f"Offer to {award.organisation.name} extended", changes=changes,
                 actor=officer)


def withdraw_offer(award: Award, reason: str, officer: User, now: datetime | None = None) -> None:
    """Withdraw an offer that has not been accepted; its money goes back to the round."""
    reason = (reason or "").strip()
    if not reason:
        raise AwardError("Enter the reason for withdrawing the offer", "reason")
    if award.status not in (AwardStatus.OFFERED, AwardStatus.LAPSED):
        raise AwardError("Only an offer that has not been accepted can be withdrawn")
    before = award.status
    award.status, award.withdrawn_at, award.withdrawn_reason = AwardStatus.WITHDRAWN, now or utcnow(), reason
    db.session.flush()
    subsidy_ledger.sync_award(award, officer)
    audit.record("award.withdrawn", award, f"Offer to {award.organisation.name} withdrawn: {reason}",
                 changes=audit.diff({"status": before}, {"status": award.status}), actor=officer)


# Editing an offer (optimistic locking) -----------------------------------------------------------

EDITABLE = ("amount", "amount_reason", "start_date", "end_date", "special_conditions", "standard_conditions",
            "officer_id", "offer_deadline")


def update_offer(award: Award, seen_version: int, changes: dict, officer: User) -> None:
    """Change an offer not yet accepted (after acceptance, changes are variations).

    ``seen_version`` is the award's version when the officer opened the form: if someone has saved
    since, StaleAward is raised and nothing is saved, so the officer can be shown the newer values.
    Amount increases need room in the round's budget; instalments are not changed here and must
    still add up (so an amount change is refused unless the schedule is given again).
    """
    if award.version != seen_version:
        raise StaleAward(STALE_MESSAGE)
    if award.status is not AwardStatus.OFFERED:
        raise AwardError("Only an offer that has not been accepted can be edited: use a variation instead")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    new_amount = changes.get("amount", award.amount)
    if new_amount != award.amount:
        schedule_total = sum((i.amount for i in award.instalments), Decimal(0))
        if schedule_total != new_amount and award.funding_round.payment_basis is not PaymentBasis.CLAIMS:
            raise AwardError(
                f"The instalments add up to {money(schedule_total)}: change the payment schedule to add up to "
                f"{money(new_amount)} as well", "amount")
        if new_amount > award.amount:
            check_headroom(award.funding_round, new_amount, excluding=award)
            if award.subsidy_basis is SubsidyBasis.MFA and (over := subsidy_ledger.limit_problem(
                award.organisation, new_amount, subsidy_ledger.offer_day(award), award=award,
            )):
                raise AwardError(over, "amount")
    before = {name: getattr(award, name) for name in changes}
    for name, value in changes.items():
        setattr(award, name, value)
    try:
        db.session.flush()
    except StaleDataError:  # another transaction saved the award after this one read it
        db.session.rollback()
        raise StaleAward(STALE_MESSAGE) from None
    if "amount" in changes:
        subsidy_ledger.given(award, officer)  # the ledger and the statement say the new amount
    audit.record("award.updated", award, f"Offer to {award.organisation.name} changed",
                 changes=audit.diff(before, {name: getattr(award, name) for name in changes}), actor=officer)


def commitments_for(application: Application) -> list[PlanCommitment]:
    """The plan's commitments under the approaches the application serves, for the officer to tick."""
    approach_ids = [approach.id for approach in application.approaches]
    if not approach_ids:
        return []
    return list(db.session.scalars(
        select(PlanCommitment).where(PlanCommitment.approach_id.in_(approach_ids)).order_by(PlanCommitment.position)
    ))
