"""Building, posting and reading forms from definitions in tests."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from bs4 import BeautifulSoup
from flask import render_template_string
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, FormField

from grants.form_definitions import FormDefinition, load
from grants.question_forms import QuestionForm, RoundContext, list_nouns, section_form
from tests.form_definitions import builders

CONTEXT = RoundContext(
    min_award=Decimal("1000"), max_award=Decimal("5000"), max_project_months=24,
    approaches=(("prevention", "Prevention"), ("people", "People")),
    adder_strands=(("addiction", "Addiction"), ("recovery", "Recovery")),
    drug_outcomes=(("reduce-drug-use", "Reduce drug use"), ("reduce-crime", "Reduce drug-related crime")),
    local_authorities=(("E06000026", "Plymouth"), ("E06000052", "Cornwall")),
)

Data = Mapping[str, Any] | list[tuple[str, Any]]


def definition_of(*parts: dict[str, Any], kind: str = "eligibility") -> FormDefinition:
    """A checked definition of ``parts`` (questions, gathered into one section, or sections)."""
    return load(builders.form(*parts, kind=kind))


def build(definition: FormDefinition, section: str | None = None, data: Data | None = None,
          answers: Mapping[str, object] | None = None, context: RoundContext = CONTEXT) -> QuestionForm:
    """The section's form (the first section by default) given ``data`` as posted."""
    formdata = None if data is None else MultiDict(data)
    return section_form(definition, section or definition.sections[0].id, context, formdata=formdata,
                        answers=answers, meta={"csrf": False})


def ask(*questions: dict[str, Any], data: Data | None = None, answers: Mapping[str, object] | None = None,
        context: RoundContext = CONTEXT, kind: str = "eligibility") -> tuple[bool, dict[str, list[str]]]:
    """Post ``data`` to a form of ``questions``: whether it is valid, and each field's errors."""
    form = build(definition_of(*questions, kind=kind), data=data or {}, answers=answers, context=context)
    valid = form.validate()
    return valid, errors_by_name(form)


def errors_by_name(form: Any) -> dict[str, list[str]]:
    """Every message on the form, by the name of the input it is shown on: a row's part by its own
    name (``lines-0-amount``), and the list's own messages by the list's name."""
    found: dict[str, list[str]] = {}
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                found.update(errors_by_name(entry.form))
            own = [error for error in field.errors if isinstance(error, str)]
        elif isinstance(field, FormField):
            found.update(errors_by_name(field.form))
            continue
        else:
            own = list(field.errors)
        if own:
            found[field.name] = own
    return found


def render_fields(form: Any, nouns: Mapping[str, Any]) -> str:
    """The form's fields as the section page renders them (grants/templates/applications/_fields.html)."""
    return render_template_string('{% from "applications/_fields.html" import render_fields %}'
                                  "{{ render_fields(form, list_labels) }}", form=form, list_labels=nouns)


def render_section(form: QuestionForm, definition: FormDefinition, section: str | None = None) -> str:
    """A section form's fields as its page renders them, its rows named by ``list_nouns``."""
    chosen = next(s for s in definition.sections if s.id == (section or definition.sections[0].id))
    return render_fields(form, list_nouns(chosen))


def page(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def visible_text(html: str) -> str:
    """The words a person reads, one space between each."""
    return " ".join(page(html).get_text(" ").split())


def words(count: int) -> str:
    return " ".join(["word"] * count)
