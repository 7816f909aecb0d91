"""What a section's form knows of the answers: its own fields' (as typed into this request) and the
earlier sections' (as kept), which questions the definition shows given them, and each answer as the
service keeps it.

Answers are keyed by question id: text as a string, a yes_no or one_choice answer as its value, several
choices as a list of values, numbers as int or Decimal, dates as ``date``, a declaration as a bool,
an address as a dict of its parts, rows as a list of dicts, a file as the checked upload. Earlier
answers may also give money and dates as text ("5000", "2027-04-01"), as JSON keeps them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from grants.form_definitions import FormDefinition, Question, QuestionType, Role, Section, visible_questions
from grants.form_definitions.model import ANSWER_LIST_TYPES, MONITORING_ONLY_TYPES
from grants.question_forms.rows import ROW_TYPES, row_answers

TEXT_TYPES = frozenset({QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT, QuestionType.EMAIL, QuestionType.PHONE})
LIST_TYPES = frozenset({QuestionType.SEVERAL_CHOICES, QuestionType.PLAN_APPROACHES, QuestionType.ADDER_STRANDS,
                        QuestionType.DRUG_OUTCOMES, QuestionType.AREAS_SERVED})


class SectionAnswers:
    """The answers one section's form sees. ``fields`` are the form's bound fields by name."""

    def __init__(self, definition: FormDefinition, section: Section, earlier: Mapping[str, object],
                 fields: Mapping[str, Any]) -> None:
        self.definition = definition
        self.section = section
        self.earlier = earlier
        self.fields = fields
        self.questions = {question.id: question for question in section.questions}

    def current(self, question: Question) -> object:
        """This section's answer to ``question``, as kept, from what the form was given. None for a
        monitoring question: its answers are a field per item (``status_1``…), which a return keeps as
        typed, by field name."""
        if question.type in MONITORING_ONLY_TYPES:
            return None
        field = self.fields[question.id]
        if question.type in ROW_TYPES:
            return row_answers(field)
        if question.type is QuestionType.UK_ADDRESS:
            return field.form.answer()
        if question.type is QuestionType.FILE:
            return getattr(field, "upload", None) or self.earlier.get(question.id)
        if question.type in LIST_TYPES:
            return list(field.data or ())
        if question.type is QuestionType.DECLARATION:
            return bool(field.data)
        if question.type in TEXT_TYPES:
            return field.data or None
        return field.data

    def shown(self) -> set[str]:
        """The ids of every question of the form that is asked, given the answers so far."""
        merged = dict(self.earlier)
        for question in self.section.questions:
            if question.type in ANSWER_LIST_TYPES:
                merged[question.id] = self.current(question)
        return {question.id for question in visible_questions(self.definition, merged)}

    def hidden(self) -> list[str]:
        """This section's questions that are not asked, given the answers so far, in order."""
        shown = self.shown()
        return [question.id for question in self.section.questions if question.id not in shown]

    def kept(self) -> dict[str, object]:
        """This section's answers that are kept: those of the questions asked."""
        shown = self.shown()
        return {question.id: self.current(question) for question in self.section.questions if question.id in shown}

    def value(self, question_id: str) -> object:
        """The answer to any question of the form: this section's as given, an earlier one as kept;
        None for a question not asked."""
        if question_id not in self.shown():
            return None
        if question_id in self.questions:
            return self.current(self.questions[question_id])
        return self.earlier.get(question_id)

    def by_role(self, role: Role) -> object:
        """The answer the service reads as ``role``, or None."""
        question = self.definition.by_role(role)
        return None if question is None else self.value(question.id)

    def first_of_type(self, question_type: QuestionType) -> Question | None:
        return next((question for question in self.definition.questions() if question.type is question_type), None)


def answers_in(form: Any) -> SectionAnswers:
    """The answers a section form (built by ``section_form``) sees, for its validators."""
    found = form._section_answers
    assert isinstance(found, SectionAnswers), "a validator of a question form used on another form"
    return found


def as_date(value: object) -> date | None:
    """A kept date (a ``date``, or ISO text as JSON keeps it); None for anything else."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def as_amount(value: object) -> Decimal | None:
    """A kept amount (Decimal, int or its text); None for anything else."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def as_rows(value: object) -> list[Mapping[str, object]]:
    """Kept rows: a list of mappings (anything else is no rows)."""
    if not isinstance(value, list | tuple):
        return []
    return [row for row in value if isinstance(row, Mapping)]
