"""Two-stage rounds: which stage an organisation starts, each stage's deadline, and the full
application a shortlisted expression of interest is invited to, filled in from its answers.

A round with ``eoi_closes_at`` takes expressions of interest (short bids answering its
expression-of-interest form) from its opening until then. Officers shortlist them
(``grants.interfaces.screening.shortlisting``); a shortlisted organisation may then start the full
application, until the round closes. Nobody else can start one: a round's full bids come only from
its shortlist. A one-stage round takes full applications from anyone eligible, as before.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from grants import audit
from grants.extensions import db
from grants.form_definitions import Kind, QuestionType
from grants.form_definitions import Role as QuestionRole
from grants.formatting import london_datetime
from grants.interfaces.applications import questions
from grants.interfaces.round_forms.versions import version_in_force
from grants.models.accounts import User
from grants.models.applications import Application, ApplicationSection, ApplicationStage, ApplicationStatus
from grants.models.rounds import FundingRound
from grants.models.types import utcnow

EOI = ApplicationStage.EXPRESSION_OF_INTEREST
FULL = ApplicationStage.FULL
# Reference series: full bids are CGS-2026-0042, expressions of interest EOI-2026-0007.
REFERENCE_PREFIXES = {FULL: "CGS", EOI: "EOI"}


class StartRefused(Exception):
    """The organisation cannot start an application to the round now; the message says why."""


def form_kind(stage: ApplicationStage) -> Kind:
    return Kind.EXPRESSION_OF_INTEREST if stage is EOI else Kind.APPLICATION


def deadline(funding_round: FundingRound, stage: ApplicationStage) -> datetime:
    """When the stage closes: the expression-of-interest deadline or the round's closing time."""
    if stage is EOI and funding_round.eoi_closes_at is not None:
        return funding_round.eoi_closes_at
    return funding_round.closes_at


def taking_eois(funding_round: FundingRound, now: datetime | None = None) -> bool:
    """Whether the round is open and its expression-of-interest stage has not closed."""
    now = now or utcnow()
    return (funding_round.has_eoi_stage and funding_round.is_open(now)
            and now < deadline(funding_round, EOI))


def stage_is_open(application: Application, now: datetime | None = None) -> bool:
    """Whether the application's stage still takes submissions (by the server's clock)."""
    now = now or utcnow()
    return application.funding_round.is_open(now) and now < deadline(application.funding_round, application.stage)


def closed_message(application: Application) -> str:
    if application.is_expression_of_interest:
        return "The closing date for expressions of interest in this round has passed"
    return "The closing date for this round has passed"


def active(organisation_id: int | None, round_id: int, stage: ApplicationStage) -> Application | None:
    """The organisation's live (not withdrawn) application of ``stage`` to the round, if any."""
    return db.session.scalar(
        select(Application).where(
            Application.organisation_id == organisation_id,
            Application.round_id == round_id,
            Application.stage == stage,
            Application.status != ApplicationStatus.WITHDRAWN,
        ).order_by(Application.id.desc()).limit(1)
    )


def shortlisted_eoi(organisation_id: int | None, round_id: int) -> Application | None:
    """The organisation's shortlisted expression of interest in the round, if it has one."""
    eoi = active(organisation_id, round_id, EOI)
    return eoi if eoi is not None and eoi.status is ApplicationStatus.SUCCESSFUL else None


def invitation_open(eoi: Application, now: datetime | None = None) -> bool:
    """Whether a shortlisted expression of interest's organisation can start its full application now."""
    return (eoi.status is ApplicationStatus.SUCCESSFUL and eoi.funding_round.is_open(now)
            and active(eoi.organisation_id, eoi.round_id, FULL) is None)


def stage_to_start(funding_round: FundingRound, organisation_id: int | None,
                   now: datetime | None = None) -> ApplicationStage:
    """Which stage the organisation starts (or goes back to) in the round now.

    Raises ``StartRefused`` on a two-stage round for an organisation that may not start a full
    application: its expression of interest not shortlisted, or none sent before they closed."""
    now = now or utcnow()
    if not funding_round.has_eoi_stage:
        return FULL
    if active(organisation_id, funding_round.id, FULL) is not None:
        return FULL
    eoi = active(organisation_id, funding_round.id, EOI)
    if eoi is not None and eoi.status is ApplicationStatus.SUCCESSFUL:
        return FULL
    if taking_eois(funding_round, now):
        return EOI
    if eoi is not None and eoi.status is ApplicationStatus.UNSUCCESSFUL:
        raise StartRefused("Your expression of interest was not shortlisted, so your organisation cannot send "
                           "a full application to this round")
    if eoi is not None and eoi.status is ApplicationStatus.SUBMITTED:
        raise StartRefused("We are still shortlisting expressions of interest. We will email you if you are "
                           "invited to send a full application")
    raise StartRefused(f"Expressions of interest for this round closed on "
                       f"{london_datetime(deadline(funding_round, EOI))}. Only organisations whose expression "
                       f"of interest was shortlisted can send a full application")


def start(funding_round: FundingRound, stage: ApplicationStage, user: User,
          now: datetime | None = None) -> Application:
    """A new draft of ``stage`` for the user's organisation, or the live one it already has.

    A full application on a two-stage round comes from the organisation's shortlisted expression of
    interest and starts with its answers where the questions match (``prefill``)."""
    existing = active(user.organisation_id, funding_round.id, stage)
    if existing is not None:
        return existing
    eoi = shortlisted_eoi(user.organisation_id, funding_round.id) if stage is FULL else None
    if stage is FULL and funding_round.has_eoi_stage and eoi is None:
        raise StartRefused("Only organisations whose expression of interest was shortlisted can send a full "
                           "application to this round")
    application = Application(
        funding_round=funding_round,
        organisation_id=user.organisation_id,
        created_by_id=user.id,
        stage=stage,
        expression_of_interest=eoi,
        form=version_in_force(funding_round, form_kind(stage)),
        status=ApplicationStatus.DRAFT,
        created_at=now or utcnow(),
    )
    db.session.add(application)
    db.session.flush()
    filled = prefill(application, eoi) if eoi is not None else []
    if stage is EOI:
        summary = f"Expression of interest in {funding_round.name} started by {user.email}"
    elif eoi is not None:
        summary = (f"Full application to {funding_round.name} started by {user.email} from expression of "
                   f"interest {eoi.reference}" + (f", filled in: {', '.join(filled)}" if filled else ""))
    else:
        summary = f"Application to {funding_round.name} started by {user.email}"
    audit.record("application.started", application, summary)
    return application


def prefill(application: Application, eoi: Application) -> list[str]:
    """Fill in the full application's sections with the expression of interest's answers to the same
    questions (the same id and type), as typed, and the summary columns that go with them. The
    sections so filled are in progress, not complete, so that the applicant checks them. File
    questions are left empty: their document belongs to the expression of interest.

    Returns the titles of the sections filled in."""
    answered = _answers_by_question(eoi)
    filled = []
    # The organisation's details, as confirmed for the expression of interest: to be checked again.
    organisation = eoi.section(questions.ORGANISATION.key)
    if organisation is not None and organisation.answers:
        application.sections.append(ApplicationSection(key=questions.ORGANISATION.key,
                                                        answers=dict(organisation.answers), complete=False))
        filled.append(questions.ORGANISATION.title)
    roles: set[QuestionRole] = set()
    types: set[QuestionType] = set()
    for part in questions.definition(application).sections:
        answers: dict[str, list[str]] = {}
        for question in part.questions:
            found = answered.get(question.id)
            if found is None or found[0] is not question.type or question.type is QuestionType.FILE or not found[1]:
                continue
            answers.update(found[1])
            if question.role is not None:
                roles.add(question.role)
            types.add(question.type)
        if answers:
            application.sections.append(ApplicationSection(key=part.id, answers=answers, complete=False))
            filled.append(part.title)
    if QuestionRole.PROJECT_TITLE in roles:
        application.project_title = eoi.project_title
    if QuestionRole.AMOUNT_REQUESTED in roles:
        application.amount_requested = eoi.amount_requested
    if QuestionType.AREAS_SERVED in types:
        application.local_authorities = list(eoi.local_authorities)
    if QuestionType.PLAN_APPROACHES in types:
        application.approaches = list(eoi.approaches)
    return filled


def _answers_by_question(eoi: Application) -> dict[str, tuple[QuestionType, dict[str, list[str]]]]:
    """Each question of the expression of interest with its type and its kept answer's fields."""
    answered = {}
    for part in questions.definition(eoi).sections:
        record = eoi.section(part.id)
        kept = (record.answers or {}) if record is not None else {}
        for question in part.questions:
            answered[question.id] = (question.type, _answer_of(question.id, kept))
    return answered


def _answer_of(question_id: str, answers: dict) -> dict[str, list[str]]:
    """A question's kept answer among a section's: its own field, or its rows' fields (``<id>-<n>-…``)."""
    return {name: list(values) for name, values in answers.items()
            if (name == question_id or name.startswith(f"{question_id}-")) and isinstance(values, list)}


def full_application_of(eoi: Application) -> Application | None:
    """The full application started from a shortlisted expression of interest, if there is one."""
    return db.session.scalar(select(Application).where(Application.expression_of_interest_id == eoi.id))
