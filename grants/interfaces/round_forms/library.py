"""The form builder's question library: the questions an officer can start from instead of a blank
one. It is data already kept, not a table of its own: every question of the shipped standard form of
the kind, then of the other rounds' current forms of that kind (newest round first), each listed once
by (id, label, type) from the first place it is found.

A question copied from the library keeps what it asks and how (label, hint, guidance, options, limits,
messages) but not what belongs to its own form: its role (a role is used by one question of a form
only), nor a condition (``show_if``, or a refuse rule's ``when``) on a question this form does not have.
``copy_for`` says in words what was left behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from copy import deepcopy
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import and_, func, select

from grants.extensions import db
from grants.form_definitions import (
    FormDefinition,
    FormDefinitionError,
    Kind,
    Question,
    dump,
    load_stored,
    standard,
)
from grants.interfaces.round_forms.describe import ROLE_WORDS, type_name, types_for
from grants.interfaces.round_forms.versions import KIND_NAMES
from grants.models.round_forms import RoundForm
from grants.models.rounds import FundingRound

STANDARD_KEY = "standard"


@dataclass(frozen=True)
class LibraryQuestion:
    """A question of the library: ``key`` is what the page sends back to choose it ("standard:title",
    "round-12:asb_hotspots"), ``source`` where it comes from, in words."""

    key: str
    question: Question
    document: dict[str, Any] = field(compare=False, hash=False)  # the question's JSON document
    source: str = ""

    @property
    def type_name(self) -> str:
        return type_name(self.question.type)


@dataclass(frozen=True)
class LibraryCopy:
    """A library question made ready for a form: its JSON document and the question it reads as, without
    what cannot come with it, and ``notes`` saying what was left behind."""

    document: dict[str, Any]
    question: Question
    notes: list[str]


def _sources(funding_round: FundingRound, kind: Kind) -> Iterator[tuple[str, FormDefinition, FundingRound | None]]:
    """(key prefix, definition, round) of the standard form and of every other round's newest stored version
    of ``kind``, newest round first. A round asking the standard form adds nothing the standard form does not."""
    yield STANDARD_KEY, standard(kind), None
    newest = (select(RoundForm.round_id, func.max(RoundForm.version).label("version"))
              .where(RoundForm.kind == kind).group_by(RoundForm.round_id).subquery())
    rows = db.session.execute(
        select(FundingRound, RoundForm)
        .join(newest, newest.c.round_id == FundingRound.id)
        .join(RoundForm, and_(RoundForm.round_id == newest.c.round_id, RoundForm.kind == kind,
                              RoundForm.version == newest.c.version))
        .where(FundingRound.id != funding_round.id)
        .order_by(FundingRound.opens_at.desc(), FundingRound.id.desc())
    ).all()
    for other, row in rows:
        try:
            definition = load_stored(row.definition)
        except FormDefinitionError:  # stored under rules that have since changed: nothing to offer from it
            continue
        yield f"round-{other.id}", definition, other


def library(funding_round: FundingRound, kind: Kind) -> list[LibraryQuestion]:
    """Every question an officer building ``funding_round``'s form of ``kind`` may start from, in order:
    the standard form's, then the other rounds'. Monitoring-only types are in the monitoring library only."""
    allowed = set(types_for(kind is Kind.MONITORING))
    standard_name = f"Standard {KIND_NAMES[kind]}"
    seen: set[tuple[str, str, str]] = set()
    found: list[LibraryQuestion] = []
    for prefix, definition, other in _sources(funding_round, kind):
        document = dump(definition)
        for section, section_document in zip(definition.sections, document["sections"], strict=True):
            source = standard_name if other is None else f"{other.name}: {section.title}"
            for question, question_document in zip(section.questions, section_document["questions"], strict=True):
                identity = (question.id, question.label, question.type.value)
                if question.type not in allowed or identity in seen:
                    continue
                seen.add(identity)
                found.append(LibraryQuestion(f"{prefix}:{question.id}", question, question_document, source))
    return found


def search(entries: Iterable[LibraryQuestion], text: str) -> list[LibraryQuestion]:
    """The entries whose label, hint, id, type or source contain every word of ``text`` (any case)."""
    words = text.casefold().split()
    found = []
    for entry in entries:
        question = entry.question
        haystack = " ".join((question.label, question.hint, question.id, entry.type_name, entry.source)).casefold()
        if all(word in haystack for word in words):
            found.append(entry)
    return found


def find(entries: Iterable[LibraryQuestion], key: str) -> LibraryQuestion | None:
    """The entry chosen by ``key``, or None if the library has no such question (any more)."""
    return next((entry for entry in entries if entry.key == key), None)


def id_taken(definition: FormDefinition, given: str) -> bool:
    """Whether a section or a question of the form has the id ``given`` (they share one set of ids)."""
    return any(section.id == given for section in definition.sections) or any(
        question.id == given for question in definition.questions())


def copy_for(entry: LibraryQuestion, definition: FormDefinition) -> LibraryCopy:
    """``entry`` made ready to add to ``definition``: without its role, and without a condition naming a
    question ``definition`` does not have (a refuse rule that applies only under such a condition is left
    behind whole, as refusing its answer always would refuse more than the original did)."""
    question, document, notes = entry.question, deepcopy(entry.document), []
    present = {each.id for each in definition.questions()}
    if question.role is not None:
        document.pop("role", None)
        notes.append(f"Its role was not copied: in {entry.source} the service reads it as "
                     f"{ROLE_WORDS[question.role]}, and each role is used by one question of a form only")
    show_if = question.show_if
    if show_if is not None and show_if.question not in present:
        document.pop("show_if", None)
        notes.append(f"It was shown only if the answer to {show_if.question} was a certain one, and this form "
                     "has no such question, so it is always asked")
        show_if = None
    refuse = question.refuse
    if refuse is not None and refuse.when is not None and refuse.when.question not in present:
        document.pop("refuse", None)
        notes.append(f"Its refuse rule (“{refuse.message}”) applied only if the answer to {refuse.when.question} "
                     "was a certain one, and this form has no such question, so the rule was not copied")
        refuse = None
    copied = replace(question, role=None, show_if=show_if, refuse=refuse)
    return LibraryCopy(document, copied, notes)
