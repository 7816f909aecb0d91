"""The changes the form builder makes to a definition: add, change, remove and move a question or a
section. Each takes the current definition and returns the changed one, checked as a whole by the
engine (``load`` of the changed document), so that every rule of the format holds after every
change; or raises ``FormDefinitionError`` naming the problems, or ``EditRefused`` for a change that
would leave the form without something it needs (a question others depend on, a section's last
question). Nothing is stored here: ``versions.edit`` stores the result.

Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from copy import deepcopy
from typing import Any, Literal

from grants.form_definitions import (
    APPLICATION_ROLES,
    FormDefinition,
    FormDefinitionError,
    Kind,
    Question,
    dump,
    load,
)
from grants.interfaces.round_forms.describe import ROLE_WORDS, sentence

Direction = Literal["up", "down"]
DIRECTIONS: tuple[Direction, ...] = ("up", "down")


class EditRefused(ValueError):
    """A change the form cannot take: ``headline`` says what was refused, ``reasons`` why, for people."""

    def __init__(self, headline: str, reasons: Collection[str] = ()) -> None:
        self.headline, self.reasons = headline, list(reasons)
        super().__init__(". ".join([headline, *self.reasons]))


# Finding things -----------------------------------------------------------------------------------

def question_position(definition: FormDefinition, question_id: str) -> tuple[int, int]:
    """(section index, question index) of the question; KeyError if the form has no such question."""
    for section_index, section in enumerate(definition.sections):
        for question_index, question in enumerate(section.questions):
            if question.id == question_id:
                return section_index, question_index
    raise KeyError(question_id)


def section_position(definition: FormDefinition, section_id: str) -> int:
    """The section's index; KeyError if the form has no such section."""
    for index, section in enumerate(definition.sections):
        if section.id == section_id:
            return index
    raise KeyError(section_id)


def question_document(definition: FormDefinition, question_id: str) -> dict[str, Any]:
    """The question as the JSON document writes it (a fresh copy to change)."""
    section_index, question_index = question_position(definition, question_id)
    document: dict[str, Any] = dump(definition)["sections"][section_index]["questions"][question_index]
    return document


def earlier_questions(definition: FormDefinition, section_id: str, question_id: str | None = None) -> list[Question]:
    """The questions before ``question_id`` (or, without it, before the end of the section): the ones
    a question there may be shown depending on."""
    earlier: list[Question] = []
    for section in definition.sections:
        for question in section.questions:
            if question.id == question_id:
                return earlier
            earlier.append(question)
        if section.id == section_id and question_id is None:
            return earlier
    return earlier


def dependants(definition: FormDefinition, question_ids: Collection[str]) -> list[Question]:
    """The questions, other than ``question_ids``, shown only depending on an answer to one of them."""
    return [question for question in definition.questions()
            if question.id not in question_ids and question.show_if is not None
            and question.show_if.question in question_ids]


# Questions ----------------------------------------------------------------------------------------

def add_question(definition: FormDefinition, section_id: str, question: Mapping[str, Any]) -> FormDefinition:
    """The form with ``question`` (a question's JSON document) added at the end of the section."""
    document = dump(definition)
    document["sections"][section_position(definition, section_id)]["questions"].append(deepcopy(dict(question)))
    return load(document)


# The keys of a question that the builder's pages do not edit yet, and so never send: a change keeps
# them from the saved question (a label's edit must not drop the answer a question refuses).
KEPT_ON_CHANGE = ("refuse",)


def change_question(definition: FormDefinition, question_id: str, question: Mapping[str, Any]) -> FormDefinition:
    """The form with the question replaced by ``question``; its id stays the same, and so do the keys
    of ``KEPT_ON_CHANGE`` that ``question`` does not give."""
    section_index, question_index = question_position(definition, question_id)
    document = dump(definition)
    questions = document["sections"][section_index]["questions"]
    kept = {key: questions[question_index][key] for key in KEPT_ON_CHANGE
            if key in questions[question_index] and key not in question}
    questions[question_index] = deepcopy(dict(question)) | kept | {"id": question_id}
    return load(document)


def removal_problems(definition: FormDefinition, question_ids: Collection[str]) -> list[str]:
    """Why the questions ``question_ids`` cannot all be taken out of the form, in words; empty if
    they can."""
    problems = [f"“{question.label}” ({question.id}) is shown only if {_which(question_ids)} has a certain "
                "answer: change or remove it first" for question in dependants(definition, question_ids)]
    if definition.kind is Kind.APPLICATION:
        problems += [f"The service reads “{question.label}” as {ROLE_WORDS[question.role]}, which every "
                     "application form needs"
                     for question in definition.questions()
                     if question.id in question_ids and question.role in APPLICATION_ROLES]
    return problems


def _which(question_ids: Collection[str]) -> str:
    return "this question" if len(question_ids) == 1 else "a question in this section"


def question_removal_problems(definition: FormDefinition, question_id: str) -> list[str]:
    """Why the question cannot be taken out of the form, in words; empty if it can."""
    section = definition.section_of(question_id)
    problems = removal_problems(definition, {question_id})
    if len(section.questions) == 1:
        problems.append(f"It is the only question in the section “{section.title}”, and a section needs at "
                        "least one: remove the section instead, or add another question to it first")
    return problems


def remove_question(definition: FormDefinition, question_id: str) -> FormDefinition:
    """The form without the question. ``EditRefused`` if another question depends on it, if the
    service needs it, or if it is the last question of its section."""
    section_index, question_index = question_position(definition, question_id)
    problems = question_removal_problems(definition, question_id)
    if problems:
        raise EditRefused("You cannot remove this question", problems)
    document = dump(definition)
    del document["sections"][section_index]["questions"][question_index]
    return _refused_by_engine(document, "You cannot remove this question")


def move_question(definition: FormDefinition, question_id: str, direction: Direction) -> FormDefinition:
    """The form with the question one place up or down. From the top of a section it goes to the
    end of the section before; from the bottom, to the start of the next."""
    section_index, question_index = question_position(definition, question_id)
    document = dump(definition)
    sections = document["sections"]
    questions = sections[section_index]["questions"]
    step = -1 if direction == "up" else 1
    target = question_index + step
    if 0 <= target < len(questions):
        questions[question_index], questions[target] = questions[target], questions[question_index]
    else:
        _move_across(sections, section_index, question_index, step)
    return _refused_by_engine(document, f"The question was not moved {direction}")


def _move_across(sections: list[dict[str, Any]], section_index: int, question_index: int, step: int) -> None:
    """Move a section's first question (``step`` -1) to the end of the section before, or its last
    (``step`` 1) to the start of the next."""
    neighbour = section_index + step
    headline = f"The question was not moved {'up' if step < 0 else 'down'}"
    if not 0 <= neighbour < len(sections):
        raise EditRefused(headline, [f"It is already the {'first' if step < 0 else 'last'} question of the form"])
    questions = sections[section_index]["questions"]
    if len(questions) == 1:
        raise EditRefused(headline, [f"It is the only question in the section “{sections[section_index]['title']}”, "
                                     "and a section needs at least one"])
    question = questions.pop(question_index)
    if step < 0:
        sections[neighbour]["questions"].append(question)
    else:
        sections[neighbour]["questions"].insert(0, question)


def _refused_by_engine(document: Mapping[str, Any], headline: str) -> FormDefinition:
    """``load(document)``, with the engine's problems as the reasons a change is refused."""
    try:
        return load(document)
    except FormDefinitionError as error:
        raise EditRefused(headline, [sentence(problem) for problem in error.problems]) from None


# Sections -----------------------------------------------------------------------------------------

def add_section(definition: FormDefinition, section: Mapping[str, Any]) -> FormDefinition:
    """The form with ``section`` (a section's JSON document, with its questions) added at the end."""
    document = dump(definition)
    document["sections"].append(deepcopy(dict(section)))
    return load(document)


def change_section(definition: FormDefinition, section_id: str, title: str, description: str) -> FormDefinition:
    """The form with the section's title and description changed; its id and questions stay."""
    document = dump(definition)
    section = document["sections"][section_position(definition, section_id)]
    section["title"] = title
    section.pop("description", None)
    if description:
        section["description"] = description
    section["questions"] = section.pop("questions")  # after the description, in the format's order
    return load(document)


def section_removal_problems(definition: FormDefinition, section_id: str) -> list[str]:
    """Why the section cannot be taken out of the form, in words; empty if it can."""
    section = definition.sections[section_position(definition, section_id)]
    problems = removal_problems(definition, {question.id for question in section.questions})
    if len(definition.sections) == 1:
        problems.append("It is the form's only section, and a form needs at least one")
    return problems


def remove_section(definition: FormDefinition, section_id: str) -> FormDefinition:
    """The form without the section and its questions. ``EditRefused`` if a question elsewhere
    depends on one of them, if the service needs one of them, or if it is the only section."""
    problems = section_removal_problems(definition, section_id)
    if problems:
        raise EditRefused("You cannot remove this section", problems)
    document = dump(definition)
    del document["sections"][section_position(definition, section_id)]
    return _refused_by_engine(document, "You cannot remove this section")


def move_section(definition: FormDefinition, section_id: str, direction: Direction) -> FormDefinition:
    """The form with the section one place up or down, its questions with it."""
    index = section_position(definition, section_id)
    target = index + (-1 if direction == "up" else 1)
    headline = f"The section was not moved {direction}"
    if not 0 <= target < len(definition.sections):
        place = "first" if direction == "up" else "last"
        raise EditRefused(headline, [f"It is already the {place} section of the form"])
    document = dump(definition)
    sections = document["sections"]
    sections[index], sections[target] = sections[target], sections[index]
    return _refused_by_engine(document, headline)
