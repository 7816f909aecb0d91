"""The portfolio's breakdowns: money shared out between the areas, approaches, ADDER strands and
outcomes the awards serve, and the people their returns say they reached.

An award that serves several codes is shared out equally between them to the penny, the odd
pennies going to the codes first in the plan's order (``share_out``, the definition). The dashboard
does the same sum in SQL (``shares_in_sql``) with window functions, one row per code however many
awards there are; tests hold the two to each other.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import BigInteger, CompoundSelect, Select, Table, Text, case, cast, func, literal, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from grants.extensions import db
from grants.form_definitions import FormDefinition, Kind, Role, standard
from grants.modelling.apportionment import apportion
from grants.models.answer_facts import (
    PEOPLE_PREFIX,
    PEOPLE_SECTION,
    monitoring_return_people,
    people_fields,
    people_sections,
    return_forms,
)
from grants.models.awards import Award, ReturnStatus
from grants.models.round_forms import RoundForm
from grants.return_form.plan import ALL_PEOPLE

ZERO = Decimal("0.00")
PENNY = Decimal("0.01")
# Returns whose answers count, and which are no longer owed.
REPORTED = frozenset({ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED})
NOT_RECORDED = ""
NOT_RECORDED_NAME = "Not recorded"


@dataclass(frozen=True)
class Share:
    """A row of a breakdown: how many awards name it and the money shared out to it."""

    code: str
    name: str
    awards: int
    amount: Decimal


def equal_split(pence: int, shares: int) -> list[int]:
    """``pence`` in ``shares`` equal parts to the penny, the odd pennies to the first parts."""
    return apportion(pence, [1] * shares)


def _rows(catalogue: Sequence[tuple[str, str]], counts: dict[str, int], pence: dict[str, int]) -> list[Share]:
    rows = [Share(code, name, counts.get(code, 0), (Decimal(pence.get(code, 0)) / 100).quantize(PENNY))
            for code, name in catalogue]
    if counts.get(NOT_RECORDED):
        rows.append(Share(NOT_RECORDED, NOT_RECORDED_NAME, counts[NOT_RECORDED],
                          (Decimal(pence[NOT_RECORDED]) / 100).quantize(PENNY)))
    return rows


def share_out(entries: Iterable[tuple[Decimal, Sequence[str]]], catalogue: Sequence[tuple[str, str]]) -> list[Share]:
    """Each (amount, codes) shared equally between its codes to the penny, added up by code.

    ``catalogue`` gives the codes' (code, name) in the plan's order, which is also the order the
    odd pennies go in. Codes not in it are ignored; an entry with no known code counts as "Not
    recorded" (a row shown only when there is one). Rows come in catalogue order, zeros kept.
    """
    position = {code: index for index, (code, _name) in enumerate(catalogue)}
    pence: dict[str, int] = defaultdict(int)
    counts: dict[str, int] = defaultdict(int)
    for amount, codes in entries:
        known = sorted({code for code in codes if code in position}, key=position.__getitem__) or [NOT_RECORDED]
        for code, share in zip(known, equal_split(int(amount * 100), len(known)), strict=True):
            pence[code] += share
            counts[code] += 1
    return _rows(catalogue, counts, pence)


def catalogue(model) -> list[tuple[str, str]]:
    """A reference list's (code, name) in the plan's order."""
    return [(row.code, row.name) for row in db.session.scalars(select(model).order_by(model.position, model.id))]


def catalogues(*models) -> list[list[tuple[str, str]]]:
    """``catalogue`` of each of ``models``, in one query."""
    listed: list[list[tuple[str, str]]] = [[] for _model in models]
    for index, code, name, _position, _id in db.session.execute(_catalogues_query(models)):
        listed[index].append((code, name))
    return listed


@lru_cache(maxsize=8)
def _catalogues_query(models: tuple) -> CompoundSelect:
    """(index of the model, code, name, position, id) of each of ``models``' rows, model by model in
    the plan's order; built once (building it cost more than running it)."""
    query = union_all(*(select(literal(index).label("list"), model.code, model.name, model.position, model.id)
                        for index, model in enumerate(models)))
    return query.order_by(*(query.selected_columns[name] for name in ("list", "position", "id")))


def linked_codes(link: ColumnElement, model) -> Select:
    """(application id, code, position, id) of the ``model`` rows an application links to by ``link``."""
    return select(link.table.c.application_id, model.code, model.position, model.id).join(model, model.id == link)


def listed_in(table: Table, model) -> Select:
    """(application id, code, position, id) of the codes in ``table`` that ``model`` knows."""
    return select(table.c.application_id, model.code, model.position, model.id).join(model, model.code == table.c.code)


def share_sums(awards: Select, codes: Select) -> dict[str, tuple[int, int]]:
    """``share_out`` in SQL, by code: (awards naming it, pence shared out to it)."""
    return sums_from(db.session.execute(share_sums_query(awards, codes)))


def share_sums_query(awards: Select, codes: Select) -> Select:
    """``share_sums``'s statement: (code, awards, pence). ``awards`` gives (id,
    application id, amount) of the awards to share out, ``codes`` the known codes of each application
    (``linked_codes``, ``listed_in``); each award's pence go to its codes ranked by the plan's order,
    the code at rank i (from 0) of k taking pence // k, and one more while i < pence % k; added up by
    code in one query. An award with no known code counts under ``NOT_RECORDED``."""
    award_rows, code_rows = awards.subquery(), codes.subquery()
    # SQLite sums and multiplies NUMERIC as floating point: whole pence, rounded, are exact.
    pence = cast(func.round(award_rows.c.amount * 100), BigInteger)
    per_code = (
        select(
            code_rows.c.code,
            pence.label("pence"),
            func.count(code_rows.c.code).over(partition_by=award_rows.c.id).label("k"),
            (func.row_number().over(partition_by=award_rows.c.id, order_by=(code_rows.c.position, code_rows.c.id)) - 1)
            .label("rank"),
        )
        .outerjoin(code_rows, code_rows.c.application_id == award_rows.c.application_id)
        .subquery()
    )
    k = func.nullif(per_code.c.k, 0, type_=BigInteger)  # 0 codes: the whole amount, "Not recorded"
    share = func.coalesce(
        per_code.c.pence // k + case((per_code.c.rank < per_code.c.pence % k, 1), else_=0), per_code.c.pence)
    return select(per_code.c.code, func.count(), func.sum(share)).group_by(per_code.c.code)


def sums_from(rows: Iterable[Sequence]) -> dict[str, tuple[int, int]]:
    """``share_sums_query``'s rows by code."""
    return {NOT_RECORDED if code is None else code: (int(count), int(total)) for code, count, total in rows}


def shares_in_sql(awards: Select, codes: Select, model) -> list[Share]:
    """``share_sums`` as the breakdown's rows, in the plan's order (``share_out``'s rows)."""
    sums = share_sums(awards, codes)
    return shares_from(sums, model)


def shares_from(sums: dict[str, tuple[int, int]], model,
                listed: Sequence[tuple[str, str]] | None = None) -> list[Share]:
    """A breakdown's rows from (awards, pence) by code, in the plan's order, zeros kept. ``listed`` is
    the model's ``catalogue`` when it has been read already."""
    return _rows(catalogue(model) if listed is None else listed,
                 {code: count for code, (count, _pence) in sums.items()},
                 {code: pence for code, (_count, pence) in sums.items()})


# People reached ---------------------------------------------------------------------------------

# A monitoring return keeps the section that asks its people_by_group question as typed
# (grants.question_forms.monitoring), in the standard form the "People reached" section:
#     answers["people"] = {"people_<group code, - as _>": ["12"], ...}
# one number per group of people the application named, or "people_all" when it named none. A round's
# own monitoring form may put the question in a section named otherwise, and a round's own application
# form may offer other groups: both are read through the forms (grants.models.answer_facts), never by
# name. Each return counts the people reached in its own period, so an award's returns are added up.


def _groups_of(form: FormDefinition) -> tuple[tuple[str, str], ...]:
    """(value, label) of the options of a form's beneficiary_groups question."""
    question = form.by_role(Role.BENEFICIARY_GROUPS)
    return () if question is None else tuple((option.value, option.label) for option in question.options)


def _standard_groups() -> tuple[tuple[str, str], ...]:
    """(value, label) of the options of the standard application form's beneficiary_groups question."""
    return _groups_of(standard(Kind.APPLICATION))


def _offered_groups(document: Any) -> list[tuple[str, str]]:
    """(value, label) of the options of the beneficiary_groups question of a stored form's JSON (read as
    JSON: checked when it was saved, and loading every version would be slow)."""
    sections = document.get("sections") if isinstance(document, dict) else None
    for section in sections if isinstance(sections, list) else ():
        for question in (section.get("questions") if isinstance(section, dict) else None) or ():
            if isinstance(question, dict) and question.get("role") == Role.BENEFICIARY_GROUPS:
                return [(str(option["value"]), str(option.get("label") or option["value"]))
                        for option in question.get("options") or () if isinstance(option, dict) and "value" in option]
    return []


ALL_PEOPLE_GROUP = (ALL_PEOPLE[0], "People not counted by group")
# The groups the dashboard always shows: the standard form's, then the people counted as a whole. The
# groups a round's own form offers besides come between them (``people_groups``).
PEOPLE_GROUPS = (*_standard_groups(), ALL_PEOPLE_GROUP)


def people_groups(round_ids: Select | None = None) -> tuple[tuple[str, str], ...]:
    """The groups the dashboard counts: the standard ones, then those the stored application forms of
    these rounds (a select of their ids; every round when None) offer besides, by the label the newest
    form gives them, then the people counted as a whole. One query."""
    known = {code for code, _label in PEOPLE_GROUPS}
    others: dict[str, str] = {}
    for text in db.session.scalars(_form_texts(round_ids)):
        for code, label in _groups_in_text(text):
            if code not in known and code not in others:
                others[code] = label
    return (*PEOPLE_GROUPS[:-1], *sorted(others.items(), key=lambda item: item[1]), ALL_PEOPLE_GROUP)


# The query, kept by the select of rounds it is given (the dashboard keeps one a filter): building it
# cost more than running it.
@lru_cache(maxsize=64)
def _form_texts(round_ids: Select | None) -> Select:
    """The text of each stored application form of these rounds, each text once, in the order of its
    newest form (by version, then id): rounds' forms are mostly copies of one another, each kilobytes
    of JSON (36 rounds' copies were 400 KB to read on every view of the dashboard)."""
    versions = (select(cast(RoundForm.definition, Text).label("text"),
                       func.row_number().over(order_by=(RoundForm.version.desc(), RoundForm.id.desc()))
                       .label("newest"))
                .where(RoundForm.kind == Kind.APPLICATION))
    if round_ids is not None:
        versions = versions.where(RoundForm.round_id.in_(round_ids))
    forms = versions.subquery()
    return select(forms.c.text).group_by(forms.c.text).order_by(func.min(forms.c.newest))


# The groups a stored form offers, kept by its JSON text: a form's JSON is read once per process, not
# on every view of the dashboard (36 rounds' forms were 2 ms of each view). Kept by the text itself, so
# a form edited in place (a draft's, before its round opens) is read afresh.
@lru_cache(maxsize=128)
def _groups_in_text(text: str | None) -> tuple[tuple[str, str], ...]:
    return tuple(_offered_groups(json.loads(text))) if text else ()


def people_field(code: str) -> str:
    return PEOPLE_PREFIX + code.replace("-", "_")


def people_counts(answers: dict[str, Any] | None, sections: Iterable[str] = (PEOPLE_SECTION,),
                  groups: Iterable[tuple[str, str]] = PEOPLE_GROUPS) -> dict[str, int]:
    """People reached by group code in one return's answers (its ``sections`` that ask people reached);
    what is not a whole number, or not one of ``groups``, is left out."""
    fields = people_fields(answers, sections)
    return {code: fields[people_field(code)] for code, _label in groups if people_field(code) in fields}


def people_reached(award: Award) -> dict[str, int]:
    """People reached by group, added up over the award's submitted and accepted returns, each read
    through the form it answers."""
    reported = [monitoring_return for monitoring_return in award.returns if monitoring_return.status in REPORTED]
    forms = return_forms(db.session, [monitoring_return.id for monitoring_return in reported]) if reported else {}
    groups = people_groups(select(literal(award.round_id)))
    totals: dict[str, int] = defaultdict(int)
    for monitoring_return in reported:
        sections = people_sections(forms[monitoring_return.id])
        for code, number in people_counts(monitoring_return.answers, sections, groups).items():
            totals[code] += number
    return dict(totals)


def people_in_sql(returns: Select, groups: Iterable[tuple[str, str]] = PEOPLE_GROUPS) -> dict[str, int]:
    """``people_counts`` of ``groups`` added up over the returns ``returns`` selects (their ids), in one
    query on the rows kept in step with the answers (grants.models.answer_facts)."""
    groups = tuple(groups)
    fields = {people_field(code) for code, _label in groups}
    people = monitoring_return_people.c
    query = (select(people.field, func.sum(people.number))
             .where(people.return_id.in_(returns), people.field.in_(sorted(fields)))
             .group_by(people.field))
    totals = {field: int(total) for field, total in db.session.execute(query)}
    return {code: totals[people_field(code)] for code, _label in groups if people_field(code) in totals}
