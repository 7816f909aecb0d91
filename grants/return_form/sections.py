"""The sections of a monitoring return, in order; their forms, completeness and answers.

Answers are kept as typed in ``MonitoringReturn.answers[section.key]`` (the form's raw data), so
nothing is lost while they are not yet valid; a section is complete when its saved answers
validate, checked afresh each time (a variation can change the award that spend is checked against).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from wtforms import BooleanField, RadioField

from grants.application_form.sections import raw_answers, to_formdata
from grants.formatting import long_date, money
from grants.interfaces.applications.submission import TaskStatus
from grants.models.awards import MonitoringReturn
from grants.return_form import forms
from grants.return_form.plan import ReturnPlan

__all__ = ["BY_KEY", "SECTIONS", "Answer", "Section", "TaskStatus", "people_reached", "raw_answers", "section_answers",
           "spend_to_date", "status"]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    build: Callable[[ReturnPlan], type[forms.ReturnSectionForm]]

    def form(self, monitoring_return: MonitoringReturn, plan: ReturnPlan, formdata=None, answers=None):
        """The section's form, from a request (``formdata``) or from saved ``answers``."""
        form_class = self.build(plan)
        if formdata is None and answers is not None:
            return form_class(formdata=to_formdata(answers), award=monitoring_return.award, meta={"csrf": False})
        return form_class(formdata=formdata, award=monitoring_return.award)

    def saved_form(self, monitoring_return: MonitoringReturn, plan: ReturnPlan):
        """The form rebuilt from the saved answers, or ``None`` if the section was never saved."""
        saved = (monitoring_return.answers or {}).get(self.key)
        return None if saved is None else self.form(monitoring_return, plan, answers=saved)


SECTIONS: tuple[Section, ...] = (
    Section("activities", "Activities and milestones", forms.activities_form),
    Section("people", "People reached", forms.people_form),
    Section("spend", "Spend to date", forms.spend_form),
    Section("outcomes", "Progress against outcomes", forms.outcomes_form),
    Section("stories", "Stories and case studies", lambda plan: forms.StoryForm),
    Section("problems", "Problems and risks", lambda plan: forms.ProblemsForm),
)
BY_KEY = {section.key: section for section in SECTIONS}


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


def _describe(field) -> tuple[str, ...]:
    if isinstance(field, BooleanField):
        return ("Yes" if field.data else "No",)
    if isinstance(field, RadioField):
        labels = {str(value): label for value, label, *_ in field.iter_choices()}
        return (labels[field.data],) if field.data in labels else ()
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
    rows = []
    for group in form.groups:
        if group.per_row:
            lines = tuple(line for name in group.fields for line in _describe(form[name]))
            rows.append(Answer(group.heading, lines))
        else:
            rows.extend(Answer(form[name].label.text, _describe(form[name])) for name in group.fields)
    if isinstance(form, forms.SpendForm):
        rows.append(Answer("Total spend to date", (money(form.total()),)))
    return rows


# Figures for dashboards and closure ------------------------------------------------------------

def _valid_form(monitoring_return: MonitoringReturn, key: str, plan: ReturnPlan):
    form = BY_KEY[key].saved_form(monitoring_return, plan)
    return form if form is not None and form.validate() else None


def people_reached(monitoring_return: MonitoringReturn, plan: ReturnPlan) -> dict[str, int] | None:
    """People reached in the return's period by group label, or None while that section is not complete."""
    form = _valid_form(monitoring_return, "people", plan)
    if form is None:
        return None
    return {form[name].label.text: form[name].data for name in form.groups[0].fields}


def spend_to_date(monitoring_return: MonitoringReturn, plan: ReturnPlan) -> Decimal | None:
    """The total spend to date the return reports, or None while that section is not complete."""
    form = _valid_form(monitoring_return, "spend", plan)
    return None if form is None else form.total()
