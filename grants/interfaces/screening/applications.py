"""Screening: grants officers' lists of submitted applications, eligibility decisions, clarifications.

Drafts belong to their organisation alone: nothing here lists, counts or shows one to an officer.
The lists and counts are of full applications: a two-stage round's expressions of interest are
shortlisted, not screened (``grants.interfaces.screening.shortlisting``), and can never be screened
into the panel's path as a bid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from flask import abort
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    and_,
    bindparam,
    func,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import contains_eager, joinedload, lazyload, selectinload

from grants import audit
from grants.database import written, written_in
from grants.extensions import db
from grants.interfaces.applications.submission import APPLICATION_STAFF
from grants.interfaces.awards.offers import active_grants_officers
from grants.interfaces.due_diligence import findings as due_diligence
from grants.interfaces.paging import Page, contains, paginate
from grants.interfaces.screening import emails as screening_emails
from grants.interfaces.screening import list_counts
from grants.interfaces.writes import rows_changed
from grants.models.accounts import User
from grants.models.applications import (
    Application,
    ApplicationStage,
    ApplicationStatus,
    Clarification,
    application_local_authorities,
)
from grants.models.audit import AuditEvent
from grants.models.organisations import LegalType, Organisation
from grants.models.reference import LocalAuthority, PlanApproach
from grants.models.rounds import FundingRound, round_approaches, round_local_authorities
from grants.models.types import utcnow

# What officers see: every status after submission, in the order an application moves through them.
VISIBLE_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.UNDER_ASSESSMENT,
    ApplicationStatus.INELIGIBLE,
    ApplicationStatus.WITHDRAWN,
    ApplicationStatus.SUCCESSFUL,
    ApplicationStatus.UNSUCCESSFUL,
)
# Officers may ask questions until the panel has decided.
CLARIFIABLE = frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_ASSESSMENT})
QUESTION_MAX_CHARACTERS = 2_000
ANSWER_MAX_CHARACTERS = 5_000
PER_PAGE = 25


@dataclass(frozen=True)
class AmountBand:
    label: str
    low: Decimal | None  # included
    high: Decimal | None  # included

    def condition(self):
        column = Application.amount_requested
        parts: list[ColumnElement[bool]] = [column.is_not(None)]
        if self.low is not None:
            parts.append(column >= self.low)
        if self.high is not None:
            parts.append(column <= self.high)
        return and_(*parts)


# Amounts are whole pence, so "under £2,500" ends at £2,499.99.
AMOUNT_BANDS = {
    "under-2500": AmountBand("Under £2,500", None, Decimal("2499.99")),
    "2500-5000": AmountBand("£2,500 to £5,000", Decimal("2500.00"), Decimal("5000.00")),
    "over-5000": AmountBand("Over £5,000", Decimal("5000.01"), None),
}
# Sort keys people may choose; anything else falls back to the default and never reaches SQL. The
# organisation's is its name in lower case kept on the application (never empty, so that a deep page
# walks ix_applications_round_organisation either way); the others put empty values last.
SORTS = {
    "reference": ("Reference", Application.reference),
    "organisation": ("Organisation", Application.organisation_sort),
    "amount": ("Amount requested", Application.amount_requested),
    "submitted": ("Date submitted", Application.submitted_at),
}
NEVER_EMPTY = frozenset({"organisation"})
DEFAULT_SORT = "submitted"


@dataclass(frozen=True)
class ApplicationFilter:
    """What an officer asked for; values have been checked against the choices by the form."""

    status: str = ""
    local_authority: str = ""  # LocalAuthority.code
    approach: str = ""  # PlanApproach.code
    amount_band: str = ""
    legal_type: str = ""
    search: str = ""
    sort: str = DEFAULT_SORT
    descending: bool = False


# Rounds and counts -------------------------------------------------------------------------------

def rounds_with_counts() -> list[tuple[FundingRound, dict[ApplicationStatus, int]]]:
    """Published rounds, latest closing first, each with its count of applications per status.

    Three queries whatever the number of rounds or applications: the rounds, and their kept counts
    (grants.interfaces.screening.list_counts).
    """
    rounds = db.session.scalars(
        select(FundingRound)
        .where(FundingRound.published_at.is_not(None))
        .order_by(FundingRound.closes_at.desc(), FundingRound.id.desc())
    ).all()
    counts = list_counts.status_counts([funding_round.id for funding_round in rounds])
    return [(funding_round, counts[funding_round.id]) for funding_round in rounds]


def status_counts(round_id: int) -> dict[ApplicationStatus, int]:
    """How many of the round's applications are at each status (drafts left out)."""
    return list_counts.status_counts([round_id])[round_id]


def round_for_screening(round_id: int) -> FundingRound:
    """A published round with the areas and approaches its list is filtered by (and not its
    other lists: legal types, strands, outcomes, rubric)."""
    funding_round = db.session.get(FundingRound, round_id, options=[
        lazyload("*"), selectinload(FundingRound.local_authorities), selectinload(FundingRound.approaches),
    ])
    if funding_round is None or funding_round.published_at is None:
        abort(404)
    return funding_round


class Choice(NamedTuple):
    """An area or approach the list is filtered by, as the filter form reads one."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class ListedRound:
    """What the officers' list shows of its round, and the areas and approaches it funds, in order
    (the filter form's choices: ``ApplicationFilterForm.set_round``)."""

    id: int
    name: str
    has_eoi_stage: bool
    local_authorities: tuple[Choice, ...]
    approaches: tuple[Choice, ...]


def round_for_list(round_id: int) -> ListedRound:
    """A published round for its list of applications, with its areas and approaches, in one statement
    (the round's columns beside each item of its two lists); "not found" unless published."""
    rows = db.session.execute(_round_for_list_statement(), {"round_id": round_id}).all()
    if not rows or rows[0].published_at is None:
        abort(404)
    found: dict[str, list[tuple[int, str, str]]] = {"local_authorities": [], "approaches": []}
    for row in rows:
        if row.list is not None:
            found[row.list].append((row.position, row.code, row.item_name))
    lists = {name: tuple(Choice(code, item_name) for _, code, item_name in sorted(items))  # by position
             for name, items in found.items()}
    first = rows[0]
    return ListedRound(round_id, first.name, first.eoi_closes_at is not None, **lists)


@cache
def _round_for_list_statement() -> Select:
    """``round_for_list``'s statement, built once, for the parameter ``round_id``."""
    areas, approaches = round_local_authorities.c, round_approaches.c
    lists = union_all(
        select(areas.round_id, literal("local_authorities").label("list"), LocalAuthority.position,
               LocalAuthority.code, LocalAuthority.name)
        .join_from(round_local_authorities, LocalAuthority, LocalAuthority.id == areas.local_authority_id),
        select(approaches.round_id, literal("approaches").label("list"), PlanApproach.position, PlanApproach.code,
               PlanApproach.name)
        .join_from(round_approaches, PlanApproach, PlanApproach.id == approaches.approach_id),
    ).subquery()
    return (
        select(FundingRound.name, FundingRound.published_at, FundingRound.eoi_closes_at, lists.c.list,
               lists.c.position, lists.c.code, lists.c.name.label("item_name"))
        .outerjoin(lists, lists.c.round_id == FundingRound.id)
        .where(FundingRound.id == bindparam("round_id"))
    )


# The list of applications ------------------------------------------------------------------------

def _listed(round_id: int | BindParameter[int]):
    """The round's listed applications, their organisation joined (for its name, type and sort)."""
    return (
        select(Application)
        .join(Application.organisation)
        # The statuses and stage written into the SQL, not bound: the list's partial index
        # (ix_applications_round_organisation: full, not draft) is then usable in PostgreSQL's generic
        # plan of the prepared statement too (grants.database.written_in).
        .where(Application.round_id == round_id, written_in(Application.status, VISIBLE_STATUSES),
               Application.stage == written(Application.stage, ApplicationStage.FULL))
    )


def _visible(round_id: int):
    return _listed(round_id).options(contains_eager(Application.organisation))


@dataclass(frozen=True, slots=True)
class ListedApplication:
    """A row of the officers' list (screening/round.html), read as plain columns: building 25 mapped
    applications and organisations took longer than the statement."""

    id: int
    reference: str | None
    organisation_name: str
    project_title: str | None
    amount_requested: Decimal | None
    submitted_at: datetime | None
    status: ApplicationStatus


# ListedApplication's columns, in its order (the key first, as paginate needs).
_LISTED_COLUMNS = (Application.id, Application.reference, Organisation.name, Application.project_title,
                   Application.amount_requested, Application.submitted_at, Application.status)


@dataclass(frozen=True)
class ApplicationList:
    """One page of a round's list (of ``ListedApplication``) and the round's counts by status (statuses
    with none left out), whatever the filters."""

    results: Page
    counts: dict[ApplicationStatus, int]


_STATUSES = {status.value: status for status in VISIBLE_STATUSES}
_LEGAL_TYPES = {legal_type.value: legal_type for legal_type in LegalType}


def list_applications(round_id: int, criteria: ApplicationFilter, page: int = 1) -> ApplicationList:
    """One page of the round's submitted applications, filtered and sorted as asked, with the round's
    counts by status.

    Three statements whatever the page size and the data: the round's kept counts (by status, and in
    the area asked for: the list's total, when it is filtered by status and area at most), and
    ``paginate``'s deferred join (the page's ids, then their rows' columns, the organisation joined in),
    which counts the rows beside the ids for any other filter. On PostgreSQL a known total has the ids
    walked without parallel workers (``paging._serially``): two more, the setting and its reset. The
    statement is built once for each shape of filters and sort (``_list_statement``), the values bound
    as parameters.
    """
    counts = list_counts.list_counts(round_id, criteria.local_authority or None)
    status = _STATUSES.get(criteria.status)
    legal_type = _LEGAL_TYPES.get(criteria.legal_type)
    band = criteria.amount_band if criteria.amount_band in AMOUNT_BANDS else None
    values: dict[str, object] = {"round_id": round_id}
    if status is not None:
        values["status"] = status
    if criteria.local_authority:
        values["area_code"] = criteria.local_authority
    if criteria.approach:
        values["approach_code"] = criteria.approach
    if legal_type is not None:
        values["legal_type"] = legal_type
    if criteria.search:
        values["pattern"] = contains(criteria.search.lower())
    query = _list_statement(frozenset(values), band, criteria.sort if criteria.sort in SORTS else DEFAULT_SORT,
                            criteria.descending)
    # The total is kept for the list filtered by status and area at most (None: the page counts it).
    total = None if values.keys() - {"round_id", "status", "area_code"} or band else counts.total(status)
    results = paginate(query, page, PER_PAGE, total=total, columns=_LISTED_COLUMNS, make=ListedApplication,
                       params=values)
    return ApplicationList(results, counts.by_status)


@cache
def _list_statement(filters: frozenset[str], band: str | None, sort: str, descending: bool) -> Select:
    """The list's statement for a set of filters (``list_applications``' parameter names, beside
    ``round_id``), an amount band, a sort and an order, built once (building it took longer than the
    rest of the list's Python): at most a few hundred shapes."""
    query = _listed(bindparam("round_id"))
    if "status" in filters:
        query = query.where(Application.status == bindparam("status"))
    if "area_code" in filters:
        # The area's id first, so that each application is looked up in the areas' primary key alone.
        area = select(LocalAuthority.id).where(LocalAuthority.code == bindparam("area_code")).scalar_subquery()
        links = application_local_authorities.c
        query = query.where(select(links.application_id).where(links.application_id == Application.id,
                                                                links.local_authority_id == area).exists())
    if "approach_code" in filters:
        query = query.where(Application.approaches.any(PlanApproach.code == bindparam("approach_code")))
    if band is not None:
        query = query.where(AMOUNT_BANDS[band].condition())
    if "legal_type" in filters:
        query = query.where(Organisation.legal_type == bindparam("legal_type"))
    if "pattern" in filters:
        pattern: BindParameter[str] = bindparam("pattern")
        query = query.where(
            or_(
                func.lower(Application.reference).like(pattern, escape="\\"),
                func.lower(Organisation.name).like(pattern, escape="\\"),
            )
        )
    column = SORTS[sort][1]
    ordering = column.desc() if descending else column.asc()
    if sort not in NEVER_EMPTY:
        ordering = ordering.nulls_last()
    tie_break = Application.id.desc() if descending else Application.id.asc()
    return query.order_by(ordering, tie_break)


def applications_for_export(round_id: int) -> list[Application]:
    """Every submitted application of the round, by reference, with organisation and answers.

    A fixed number of queries whatever the number of applications.
    """
    return list(
        db.session.scalars(
            _visible(round_id)
            .options(joinedload(Application.funding_round), selectinload(Application.sections),
                     selectinload(Application.partners))
            .order_by(Application.reference, Application.id)
        ).unique()
    )


# One application ---------------------------------------------------------------------------------

def submitted_application(application_id: int, whole: bool = False) -> Application:
    """An application that has been submitted; drafts are "not found" for officers. Its questions
    come with who asked and who answered them (a fixed number of queries however many there are).

    ``whole``: with everything its page shows loaded in the same few queries (``_WHOLE``)."""
    application = db.session.get(Application, application_id, options=[
        selectinload(Application.clarifications).options(  # who asked and answered are named (not their roles)
            joinedload(Clarification.asked_by).lazyload(User.role_grants),
            joinedload(Clarification.answered_by).lazyload(User.role_grants),
        ),
        *(_WHOLE if whole else ()),
    ])
    if application is None or application.status is ApplicationStatus.DRAFT:
        abort(404)
    return application


# What the application's page reads besides its questions, joined to its row: the round (none of its
# lists: the answers read the few they show in one query, grants.interfaces.applications.questions),
# the organisation, the form version answered and who screened it (their roles are not shown); then
# the partners and the documents a statement each (the answers, ``sections``, are always loaded so).
_WHOLE = (
    joinedload(Application.funding_round).lazyload("*"),
    joinedload(Application.organisation),
    joinedload(Application.form),
    joinedload(Application.screened_by).lazyload(User.role_grants),
    selectinload(Application.partners),
    selectinload(Application.documents),
)


def history(application: Application) -> list[AuditEvent]:
    """What happened to the application and its clarifications, newest first."""
    clarification_ids = [str(clarification.id) for clarification in application.clarifications]
    about = and_(AuditEvent.entity_type == "Application", AuditEvent.entity_id == str(application.id))
    if clarification_ids:
        about = or_(
            about,
            and_(AuditEvent.entity_type == "Clarification", AuditEvent.entity_id.in_(clarification_ids)),
        )
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(about)
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        )
    )


# Screening ---------------------------------------------------------------------------------------

class ScreeningConflict(Exception):
    """The application is no longer waiting to be screened; the message is for the officer."""


def screen(
    application: Application, passed: bool, reason: str | None, officer: User, now: datetime | None = None
) -> None:
    """Pass the application to the panel (under assessment) or find it ineligible, with a reason.

    One conditional UPDATE: it changes the row only while the status is still "submitted", so when
    two officers screen at once the second changes nothing and is told so.
    """
    if not passed and not (reason or "").strip():
        raise ValueError("A reason is needed when an application fails screening")
    if application.stage is not ApplicationStage.FULL:
        raise ScreeningConflict(f"{application.reference} is an expression of interest: shortlist it instead. "
                                "Nothing was changed")
    held = due_diligence.gate_refusal(application) if passed else None  # a failed bid needs no checklist
    if held:
        raise ScreeningConflict(f"{held}. Nothing was changed")
    now = now or utcnow()
    after = {
        "status": ApplicationStatus.UNDER_ASSESSMENT if passed else ApplicationStatus.INELIGIBLE,
        "screening_reason": None if passed else (reason or "").strip(),  # a reason when failed: checked above
        "screened_at": now,
        "screened_by_id": officer.id,
    }
    # Read before the UPDATE; the row was "submitted" when it changed (the WHERE says so).
    before = {field: getattr(application, field) for field in after} | {"status": ApplicationStatus.SUBMITTED}
    updated = rows_changed(
        update(Application)
        .where(Application.id == application.id, Application.status == ApplicationStatus.SUBMITTED,
               Application.stage == ApplicationStage.FULL)
        .values(**after, version=Application.version + 1)
        .execution_options(synchronize_session=False)
    )
    if updated != 1:
        db.session.refresh(application)
        raise ScreeningConflict(
            f"{application.reference} has already been screened: it is now "
            f"{application.status.label.lower()}. Nothing was changed"
        )
    db.session.refresh(application)
    audit.record(
        "application.screened",
        application,
        f"{application.reference} {'passed' if passed else 'failed'} eligibility screening",
        changes=audit.diff(before, after),
        actor=officer,
    )
    screening_emails.tell_of_screening(application, passed)


# Clarifications ----------------------------------------------------------------------------------

def ask_clarification(application: Application, question: str, officer: User) -> Clarification:
    if application.status not in CLARIFIABLE:
        raise ScreeningConflict(
            f"Questions can only be asked about applications that are submitted or under assessment; "
            f"{application.reference} is {application.status.label.lower()}"
        )
    clarification = Clarification(application=application, question=question, asked_by_id=officer.id, asked_at=utcnow())
    db.session.add(clarification)
    db.session.flush()
    audit.record(
        "clarification.asked",
        clarification,
        f"Question asked about {application.reference}",
        changes=audit.diff({}, {"application_id": application.id, "question": question}),
        actor=officer,
    )
    return clarification


def clarification_for(application: Application, clarification_id: int) -> Clarification:
    """A question about ``application``; one about another application is "not found"."""
    clarification = db.session.get(Clarification, clarification_id)
    if clarification is None or clarification.application_id != application.id:
        abort(404)
    return clarification


def answer_clarification(clarification: Clarification, answer: str, user: User) -> bool:
    """Keep the applicant's answer; ``False`` (and nothing changed) if it was answered already.

    Conditional on the answer still being empty, so two members answering at once cannot
    overwrite each other.
    """
    now = utcnow()
    updated = rows_changed(
        update(Clarification)
        .where(Clarification.id == clarification.id, Clarification.answered_at.is_(None))
        .values(answer=answer, answered_by_id=user.id, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(clarification)
    if updated != 1:
        return False
    audit.record(
        "clarification.answered",
        clarification,
        f"Question about {clarification.application.reference or 'an application'} answered by {user.email}",
        changes=audit.diff({"answer": None, "answered_at": None}, {"answer": answer, "answered_at": now}),
        actor=user,
    )
    _tell_officers_of_answer(clarification)
    return True


def officers_to_tell_of_answer(clarification: Clarification) -> list[User]:
    """Whoever asked the question, if they can still screen; otherwise every active grants officer."""
    asker = clarification.asked_by
    if asker is not None and asker.active and asker.has_role(*APPLICATION_STAFF):
        return [asker]
    return active_grants_officers()


def _tell_officers_of_answer(clarification: Clarification) -> None:
    for officer in officers_to_tell_of_answer(clarification):
        screening_emails.tell_of_answer(clarification, officer)
