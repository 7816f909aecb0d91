"""Monitoring returns: the grantee's answers and submission, the officer's review, holds on
instalments while a return is overdue or rated red, and the daily reminders.

Holds set here carry reasons naming their return ("Monitoring return 2 is overdue", "… rated
red"); accepting that return releases them (a red one only when the return is accepted green or
amber). Holds with other reasons, set by an officer, are never touched here.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from grants import audit
from grants.database import written_in
from grants.email_templates import send_template
from grants.extensions import db
from grants.form_definitions import FormDefinition, Kind, QuestionType, load_stored
from grants.formatting import london_today as uk_today
from grants.formatting import long_date
from grants.interfaces.awards import return_documents
from grants.interfaces.awards.awarding import AwardError, award_for_member, award_for_staff
from grants.interfaces.awards.offers import officers_to_tell
from grants.interfaces.round_forms import versions
from grants.links import public_url
from grants.models.accounts import User
from grants.models.awards import (
    Award,
    AwardStatus,
    Instalment,
    InstalmentStatus,
    InstalmentTrigger,
    MonitoringReturn,
    Rating,
    ReturnStatus,
)
from grants.models.types import utcnow
from grants.return_form.plan import ReturnPlan, plan_for
from grants.return_form.sections import Section, TaskStatus, sections_of, status

# The grantee can change these; they are also the ones still owed (not submitted or accepted).
EDITABLE = frozenset({ReturnStatus.NOT_STARTED, ReturnStatus.DRAFT, ReturnStatus.MORE_INFORMATION})
DECISIONS = ("accept", "more_information")
COMMENTS_MAX_CHARACTERS = 2_000
REMINDER_EVERY_DAYS = 7  # an overdue return's reminder, at most this often
DUE_SOON_DAYS = 7  # the reminder before a return is due
UNPAID = (InstalmentStatus.SCHEDULED, InstalmentStatus.DUE)
# An overdue return holds the next payment that waits for time or for a return, not one due on acceptance.
HELD_WHILE_OVERDUE = (InstalmentTrigger.AFTER_RETURN, InstalmentTrigger.ON_DATE)
STALE_MESSAGE = "Someone else changed this return at the same time. Check it and try again"


class ReturnError(AwardError):
    """A return action that cannot be done; ``field`` names the form field it is about, if any."""


def overdue_reason(number: int) -> str:
    return f"Monitoring return {number} is overdue"


def red_reason(number: int) -> str:
    return f"Monitoring return {number} rated red"


def plan(monitoring_return: MonitoringReturn) -> ReturnPlan:
    """The rows the return reports against, from the award's application."""
    return plan_for(monitoring_return.award)


def definition(monitoring_return: MonitoringReturn) -> FormDefinition:
    """The monitoring form the return answers: the version pinned when its first answer was saved, or,
    before that, the round's current monitoring form."""
    if monitoring_return.form is not None:
        return load_stored(monitoring_return.form.definition)
    return versions.current(monitoring_return.award.funding_round, Kind.MONITORING)


def sections(monitoring_return: MonitoringReturn) -> tuple[Section, ...]:
    """The return's sections, in order, from the form it answers."""
    return sections_of(definition(monitoring_return))


def section_of(monitoring_return: MonitoringReturn, key: str) -> Section | None:
    """The return's section with this key, or None if its form has none."""
    return next((found for found in sections(monitoring_return) if found.key == key), None)


def describe(monitoring_return: MonitoringReturn) -> str:
    """ "Monitoring return 2 of CGS-2026-0042", for messages and the audit log."""
    return f"Monitoring return {monitoring_return.number} of {monitoring_return.award.application.reference}"


def _in_a_sentence(monitoring_return: MonitoringReturn) -> str:
    """ "monitoring return 2 of CGS-2026-0042", for the middle of a sentence."""
    return describe(monitoring_return)[0].lower() + describe(monitoring_return)[1:]


def _flush() -> None:
    try:
        db.session.flush()
    except StaleDataError:  # another request saved the row after this one read it
        db.session.rollback()
        raise ReturnError(STALE_MESSAGE) from None


# Who may see a return ----------------------------------------------------------------------------

def _return_of(award: Award, return_id: int) -> MonitoringReturn:
    monitoring_return = db.session.get(MonitoringReturn, return_id)
    if monitoring_return is None or monitoring_return.award_id != award.id:
        abort(404)
    return monitoring_return


def return_for_member(user: User, award_id: int, return_id: int) -> MonitoringReturn:
    """A return of an award of the user's organisation; anything else is "not found"."""
    return _return_of(award_for_member(user, award_id), return_id)


def return_for_staff(award_id: int, return_id: int) -> MonitoringReturn:
    return _return_of(award_for_staff(award_id), return_id)


# The grantee's answers ---------------------------------------------------------------------------

def editing_problem(monitoring_return: MonitoringReturn) -> str | None:
    """Why the grantee cannot change the return now, or None."""
    if monitoring_return.award.status is not AwardStatus.ACCEPTED:
        return "Returns can only be written for a grant that has been accepted and is running"
    if monitoring_return.status is ReturnStatus.ACCEPTED:
        return "This return has been accepted and can no longer be changed"
    if monitoring_return.status is ReturnStatus.SUBMITTED:
        return "This return has been submitted and can no longer be changed, unless your grants officer asks for " \
               "more information"
    return None


def save_section(monitoring_return: MonitoringReturn, section: Section, answers: dict, user: User,
                 complete: bool, form=None) -> list[str]:
    """Keep the section's answers exactly as typed (valid or not), and the files its ``form`` checked
    for its file questions (grants.interfaces.awards.return_documents). The stored names of the files
    a new upload replaced, for the caller to remove once the change is committed."""
    problem = editing_problem(monitoring_return)
    if problem:
        raise ReturnError(problem)
    replaced: list[str] = []
    if form is not None and any(question.type is QuestionType.FILE for question in section.asked.questions):
        previous = (monitoring_return.answers or {}).get(section.key) or {}
        answers, replaced = return_documents.with_files(monitoring_return, section.asked, form, answers, previous,
                                                        user)
        complete = complete and not form.errors
    before = monitoring_return.status
    if monitoring_return.form is None:  # from now on the return answers the version it was first saved against
        monitoring_return.form = versions.version_in_force(monitoring_return.award.funding_round, Kind.MONITORING)
    monitoring_return.answers = {**(monitoring_return.answers or {}), section.key: answers}
    if before is ReturnStatus.NOT_STARTED:
        monitoring_return.status = ReturnStatus.DRAFT
    _flush()
    audit.record("return.section_saved", monitoring_return,
                 f"{describe(monitoring_return)}: {section.title} saved ({'complete' if complete else 'in progress'})",
                 changes=audit.diff({"status": before}, {"status": monitoring_return.status}), actor=user)
    return replaced


def tasks(monitoring_return: MonitoringReturn, plan: ReturnPlan) -> list[tuple[Section, TaskStatus]]:
    return [(section, status(monitoring_return, section, plan)) for section in sections(monitoring_return)]


@dataclass(frozen=True)
class Problem:
    """Why a return cannot be submitted; ``section`` is the key of the section to fix, if any."""

    text: str
    section: str | None = None


def submission_problems(monitoring_return: MonitoringReturn, plan: ReturnPlan,
                        today: date | None = None) -> list[Problem]:
    """Everything stopping the return being submitted now; empty when it can be."""
    problem = editing_problem(monitoring_return)
    if problem:
        return [Problem(problem)]
    problems = []
    if (today or uk_today()) < monitoring_return.period_start:
        problems.append(Problem(f"This return covers the period from {long_date(monitoring_return.period_start)}: "
                                "you can submit it once the period has started"))
    for section, task in tasks(monitoring_return, plan):
        if task is TaskStatus.NOT_STARTED:
            problems.append(Problem(f"Complete the section ‘{section.title}’", section.key))
        elif task is TaskStatus.IN_PROGRESS:
            problems.append(Problem(f"Check your answers in ‘{section.title}’", section.key))
    return problems


def submit_return(monitoring_return: MonitoringReturn, plan: ReturnPlan, user: User,
                  now: datetime | None = None) -> None:
    """Send the return to the grants officer. Refused (ReturnError) while anything is missing."""
    now = now or utcnow()
    problems = submission_problems(monitoring_return, plan, uk_today(now))
    if problems:
        raise ReturnError(problems[0].text)
    before = monitoring_return.status
    monitoring_return.status = ReturnStatus.SUBMITTED
    monitoring_return.submitted_at, monitoring_return.submitted_by_id = now, user.id
    _flush()
    audit.record("return.submitted", monitoring_return, f"{describe(monitoring_return)} submitted by {user.email}",
                 changes=audit.diff({"status": before}, {"status": monitoring_return.status}), actor=user)
    _tell_officers_of_submission(monitoring_return, user, resubmitted=before is ReturnStatus.MORE_INFORMATION)


def _tell_officers_of_submission(monitoring_return: MonitoringReturn, user: User, resubmitted: bool) -> None:
    """Email the officer responsible (or, with none, every active grants officer) that the return
    is waiting for their review."""
    from grants.interfaces.awards import management_emails

    for officer in officers_to_tell(monitoring_return.award):
        send_template("return_submitted", officer.email,
                      management_emails.submitted_values(monitoring_return, officer, user, resubmitted))


# The officer's review ----------------------------------------------------------------------------

@dataclass
class ReviewOutcome:
    released: list[Instalment] = field(default_factory=list)  # holds taken off
    made_due: Instalment | None = None  # the payment that waited for a satisfactory return
    held: Instalment | None = None  # held because the return was rated red


def check_review(monitoring_return: MonitoringReturn, rating: Rating | None, comments: str,
                 decision: str | None) -> None:
    if monitoring_return.status is not ReturnStatus.SUBMITTED:
        state = "has already been reviewed" if monitoring_return.status is ReturnStatus.ACCEPTED else \
            "is back with the grantee" if monitoring_return.status is ReturnStatus.MORE_INFORMATION else \
            "has not been submitted"
        raise ReturnError(f"{describe(monitoring_return)} {state}, so it cannot be reviewed now")
    if rating is None:
        raise ReturnError("Select a rating", "rating")
    if decision not in DECISIONS:
        raise ReturnError("Select whether to accept the return or ask for more information", "decision")
    if len(comments) > COMMENTS_MAX_CHARACTERS:
        raise ReturnError(f"Comments must be {COMMENTS_MAX_CHARACTERS:,} characters or fewer", "comments")
    if decision == "more_information" and not comments:
        raise ReturnError("Enter the information you need from the grantee", "comments")
    if rating is not Rating.GREEN and not comments:
        raise ReturnError(f"Enter comments to explain the {rating.label.lower()} rating", "comments")


def review_return(monitoring_return: MonitoringReturn, officer: User, rating: Rating | None, comments: str | None,
                  decision: str | None, now: datetime | None = None) -> ReviewOutcome:
    """Rate a submitted return and accept it or ask for more information (emailed to the grantee).

    Accepting releases the holds this return caused, and a green or amber one makes due the payment
    waiting for a satisfactory return; a red rating holds the award's next unpaid instalment.
    """
    comments = (comments or "").strip()
    check_review(monitoring_return, rating, comments, decision)
    assert rating is not None  # check_review refuses a review without one
    number, award = monitoring_return.number, monitoring_return.award
    before = {"status": monitoring_return.status, "rating": monitoring_return.rating}
    monitoring_return.rating, monitoring_return.review_comments = rating, comments or None
    monitoring_return.reviewed_at, monitoring_return.reviewed_by_id = now or utcnow(), officer.id
    accepted = decision == "accept"
    monitoring_return.status = ReturnStatus.ACCEPTED if accepted else ReturnStatus.MORE_INFORMATION
    _flush()
    audit.record("return.accepted" if accepted else "return.more_information", monitoring_return,
                 f"{describe(monitoring_return)} rated {rating.label.lower()} and "
                 f"{'accepted' if accepted else 'sent back for more information'}",
                 changes=audit.diff(before, {"status": monitoring_return.status, "rating": rating}), actor=officer)
    outcome = ReviewOutcome()
    if accepted:
        reasons = {overdue_reason(number)} | ({red_reason(number)} if rating is not Rating.RED else set())
        outcome.released = [_release(i, officer) for i in award.instalments if i.held and i.hold_reason in reasons]
    if rating is Rating.RED:
        outcome.held = _hold_next(award, red_reason(number), officer, replacing={overdue_reason(number)})
    elif accepted and award.status is AwardStatus.ACCEPTED:
        from grants.interfaces.awards.payments import release_after_return

        outcome.made_due = release_after_return(award)
    if not accepted:
        _email_grantee(monitoring_return, "return_more_information")
    return outcome


# Holds -------------------------------------------------------------------------------------------

def next_unpaid_instalment(award: Award, triggers=None) -> Instalment | None:
    """The award's first instalment not yet approved or paid (of one of ``triggers``, if given)."""
    return next((i for i in award.instalments
                 if i.status in UNPAID and (triggers is None or i.trigger in triggers)), None)


def _set_hold(instalment: Instalment, held: bool, reason: str | None, actor: User | None) -> Instalment:
    before = {"held": instalment.held, "hold_reason": instalment.hold_reason}
    instalment.held, instalment.hold_reason = held, reason
    _flush()
    what = f"put on hold: {reason}" if held else "released from hold"
    audit.record("instalment.held" if held else "instalment.released", instalment,
                 f"Instalment {instalment.number} of {instalment.award.application.reference} {what}",
                 changes=audit.diff(before, {"held": held, "hold_reason": reason}), actor=actor)
    return instalment


def _release(instalment: Instalment, actor: User | None) -> Instalment:
    return _set_hold(instalment, False, None, actor)


def _hold_next(award: Award, reason: str, actor: User | None, triggers=None,
               replacing: Set[str] = frozenset()) -> Instalment | None:
    """Hold the award's next unpaid instalment for ``reason``; one already held stays as it is,
    unless held for one of the ``replacing`` reasons."""
    instalment = next_unpaid_instalment(award, triggers)
    if instalment is None or (instalment.held and instalment.hold_reason not in replacing):
        return None
    return _set_hold(instalment, True, reason, actor)


# Overdue and due soon ----------------------------------------------------------------------------

@dataclass(frozen=True)
class OverdueReturn:
    monitoring_return: MonitoringReturn
    days_overdue: int


def _owed(*conditions) -> list[MonitoringReturn]:
    return list(db.session.scalars(
        select(MonitoringReturn)
        .join(Award, Award.id == MonitoringReturn.award_id)
        .where(Award.status == AwardStatus.ACCEPTED, *conditions)
        .options(joinedload(MonitoringReturn.award).joinedload(Award.organisation),
                 joinedload(MonitoringReturn.award).joinedload(Award.application),
                 joinedload(MonitoringReturn.award).joinedload(Award.officer))
        .order_by(MonitoringReturn.due_date, MonitoringReturn.award_id, MonitoringReturn.number)
    ).unique())


def overdue_returns(today: date | None = None) -> list[OverdueReturn]:
    """Returns of running grants past their due date and not yet submitted, most overdue first."""
    today = today or uk_today()
    return [OverdueReturn(r, (today - r.due_date).days)
            for r in _owed(written_in(MonitoringReturn.status, EDITABLE), MonitoringReturn.due_date < today)]


def returns_due_soon(today: date | None = None) -> list[MonitoringReturn]:
    """Returns not yet started or in progress that fall due within DUE_SOON_DAYS days."""
    today = today or uk_today()
    return _owed(written_in(MonitoringReturn.status, [ReturnStatus.NOT_STARTED, ReturnStatus.DRAFT]),
                 MonitoringReturn.due_date >= today, MonitoringReturn.due_date <= today + timedelta(days=DUE_SOON_DAYS))


# The daily jobs (``flask send-reminders``) ---------------------------------------------------------

@dataclass
class DailyReport:
    held: list[Instalment] = field(default_factory=list)
    overdue_reminders: list[MonitoringReturn] = field(default_factory=list)
    due_soon_reminders: list[MonitoringReturn] = field(default_factory=list)


def run_daily_jobs(now: datetime | None = None) -> DailyReport:
    """Hold payments while returns are overdue, and remind grantees of overdue returns (at most
    every REMINDER_EVERY_DAYS days) and of returns falling due. Running it twice sends nothing new."""
    now = now or utcnow()
    today = uk_today(now)
    report = DailyReport()
    overdue = overdue_returns(today)
    first_overdue: dict[int, MonitoringReturn] = {}
    for item in overdue:
        first_overdue.setdefault(item.monitoring_return.award_id, item.monitoring_return)
    for monitoring_return in first_overdue.values():
        held = _hold_next(monitoring_return.award, overdue_reason(monitoring_return.number), None,
                          triggers=HELD_WHILE_OVERDUE)
        if held is not None:
            report.held.append(held)
    for item in overdue:
        last = item.monitoring_return.last_reminded_at
        if last is None or (today - uk_today(last)).days >= REMINDER_EVERY_DAYS:
            _remind(item.monitoring_return, now, "overdue", days_overdue=item.days_overdue)
            report.overdue_reminders.append(item.monitoring_return)
    for monitoring_return in returns_due_soon(today):
        last = monitoring_return.last_reminded_at
        if last is None or uk_today(last) < monitoring_return.due_date - timedelta(days=DUE_SOON_DAYS):
            _remind(monitoring_return, now, "due_soon")
            report.due_soon_reminders.append(monitoring_return)
    return report


def _remind(monitoring_return: MonitoringReturn, now: datetime, kind: str, days_overdue: int = 0) -> None:
    recipients = _email_grantee(monitoring_return, f"return_{kind}", days_overdue=days_overdue)
    before = monitoring_return.last_reminded_at
    monitoring_return.last_reminded_at = now
    _flush()
    audit.record("return.reminded", monitoring_return, f"{describe(monitoring_return)}: "
                 f"{'overdue' if kind == 'overdue' else 'due soon'} reminder sent to {', '.join(recipients)}",
                 changes=audit.diff({"last_reminded_at": before}, {"last_reminded_at": now}))


def grantee_recipients(award: Award) -> list[str]:
    """The organisation's contact and its active members, each address once."""
    from grants.interfaces.organisations.membership import recipients

    return recipients(award.organisation)


def _email_grantee(monitoring_return: MonitoringReturn, key: str, days_overdue: int = 0) -> list[str]:
    from grants.interfaces.awards import management_emails

    values = management_emails.overdue_values(monitoring_return, days_overdue)
    recipients = grantee_recipients(monitoring_return.award)
    for recipient in recipients:
        send_template(key, recipient, values)
    return recipients


def _grantee_link(monitoring_return: MonitoringReturn) -> str:
    return public_url("grantee.return_task_list", award_id=monitoring_return.award_id, return_id=monitoring_return.id)
