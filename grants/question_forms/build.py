"""A section of a form definition as a WTForms form (``section_form``): each question a field named by
its id, checked as the definition says; questions that ``show_if`` hides, given the answers so far,
neither checked nor kept."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar, cast

from grants.form_definitions import FormDefinition, QuestionType, Section
from grants.form_definitions.model import MONITORING_ONLY_TYPES
from grants.forms import GovForm
from grants.question_forms.answers import SectionAnswers
from grants.question_forms.context import RoundContext
from grants.question_forms.messages import label_of
from grants.question_forms.monitoring import Group, monitoring_part, spend_total, spend_within_award
from grants.question_forms.question_fields import Place, field_for
from grants.question_forms.rows import ROW_TYPES


class QuestionForm(GovForm):
    """A section's form, made by ``section_form``. A GovForm like any other (GOV.UK widgets, trimmed
    text, the house CSRF token with its form key); ``validate`` checks only the questions asked."""

    _place: ClassVar[Place]
    # How the section's fields are shown (a monitoring question's under headings; any other's alone), the
    # question that owns each field not named by a question id (a monitoring question's ``status_1``…),
    # and the spend fields whose total is at most the award.
    _groups: ClassVar[tuple[Group, ...]] = ()
    _owners: ClassVar[Mapping[str, str]] = {}
    _spend: ClassVar[tuple[str, ...]] = ()
    # The questions shown inside a radio option's conditional reveal (``conditional_reveals``).
    _reveals: ClassVar[Mapping[str, Mapping[str, tuple[str, ...]]]] = {}

    def __init__(self, *args: Any, earlier: Mapping[str, object] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        place = type(self)._place
        self._section_answers = SectionAnswers(place.definition, place.section, earlier or {}, self._fields)

    def validate(self, extra_validators: Mapping[str, Any] | None = None) -> bool:
        """Validate each field but those of questions hidden by ``show_if`` (their errors stay empty);
        then, once every answer is valid, that spend to date is at most the award."""
        hidden = set(self._section_answers.hidden())
        valid = True
        for name, field in self._fields.items():
            if self._owners.get(name, name) in hidden:
                continue
            extra = (extra_validators or {}).get(name, ())
            valid = field.validate(self, extra) and valid
        spend = tuple(name for name in self._spend if self._owners[name] not in hidden)
        return valid and spend_within_award(self, spend, type(self)._place.context.award_amount)


# A question id the form uses for itself (an attribute or a method, or ``validate_<id>``, which WTForms
# would run as a check of that field) cannot name a field.
RESERVED_IDS = frozenset(
    {name for name in dir(QuestionForm) if not name.startswith("_")}
    | {name.removeprefix("validate_") for name in dir(QuestionForm) if name.startswith("validate_")}
    | {"meta", "form_errors", "csrf_token"}
)


def section_form(definition: FormDefinition, section: Section | str, context: RoundContext, formdata: Any = None,
                 answers: Mapping[str, object] | None = None, meta: Mapping[str, Any] | None = None) -> QuestionForm:
    """The form for one ``section`` (or its id) of ``definition``, for a round that gives ``context``.

    ``formdata`` is what was posted (request.form, with request.files for file questions), or None for
    an empty form; ``answers`` are the kept answers of the other sections (by question id, as
    ``kept_answers`` gives them), which decide ``show_if`` conditions on earlier questions and the
    checks against other answers (the budget's total, the project's dates). ``meta`` goes to WTForms
    (``{"csrf": False}`` for a form rebuilt from saved answers).

    A monitoring question (milestone_progress…) asks about each item of the context's ``return_plan``,
    with a field per item named as returns name them (grants.question_forms.monitoring).

    ValueError for a section the definition does not have, a question id the form would use for itself
    (``RESERVED_IDS``), a money limit naming a round award the context does not give, a monitoring
    question without a return plan, or a field name two questions would both use.
    """
    form_class = _form_class(definition, _section(definition, section).id, context)
    return form_class(formdata=formdata, earlier=answers, meta=dict(meta or {}))


# Section form classes already made, by the definition's identity (the entry holds the definition, so
# that its id is not reused while the entry is kept), the section's id and the round's context. Making
# one takes longer than the rest of a saved section's form: a page showing an application's answers
# makes one for each section, on every request. The class depends on nothing else.
_CLASSES: dict[tuple[int, str, RoundContext], tuple[FormDefinition, type[QuestionForm]]] = {}
_CLASSES_KEPT = 512  # the oldest made is dropped first
_CLASSES_LOCK = threading.Lock()


def _form_class(definition: FormDefinition, section_id: str, context: RoundContext) -> type[QuestionForm]:
    key = (id(definition), section_id, context)
    found = _CLASSES.get(key)
    if found is not None and found[0] is definition:
        return found[1]
    form_class = _make_form_class(definition, section_id, context)
    with _CLASSES_LOCK:  # gthread workers: one thread at a time changes the dict
        while len(_CLASSES) >= _CLASSES_KEPT:
            _CLASSES.pop(next(iter(_CLASSES)))
        _CLASSES[key] = (definition, form_class)
    return form_class


def _make_form_class(definition: FormDefinition, section_id: str, context: RoundContext) -> type[QuestionForm]:
    chosen = _section(definition, section_id)
    clashes = sorted(question.id for question in chosen.questions if question.id in RESERVED_IDS)
    if clashes:
        raise ValueError(f"{', '.join(clashes)}: a question's id cannot be a name the form uses for itself")
    place = Place(definition, chosen, context)
    fields: dict[str, Any] = {}
    groups: list[Group] = []
    owners: dict[str, str] = {}
    spend: list[str] = []
    for question in chosen.questions:
        if question.type in MONITORING_ONLY_TYPES:
            part = monitoring_part(question, context.return_plan)
            named, groups_of, spend = part.fields, list(part.groups), [*spend, *part.spend]
        else:
            named, groups_of = {question.id: field_for(question, place)}, [Group("", (question.id,))]
        taken = sorted(set(named) & set(fields))
        if taken:
            raise ValueError(f"{question.id}: its field names {', '.join(taken)} are used by an earlier question")
        fields.update(named)
        groups.extend(groups_of)
        owners.update((name, question.id) for name in named)
    name = f"{chosen.id.title().replace('_', '')}QuestionForm"
    attributes = {"_place": place, "_groups": tuple(groups), "_owners": owners, "_spend": tuple(spend),
                  "_reveals": conditional_reveals(chosen), **fields}
    return cast("type[QuestionForm]", type(name, (QuestionForm,), attributes))


# Radios whose options can reveal questions (GOV.UK's conditional reveal).
REVEALING_TYPES = frozenset({QuestionType.YES_NO, QuestionType.ONE_CHOICE})


def conditional_reveals(section: Section) -> dict[str, dict[str, tuple[str, ...]]]:
    """The questions of ``section`` shown inside a radio option's conditional reveal, by the id of the
    yes_no or one_choice question asking it and the option's value, in order: each question whose
    ``show_if`` names one answer of a question in the SAME section. A condition on an earlier section's
    answer, on several answers (a question can sit in one reveal only) or on checkboxes leaves the
    question on the page as before (it is asked or not by the answers when the page is saved). A
    monitoring question's fields are shown in groups, never in a reveal."""
    types = {question.id: question.type for question in section.questions}
    found: dict[str, dict[str, list[str]]] = {}
    for question in section.questions:
        condition = question.show_if
        if condition is None or len(condition.values) != 1 or types.get(condition.question) not in REVEALING_TYPES \
                or question.type in MONITORING_ONLY_TYPES:
            continue
        found.setdefault(condition.question, {}).setdefault(condition.values[0], []).append(question.id)
    return {question_id: {value: tuple(names) for value, names in by_value.items()}
            for question_id, by_value in found.items()}


def _section(definition: FormDefinition, section: Section | str) -> Section:
    wanted = section.id if isinstance(section, Section) else section
    found = next((candidate for candidate in definition.sections if candidate.id == wanted), None)
    if found is None:
        raise ValueError(f"the form has no section {wanted}")
    return found


def kept_answers(form: QuestionForm) -> dict[str, object]:
    """The section's answers that are kept, by question id: those of the questions asked, as typed
    values (see grants.question_forms.answers). Hidden questions' answers are dropped."""
    return form._section_answers.kept()


def field_groups(form: QuestionForm) -> tuple[Group, ...]:
    """How the section's fields are shown, in order: a monitoring question's under its headings, any
    other question's field alone (a group with no heading)."""
    return form._groups


def spend_to_date(form: QuestionForm) -> Decimal | None:
    """The total of the section's spend_by_budget_line answers (those not given count as £0), or None
    when the section has no such question."""
    return spend_total(form, form._spend) if form._spend else None


def hidden_questions(form: QuestionForm) -> list[str]:
    """The ids of the section's questions that ``show_if`` hides, given the answers so far."""
    return form._section_answers.hidden()


def not_asked_fields(form: QuestionForm) -> set[str]:
    """The names of the fields a section's page leaves out: those of the questions hidden by a
    ``show_if`` on an EARLIER section's answer, which nothing on the page can change. (A question hidden
    by an answer on the page stays on it, in a conditional reveal or not: the answer may yet change.)"""
    place = type(form)._place
    own = {question.id for question in place.section.questions}
    by_earlier = {question.id for question in place.section.questions
                  if question.show_if is not None and question.show_if.question not in own}
    hidden = by_earlier & set(hidden_questions(form))
    return {name for name in form._fields if form._owners.get(name, name) in hidden}


def without_hidden(form: QuestionForm, raw: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """``raw`` (the text typed, by field name, as a section keeps it) without the answers of hidden
    questions: a field named by a hidden id, or one of its rows or parts (``<id>-0-amount``)."""
    hidden = hidden_questions(form)
    return {name: values for name, values in raw.items()
            if not any(name == question_id or name.startswith(f"{question_id}-") for question_id in hidden)}


def list_nouns(section: Section) -> dict[str, dict[str, str]]:
    """How the section's repeating rows are named on its page, by field name, as the section template
    (grants/templates/applications/_fields.html) reads them: "Budget line 1", the legend, the hint."""
    return {
        question.id: {"singular": ROW_TYPES[question.type].singular, "plural": label_of(question),
                      "hint": question.hint}
        for question in section.questions if question.type in ROW_TYPES
    }

