"""What an applicant does next about an application or a grant: the one place that decides it.

The applications list, the grants list, a grant's page and the home page all show the step this
module gives, so that they never disagree (an accepted grant is never "look out for your offer").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import url_for

from grants.formatting import london_datetime, london_today, long_date
from grants.interfaces.applications import stages
from grants.interfaces.applications.submission import organisation_applications
from grants.interfaces.awards.awarding import effective_status, organisation_awards
from grants.interfaces.screening.applications import CLARIFIABLE
from grants.models.applications import Application, ApplicationStatus
from grants.models.awards import Award, AwardStatus, ReturnStatus
from grants.models.claims import PaymentBasis
from grants.models.types import utcnow

# Returns the grantee still has to send (one sent back for more information is handled first).
_OWED = (ReturnStatus.NOT_STARTED, ReturnStatus.DRAFT)


@dataclass(frozen=True)
class NextStep:
    """The next step in words, where to take it, and whether it is the applicant's to take now."""

    text: str
    href: str | None = None
    # True when the applicant has something to do now; the home page lists only these.
    action: bool = False


@dataclass(frozen=True)
class ApplicationRow:
    """One of an organisation's applications, its grant (if it has one) and its next step."""

    application: Application
    award: Award | None
    step: NextStep

    @property
    def name(self) -> str:
        return self.application.project_title or "Untitled project"  # as the applications list names it


def _first(items, test):
    return next((item for item in items if test(item)), None)


def for_award(award: Award, now: datetime | None = None) -> NextStep:
    """What the grantee does next about a grant offered to them."""
    now = now or utcnow()
    today = london_today(now)
    status = effective_status(award, now)
    if status is AwardStatus.OFFERED:
        return NextStep(f"Accept the offer by {long_date(award.offer_deadline)}",
                        url_for("grantee.offer", award_id=award.id), action=True)
    if status is AwardStatus.LAPSED:
        return NextStep("The offer lapsed: contact your grants officer")
    if status is AwardStatus.WITHDRAWN:
        return NextStep("Nothing to do: the offer was withdrawn")
    if status is AwardStatus.CLOSED:
        return NextStep("Nothing to do: the grant is closed")

    def return_link(monitoring_return) -> str:
        return url_for("grantee.return_task_list", award_id=award.id, return_id=monitoring_return.id)

    more = _first(award.returns, lambda r: r.status is ReturnStatus.MORE_INFORMATION)
    if more:
        return NextStep(f"Give more information on monitoring return {more.number}", return_link(more), action=True)
    owed = _first(award.returns, lambda r: r.status in _OWED)
    if owed is not None and owed.period_start <= today:  # a return can be sent once its period has started
        if owed.due_date < today:
            return NextStep(f"Send monitoring return {owed.number}: it was due {long_date(owed.due_date)}",
                            return_link(owed), action=True)
        return NextStep(f"Send monitoring return {owed.number} by {long_date(owed.due_date)}",
                        return_link(owed), action=True)
    sent = _first(award.returns, lambda r: r.status is ReturnStatus.SUBMITTED)
    if sent:
        return NextStep(f"Nothing to do: your grants officer is reading monitoring return {sent.number}")
    if award.funding_round.payment_basis is PaymentBasis.CLAIMS:  # paid on claims of spend (issue 21)
        return NextStep("Claim your spending, with receipts, when you have some to claim",
                        url_for("grantee.show", award_id=award.id, _anchor="claims"))
    if owed is not None:
        return NextStep(f"Nothing to do until {long_date(owed.period_start)}, then send monitoring return "
                        f"{owed.number} by {long_date(owed.due_date)}")
    return NextStep("Nothing to do now")


def for_application(application: Application, award: Award | None = None,
                    now: datetime | None = None) -> NextStep:
    """What the applicant does next about ``application``; ``award`` is the grant offered on it."""
    now = now or utcnow()
    if award is not None:
        return for_award(award, now)
    status = application.status
    page = url_for("applications.task_list", application_id=application.id)
    if status is ApplicationStatus.DRAFT:
        return _for_draft(application, page, now)
    if application.is_expression_of_interest:
        return _for_expression_of_interest(application, page, now)
    unanswered = [c for c in application.clarifications if c.answered_at is None]
    if unanswered and status in CLARIFIABLE:  # questions are answered while it is checked or assessed
        count = len(unanswered)
        href = (url_for("applications.clarification", application_id=application.id,
                        clarification_id=unanswered[0].id) if count == 1 else page)
        return NextStep(f"Answer {count} question{'s' if count != 1 else ''} from the grants team", href,
                        action=True)
    if status is ApplicationStatus.SUBMITTED:
        return NextStep("Nothing to do: we are checking your application")
    if status is ApplicationStatus.UNDER_ASSESSMENT:
        return NextStep("Nothing to do: the panel is assessing your application")
    if status is ApplicationStatus.INELIGIBLE:
        return NextStep("Read why it was not eligible", page)
    if status is ApplicationStatus.UNSUCCESSFUL:
        if application.feedback_published_at is not None:
            return NextStep("Read the feedback on your application", page + "#feedback")
        return NextStep("Nothing to do: we will email you when the feedback on your application is ready")
    if status is ApplicationStatus.SUCCESSFUL:
        return NextStep("Nothing to do: we will email you your grant offer")
    return NextStep("Nothing to do: you withdrew this application")


def _for_draft(application: Application, page: str, now: datetime) -> NextStep:
    if stages.stage_is_open(application, now):
        deadline = stages.deadline(application.funding_round, application.stage)
        return NextStep(f"Finish and submit by {london_datetime(deadline)}", page, action=True)
    if application.is_expression_of_interest:
        return NextStep("Expressions of interest have closed; this draft can no longer be submitted")
    return NextStep("The round has closed; this draft can no longer be submitted")


def _for_expression_of_interest(eoi: Application, page: str, now: datetime) -> NextStep:
    """A submitted expression of interest: waiting to be shortlisted, not shortlisted, or an invitation
    to the full application (on the expression of interest's page, which has the start button)."""
    if eoi.status is ApplicationStatus.SUCCESSFUL:
        if stages.invitation_open(eoi, now):
            return NextStep(f"Start your full application: send it by {london_datetime(eoi.funding_round.closes_at)}",
                            page + "#shortlisting", action=True)
        if stages.active(eoi.organisation_id, eoi.round_id, stages.FULL) is not None:
            return NextStep("Nothing to do here: your full application has started")
        return NextStep("The round has closed; a full application can no longer be started")
    if eoi.status is ApplicationStatus.UNSUCCESSFUL:
        return NextStep("Read why it was not shortlisted", page + "#shortlisting")
    if eoi.status is ApplicationStatus.WITHDRAWN:
        return NextStep("Nothing to do: you withdrew this expression of interest")
    return NextStep("Nothing to do: we are deciding whether to shortlist your expression of interest")


def organisation_rows(organisation_id: int, now: datetime | None = None) -> list[ApplicationRow]:
    """The organisation's applications, newest first, each with its grant and next step (in a
    fixed number of queries, however many there are)."""
    awards = {award.application_id: award for award in organisation_awards(organisation_id)}
    rows = []
    for application in organisation_applications(organisation_id):
        award = awards.get(application.id)
        rows.append(ApplicationRow(application, award, for_application(application, award, now)))
    return rows
