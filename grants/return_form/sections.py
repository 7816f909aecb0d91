"""The sections of a monitoring return, in order; their forms, completeness and answers.

A return asks its round's monitoring form (``sections_of`` the definition): each section's questions
through grants.question_forms, the monitoring types about each item of the award's application, with
the field names returns have always kept (``status_1``, ``people_<group>``, ``spend_1``…). The standard
form's stories and problems sections, when a round keeps them as they are, are asked by today's forms
(``FIXED_FORMS``).

Answers are kept as typed in ``MonitoringReturn.answers[section.key]`` (the form's raw data), so
nothing is lost while they are not yet valid; a section is complete when its saved answers
validate, checked afresh each time (a variation can change the award that spend is checked against).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from flask import url_for
from wtforms import BooleanField, RadioField, SelectMultipleField

from grants.application_form.sections import raw_answers, to_formdata
from grants.form_definitions import FormDefinition, Kind, QuestionType, standard
from grants.form_definitions import Section as FormSection
from grants.formatting import long_date, money
from grants.interfaces.applications.submission import TaskStatus
from grants.models.awards import MonitoringReturn
from grants.question_forms import QuestionForm, RoundContext, field_groups, hidden_questions, kept_answers, section_form
from grants.question_forms import spend_to_date as form_spend_to_date
from grants.question_forms.monitoring import CountField
from grants.return_form import forms
from grants.return_form.plan import ReturnPlan

__all__ = ["BY_KEY", "SECTIONS", "STANDARD_SECTIONS", "Answer", "Section", "TaskStatus", "groups_of", "people_reached",
           "raw_answers", "section_answers", "sections_of", "spend_to_date", "status"]


@dataclass(frozen=True)
class FixedSection:
    """A section of today's fixed return (``SECTIONS``): the reference the standard monitoring form is
    held to (tests/form_definitions/test_standard_forms.py, tests/question_forms/test_monitoring_parity.py)."""

    key: str
    title: str
    build: Callable[[ReturnPlan], type[forms.ReturnSectionForm]]


SECTIONS: tuple[FixedSection, ...] = (
    FixedSection("activities", "Activities and milestones", forms.activities_form),
    FixedSection("people", "People reached", forms.people_form),
    FixedSection("spend", "Spend to date", forms.spend_form),
    FixedSection("outcomes", "Progress against outcomes", forms.outcomes_form),
    FixedSection("stories", "Stories and case studies", lambda plan: forms.StoryForm),
    FixedSection("problems", "Problems and risks", lambda plan: forms.ProblemsForm),
)
BY_KEY = {section.key: section for section in SECTIONS}

# The standard form's sections that today's forms still ask when a round keeps them as they are: the
# story's consent is needed once a story is told (a rule the format cannot say), and the problems are
# kept as "problems" (the question's id in the form is problems_and_risks, and a section and a question
# cannot share an id).
_STANDARD = standard(Kind.MONITORING)
FIXED_FORMS: dict[FormSection, type[forms.ReturnSectionForm]] = {
    section: form for section in _STANDARD.sections
    for key, form in (("stories", forms.StoryForm), ("problems", forms.ProblemsForm)) if section.id == key
}


@dataclass(frozen=True)
class Section:
    """A section of a return's monitoring form: its questions asked about the award's items."""

    key: str
    title: str
    definition: FormDefinition

    @property
    def asked(self) -> FormSection:
        return next(section for section in self.definition.sections if section.id == self.key)

    @property
    def asks_spend(self) -> bool:
        """Whether the section asks the spend to date (whose total is at most the award)."""
        return any(question.type is QuestionType.SPEND_BY_BUDGET_LINE for question in self.asked.questions)

    def form(self, monitoring_return: MonitoringReturn, plan: ReturnPlan, formdata=None, answers=None,
             earlier: Mapping[str, object] | None = None):
        """The section's form, from a request (``formdata``) or from saved ``answers``, given the kept
        answers of the sections before it (``earlier``; read from the return when not given), which
        decide whether a question conditional on one of them is asked."""
        rebuilt = formdata is None and answers is not None
        data = to_formdata(answers) if rebuilt else formdata
        meta = {"csrf": False} if rebuilt else {}
        award = monitoring_return.award
        fixed = FIXED_FORMS.get(self.asked)
        if fixed is not None:
            return fixed(formdata=data, award=award, meta=meta)
        if earlier is None:
            earlier = self.earlier_answers(monitoring_return, plan)
        earlier = {**earlier, **_files_kept(monitoring_return, self.key, answers)}
        context = replace(_round_lists(monitoring_return), return_plan=plan, award_amount=award.amount)
        return section_form(self.definition, self.key, context, formdata=data, answers=earlier, meta=meta)

    def earlier_answers(self, monitoring_return: MonitoringReturn, plan: ReturnPlan) -> dict[str, object]:
        """The kept answers of the sections before this one, by question id (as an application's
        section is given them): each built from its saved answers with those of the sections before it."""
        found: dict[str, object] = {}
        for other in sections_of(self.definition):
            if other.key == self.key:
                break
            saved = (monitoring_return.answers or {}).get(other.key)
            if saved is None or other.asked in FIXED_FORMS:  # today's stories and problems: no show_if to decide
                continue
            found.update(kept_answers(other.form(monitoring_return, plan, answers=saved, earlier=dict(found))))
        return found

    def saved_form(self, monitoring_return: MonitoringReturn, plan: ReturnPlan):
        """The form rebuilt from the saved answers, or ``None`` if the section was never saved."""
        saved = (monitoring_return.answers or {}).get(self.key)
        return None if saved is None else self.form(monitoring_return, plan, answers=saved)


def _files_kept(monitoring_return: MonitoringReturn, key: str, answers=None) -> dict[str, object]:
    """The documents the section's file questions have from earlier saves, by question id (an answer so
    far: a file question answered before needs no new file), while each is still the return's."""
    from grants.interfaces.applications.questions import saved_files
    from grants.interfaces.awards.return_documents import documents_of

    files = {**saved_files((monitoring_return.answers or {}).get(key)), **saved_files(answers)}
    if not files:
        return {}
    present = {document.id for document in documents_of(monitoring_return)}
    return {question_id: value for question_id, value in files.items() if value["document_id"] in present}


def sections_of(definition: FormDefinition) -> tuple[Section, ...]:
    """The sections a return asks when it answers ``definition`` (a monitoring form), in order."""
    return tuple(Section(section.id, section.title, definition) for section in definition.sections)


STANDARD_SECTIONS = sections_of(_STANDARD)


def groups_of(form) -> tuple[forms.Group, ...]:
    """How a section's form shows its fields, group by group."""
    return form.groups if isinstance(form, forms.ReturnSectionForm) else field_groups(form)


def status(monitoring_return: MonitoringReturn, section: Section, plan: ReturnPlan) -> TaskStatus:
    form = section.saved_form(monitoring_return, plan)
    if form is None:
        return TaskStatus.NOT_STARTED
    return TaskStatus.COMPLETED if form.validate() else TaskStatus.IN_PROGRESS


# Showing answers -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Answer:
    question: str
    lines: tuple[str, ...]  # empty when not answered
    link: str | None = None  # a file question's: where its document is downloaded


# Question types whose answer is not one field's text: described from the kept answer.
DESCRIBED_TYPES = frozenset({QuestionType.UK_ADDRESS, QuestionType.BUDGET_LINES, QuestionType.MILESTONES,
                             QuestionType.OUTCOME_MEASURES, QuestionType.FILE, QuestionType.PERCENTAGE})


def _round_lists(monitoring_return: MonitoringReturn) -> RoundContext:
    """What the award's round gives its forms (its lists of approaches, strands, outcomes and areas, and
    its award limits), as an application's form is given them."""
    from grants.interfaces.applications.questions import round_context

    return round_context(monitoring_return.award.funding_round)


def _describe(field) -> tuple[str, ...]:
    if isinstance(field, BooleanField):
        return ("Yes" if field.data else "No",)
    if isinstance(field, RadioField | SelectMultipleField):
        labels = {str(value): label for value, label, *_ in field.iter_choices()}
        chosen = field.data if isinstance(field.data, list) else [field.data]
        return tuple(labels[str(value)] for value in chosen if str(value) in labels)
    if field.errors or field.data in (None, ""):
        # What was typed, when it is not (yet) a valid answer.
        typed = (field.raw_data or [""])[0].strip() if field.raw_data else ""
        return (typed,) if typed else ()
    if isinstance(field.data, Decimal):
        return (money(field.data),)
    if isinstance(field.data, date):
        return (long_date(field.data),)
    return (f"{field.data:,}" if isinstance(field.data, int) else str(field.data),)


def section_answers(monitoring_return: MonitoringReturn, section: Section, plan: ReturnPlan) -> list[Answer]:
    """The section's questions and the answers given, for check-answers and the officer's review."""
    form = section.saved_form(monitoring_return, plan)
    if form is None:
        return []
    form.validate()  # so that what is not a valid answer is shown as typed
    rows: list[Answer] = []
    asked = _described(monitoring_return, section, form)
    owners = getattr(form, "_owners", {})  # a monitoring question's fields by the question they ask
    for group in groups_of(form):
        owner = owners.get(group.fields[0], group.fields[0]) if group.fields else None
        if owner in asked:
            described = asked[owner]
            if described is not None:  # None: hidden by show_if, so not asked
                rows.append(described)
        elif group.per_row:
            lines = tuple(line for name in group.fields for line in _describe(form[name]))
            rows.append(Answer(group.heading, lines))
        else:
            rows.extend(Answer(form[name].label.text, _describe(form[name])) for name in group.fields)
    total = form.total() if isinstance(form, forms.SpendForm) else None
    if isinstance(form, QuestionForm):
        total = form_spend_to_date(form)
    if total is not None:
        rows.append(Answer("Total spend to date", (money(total),)))
    return rows


def _described(monitoring_return: MonitoringReturn, section: Section, form) -> dict[str, Answer | None]:
    """The answers of a definition's questions that a field's text cannot show (an address, rows, a file
    with its download link), as an application shows them, and None for each question ``show_if``
    hides, by question id."""
    if not isinstance(form, QuestionForm):
        return {}
    from grants.interfaces.applications.shown_answers import describe

    hidden = set(hidden_questions(form))
    kept = kept_answers(form)
    context = _round_lists(monitoring_return)
    found: dict[str, Answer | None] = {question_id: None for question_id in hidden}
    for question in section.asked.questions:
        if question.id not in hidden and question.type in DESCRIBED_TYPES:
            value = kept.get(question.id)
            link = None
            if question.type is QuestionType.FILE and isinstance(value, Mapping) and "document_id" in value:
                link = url_for("grantee.return_document", award_id=monitoring_return.award_id,
                               return_id=monitoring_return.id, document_id=value["document_id"])
            found[question.id] = Answer(form[question.id].label.text, describe(question, value, context), link)
    return found


# Figures for dashboards and closure ------------------------------------------------------------

def _valid_forms(monitoring_return: MonitoringReturn, plan: ReturnPlan, sections: tuple[Section, ...]):
    """The forms of the sections whose saved answers are valid."""
    for section in sections:
        form = section.saved_form(monitoring_return, plan)
        if form is not None and form.validate():
            yield form


def people_reached(monitoring_return: MonitoringReturn, plan: ReturnPlan,
                   sections: tuple[Section, ...] = STANDARD_SECTIONS) -> dict[str, int] | None:
    """People reached in the return's period by group label, or None while no complete section asks it
    (``sections``: the return's, by default the standard form's)."""
    asking = tuple(section for section in sections if _asks(section, QuestionType.PEOPLE_BY_GROUP))
    for form in _valid_forms(monitoring_return, plan, asking):
        return {form[name].label.text: form[name].data for group in groups_of(form) for name in group.fields
                if isinstance(form[name], CountField)}
    return None


def spend_to_date(monitoring_return: MonitoringReturn, plan: ReturnPlan,
                  sections: tuple[Section, ...] = STANDARD_SECTIONS) -> Decimal | None:
    """The total spend to date the return reports, or None while no complete section asks it."""
    asking = tuple(section for section in sections if section.asks_spend)
    for form in _valid_forms(monitoring_return, plan, asking):
        return form_spend_to_date(form)
    return None


def _asks(section: Section, question_type: QuestionType) -> bool:
    return any(question.type is question_type for question in section.asked.questions)
