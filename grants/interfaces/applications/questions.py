"""An application's form and its answers: the version of the round's application form it answers
(docs/form-definitions.md), its task list, each section's form, and the answers read back by
question, by role and by type for the pages, checks and exports that follow.

An application answers the version of its round's form that was current when it started
(``Application.form``); one started before forms were stored, or made outside the service, answers
the round's current form. Answers are kept per section as typed (``ApplicationSection.answers``,
the posted text by field name: a question's id, or ``<id>-<n>-<part>`` for a row's part), so nothing
is lost when they are not yet valid; everything else reads them through the section's form.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from flask import g, has_app_context, has_request_context, request
from sqlalchemy import CompoundSelect, bindparam, inspect, literal, select, union_all
from werkzeug.datastructures import MultiDict

from grants import form_keys
from grants.extensions import db
from grants.form_definitions import FormDefinition, Kind, QuestionType, Role, load_stored
from grants.form_definitions import Section as DefinitionSection
from grants.forms import without_nul
from grants.models.applications import Application
from grants.models.reference import AdderStrand, DrugsOutcome, LocalAuthority, PlanApproach
from grants.models.rounds import FundingRound
from grants.question_forms import QuestionForm, RoundContext, kept_answers, section_form

# The organisation's own record is the first task of every application; its answers are the
# organisation's details, not the form's.
ORGANISATION_KEY = "organisation"
MAX_TYPED = 10_000  # characters kept of any one typed value
# A file question's answer is the document stored for it, kept beside the typed answers as
# "file:<question id>": [document id, file name]. Never taken from what a browser posts.
FILE_PREFIX = "file:"


@dataclass(frozen=True)
class Section:
    """One task of the application's task list: the organisation's details, or a section of its form."""

    key: str
    title: str
    questions: DefinitionSection | None = None  # None: the organisation's own record

    @property
    def is_organisation(self) -> bool:
        return self.questions is None


ORGANISATION = Section(ORGANISATION_KEY, "Organisation details")


# The form ----------------------------------------------------------------------------------------

def _loaded(row_id: int, document: Mapping[str, Any]) -> FormDefinition:
    """A stored version's definition, loaded once a process (a version is not changed once used)
    and looked up once a request."""
    if not has_app_context():
        return _read(document)
    cache = g.setdefault("_application_forms", {})
    if row_id not in cache:
        cache[row_id] = _read(document)
    return cache[row_id]


def _read(document: Mapping[str, Any]) -> FormDefinition:
    return load_stored(document)  # raises for a document with problems: nothing is kept


def definition(application: Application) -> FormDefinition:
    """The form this application answers: its round's application form, or, for an expression of
    interest, its round's expression-of-interest form."""
    if application.form is not None:
        return _loaded(application.form.id, application.form.definition)
    # Made outside the service (every application the service starts answers a version): not cached,
    # as the round's form may change within a request.
    from grants.interfaces.round_forms.versions import current
    from grants.models.applications import ApplicationStage

    kind = Kind.EXPRESSION_OF_INTEREST if application.stage is ApplicationStage.EXPRESSION_OF_INTEREST \
        else Kind.APPLICATION
    return current(application.funding_round, kind)


def round_context(funding_round: FundingRound) -> RoundContext:
    """What the round gives its forms: the awards, the longest project and its lists."""
    return _context(funding_round, {field: tuple((item.code, item.name) for item in getattr(funding_round, name))
                                    for field, name, _ in _ROUND_LISTS})


# The round's lists its forms offer: the RoundContext field, the round's relationship, its model.
_ROUND_LISTS = (
    ("approaches", "approaches", PlanApproach),
    ("adder_strands", "adder_strands", AdderStrand),
    ("drug_outcomes", "outcomes", DrugsOutcome),
    ("local_authorities", "local_authorities", LocalAuthority),
)


def _context(funding_round: FundingRound, lists: Mapping[str, tuple[tuple[str, str], ...]]) -> RoundContext:
    return RoundContext(
        min_award=funding_round.min_award,
        max_award=funding_round.max_award,
        max_project_months=funding_round.max_project_months,
        approaches=lists["approaches"],
        adder_strands=lists["adder_strands"],
        drug_outcomes=lists["drug_outcomes"],
        local_authorities=lists["local_authorities"],
        vat=funding_round.vat_display.asked,
    )


def answers_context(funding_round: FundingRound) -> RoundContext:
    """``round_context``, with the round's lists read in one query when none of them is loaded (the
    screening page loads the round without them) rather than a lazy load each; once a request (a list
    changed through the ORM is loaded, and then read as loaded)."""
    state = inspect(funding_round)
    if not state.persistent or not {name for _, name, _ in _ROUND_LISTS} <= state.unloaded:
        return round_context(funding_round)
    cache = _request_cache()
    memo = ("round lists", state.key)
    if cache is not None and memo in cache:
        return cache[memo]
    found: dict[str, list[tuple[int, str, str]]] = {field: [] for field, _, _ in _ROUND_LISTS}
    for field, position, code, name in db.session.execute(_lists_query(), {"round_id": funding_round.id}):
        found[field].append((position, code, name))
    # Each in its relationship's order (by position).
    context = _context(funding_round, {field: tuple((code, name) for _, code, name in sorted(items))
                                       for field, items in found.items()})
    if cache is not None:
        cache[memo] = context
    return context


@functools.cache
def _lists_query() -> CompoundSelect:
    """The round's lists, each row (its RoundContext field, position, code, name), for ``round_id``:
    made once (the first time, when every model is mapped)."""
    return union_all(*(
        select(literal(field).label("list"), model.position, model.code, model.name)
        .join_from(FundingRound, getattr(FundingRound, name)).where(FundingRound.id == bindparam("round_id"))
        for field, name, model in _ROUND_LISTS
    ))


def sections(application: Application) -> list[Section]:
    """The task list: the organisation's details, then the form's sections in order."""
    return [ORGANISATION, *(Section(part.id, part.title, part) for part in definition(application).sections)]


def section_for(application: Application, key: str) -> Section | None:
    return next((section for section in sections(application) if section.key == key), None)


def answered_sections(application: Application) -> list[Section]:
    """The sections with questions of the form's own (all but the organisation's)."""
    return [section for section in sections(application) if not section.is_organisation]


# Each section's form -----------------------------------------------------------------------------

def to_formdata(answers: Mapping[str, list[str]]) -> MultiDict:
    return MultiDict([(name, value) for name, values in answers.items() if not name.startswith(FILE_PREFIX)
                      for value in values])


def raw_answers(formdata: MultiDict) -> dict[str, list[str]]:
    """What the user typed, minus the CSRF token, the form key and button names, to keep as the
    section's answers."""
    return {
        name: [without_nul(value)[:MAX_TYPED] for value in formdata.getlist(name)]
        for name in formdata
        if name not in {"csrf_token", form_keys.FIELD} and not name.startswith(("action", FILE_PREFIX))
    }


def saved_files(answers: Mapping[str, Any] | None) -> dict[str, dict[str, object]]:
    """The documents kept for a section's file questions, by question id: {"document_id", "filename"}."""
    found: dict[str, dict[str, object]] = {}
    for name, values in (answers or {}).items():
        if name.startswith(FILE_PREFIX) and isinstance(values, list) and len(values) == 2:
            document_id, filename = values
            if str(document_id).isdigit():
                found[name.removeprefix(FILE_PREFIX)] = {"document_id": int(document_id), "filename": str(filename)}
    return found


def file_answer(question_id: str, document_id: int, filename: str) -> dict[str, list[str]]:
    """A file question's kept answer, to keep among the section's answers."""
    return {f"{FILE_PREFIX}{question_id}": [str(document_id), filename]}


def _earlier(application: Application, section: Section) -> dict[str, object]:
    """The kept answers of every section before ``section`` (for its conditions and checks)."""
    found: dict[str, object] = {}
    for other in answered_sections(application):
        if other.key == section.key:
            break
        form = saved_form(application, other, found)
        if form is not None:
            found.update(kept_answers(form))
    return found


def form(application: Application, section: Section, formdata: Any = None,
         answers: Mapping[str, list[str]] | None = None, earlier: Mapping[str, object] | None = None,
         context: RoundContext | None = None) -> QuestionForm:
    """The section's form, from a request (``formdata``), from typed ``answers``, or empty (``context``:
    the round's, when the caller has it already)."""
    assert section.questions is not None, "the organisation section has no form of its own"
    if earlier is None:
        earlier = _earlier(application, section)
    # A file question answered in an earlier save needs no new file: its document is an answer so far.
    # (Only while the document is still the application's: one removed on the documents page answers no more.)
    record = application.section(section.key)
    # (Kept answers restored after a session expired carry no files: the section's own record does.)
    files = {**saved_files(record.answers if record else None), **saved_files(answers)}
    if files:
        present = {document.id for document in application.documents}
        earlier = {**earlier, **{key: value for key, value in files.items() if value["document_id"] in present}}
    meta = None
    if formdata is None and answers is not None:
        formdata, meta = to_formdata(answers), {"csrf": False}
    if context is None:
        context = round_context(application.funding_round)
    return section_form(definition(application), section.questions, context, formdata=formdata, answers=earlier,
                        meta=meta)


def saved_form(application: Application, section: Section, earlier: Mapping[str, object] | None = None,
               context: RoundContext | None = None) -> QuestionForm | None:
    """The section's form rebuilt from the saved answers, or ``None`` if never saved."""
    record = application.section(section.key)
    if record is None or section.is_organisation:
        return None
    return form(application, section, answers=record.answers, earlier=earlier, context=context)


def saved_forms(application: Application,
                context: RoundContext | None = None) -> Iterator[tuple[Section, QuestionForm | None]]:
    """Every section of the form with its saved form (None if never saved), each built with the
    answers of the sections before it. Built once a request for the same answers: check answers
    lists what is missing and then every answer from the same forms (a save in between changes the
    key, and a new request starts afresh). ``context``: the round's, when the caller has it already."""
    cache = _request_cache()
    if cache is None:
        yield from _build_saved_forms(application, context)
        return
    key = _answers_key(application)
    if key not in cache:
        cache[key] = list(_build_saved_forms(application, context))
    yield from cache[key]


def _request_cache() -> dict | None:
    """This request's built forms (and rounds' lists, ``answers_context``), or None outside a request.
    Kept on ``g`` with the request they were built in: tests (and CLI commands) may run several
    requests within one application context."""
    if not has_request_context():
        return None
    current = request._get_current_object()  # type: ignore[attr-defined]
    held = g.get("_saved_forms")
    if held is None or held[0] is not current:
        held = (current, {})
        g._saved_forms = held
    return held[1]


def _answers_key(application: Application) -> tuple:
    """What the saved forms depend on: the version answered, each saved section's answers, and the
    documents a file question may name (not whether a section is marked complete: the check sets that)."""
    records = application.sections
    # Documents only when a section keeps a file's (read as the forms read them: not loaded otherwise).
    files = any(saved_files(record.answers) for record in records)
    return (
        application.id, application.form_id, application.stage,
        tuple(sorted((record.key, str(record.updated_at), json.dumps(record.answers, sort_keys=True, default=str))
                     for record in records)),
        tuple(sorted(document.id for document in application.documents)) if files else (),
    )


def _build_saved_forms(application: Application,
                       context: RoundContext | None = None) -> Iterator[tuple[Section, QuestionForm | None]]:
    earlier: dict[str, object] = {}
    if context is None:
        context = answers_context(application.funding_round)
    for section in answered_sections(application):
        built = saved_form(application, section, dict(earlier), context)
        if built is not None:
            earlier.update(kept_answers(built))
        yield section, built


def kept(application: Application) -> dict[str, object]:
    """Every answer that is kept, by question id, as typed values (Decimal, date, lists, rows)."""
    found: dict[str, object] = {}
    for _section, built in saved_forms(application):
        if built is not None:
            found.update(kept_answers(built))
    return found


def by_role(application: Application, role: Role, answers: Mapping[str, object] | None = None) -> object:
    """The answer the service reads as ``role`` (None when the form has no such question or it is
    not answered)."""
    question = definition(application).by_role(role)
    if question is None:
        return None
    return (kept(application) if answers is None else answers).get(question.id)


def of_type(application: Application, question_type: QuestionType,
            answers: Mapping[str, object] | None = None) -> object:
    """The answer to the form's first question of a structured ``question_type`` (budget lines,
    milestones, ADDER strands…), or None."""
    question = next((q for q in definition(application).questions() if q.type is question_type), None)
    if question is None:
        return None
    return (kept(application) if answers is None else answers).get(question.id)


# A section's page --------------------------------------------------------------------------------

def has_files(section: Section) -> bool:
    """Whether the section asks for a file (its page then posts as multipart/form-data)."""
    return section.questions is not None and any(
        question.type is QuestionType.FILE for question in section.questions.questions)


def list_nouns(section: Section) -> dict[str, dict[str, str]]:
    """How the section's repeating rows are named on its page (see grants.question_forms.list_nouns)."""
    from grants.question_forms import list_nouns as nouns

    return {} if section.questions is None else nouns(section.questions)


def guidance(section: Section) -> dict[str, str]:
    """Each question's guidance (Markdown) by field name, for the section page."""
    if section.questions is None:
        return {}
    return {question.id: question.guidance for question in section.questions.questions if question.guidance}
