"""The monitoring types (milestone_progress, people_by_group, spend_by_budget_line, outcome_progress):
one question of the definition asks about each item of the award's application (its milestones, groups
of people, budget lines and outcomes, given by the context's ``ReturnPlan``), so it makes a field per
item, shown in groups under headings.

The fields are named as monitoring returns have always named them (``status_1``, ``comment_1``,
``people_<group>``, ``spend_1``, ``outcome_1``, ``drugs_<code>``; grants/form_definitions/standard/
legacy_field_names.json), with today's labels, hints, checks and messages, so that the answers returns
keep (the text typed, by field name) read the same whichever version of the form asks them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from wtforms import Field, RadioField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Optional, StopValidation

from grants.application_form.fields import WordLimit
from grants.field_components import CharacterCount, Radios
from grants.form_definitions import Question, QuestionType
from grants.formatting import long_date, money
from grants.forms import MoneyField, SelectChoice, WholeNumberField, add_error
from grants.question_forms.context import ReturnPlan

PROGRESS = [
    SelectChoice("done", "Done"),
    SelectChoice("in_progress", "In progress"),
    SelectChoice("not_started", "Not started"),
    SelectChoice("dropped", "Dropped"),
]
MAX_PEOPLE = 1_000_000
# Words, when the question sets no max_words
COMMENT_WORDS, OUTCOME_WORDS = 200, 150


@dataclass(frozen=True)
class Group:
    """Questions shown together under a heading. ``fieldset``: the heading is the legend of a
    fieldset around them (for a set of like inputs); ``per_row``: check-answers shows the group as
    one row (a milestone's progress and comment) rather than a row per question."""

    heading: str
    fields: tuple[str, ...]
    hint: str | None = None
    fieldset: bool = False
    per_row: bool = False


@dataclass(frozen=True)
class Part:
    """What one monitoring question adds to its section's form: its fields by name, the groups they
    are shown in, and the names of its spend fields (whose total is at most the award)."""

    fields: dict[str, Any]
    groups: tuple[Group, ...]
    spend: tuple[str, ...] = field(default=())


class OneOf(RadioField):
    """Radios whose tampered values get a plain message rather than WTForms' own."""

    def pre_validate(self, form: Any) -> None:
        if self.data is not None and str(self.data) not in {str(value) for value, *_ in self.iter_choices()}:
            raise ValidationError("Select one of the options shown")


class Filled:
    """A count or amount must be given (0 is an answer); its own parsing errors come first."""

    field_flags = {"required": True}

    def __init__(self, message: str, below: str | None = None) -> None:
        self.message, self.below = message, below

    def __call__(self, form: Any, field: Any) -> None:
        if field.errors:  # typed, but not a number: that message says it
            raise StopValidation()
        if field.data is None:
            raise StopValidation(self.message)
        if field.data < 0:
            raise StopValidation(self.below or "")  # no message: StopValidation adds none for ""


class AtLeastZero:
    """An optional count or amount, when given, is 0 or more."""

    def __init__(self, below: str | None = None) -> None:
        self.below = below

    def __call__(self, form: Any, field: Any) -> None:
        if field.errors or field.data is None:
            raise StopValidation()
        if field.data < 0:
            raise StopValidation(self.below or "")


class CountField(WholeNumberField):
    """A number of people: a whole number, 0 or more."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = (valuelist[0] if valuelist else "").strip().replace(",", "")
        if text.startswith("-") and text[1:].isdigit():
            self.raw_text, self.data = valuelist[0], None
            raise ValueError(f"{self.name_for_errors} must be 0 or more")
        super().process_formdata(valuelist)

    def post_validate(self, form: Any, validation_stopped: bool) -> None:
        if not validation_stopped and not self.errors and self.data is not None and self.data > MAX_PEOPLE:
            add_error(self, f"{self.name_for_errors} must be {MAX_PEOPLE:,} or fewer")


def _key(code: str) -> str:
    return code.replace("-", "_")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _words(question: Question, default: int) -> int:
    limit = question.limits.get("max_words")
    return limit if isinstance(limit, int) else default


def _long_answer(question: Question, label: str, required: str, words: int, name: str, hint: str = "") -> Field:
    """A textarea with a word limit (as grants.application_form.fields.long_answer), required when the
    question is."""
    first: Any = InputRequired(message=required) if question.required else Optional()
    return TextAreaField(label, description=hint, widget=CharacterCount(),
                         validators=[first, WordLimit(words, name)], render_kw={"params": {"maxwords": words}})


def _amount_given(question: Question, required: str, below: str | None = None) -> Any:
    return Filled(required, below) if question.required else AtLeastZero(below)


def milestone_progress(question: Question, plan: ReturnPlan) -> Part:
    """Each milestone's progress (radios) and what happened (a comment), shown as one group."""
    words = _words(question, COMMENT_WORDS)
    fields: dict[str, Any] = {}
    groups = []
    for number, milestone in enumerate(plan.milestones, start=1):
        fields[f"status_{number}"] = OneOf(
            f"Progress on milestone {number}", choices=PROGRESS, widget=Radios(),
            validators=[InputRequired(message=f"Select the progress on milestone {number}") if question.required
                        else Optional()],
        )
        fields[f"comment_{number}"] = _long_answer(
            question, f"What happened on milestone {number}", f"Enter what happened on milestone {number}", words,
            f"What happened on milestone {number}", hint=question.hint,
        )
        groups.append(Group(
            f"Milestone {number}: {milestone.description}", (f"status_{number}", f"comment_{number}"),
            hint=f"Due by {long_date(milestone.due)}" if milestone.due else None, per_row=True,
        ))
    return Part(fields, tuple(groups))


def people_by_group(question: Question, plan: ReturnPlan) -> Part:
    """How many people of each group the application named were reached, in one fieldset."""
    fields: dict[str, Any] = {}
    for code, label in plan.groups:
        name = f"Number of {_lower_first(label)}"
        fields[f"people_{_key(code)}"] = CountField(
            label, name_for_errors=name,
            validators=[_amount_given(question, f"Enter the {_lower_first(name)} you reached, or 0")],
            render_kw={"params": {"classes": "govuk-input--width-5", "inputmode": "numeric", "spellcheck": False}},
        )
    return Part(fields, (Group(question.label, tuple(fields), hint=question.hint or None, fieldset=True),))


def spend_by_budget_line(question: Question, plan: ReturnPlan) -> Part:
    """Spend to date on each budget line, in one fieldset; the total is checked by the form."""
    fields: dict[str, Any] = {}
    for number, line in enumerate(plan.budget_lines, start=1):
        fields[f"spend_{number}"] = MoneyField(
            line.label, name_for_errors=f"Spend on budget line {number}",
            description=f"Budget: {money(line.budget)}" if line.budget is not None else None,
            validators=[_amount_given(question, f"Enter the spend to date on budget line {number}, or 0",
                                      f"Spend on budget line {number} must be £0 or more")],
        )
    group = Group(question.label, tuple(fields), hint=question.hint or None, fieldset=True)
    return Part(fields, (group,), spend=tuple(fields))


def outcome_progress(question: Question, plan: ReturnPlan) -> Part:
    """Progress on each outcome the applicant proposed, then on each Combating Drugs outcome named."""
    words = _words(question, OUTCOME_WORDS)
    fields: dict[str, Any] = {}
    groups = []
    proposed = []
    for number, outcome in enumerate(plan.outcomes, start=1):
        name = f"outcome_{number}"
        fields[name] = _long_answer(
            question, outcome.text, f"Enter the progress on outcome {number}", words, f"Progress on outcome {number}",
            hint=f"How you said you would measure it: {outcome.measure}" if outcome.measure else "",
        )
        proposed.append(name)
    if proposed:
        groups.append(Group("Your project's outcomes", tuple(proposed), hint=question.hint or None))
    named = []
    for code, title in plan.drugs_outcomes:
        name = f"drugs_{_key(code)}"
        fields[name] = _long_answer(
            question, title, f"Enter the progress on the Combating Drugs outcome ‘{title}’", words,
            "Progress on this outcome",
        )
        named.append(name)
    if named:
        groups.append(Group("Combating Drugs outcomes", tuple(named),
                            hint="How your project is helping with the national outcomes you named."))
    return Part(fields, tuple(groups))


MONITORING_BUILDERS: dict[QuestionType, Callable[[Question, ReturnPlan], Part]] = {
    QuestionType.MILESTONE_PROGRESS: milestone_progress,
    QuestionType.PEOPLE_BY_GROUP: people_by_group,
    QuestionType.SPEND_BY_BUDGET_LINE: spend_by_budget_line,
    QuestionType.OUTCOME_PROGRESS: outcome_progress,
}


def monitoring_part(question: Question, plan: ReturnPlan | None) -> Part:
    """The fields that ask a monitoring ``question`` about each item of ``plan``. ValueError without a
    plan: the question is asked only in a monitoring return, of an award."""
    if plan is None:
        raise ValueError(f"{question.id}: {question.type} questions are asked in a monitoring return, "
                         "about each item of the award's application; give the form the award's return plan")
    return MONITORING_BUILDERS[question.type](question, plan)


def spend_total(form: Any, names: tuple[str, ...]) -> Decimal:
    """The total of the spend fields ``names`` (those not given count as £0)."""
    return sum((form[name].data or Decimal(0) for name in names), Decimal(0))


def spend_within_award(form: Any, names: tuple[str, ...], award: Decimal | None) -> bool:
    """Whether spend to date is at most the award; if not, the first line says so (the lines together
    are at fault, and the error summary's link goes to the first)."""
    total = spend_total(form, names)
    if not names or award is None or total <= award:
        return True
    add_error(form[names[0]], f"Spend to date of {money(total)} is more than the award of {money(award)}")
    return False
