"""Figures the portfolio adds up, read out of JSON answers into plain tables as the answers are written.

The dashboard shares money between the ADDER strands and drugs outcomes an application chose, and
adds up the people its monitoring returns say they reached. Both live in JSON answers; reading
thousands of JSON documents on every page view is what made the dashboard slow, so these tables
hold the same facts as rows that SQL can join and add up:

- ``application_adder_strands`` / ``application_outcomes``: each distinct text value of the
  "priorities" section's ``adder_strands`` / ``outcomes`` lists (codes as typed: the dashboard
  ignores the ones not in the catalogue when it reads them, as it always did);
- ``monitoring_return_people``: each ``people_<group>`` answer of a return's "people" section that
  is a whole number (the rules of ``whole_number``), whatever the return's status (the dashboard
  counts only the submitted and accepted ones).

They are kept in step by mapper events whenever a section or a return is inserted, updated or
deleted through the ORM, so no write path (the forms, personal data erasure, demo data, tests) can
forget them; deleting an application or a return cascades. Rows inserted with Core statements
(the benchmark generator) are brought in step by ``refill``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import BigInteger, Column, Connection, ForeignKey, String, Table, delete, event, inspect, select

from grants.extensions import db
from grants.models.applications import ApplicationSection
from grants.models.awards import MonitoringReturn

PRIORITIES = "priorities"
STRAND_LIST, OUTCOME_LIST = "adder_strands", "outcomes"
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
_PRIORITY_TABLES = ((application_adder_strands, STRAND_LIST), (application_outcomes, OUTCOME_LIST))


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


def people_fields(answers: dict[str, Any] | None) -> dict[str, int]:
    """Every ``people_<group>`` answer of a return's "people" section that is a whole number."""
    people = answers.get(PEOPLE_SECTION) if isinstance(answers, dict) else None
    if not isinstance(people, dict):
        return {}
    found = {}
    for name, value in people.items():
        if isinstance(name, str) and name.startswith(PEOPLE_PREFIX) and len(name) <= FIELD_LENGTH:
            number = whole_number(value)
            if number is not None and number <= LARGEST:
                found[name] = number
    return found


def _code_rows(application_id: int, answers: dict[str, Any] | None, name: str) -> list[dict]:
    codes = dict.fromkeys(code for code in listed_codes(answers, name) if len(code) <= CODE_LENGTH)
    return [{"application_id": application_id, "code": code} for code in codes]


def _people_rows(return_id: int, answers: dict[str, Any] | None) -> list[dict]:
    return [{"return_id": return_id, "field": name, "number": number}
            for name, number in people_fields(answers).items()]


def _write(connection: Connection, table: Table, key, ids: list[int], rows: list[dict]) -> None:
    for start in range(0, len(ids), 500):
        connection.execute(delete(table).where(key.in_(ids[start:start + 500])))
    if rows:
        connection.execute(table.insert(), rows)


def write_priorities(connection: Connection, sections: Iterable[tuple[int, dict[str, Any] | None]]) -> None:
    """Replace the strands and outcomes of these (application id, "priorities" answers)."""
    sections = list(sections)
    for table, name in _PRIORITY_TABLES:
        rows = [row for application_id, answers in sections for row in _code_rows(application_id, answers, name)]
        _write(connection, table, table.c.application_id, [application_id for application_id, _ in sections], rows)


def write_people(connection: Connection, returns: Iterable[tuple[int, dict[str, Any] | None]]) -> None:
    """Replace the people counts of these (return id, answers)."""
    returns = list(returns)
    rows = [row for return_id, answers in returns for row in _people_rows(return_id, answers)]
    _write(connection, monitoring_return_people, monitoring_return_people.c.return_id,
           [return_id for return_id, _ in returns], rows)


def refill(connection: Connection) -> None:
    """Rebuild every row of the three tables from the answers (after rows were inserted with Core
    statements, which the mapper events do not see)."""
    for table in (application_adder_strands, application_outcomes, monitoring_return_people):
        connection.execute(delete(table))
    sections = connection.execute(select(ApplicationSection.application_id, ApplicationSection.answers)
                                  .where(ApplicationSection.key == PRIORITIES)).all()
    write_priorities(connection, [(application_id, answers) for application_id, answers in sections])
    returns = connection.execute(select(MonitoringReturn.id, MonitoringReturn.answers)).all()
    write_people(connection, [(return_id, answers) for return_id, answers in returns])


# Kept in step: the ORM writes these rows in the same flush as the answers -------------------------

def _answers_written(target) -> bool:
    state = inspect(target)
    return state.attrs.answers.history.has_changes()


@event.listens_for(ApplicationSection, "after_insert")
@event.listens_for(ApplicationSection, "after_update")
def _section_saved(_mapper, connection: Connection, section: ApplicationSection) -> None:
    if section.key == PRIORITIES and _answers_written(section):
        write_priorities(connection, [(section.application_id, section.answers)])


@event.listens_for(ApplicationSection, "after_delete")
def _section_deleted(_mapper, connection: Connection, section: ApplicationSection) -> None:
    if section.key == PRIORITIES:
        write_priorities(connection, [(section.application_id, None)])


@event.listens_for(MonitoringReturn, "after_insert")
@event.listens_for(MonitoringReturn, "after_update")
def _return_saved(_mapper, connection: Connection, monitoring_return: MonitoringReturn) -> None:
    if _answers_written(monitoring_return):
        write_people(connection, [(monitoring_return.id, monitoring_return.answers)])
