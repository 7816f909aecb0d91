"""Applications: who may see them, drafts, answers, submission and withdrawal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from flask import abort
from sqlalchemy import select, update
from sqlalchemy.orm import lazyload, selectinload

from grants import audit
from grants.extensions import db
from grants.form_definitions import QuestionType
from grants.form_definitions import Role as QuestionRole
from grants.formatting import LONDON, london_today
from grants.forms import add_error
from grants.interfaces.applications import partners, questions, stages
from grants.interfaces.applications.documents import (
    MAX_DOCUMENTS,
    TOO_MANY,
    add_document,
    delete_document,
    missing_documents,
    stored_file,
)
from grants.interfaces.applications.questions import ORGANISATION, Section
from grants.interfaces.subsidy import declaration as subsidy_declaration
from grants.interfaces.subsidy import ledger as subsidy_ledger
from grants.interfaces.writes import rows_changed
from grants.models.accounts import Role, User
from grants.models.applications import (
    WITHDRAWABLE,
    Application,
    ApplicationSection,
    ApplicationStage,
    ApplicationStatus,
    DocumentKind,
    ReferenceCounter,
)
from grants.models.rounds import FundingRound
from grants.models.types import utcnow
from grants.question_forms import kept_answers

# Staff roles that work with every application.
APPLICATION_STAFF = (Role.GRANTS_OFFICER, Role.ADMIN)


def application_for_member(user: User, application_id: int, lead_only: bool = True) -> Application:
    """The application if ``user`` belongs to the organisation that made it (the lead, accountable for
    the bid); 404 otherwise. With ``lead_only=False`` the accepted contact of a partner organisation on
    the bid may have it too: for the pages where partners view it and contribute to its answers and
    documents, never for submitting, withdrawing or managing its partners."""
    application = db.session.get(Application, application_id)
    if application is None:
        abort(404)
    if partners.is_lead_member(user, application) or (
        not lead_only and partners.is_partner_contact(user, application)
    ):
        return application
    abort(404)


def application_for_staff(application_id: int) -> Application:
    """Any application, for grants officers and admins (the view checks the role)."""
    return db.session.get(Application, application_id) or abort(404)


def application_for(user: User, application_id: int, lead_only: bool = True) -> Application:
    """Members of the organisation and application staff may see it (with ``lead_only=False``, a
    partner's accepted contact too); anyone else gets 404."""
    if user.has_role(*APPLICATION_STAFF):
        return application_for_staff(application_id)
    return application_for_member(user, application_id, lead_only=lead_only)


def next_reference(series: str, prefix: str) -> str:
    """The next reference in ``series``, for example ``CGS-2026-0042``; numbers are never reused.

    The increment is one UPDATE, so two submissions at the same moment cannot get one number.
    """
    bumped = db.session.execute(
        update(ReferenceCounter)
        .where(ReferenceCounter.series == series)
        .values(value=ReferenceCounter.value + 1)
        .returning(ReferenceCounter.value)
    ).scalar_one_or_none()
    if bumped is None:
        db.session.add(ReferenceCounter(series=series, value=1))
        db.session.flush()
        bumped = 1
    return f"{prefix}-{bumped:04d}"


def organisation_applications(organisation_id: int) -> list[Application]:
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.organisation_id == organisation_id)
            # The dashboard shows each one's round and open questions: load them in two queries,
            # and nothing else (not the sections' answers, nor each round's own lists).
            .options(
                lazyload("*"),
                selectinload(Application.funding_round).lazyload("*"),
                selectinload(Application.clarifications),
            )
            .order_by(Application.created_at.desc(), Application.id.desc())
        )
    )


def active_application(organisation_id: int | None, round_id: int,
                       stage: ApplicationStage = ApplicationStage.FULL) -> Application | None:
    """The organisation's application of ``stage`` (a full bid unless asked) to a round that has not
    been withdrawn, if any (none for an account without an organisation). An organisation has at most
    one live expression of interest and one live full application per round."""
    return stages.active(organisation_id, round_id, stage)


def start_application(funding_round: FundingRound, user: User, now: datetime | None = None) -> Application | None:
    """A new draft for the user's organisation at the stage the round is taking from it (an expression
    of interest, or the full application), or the one it already has; ``None`` when it may not start
    one (``stages.stage_to_start`` says why)."""
    try:
        return stages.start(funding_round, stages.stage_to_start(funding_round, user.organisation_id, now), user, now)
    except stages.StartRefused:
        return None


# Sections ----------------------------------------------------------------------------------------

class TaskStatus(StrEnum):
    NOT_STARTED = "Not yet started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"


def task_status(application: Application, section: Section) -> TaskStatus:
    record = application.section(section.key)
    if record is None:
        return TaskStatus.NOT_STARTED
    return TaskStatus.COMPLETED if record.complete else TaskStatus.IN_PROGRESS


def _record(application: Application, key: str) -> ApplicationSection:
    record = application.section(key)
    if record is None:
        record = ApplicationSection(key=key, answers={}, complete=False)
        application.sections.append(record)
    return record


def save_answers(
    application: Application, section: Section, form, answers: dict, user: User, complete: bool
) -> list[str]:
    """Keep what was typed, mark the section complete or not, and update the summary columns.

    Returns the stored names of files that a new upload replaced: their rows are gone, and the caller
    removes the files (``documents.discard_file``) once this is committed. A new file that would take
    the application past ``MAX_DOCUMENTS`` is not kept: its question gets the uploads page's message,
    and the section is not complete. ``DocumentsLocked`` when the application stopped being a draft
    since it was read (the caller rolls back)."""
    record = _record(application, section.key)
    before = record.complete
    record.answers, replaced = _with_files(application, section, form, answers, record.answers or {}, user)
    complete = complete and not form.errors
    record.complete = complete
    record.updated_by_id = user.id
    record.updated_at = utcnow()
    _update_summary_columns(application, section, form)
    audit.record(
        "application.section_saved",
        application,
        f"{section.title} saved ({'complete' if complete else 'in progress'})",
        changes=audit.diff({f"{section.key}.complete": before}, {f"{section.key}.complete": complete}),
    )
    return replaced


def _with_files(application: Application, section: Section, form, answers: dict, previous: dict,
                user: User) -> tuple[dict, list[str]]:
    """``answers`` with each file question's document: the file checked in this save, stored as one of
    the application's documents in place of the one it answered before, or else the one kept from an
    earlier save; and the stored names of the files replaced. A question holds one document at a time,
    so saving again never piles documents up."""
    if section.questions is None:
        return answers, []
    kept, replaced = dict(answers), []
    documents = {document.id: document for document in application.documents}
    for question in section.questions.questions:
        if question.type is not QuestionType.FILE:
            continue
        name = f"{questions.FILE_PREFIX}{question.id}"
        before = questions.saved_files(previous).get(question.id)
        field = form[question.id]
        upload = getattr(field, "upload", None) if not field.errors else None
        old = documents.get(before["document_id"]) if before else None  # type: ignore[call-overload]
        if upload is not None and old is None and len(application.documents) >= MAX_DOCUMENTS:
            add_error(field, TOO_MANY)  # file questions' documents count toward the limit, as uploads do
            upload = None
        if upload is not None:
            if old is not None:
                replaced.append(delete_document(application, old, user))
            with stored_file(upload) as stored_name:
                document = add_document(application, DocumentKind.OTHER, upload, stored_name, user)
            kept.update(questions.file_answer(question.id, document.id, document.original_filename))
        elif name in previous:
            kept[name] = previous[name]
    return kept, replaced


def _update_summary_columns(application: Application, section: Section, form) -> None:
    """Keep the columns lists sort and filter by in step with the section's answers: the project's
    title and the amount asked (by role), the areas served and the plan approaches (by type)."""
    if section.questions is None:
        return
    kept = kept_answers(form)
    funding_round = application.funding_round
    for question in section.questions.questions:
        value = kept.get(question.id)
        if question.role is QuestionRole.PROJECT_TITLE:
            application.project_title = (value if isinstance(value, str) else "").strip()[:200] or None
        elif question.role is QuestionRole.AMOUNT_REQUESTED:
            field = form[question.id]
            application.amount_requested = field.data if not field.errors and value is not None else None
        elif question.type is QuestionType.AREAS_SERVED:
            chosen = set(value if isinstance(value, list) else [])
            application.local_authorities = [la for la in funding_round.local_authorities if la.code in chosen]
        elif question.type is QuestionType.PLAN_APPROACHES:
            chosen = set(value if isinstance(value, list) else [])
            application.approaches = [a for a in funding_round.approaches if a.code in chosen]


def save_organisation_section(application: Application, values: dict | None, answers: dict, user: User) -> None:
    """The organisation section writes to the organisation's own record when its answers are valid."""
    from grants.interfaces.organisations.membership import update_organisation

    if values is not None:
        update_organisation(application.organisation, values)
    record = _record(application, ORGANISATION.key)
    record.answers = {} if values is not None else answers
    record.complete = values is not None
    record.updated_by_id = user.id
    record.updated_at = utcnow()


# Submission --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """Why an application cannot be submitted; ``section`` is the key of the section to fix,
    "documents" for the supporting documents, or None."""

    text: str
    section: str | None = None


def submission_problems(application: Application, now: datetime | None = None) -> list[Problem]:
    """Why the application cannot be submitted now; empty when it can. Checks everything afresh."""
    now = now or utcnow()
    if application.status is not ApplicationStatus.DRAFT:
        return [Problem("This application has already been submitted")]
    problems = []
    if not stages.stage_is_open(application, now):
        problems.append(Problem(stages.closed_message(application)))
    records = {section.key: application.section(section.key) for section in questions.sections(application)}
    if (record := records[ORGANISATION.key]) is None or not record.complete:
        problems.append(Problem(f"Complete the section ‘{ORGANISATION.title}’", ORGANISATION.key))
    for section, form in questions.saved_forms(application):
        record = records[section.key]
        if record is None or form is None or not record.complete:
            problems.append(Problem(f"Complete the section ‘{section.title}’", section.key))
        elif not form.validate():
            record.complete = False
            problems.append(Problem(f"Check your answers in ‘{section.title}’", section.key))
    # An expression of interest is short: its documents come with the full application.
    for kind in [] if application.is_expression_of_interest else missing_documents(application):
        problems.append(Problem(f"Upload your {kind.label[0].lower() + kind.label[1:]}", "documents"))
    if (shares := partners.shares_problem(application)) is not None:
        problems.append(Problem(shares, "partners"))
    for text in subsidy_declaration.window_problems(application, london_today(now)):
        problems.append(Problem(text, subsidy_declaration.SECTION_KEY))
    return problems


def organisation_snapshot(application: Application) -> dict:
    org = application.organisation
    return {
        **audit.snapshot(org),
        "legal_type_label": org.legal_type.label,
    }


def submit(application: Application, user: User, now: datetime | None = None) -> bool:
    """Submit a draft. Returns False when it was already submitted (a second click changes nothing).

    The status moves from draft in one conditional UPDATE, so two requests at once cannot both
    submit; the reference is given out only by the one that did.
    """
    now = now or utcnow()
    moved = rows_changed(
        update(Application)
        .where(
            Application.id == application.id,
            Application.status == ApplicationStatus.DRAFT,
            # Unchanged since its checks passed (a document deleted meanwhile moves the version on).
            Application.version == application.version,
        )
        .values(
            status=ApplicationStatus.SUBMITTED,
            submitted_at=now,
            version=Application.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if moved != 1:
        db.session.refresh(application)
        return False
    db.session.refresh(application)
    year = now.astimezone(LONDON).year
    prefix = f"{stages.REFERENCE_PREFIXES[application.stage]}-{year}"
    application.reference = next_reference(prefix, prefix)
    application.organisation_snapshot = organisation_snapshot(application)
    subsidy_ledger.record_declared(application, user)  # the declared assistance joins the ledger
    audit.record(
        "application.submitted",
        application,
        f"{application.noun.capitalize()} {application.reference} submitted by {user.email}",
        changes=audit.diff({"status": "draft"}, {"status": "submitted", "reference": application.reference}),
    )
    return True


def withdraw(application: Application, user: User, now: datetime | None = None) -> bool:
    """Withdraw a submitted application before a decision; False if it can no longer be withdrawn."""
    moved = rows_changed(
        update(Application)
        .where(Application.id == application.id, Application.status.in_(WITHDRAWABLE))
        .values(status=ApplicationStatus.WITHDRAWN, withdrawn_at=now or utcnow(), version=Application.version + 1)
        .execution_options(synchronize_session=False)
    )
    before = application.status
    db.session.refresh(application)
    if moved != 1:
        return False
    audit.record(
        "application.withdrawn",
        application,
        f"Application {application.reference} withdrawn by {user.email}",
        changes=audit.diff({"status": before.value}, {"status": "withdrawn"}),
    )
    return True
