"""Making and changing grant offers: the defaults an officer starts from, who is told, what each
party does next, and changing an offer's whole terms (schedule included) with optimistic locking.

The rules themselves (budget, terms, acceptance) are in grants.interfaces.awards.awarding; this module
prepares for them and calls them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from grants import audit
from grants.award_conditions import STANDARD_CONDITIONS, amount_in_words, condition_text
from grants.email_templates import send_template
from grants.extensions import db
from grants.form_definitions import Role as QuestionRole
from grants.formatting import LONDON, london_today, long_date, money
from grants.interfaces.applications import questions
from grants.interfaces.awards.awarding import (
    STALE_MESSAGE,
    AwardError,
    AwardTerms,
    InstalmentPlan,
    StaleAward,
    check_terms,
    effective_status,
    update_offer,
)
from grants.modelling.apportionment import split_by_percentages
from grants.modelling.calendar import add_months, reporting_periods
from grants.models.accounts import Role, User, UserRole
from grants.models.applications import Application, ApplicationStage, ApplicationStatus
from grants.models.awards import (
    Award,
    AwardStatus,
    Instalment,
    InstalmentStatus,
    InstalmentTrigger,
    MonitoringReturn,
    ReturnStatus,
)
from grants.models.claims import Claim, ClaimStatus, PaymentBasis
from grants.models.reference import PlanCommitment
from grants.models.rounds import FundingRound
from grants.models.types import utcnow
from grants.question_forms.answers import as_date

# How long a grantee has to accept, unless the officer chooses otherwise.
OFFER_DAYS = 28
# The most instalments an offer's payment schedule has (rows on the offer form).
MAX_INSTALMENTS = 6
# The default schedule: half on acceptance, half after the first satisfactory return.
DEFAULT_SPLIT = (Decimal(50), Decimal(50))


# Dates -------------------------------------------------------------------------------------------


def end_of_day(day: date) -> datetime:
    """The last second of ``day`` in UK time, as a UTC moment: an offer deadline on a day means
    the grantee has all of that day."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=LONDON).astimezone(UTC)


def default_deadline_day(now: datetime | None = None) -> date:
    return london_today(now) + timedelta(days=OFFER_DAYS)


def _answered_dates(application: Application) -> tuple[date | None, date | None]:
    """The project's start and end as the application answered them: the answers to its form's
    questions with the roles project_start and project_end, as its date boxes read them (a month may
    be a name, a whole date typed in the day box); None for one not answered, not a date, or hidden."""
    answers = questions.kept(application)
    start, end = (as_date(questions.by_role(application, role, answers))
                  for role in (QuestionRole.PROJECT_START, QuestionRole.PROJECT_END))
    return start, end


def default_dates(application: Application, now: datetime | None = None) -> tuple[date, date]:
    """The project's start and end dates from the application, or a year from today."""
    start, end = _answered_dates(application)
    if start is None or end is None or end < start:
        start = london_today(now)
        end = add_months(start, 12) - timedelta(days=1)
    return start, end


def default_schedule(amount: Decimal, start: date, end: date) -> list[InstalmentPlan]:
    """Half on acceptance, due at the start; half after the first satisfactory return, due half way
    through. The halves add up to the award to the penny."""
    first, second = split_by_percentages(int(amount * 100), list(DEFAULT_SPLIT))
    midway = start + (end - start) / 2
    return [
        InstalmentPlan(Decimal(first) / 100, start, InstalmentTrigger.ON_ACCEPTANCE),
        InstalmentPlan(Decimal(second) / 100, midway, InstalmentTrigger.AFTER_RETURN),
    ]


# Choices -----------------------------------------------------------------------------------------

def active_grants_officers() -> list[User]:
    """Who can be made responsible for an award: active grants officers, by name."""
    return list(db.session.scalars(
        select(User).join(UserRole)
        .where(UserRole.role == Role.GRANTS_OFFICER, User.active.is_(True))
        .order_by(User.full_name, User.id)
    ).unique())


def rounds_with_awards() -> list[FundingRound]:
    """Rounds with an award or a successful application, for filtering the awards list."""
    has_award = select(Award.round_id)
    successful = select(Application.round_id).where(Application.status == ApplicationStatus.SUCCESSFUL,
                                                    Application.stage == ApplicationStage.FULL)
    return list(db.session.scalars(
        select(FundingRound).where(FundingRound.id.in_(has_award.union(successful)))
        .order_by(FundingRound.opens_at.desc(), FundingRound.id.desc())
    ))


def application_to_award(application_id: int) -> Application:
    application = db.session.get(Application, application_id, options=[joinedload(Application.funding_round)])
    if application is None:
        abort(404)
    return application


def offer_problem(application: Application) -> str | None:
    """Why an offer cannot be made on ``application``, if it cannot."""
    if application.status is not ApplicationStatus.SUCCESSFUL:
        return (f"{application.reference or 'This application'} cannot be given an award: it is "
                f"{application.status.label.lower()}, and only successful applications can")
    if application.stage is not ApplicationStage.FULL:
        return (f"{application.reference or 'This expression of interest'} cannot be given an award: it is an "
                "expression of interest, and only its full application can")
    if db.session.scalar(select(Award.id).where(Award.application_id == application.id)) is not None:
        return f"{application.reference} already has an award"
    return None


def commitments_by_id(ids: list[int]) -> list[PlanCommitment]:
    if not ids:
        return []
    return list(db.session.scalars(select(PlanCommitment).where(PlanCommitment.id.in_(ids))
                                   .order_by(PlanCommitment.position)))


# Who is told -------------------------------------------------------------------------------------

def offer_recipients(award: Award) -> list[str]:
    """The organisation's main contact and its active members, each address once."""
    seen: dict[str, str] = {}
    organisation = award.organisation
    addresses = [organisation.contact_email] + [member.email for member in organisation.members if member.active]
    for address in addresses:
        if address:
            seen.setdefault(address.strip().lower(), address.strip())
    return list(seen.values())


def officer_to_tell(award: Award) -> User | None:
    """The officer responsible, or else whoever made the offer, if still active."""
    for user in (award.officer, db.session.get(User, award.created_by_id) if award.created_by_id else None):
        if user is not None and user.active:
            return user
    return None


def officers_to_tell(award: Award) -> list[User]:
    """For news someone must act on: the officer responsible (as ``officer_to_tell``), or else every
    active grants officer, so that it never goes unseen."""
    officer = officer_to_tell(award)
    return [officer] if officer is not None else active_grants_officers()


def tell_of_lapse(award: Award) -> list[str]:
    """Email the organisation and the officers that ``award``'s offer lapsed (the daily job calls
    this once per lapse, for the offers it has just recorded as lapsed). Returns the addresses."""
    from grants.interfaces.awards import emails as award_emails

    recipients = offer_recipients(award)
    grantee_values = award_emails.lapsed_values(award, officer_to_tell(award))
    for recipient in recipients:
        send_template("offer_lapsed", recipient, grantee_values)
    for officer in officers_to_tell(award):
        send_template("offer_lapsed_officer", officer.email, award_emails.lapsed_officer_values(award, officer))
        recipients.append(officer.email)
    return recipients


# What happens next -------------------------------------------------------------------------------

def _first(items, test):
    return next((item for item in items if test(item)), None)


def next_step(award: Award, now: datetime | None = None) -> str:
    """What the grants team does next about ``award``, in a few words."""
    now = now or utcnow()
    today = london_today(now)
    status = effective_status(award, now)
    if status is AwardStatus.OFFERED:
        return f"Waiting for acceptance by {long_date(award.offer_deadline)}"
    if status is AwardStatus.LAPSED:
        return "Offer lapsed: extend or withdraw it"
    if status is AwardStatus.WITHDRAWN:
        return "Nothing to do: the offer was withdrawn"
    if status is AwardStatus.CLOSED:
        return "Nothing to do: the grant is closed"
    if award.funding_round.payment_basis is PaymentBasis.CLAIMS and (claim := db.session.scalar(
            select(Claim).where(Claim.award_id == award.id, Claim.status == ClaimStatus.SUBMITTED)
            .order_by(Claim.number).limit(1))) is not None:
        return f"Check claim {claim.number} of {money(claim.total)}"
    submitted = _first(award.returns, lambda r: r.status is ReturnStatus.SUBMITTED)
    if submitted:
        return f"Review monitoring return {submitted.number}"
    overdue = _first(award.returns, lambda r: r.due_date < today and r.status in _OWED)
    if overdue:
        return f"Monitoring return {overdue.number} overdue since {long_date(overdue.due_date)}"
    payable = _first(award.instalments, lambda i: i.status in (InstalmentStatus.DUE, InstalmentStatus.APPROVED))
    if payable:
        action = "approve" if payable.status is InstalmentStatus.DUE else "pay"
        held = " (held)" if payable.held else ""
        return f"Instalment {payable.number} of {money(payable.amount)} to {action}{held}"
    owed = _first(award.returns, lambda r: r.status in _OWED)
    if owed:
        return f"Monitoring return {owed.number} due {long_date(owed.due_date)}"
    return "Close the grant"


# Returns the grantee still owes.
_OWED = (ReturnStatus.NOT_STARTED, ReturnStatus.DRAFT, ReturnStatus.MORE_INFORMATION)


# The agreement -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Agreement:
    """What the offer letter says beyond the award's own columns."""

    amount_words: str
    conditions: list[str]  # the standard conditions' words, in the agreement's order


def agreement(award: Award) -> Agreement:
    chosen = set(award.standard_conditions or ())
    ordered = [key for key in STANDARD_CONDITIONS if key in chosen]
    ordered += sorted(chosen - set(STANDARD_CONDITIONS))  # a retired key: still shown
    return Agreement(amount_words=amount_in_words(award.amount), conditions=[condition_text(k) for k in ordered])


# Changing an offer -------------------------------------------------------------------------------

def terms_of(award: Award) -> AwardTerms:
    """The award's current terms, as an offer form would give them."""
    return AwardTerms(
        amount=award.amount, amount_reason=award.amount_reason, start_date=award.start_date,
        end_date=award.end_date, standard_conditions=tuple(award.standard_conditions or ()),
        special_conditions=award.special_conditions or "", monitoring_frequency=award.monitoring_frequency,
        officer=award.officer, offer_deadline=award.offer_deadline,
        instalments=tuple(InstalmentPlan(i.amount, i.due_date, i.trigger) for i in award.instalments),
        commitment_ids=tuple(c.id for c in award.commitments),
    )


def _column_values(terms: AwardTerms) -> dict:
    assert terms.officer is not None  # the offer form requires one
    return {
        "amount": terms.amount,
        "amount_reason": (terms.amount_reason or "").strip() or None,
        "start_date": terms.start_date,
        "end_date": terms.end_date,
        "standard_conditions": [key for key in STANDARD_CONDITIONS if key in terms.standard_conditions],
        "special_conditions": terms.special_conditions.strip(),
        "officer_id": terms.officer.id,
        "offer_deadline": terms.offer_deadline,
    }


def _schedule(plans) -> list[tuple]:
    return [(plan.amount, plan.due_date, plan.trigger) for plan in plans]


def revise_offer(award: Award, seen_version: int, terms: AwardTerms, officer: User) -> bool:
    """Change an offer not yet accepted to ``terms``, its payment schedule, monitoring schedule and
    plan commitments included. False when nothing differs.

    StaleAward when the award changed since the officer loaded it (version ``seen_version``);
    AwardError for wrong terms or too little budget. Either way nothing is saved: the terms are
    checked before any change, and the changes are made in a savepoint that a refusal undoes.
    """
    if award.version != seen_version:
        raise StaleAward(STALE_MESSAGE)
    if award.status is not AwardStatus.OFFERED:
        raise AwardError("Only an offer that has not been accepted can be changed: after acceptance, "
                         "changes are variations")
    check_terms(award.application, terms)
    current = terms_of(award)
    changes = {name: value for name, value in _column_values(terms).items() if getattr(award, name) != value}
    schedule_changed = _schedule(current.instalments) != _schedule(terms.instalments)
    periods_changed = (terms.monitoring_frequency is not award.monitoring_frequency
                       or "start_date" in changes or "end_date" in changes)
    commitments_changed = set(current.commitment_ids) != set(terms.commitment_ids)
    if not (changes or schedule_changed or periods_changed or commitments_changed):
        return False

    before = {"instalments": _described(current.instalments), "monitoring_frequency": award.monitoring_frequency,
              "commitment_ids": sorted(current.commitment_ids)}
    commitments = commitments_by_id(list(terms.commitment_ids)) if commitments_changed else None
    savepoint = db.session.begin_nested()
    try:
        with db.session.no_autoflush:  # loading the schedules must not save half the change
            if schedule_changed:
                _set_instalments(award, terms.instalments)
            if periods_changed:
                award.monitoring_frequency = terms.monitoring_frequency
                _set_returns(award, terms)
            if commitments is not None:
                award.commitments = commitments
            award.updated_at = utcnow()
        # The schedules are saved first, so that update_offer checks the new amount against the new
        # instalments. Saving them moves the award's version on (its collections changed), and fails
        # if another transaction saved the award since this one read it.
        try:
            db.session.flush()
        except StaleDataError:
            raise StaleAward(STALE_MESSAGE) from None
        if changes:
            update_offer(award, award.version, changes, officer)
    except AwardError:
        if savepoint.is_active:
            savepoint.rollback()
        raise
    savepoint.commit()
    after = {"instalments": _described(terms.instalments), "monitoring_frequency": award.monitoring_frequency,
             "commitment_ids": sorted(terms.commitment_ids)}
    schedule_changes = audit.diff(before, after)
    if schedule_changes:
        audit.record("award.schedule_changed", award,
                     f"Payment or monitoring schedule of the offer to {award.organisation.name} changed",
                     changes=schedule_changes, actor=officer)
    return True


def _described(plans) -> list[str]:
    return [f"{money(plan.amount)} due {plan.due_date.isoformat()} ({plan.trigger.value})" for plan in plans]


def _set_instalments(award: Award, plans) -> None:
    """Instalments changed in place by number (an offered award's are all still scheduled), so
    that the (award, number) uniqueness holds at every step of the flush."""
    existing = sorted(award.instalments, key=lambda i: i.number)
    for number, plan in enumerate(plans, start=1):
        if number <= len(existing):
            instalment = existing[number - 1]
            instalment.amount, instalment.due_date, instalment.trigger = plan.amount, plan.due_date, plan.trigger
        else:
            award.instalments.append(Instalment(number=number, amount=plan.amount, due_date=plan.due_date,
                                                trigger=plan.trigger))
    for instalment in existing[len(plans):]:
        award.instalments.remove(instalment)


def _set_returns(award: Award, terms: AwardTerms) -> None:
    """The monitoring returns for the new period or frequency (none is started before acceptance)."""
    periods = reporting_periods(terms.start_date, terms.end_date, terms.monitoring_frequency.value)
    existing = sorted(award.returns, key=lambda r: r.number)
    for number, period in enumerate(periods, start=1):
        values = {"period_start": period.start, "period_end": period.end, "due_date": period.due,
                  "final": period.final}
        if number <= len(existing):
            for name, value in values.items():
                setattr(existing[number - 1], name, value)
        else:
            award.returns.append(MonitoringReturn(number=number, **values))
    for monitoring_return in existing[len(periods):]:
        award.returns.remove(monitoring_return)
