"""Figures the portfolio adds up, read out of JSON answers into plain tables as the answers are written.

The dashboard shares money between the ADDER strands and drugs outcomes an application chose, and
adds up the people its monitoring returns say they reached. Both live in JSON answers; reading
thousands of JSON documents on every page view is what made the dashboard slow, so these tables
hold the same facts as rows that SQL can join and add up:

- ``application_adder_strands`` / ``application_outcomes``: each distinct text value of the answer to
  the application form's (first) ``adder_strands`` / ``drug_outcomes`` question, wherever the form puts
  it (codes as typed, valid or not: the dashboard ignores the ones not in the catalogue when it reads
  them), none while its show_if hides the question (an answer kept from before an earlier answer
  changed is nobody's answer; saving the section that decides it rewrites them). The form is the version
  the application answers (``applications.form_id``), or its round's newest application form, or the
  standard form (``application_forms``), read once a section is saved: one query;
- ``monitoring_return_people``: each ``people_<group>`` answer that is a whole number (the rules of
  ``whole_number``) in the section(s) of the return's form that ask its ``people_by_group`` question,
  wherever the form puts it (the standard form's "people" section, or a round's own section named
  otherwise), whatever the return's status (the dashboard counts only the submitted and accepted
  ones). The form is the version the return answers (``monitoring_returns.form_id``), or its round's
  newest monitoring form, or the standard one (``return_forms``).

They are kept in step by mapper events whenever a section or a return is inserted, updated or
deleted through the ORM, so no write path (the forms, personal data erasure, demo data, tests) can
forget them; deleting an application or a return cascades. Rows inserted with Core statements
(the benchmark generator) are brought in step by ``refill``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Connection,
    ForeignKey,
    String,
    Table,
    and_,
    bindparam,
    delete,
    event,
    func,
    inspect,
    select,
)

from grants.extensions import db
from grants.form_definitions import Kind, QuestionType, dump, matches, standard
from grants.models.applications import Application, ApplicationSection
from grants.models.awards import Award, MonitoringReturn
from grants.models.round_forms import RoundForm

PEOPLE_SECTION = "people"
PEOPLE_PREFIX = "people_"
CODE_LENGTH, FIELD_LENGTH = 60, 60  # longer than any catalogue code or people field, which cannot match
LARGEST = 2**63 - 1  # BIGINT; a count beyond it is not a number of people

application_adder_strands = Table(
    "application_adder_strands",
    db.metadata,
    Column("application_id", ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True),
    Column("code", String(CODE_LENGTH), primary_key=True),
)
application_outcomes = Table(
    "application_outcomes",
    db.metadata,
    Column("application_id", ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True),
    Column("code", String(CODE_LENGTH), primary_key=True),
)
monitoring_return_people = Table(
    "monitoring_return_people",
    db.metadata,
    Column("return_id", ForeignKey("monitoring_returns.id", ondelete="CASCADE"), primary_key=True),
    Column("field", String(FIELD_LENGTH), primary_key=True),  # "people_families": the answer's name
    Column("number", BigInteger, nullable=False),
)
# Each table of codes, and the type of the question whose answer it holds.
CODE_TABLES = ((application_adder_strands, QuestionType.ADDER_STRANDS),
               (application_outcomes, QuestionType.DRUG_OUTCOMES))

Place = tuple[str, str]  # (section id, question id) of a question in a form
# What a question's show_if asks of an earlier one: (its question id, the answers that show it).
Shown = tuple[str, tuple[str, ...]]


# The form an application answers ---------------------------------------------------------------

@cache
def _standard_document() -> Mapping[str, Any]:
    """The standard application form as JSON (read-only: shared by every caller)."""
    return dump(standard(Kind.APPLICATION))


def _newest(kind: Kind) -> Any:
    """(id, round id) of each round's newest stored form of this kind."""
    newest_version = (select(RoundForm.round_id, func.max(RoundForm.version).label("version"))
                      .where(RoundForm.kind == kind).group_by(RoundForm.round_id).subquery())
    return (select(RoundForm.id, RoundForm.round_id)
            .join(newest_version, and_(RoundForm.round_id == newest_version.c.round_id,
                                       RoundForm.version == newest_version.c.version))
            .where(RoundForm.kind == kind).subquery())


def _form_id() -> tuple[ColumnElement[Any], Any]:
    """The id of the stored form each application answers (None: the standard form), and the newest
    application form of each round to join it with: an application's own version, or else its round's
    newest (as ``grants.interfaces.applications.questions.definition`` reads it)."""
    newest = _newest(Kind.APPLICATION)
    return func.coalesce(Application.form_id, newest.c.id), newest


def application_forms(connection: Any, application_ids: Iterable[int] | None = None) -> dict[int, Mapping[str, Any]]:
    """The application form (its JSON definition) each application answers, by application id; every
    application when ``application_ids`` is None. Two queries, whatever the number; each distinct
    form is one shared (read-only) document. ``connection`` is a Connection or a Session."""
    form_id, newest = _form_id()
    query = select(Application.id, form_id).outerjoin(newest, newest.c.round_id == Application.round_id)
    if application_ids is not None:
        # The ids written into the statement: as a batch's hundreds of bound parameters they cost
        # more than the rows (psycopg reads a statement's parameters in Python, one by one).
        query = query.where(Application.id.in_(
            bindparam(None, list(application_ids), type_=Application.id.type, expanding=True, literal_execute=True)))
    return _documents(connection, dict(connection.execute(query).all()), _standard_document())


def _documents(connection: Any, chosen: dict[int, int | None],
               standard_document: Mapping[str, Any]) -> dict[int, Mapping[str, Any]]:
    """Each key's chosen form version read in one query (each distinct version one shared document),
    or ``standard_document`` where none is chosen."""
    wanted = sorted({chosen_id for chosen_id in chosen.values() if chosen_id is not None})
    documents: dict[int, Mapping[str, Any]] = {
        row_id: definition
        for row_id, definition in connection.execute(select(RoundForm.id, RoundForm.definition)
                                                     .where(RoundForm.id.in_(wanted)))
    } if wanted else {}
    return {key: documents.get(chosen_id, standard_document) if chosen_id else standard_document
            for key, chosen_id in chosen.items()}


def _application_form(connection: Connection, application_id: int) -> Mapping[str, Any]:
    """``application_forms`` for one application, in one query (for the mapper events)."""
    form_id, newest = _form_id()
    definition = connection.execute(
        select(RoundForm.definition)
        .select_from(Application)
        .outerjoin(newest, newest.c.round_id == Application.round_id)
        .join(RoundForm, RoundForm.id == form_id)
        .where(Application.id == application_id)
    ).scalar()
    return definition if isinstance(definition, Mapping) else _standard_document()


@cache
def _standard_monitoring_document() -> Mapping[str, Any]:
    """The standard monitoring form as JSON (read-only: shared by every caller)."""
    return dump(standard(Kind.MONITORING))


def return_forms(connection: Any, return_ids: Iterable[int] | None = None) -> dict[int, Mapping[str, Any]]:
    """The monitoring form (its JSON definition) each return answers, by return id: the version pinned
    when its first answer was saved, or its round's newest monitoring form (which it is shown until
    then), or the standard form; every return when ``return_ids`` is None. Two queries, whatever the
    number; each distinct form is one shared (read-only) document."""
    newest = _newest(Kind.MONITORING)
    query = (select(MonitoringReturn.id, func.coalesce(MonitoringReturn.form_id, newest.c.id))
             .join(Award, Award.id == MonitoringReturn.award_id)
             .outerjoin(newest, newest.c.round_id == Award.round_id))
    if return_ids is not None:
        query = query.where(MonitoringReturn.id.in_(list(return_ids)))
    return _documents(connection, dict(connection.execute(query).all()), _standard_monitoring_document())


def people_sections(document: Mapping[str, Any]) -> tuple[str, ...]:
    """The ids of the sections of a monitoring form's JSON definition that ask a ``people_by_group``
    question (whose answers are the ``people_<group>`` fields), in order."""
    found = []
    for section in document.get("sections") or ():
        if isinstance(section, Mapping) and any(
                isinstance(question, Mapping) and question.get("type") == QuestionType.PEOPLE_BY_GROUP
                for question in section.get("questions") or ()):
            found.append(str(section.get("id")))
    return tuple(found)


def question_place(document: Mapping[str, Any], key: str, value: str) -> Place | None:
    """(section id, question id) of the first question of a form's JSON definition whose ``key``
    ("type" or "role") is ``value``; None when it has none."""
    sections = [section for section in document.get("sections") or () if isinstance(section, Mapping)]
    for section in sections:
        for question in section.get("questions") or ():
            if isinstance(question, Mapping) and question.get(key) == value:
                return str(section.get("id")), str(question.get("id"))
    return None


def _code_places(document: Mapping[str, Any]) -> list[tuple[Table, Place]]:
    """Each table of codes with the place of the question whose answer it holds in this form."""
    found = ((table, question_place(document, "type", question_type)) for table, question_type in CODE_TABLES)
    return [(table, place) for table, place in found if place is not None]


# Which questions are asked: read from a form's JSON, as the dashboard's rows and the open data read
# answers without building the forms. A hidden question's answer is kept (the applicant may change
# back) but is nobody's answer.

def questions_of(document: Mapping[str, Any]) -> dict[str, tuple[str, Shown | None]]:
    """Each question of a form's JSON definition by id: its section's id and its ``show_if``."""
    found: dict[str, tuple[str, Shown | None]] = {}
    for section in document.get("sections") or ():
        if not isinstance(section, Mapping):
            continue
        for question in section.get("questions") or ():
            if not isinstance(question, Mapping):
                continue
            condition = question.get("show_if")
            shown = None
            if isinstance(condition, Mapping):
                values = condition.get("any_of") if "any_of" in condition else [condition.get("equals")]
                shown = (str(condition.get("question")),
                         tuple(value for value in values or () if isinstance(value, str)))
            found[str(question.get("id"))] = (str(section.get("id")), shown)
    return found


def depends_on(questions: dict[str, tuple[str, Shown | None]], question_id: str) -> list[Place]:
    """The places of a question and of every question its being shown depends on (its show_if's, and
    theirs in turn), the question's own first."""
    places: list[Place] = []
    while question_id in questions and (questions[question_id][0], question_id) not in places:
        section_id, shown = questions[question_id]
        places.append((section_id, question_id))
        if shown is None:
            break
        question_id = shown[0]
    return places


def is_shown(questions: dict[str, tuple[str, Shown | None]], question_id: str, answers: Mapping[str, Any]) -> bool:
    """Whether the question is asked given these answers (by question id, as kept): it has no show_if,
    or the question it names is itself asked and its answer is one the condition names (as
    ``grants.form_definitions.visible_questions`` decides on the form): a hidden question's answer,
    kept from before an earlier answer changed, is not the application's answer."""
    seen: set[str] = set()
    while question_id not in seen:
        seen.add(question_id)
        shown = questions.get(question_id, ("", None))[1]
        if shown is None:
            return True
        controller, values = shown
        if controller not in questions or not matches(answers.get(controller), values):
            return False
        question_id = controller
    return False



# Reading answers -------------------------------------------------------------------------------

def listed_codes(answers: dict[str, Any] | None, name: str) -> list[str]:
    """The text values of the ``name`` list of a section's answers, in order (repeats kept)."""
    values = answers.get(name) if isinstance(answers, dict) else None
    return [value for value in values if isinstance(value, str)] if isinstance(values, list) else []


def whole_number(value: Any) -> int | None:
    """A count as a return keeps it (``["1,200"]`` as typed, or a number): 0 or more, or None."""
    if isinstance(value, list):
        value = value[0] if len(value) == 1 else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        return int(text) if text.isascii() and text.isdigit() else None
    return None


def people_fields(answers: dict[str, Any] | None, sections: Iterable[str] = (PEOPLE_SECTION,)) -> dict[str, int]:
    """Every ``people_<group>`` answer that is a whole number in a return's ``sections`` (those that
    ask its people_by_group question: ``people_sections``; the first section giving a field wins)."""
    found: dict[str, int] = {}
    for key in sections:
        people = answers.get(key) if isinstance(answers, dict) else None
        if not isinstance(people, dict):
            continue
        for name, value in people.items():
            if isinstance(name, str) and name.startswith(PEOPLE_PREFIX) and len(name) <= FIELD_LENGTH \
                    and name not in found:
                number = whole_number(value)
                if number is not None and number <= LARGEST:
                    found[name] = number
    return found


def _code_rows(application_id: int, answers: dict[str, Any] | None, name: str) -> list[dict]:
    codes = dict.fromkeys(code for code in listed_codes(answers, name) if len(code) <= CODE_LENGTH)
    return [{"application_id": application_id, "code": code} for code in codes]


def _people_rows(return_id: int, answers: dict[str, Any] | None, sections: Iterable[str]) -> list[dict]:
    return [{"return_id": return_id, "field": name, "number": number}
            for name, number in people_fields(answers, sections).items()]


# Writing rows ----------------------------------------------------------------------------------

def _write(connection: Connection, table: Table, key, ids: list[int], rows: list[dict]) -> None:
    for start in range(0, len(ids), 500):
        connection.execute(delete(table).where(key.in_(ids[start:start + 500])))
    if rows:
        connection.execute(table.insert(), rows)


def write_codes(connection: Connection, application_id: int, key: str, answers: dict[str, Any] | None) -> None:
    """Replace the application's strands and outcomes that its section ``key`` holds or decides the
    asking of (``answers`` None: the section is gone), for each of them that its form asks; others are
    left be. A question its show_if hides gives none (the answers it depends on in other sections are
    read in one more query, only when it has a condition there)."""
    document = _application_form(connection, application_id)
    questions = questions_of(document)
    for table, (section_id, question_id) in _code_places(document):
        needed = depends_on(questions, question_id)
        if key not in {place[0] for place in needed}:
            continue
        by_section = {key: answers}
        others = sorted({place[0] for place in needed} - {key})
        if others:
            by_section.update(connection.execute(
                select(ApplicationSection.key, ApplicationSection.answers)
                .where(ApplicationSection.application_id == application_id, ApplicationSection.key.in_(others))).all())
        rows = _code_rows(application_id, by_section.get(section_id), question_id) \
            if is_shown(questions, question_id, _answers_at(needed, by_section)) else []
        _write(connection, table, table.c.application_id, [application_id], rows)


def _answers_at(places: Iterable[Place], by_section: Mapping[str, Any]) -> dict[str, Any]:
    """The answers kept at these places, by question id, from the sections' answers by section id."""
    found = {}
    for section_id, question_id in places:
        answers = by_section.get(section_id)
        if isinstance(answers, dict) and question_id in answers:
            found[question_id] = answers[question_id]
    return found


def write_people(connection: Connection, returns: Iterable[tuple[int, dict[str, Any] | None]]) -> None:
    """Replace the people counts of these (return id, answers), read from the sections of each return's
    form that ask people reached (two queries for the forms, whatever the number of returns)."""
    returns = list(returns)
    forms = return_forms(connection, [return_id for return_id, _ in returns]) if returns else {}
    sections_of: dict[int, tuple[str, ...]] = {}  # by id() of a (shared) form document
    rows = []
    for return_id, answers in returns:
        document = forms.get(return_id, _standard_monitoring_document())
        if id(document) not in sections_of:
            sections_of[id(document)] = people_sections(document)
        rows += _people_rows(return_id, answers, sections_of[id(document)])
    _write(connection, monitoring_return_people, monitoring_return_people.c.return_id,
           [return_id for return_id, _ in returns], rows)


REFILL_BATCH = 10_000  # returns per write_people call in refill


def refill(connection: Connection) -> None:
    """Rebuild every row of the three tables from the answers (after rows were inserted with Core
    statements, which the mapper events do not see)."""
    for table in (application_adder_strands, application_outcomes, monitoring_return_people):
        connection.execute(delete(table))
    # By id() of a (shared) form document: its questions, and each table with its question's place and
    # the places that question's being asked depends on; then each application's.
    of_document: dict[int, tuple[dict[str, tuple[str, Shown | None]], list[tuple[Table, Place, list[Place]]]]] = {}
    forms = {}
    for application_id, document in application_forms(connection).items():
        if id(document) not in of_document:
            questions = questions_of(document)
            of_document[id(document)] = (questions, [(table, place, depends_on(questions, place[1]))
                                                     for table, place in _code_places(document)])
        forms[application_id] = of_document[id(document)]
    keys = sorted({section_id for _questions, found in of_document.values() for _table, _place, needed in found
                   for section_id, _id in needed})
    rows: dict[Table, list[dict]] = {table: [] for table, _type in CODE_TABLES}
    if keys:
        by_application: dict[int, dict[str, Any]] = {}
        for application_id, key, answers in connection.execute(
                select(ApplicationSection.application_id, ApplicationSection.key, ApplicationSection.answers)
                .where(ApplicationSection.key.in_(keys))):
            by_application.setdefault(application_id, {})[key] = answers
        for application_id, by_section in by_application.items():
            questions, found = forms.get(application_id, ({}, []))
            for table, (section_id, question_id), needed in found:
                if is_shown(questions, question_id, _answers_at(needed, by_section)):
                    rows[table] += _code_rows(application_id, by_section.get(section_id), question_id)
    for table, found_rows in rows.items():
        if found_rows:
            connection.execute(table.insert(), found_rows)
    returns = connection.execute(select(MonitoringReturn.id, MonitoringReturn.answers)).all()
    # In batches: write_people reads the returns' forms with their ids as bound parameters, and a
    # statement takes at most 65,535 (the benchmark's 200,000-application data set has 160,000 returns).
    for start in range(0, len(returns), REFILL_BATCH):
        write_people(connection, [(return_id, answers) for return_id, answers in returns[start:start + REFILL_BATCH]])


# Kept in step: the ORM writes these rows in the same flush as the answers -------------------------

def _answers_written(target) -> bool:
    state = inspect(target)
    return state.attrs.answers.history.has_changes()


@event.listens_for(ApplicationSection, "after_insert")
@event.listens_for(ApplicationSection, "after_update")
def _section_saved(_mapper, connection: Connection, section: ApplicationSection) -> None:
    if _answers_written(section):
        write_codes(connection, section.application_id, section.key, section.answers)


@event.listens_for(ApplicationSection, "after_delete")
def _section_deleted(_mapper, connection: Connection, section: ApplicationSection) -> None:
    write_codes(connection, section.application_id, section.key, None)


@event.listens_for(MonitoringReturn, "after_insert")
@event.listens_for(MonitoringReturn, "after_update")
def _return_saved(_mapper, connection: Connection, monitoring_return: MonitoringReturn) -> None:
    if _answers_written(monitoring_return):
        write_people(connection, [(monitoring_return.id, monitoring_return.answers)])
