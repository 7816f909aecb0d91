"""The sections of the application form, in order, and what each one's answers say.

Answers are kept as they were typed (the form's raw data), so that nothing is lost when they are
not yet valid; a section is complete when its form validates against the round's rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, FieldList, SelectField, SubmitField
from wtforms.csrf.core import CSRFTokenField

from grants import form_keys
from grants.application_form import forms
from grants.formatting import long_date, money
from grants.forms import without_nul
from grants.models.applications import Application


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    form_class: type[forms.SectionForm] | None  # None: the organisation's own record

    def form(self, application: Application, formdata=None, answers: dict | None = None):
        """The section's form, from a request (``formdata``) or from saved ``answers``."""
        assert self.form_class is not None, "the organisation section has no form of its own"
        if formdata is None and answers is not None:
            return self.form_class(formdata=to_formdata(answers), application=application, meta={"csrf": False})
        return self.form_class(formdata=formdata, application=application)


ORGANISATION = Section("organisation", "Organisation details", None)
SECTIONS: tuple[Section, ...] = (
    ORGANISATION,
    Section("project", "Project summary and activities", forms.ProjectForm),
    Section("priorities", "How your project fits the plan", forms.PrioritiesForm),
    Section("areas", "Where your project will work", forms.AreasForm),
    Section("beneficiaries", "Who will benefit", forms.BeneficiariesForm),
    Section("delivery", "Delivery plan and milestones", forms.DeliveryForm),
    Section("budget", "Budget", forms.BudgetForm),
    Section("outcomes", "Outcomes and how you will measure them", forms.OutcomesForm),
    Section("safeguarding", "Safeguarding and policies", forms.SafeguardingForm),
    Section("declarations", "Declarations", forms.DeclarationsForm),
)
BY_KEY = {section.key: section for section in SECTIONS}
ANSWERED_SECTIONS = tuple(section for section in SECTIONS if section.form_class is not None)


def to_formdata(answers: dict[str, list[str]]) -> MultiDict:
    return MultiDict([(name, value) for name, values in answers.items() for value in values])


def raw_answers(formdata: MultiDict) -> dict[str, list[str]]:
    """What the user typed, minus the CSRF token, the form key and button names, to keep as the
    section's answers."""
    return {
        name: [without_nul(value)[:10_000] for value in formdata.getlist(name)]
        for name in formdata
        if name not in {"csrf_token", form_keys.FIELD} and not name.startswith("action")
    }


def saved_form(application: Application, section: Section):
    """The section's form rebuilt from the saved answers, or ``None`` if never saved."""
    record = application.section(section.key)
    if record is None or section.form_class is None:
        return None
    return section.form(application, answers=record.answers)


# Showing answers -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Answer:
    question: str
    lines: tuple[str, ...]  # one or more lines of text; empty when not answered


def _describe(field) -> tuple[str, ...]:
    if isinstance(field, FieldList):
        lines = []
        for entry in field.entries:
            parts = [text for sub in entry.form for text in _describe(sub) if text]
            if parts:
                lines.append(" – ".join(parts))
        return tuple(lines)
    data = field.data
    if isinstance(field, BooleanField):
        return ("Yes" if data else "No",)
    if isinstance(field, SelectField) and field.choices:
        labels = {str(value): label for value, label, *_ in field.iter_choices()}
        chosen = data if isinstance(data, list) else [data]
        return tuple(labels.get(str(value), str(value)) for value in chosen if value)
    if isinstance(data, Decimal):
        return (money(data),)
    if isinstance(data, date):
        return (long_date(data),)
    if data is None or data == "":
        return ()
    return (str(data),)


def answers(application: Application, section: Section) -> list[Answer]:
    """The section's questions and the answers given, in order, for check-answers and officers."""
    form = saved_form(application, section)
    if form is None:
        return []
    rows = []
    for field in form:
        if isinstance(field, SubmitField | CSRFTokenField):
            continue
        label = field.label.text if not isinstance(field, FieldList) else _list_label(section, field)
        rows.append(Answer(label, _describe(field)))
    return rows


LIST_LABELS = {"milestones": "Milestones", "lines": "Budget lines", "outcomes": "Outcomes and measures"}
# How the repeating rows of a section are named on its page.
LIST_NOUNS = {
    "milestones": {
        "singular": "Milestone",
        "plural": "Milestones",
        "hint": "The main steps of your project and when you expect to reach them. Leave spare rows empty.",
    },
    "lines": {
        "singular": "Budget line",
        "plural": "Budget lines",
        "hint": "What our grant will pay for. Leave spare rows empty.",
    },
    "outcomes": {
        "singular": "Outcome",
        "plural": "Outcomes",
        "hint": "The differences your project will make, and how you will know. Leave spare rows empty.",
    },
}


def _list_label(section: Section, field: FieldList) -> str:
    return LIST_LABELS[field.short_name]


def export_columns() -> list[tuple[str, str, str]]:
    """(section key, field name, column heading) for every question, for spreadsheets."""
    columns = []
    for section in ANSWERED_SECTIONS:
        for name, unbound in _declared_fields(section.form_class):
            if name == "submit":
                continue
            label = unbound.args[0] if unbound.args else name
            if unbound.field_class is FieldList:
                label = LIST_LABELS[name]
            columns.append((section.key, name, f"{section.title}: {label}"))
    return columns


def _declared_fields(form_class) -> list:
    """A form class's fields in declaration order, without building a form."""
    fields = [
        (name, getattr(form_class, name))
        for name in dir(form_class)
        if not name.startswith("_") and hasattr(getattr(form_class, name), "_formfield")
    ]
    return sorted(fields, key=lambda item: (item[1].creation_counter, item[0]))


def export_values(application: Application) -> dict[tuple[str, str], str]:
    """Each answer of the application as plain text, keyed by (section key, field name)."""
    values: dict[tuple[str, str], str] = {}
    for section in ANSWERED_SECTIONS:
        form = saved_form(application, section)
        if form is None:
            continue
        for field in form:
            if isinstance(field, SubmitField | CSRFTokenField):
                continue
            values[(section.key, field.short_name)] = "\n".join(_describe(field))
    return values


def typed_answers(application: Application, section: Section) -> dict[str, Any] | None:
    """The section's answers as Python values (Decimal, date, lists), for later stages to use."""
    form = saved_form(application, section)
    return None if form is None else {k: v for k, v in form.data.items() if k != "submit"}
