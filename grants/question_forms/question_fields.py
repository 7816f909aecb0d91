"""One WTForms field per question, by type: the house fields and GOV.UK widgets, with the definition's
label, hint, limits and messages (``messages``), and the cross-answer rules of the structured types and
roles (``checks``). A question's field is named by its id."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput
from wtforms import BooleanField, EmailField, FieldList, FormField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from grants import uploads
from grants.application_form.fields import YES_NO
from grants.field_components import CharacterCount, Checkbox, DateInput, TextInput
from grants.form_definitions import FormDefinition, Question, QuestionType, Role, Section
from grants.forms import DateInputField, DateRequired, MoneyField, SelectChoice, WholeNumberField, email_address
from grants.question_forms.address import GovAddressInput, address_form
from grants.question_forms.checks import (
    CostCovers,
    DateLimits,
    EndAfterStart,
    FileAnswer,
    LinesAddUp,
    ProjectLength,
    RefusedAnswer,
    RowsCheck,
)
from grants.question_forms.context import RoundContext
from grants.question_forms.fields import (
    GovCheckboxesWithHints,
    GovRadiosWithHints,
    OneChoiceField,
    PercentageField,
    SeveralChoicesField,
)
from grants.question_forms.messages import (
    EMAIL_INVALID,
    PHONE_INVALID,
    counted,
    given,
    label_of,
    lower_first,
    name_of,
    pounds,
    required_message,
)
from grants.question_forms.rows import ROW_TYPES, row_form
from grants.question_forms.validators import (
    Answered,
    InvalidAnswer,
    NumberLimits,
    SelectedCount,
    UkPhone,
    WordsAtMost,
)

DEFAULT_MAX_LENGTH = 200
# As the section template renders an amount (grants/templates/applications/_fields.html), so that the
# field renders the same wherever it is shown.
MONEY_PARAMS = {"params": {"prefix": {"text": "£"}, "classes": "govuk-input--width-10", "spellcheck": False,
                           "inputmode": "decimal"}}
PERCENTAGE_PARAMS = {"params": {"suffix": {"text": "%"}, "classes": "govuk-input--width-5", "spellcheck": False,
                                "inputmode": "decimal"}}


@dataclass(frozen=True)
class Place:
    """Where a question is asked: its form, its section and the round."""

    definition: FormDefinition
    section: Section
    context: RoundContext


def _required(question: Question, default: str | None = None) -> list[Any]:
    return [InputRequired(message=required_message(question, default))] if question.required else [Optional()]


def _answered(question: Question) -> list[Any]:
    """Required or optional, for a number in a text box; then the definition's ``invalid`` words."""
    first: Any = Answered(required_message(question)) if question.required else Optional()
    invalid = question.messages.get("invalid")
    return [first, InvalidAnswer(invalid)] if invalid else [first]


def _limit(question: Question, name: str) -> Any:
    return question.limits.get(name)


def _short_text(question: Question, place: Place) -> Any:
    limit = _limit(question, "max_length") or DEFAULT_MAX_LENGTH
    default = f"{name_of(question)} must be {limit} characters or fewer"
    return StringField(label_of(question), description=question.hint, widget=TextInput(), validators=[
        *_required(question), Length(max=limit, message=given(question, "max_length", default))])


def _long_text(question: Question, place: Place) -> Any:
    words = _limit(question, "max_words")
    default = f"{name_of(question)} must be {words} words or fewer"
    return TextAreaField(
        label_of(question), description=question.hint, widget=CharacterCount(),
        validators=[*_required(question), WordsAtMost(words, name_of(question), given(question, "max_words", default))],
        render_kw={"params": {"maxwords": words}})


def _whole_number(question: Question, place: Place) -> Any:
    name, minimum, maximum = name_of(question), _limit(question, "min"), _limit(question, "max")
    if minimum is not None and maximum is not None:
        min_default = max_default = f"{name} must be between {minimum:,} and {maximum:,}"
    else:
        min_default = f"{name} must be {minimum or 0:,} or more"
        max_default = f"{name} must be {maximum or 0:,} or less"
    limits = NumberLimits(None if minimum is None else Decimal(minimum), None if maximum is None else Decimal(maximum),
                          given(question, "min", min_default), given(question, "max", max_default))
    width = "govuk-input--width-5" if question.type is QuestionType.PEOPLE_REACHED else "govuk-input--width-10"
    return WholeNumberField(label_of(question), name_for_errors=name, description=question.hint,
                            validators=[*_answered(question), limits],
                            widget=TextInput(), render_kw={"params": {"classes": width, "inputmode": "numeric"}})


def _money(question: Question, place: Place) -> Any:
    name = name_of(question)
    minimum, maximum = (None if (limit := _limit(question, key)) is None else place.context.amount(limit)
                        for key in ("min", "max"))
    limits = NumberLimits(minimum, maximum,
                          given(question, "min", f"{name} must be {pounds(minimum or Decimal(0))} or more"),
                          given(question, "max", f"{name} must be {pounds(maximum or Decimal(0))} or less"))
    return MoneyField(label_of(question), name_for_errors=name, description=question.hint,
                      validators=[*_answered(question), limits, *_money_rules(question, place)],
                      widget=TextInput(), render_kw=MONEY_PARAMS)


def _money_rules(question: Question, place: Place) -> list[Any]:
    definition = place.definition
    if question.role is Role.AMOUNT_REQUESTED:
        lines = next((q for q in definition.questions() if q.type is QuestionType.BUDGET_LINES), None)
        return [] if lines is None else [LinesAddUp(lines.id, question.id, name_of(question))]
    amount = definition.by_role(Role.AMOUNT_REQUESTED)
    if question.role is Role.PROJECT_COST and amount is not None:
        return [CostCovers(name_of(amount))]
    return []


def _percentage(question: Question, place: Place) -> Any:
    name = name_of(question)
    minimum, maximum = (Decimal(str(_limit(question, key) or default)) for key, default in (("min", 0), ("max", 100)))
    limits = NumberLimits(minimum, maximum, given(question, "min", f"{name} must be {minimum}% or more"),
                          given(question, "max", f"{name} must be {maximum}% or less"))
    return PercentageField(label_of(question), name_for_errors=name, description=question.hint,
                           validators=[*_answered(question), limits], render_kw=PERCENTAGE_PARAMS)


def _date(question: Question, place: Place) -> Any:
    validators: list[Any] = [DateRequired(required_message(question))] if question.required else []
    if invalid := question.messages.get("invalid"):
        validators.append(InvalidAnswer(invalid))
    skip: frozenset[str] = frozenset()
    if question.role is Role.PROJECT_END and place.definition.by_role(Role.PROJECT_START) is not None:
        # The project ends after it starts, as today's form says: a limit of "not before the start"
        # is this rule, told in its message.
        default = f"{name_of(question)} must be after the start date"
        if _limit(question, "not_before") == "project_start":
            skip, default = frozenset({"not_before"}), given(question, "not_before", default)
        validators.append(EndAfterStart(default))
    validators.append(DateLimits(question, skip))
    if question.role is Role.PROJECT_END and place.context.max_project_months:
        validators.append(ProjectLength(place.context.max_project_months))
    return DateInputField(label_of(question), name_for_errors=name_of(question), description=question.hint,
                          validators=validators, widget=DateInput())


def _refused(question: Question) -> list[Any]:
    """The question's ``refuse`` rule, checked once it is answered."""
    return [] if question.refuse is None else [RefusedAnswer(question.refuse)]


def _yes_no(question: Question, place: Place) -> Any:
    return OneChoiceField(label_of(question), description=question.hint, choices=YES_NO, widget=GovRadiosWithHints(),
                          validators=[*_required(question), *_refused(question)],
                          render_kw={"params": {"classes": "govuk-radios--inline"}})


def _one_choice(question: Question, place: Place) -> Any:
    return OneChoiceField(label_of(question), description=question.hint,
                          choices=[SelectChoice(option.value, option.label) for option in question.options],
                          option_hints={option.value: option.hint for option in question.options},
                          widget=GovRadiosWithHints(), validators=[*_required(question), *_refused(question)])


def _several(question: Question, choices: list[Any], hints: dict[str, str]) -> Any:
    minimum, maximum = _limit(question, "min_selected"), _limit(question, "max_selected")
    naming = f" for {lower_first(question.name_for_errors)}" if question.name_for_errors else ""
    count = SelectedCount(minimum, maximum,
                          given(question, "min_selected", f"Select at least {counted(minimum or 0, 'option')}{naming}"),
                          given(question, "max_selected", f"Select no more than {counted(maximum or 0, 'option')}"
                                                          f"{naming}"))
    return SeveralChoicesField(label_of(question), description=question.hint, choices=choices, option_hints=hints,
                               widget=GovCheckboxesWithHints(), validators=[*_required(question), count,
                                                                            *_refused(question)],
                               validate_choice=True)


def _several_choices(question: Question, place: Place) -> Any:
    return _several(question, [SelectChoice(option.value, option.label) for option in question.options],
                    {option.value: option.hint for option in question.options})


def _round_choices(question: Question, place: Place) -> Any:
    return _several(question, [SelectChoice(code, name) for code, name in place.context.choices(question.type)], {})


def _declaration(question: Question, place: Place) -> Any:
    return BooleanField(label_of(question), description=question.hint, widget=Checkbox(),
                        validators=_required(question))


def _email(question: Question, place: Place) -> Any:
    return EmailField(label_of(question), description=question.hint, widget=TextInput(),
                      validators=[*_required(question), email_address(given(question, "invalid", EMAIL_INVALID))],
                      render_kw={"type": "email", "params": {"autocomplete": "email", "spellcheck": False}})


def _phone(question: Question, place: Place) -> Any:
    return StringField(label_of(question), description=question.hint, widget=TextInput(),
                       validators=[*_required(question), UkPhone(given(question, "invalid", PHONE_INVALID))],
                       render_kw={"type": "tel", "params": {"autocomplete": "tel", "classes": "govuk-input--width-20"}})


def _uk_address(question: Question, place: Place) -> Any:
    form_class = address_form(question.required, question.messages.get("required"), question.messages.get("invalid"))
    return FormField(form_class, label_of(question), description=question.hint, widget=GovAddressInput())


def _file(question: Question, place: Place) -> Any:
    default = f"Select {lower_first(question.name_for_errors)}" if question.name_for_errors else "Select a file"
    types = _limit(question, "file_types") or ()
    accept = ",".join(f".{extension}" for extension, file_type in uploads.EXTENSIONS.items() if file_type in types)
    required = required_message(question, default) if question.required else None
    return FileField(label_of(question), description=question.hint, widget=GovFileInput(),
                     validators=[FileAnswer(question, required)],
                     render_kw={"accept": accept or uploads.ACCEPT})


def _rows(question: Question, place: Place) -> Any:
    row_type = ROW_TYPES[question.type]
    maximum = _limit(question, "max_rows")
    blank = max(row_type.blank_rows, _limit(question, "min_rows") or 0)
    validators: list[Any] = [RowsCheck(question, required_message(
        question, f"Enter at least one {row_type.singular.lower()}"))]
    amount = place.definition.by_role(Role.AMOUNT_REQUESTED)
    if question.type is QuestionType.BUDGET_LINES and amount is not None and _asked_before(place, amount, question):
        validators.append(LinesAddUp(question.id, amount.id, name_of(amount)))
    row = row_form(question.type, place.context.vat)
    return FieldList(FormField(row), label_of(question), description=question.hint, validators=validators,
                     min_entries=min(blank, maximum or blank), max_entries=maximum)


def _asked_before(place: Place, earlier: Question, later: Question) -> bool:
    """Whether ``earlier`` is asked in a section before ``later``'s (its answer then kept by the time)."""
    ids = [question.id for question in place.definition.questions()]
    in_section = {question.id for question in place.section.questions}
    return earlier.id not in in_section and ids.index(earlier.id) < ids.index(later.id)


BUILDERS: dict[QuestionType, Callable[[Question, Place], Any]] = {
    QuestionType.SHORT_TEXT: _short_text,
    QuestionType.LONG_TEXT: _long_text,
    QuestionType.WHOLE_NUMBER: _whole_number,
    QuestionType.PEOPLE_REACHED: _whole_number,
    QuestionType.MONEY: _money,
    QuestionType.PERCENTAGE: _percentage,
    QuestionType.DATE: _date,
    QuestionType.YES_NO: _yes_no,
    QuestionType.ONE_CHOICE: _one_choice,
    QuestionType.SEVERAL_CHOICES: _several_choices,
    QuestionType.PLAN_APPROACHES: _round_choices,
    QuestionType.ADDER_STRANDS: _round_choices,
    QuestionType.DRUG_OUTCOMES: _round_choices,
    QuestionType.AREAS_SERVED: _round_choices,
    QuestionType.DECLARATION: _declaration,
    QuestionType.EMAIL: _email,
    QuestionType.PHONE: _phone,
    QuestionType.UK_ADDRESS: _uk_address,
    QuestionType.FILE: _file,
    QuestionType.BUDGET_LINES: _rows,
    QuestionType.MILESTONES: _rows,
    QuestionType.OUTCOME_MEASURES: _rows,
}


def field_for(question: Question, place: Place) -> Any:
    """The unbound field that asks ``question``. ValueError for a monitoring type (milestone_progress…),
    which asks about each item of an award's application with a field per item
    (grants.question_forms.monitoring)."""
    build = BUILDERS.get(question.type)
    if build is None:
        raise ValueError(f"{question.id}: {question.type} questions are asked in a monitoring return, "
                         "about each item of the award's application, a field for each")
    return build(question, place)
