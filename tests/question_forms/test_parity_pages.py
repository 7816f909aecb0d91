"""The standard application's sections, rendered from the definition, look as today's do: each form's
fields are rendered through the section template's macro (grants/templates/applications/_fields.html)
and its GOV.UK components, and the pages are compared, with today's field names mapped through
legacy_field_names.json: the same labels, legends, hints, options, rows, buttons and error messages,
in the same markup."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from grants.application_form import sections
from grants.application_form.sections import LIST_NOUNS
from tests.question_forms.helpers import page, render_fields, render_section, visible_text
from tests.question_forms.test_parity import CASES, DEFINITION, DIVERGENCES, LEGACY, answers_for, new_form, todays_form
from tests.visible_text import problems

# Attributes that carry a field's name: what the browser posts, and what labels, hints, errors and the
# error summary point at.
NAMED = ("name", "id", "for", "aria-describedby", "href")
ADD_ROW = "action-add-"


def _mapped(key: str, token: str) -> str:
    hash_, token = ("#", token[1:]) if token.startswith("#") else ("", token)
    if token.startswith(ADD_ROW):
        return hash_ + ADD_ROW + LEGACY[key][token.removeprefix(ADD_ROW)]
    head, separator, rest = token.partition("-")
    return hash_ + (LEGACY[key][head] + separator + rest if head in LEGACY[key] else token)


def with_new_names(key: str, html: str) -> BeautifulSoup:
    """Today's page with each field named as the definition names it."""
    soup = page(html)
    for tag in soup.find_all(True):
        for attribute in NAMED:
            if tag.has_attr(attribute):
                value = tag[attribute]
                tokens = value if isinstance(value, list) else str(value).split()
                tag[attribute] = " ".join(_mapped(key, token) for token in tokens)
    return soup


def _outcomes_legend(soup: BeautifulSoup) -> None:
    # Today's page heads the outcome rows "Outcomes" (LIST_NOUNS) and its check-answers page "Outcomes and
    # measures" (LIST_LABELS); a definition has one label, the question as the applicant reads it, shown
    # on both. The standard form's label is the check-answers one.
    heading = soup.find("h2", string=lambda text: text is not None and text.strip() == "Outcomes")
    assert heading is not None, "today's page changed: update PAGE_DIVERGENCES"
    heading.string = "Outcomes and measures"


def _explanation_not_required(soup: BeautifulSoup) -> None:
    # A FAULT OF TODAY'S PAGE, not repeated: the optional explanation is marked required (its validators
    # are swapped after WTForms read their flags), so a screen reader announces it as required.
    textarea = soup.find("textarea", id="explanation")
    assert textarea is not None and textarea.has_attr("required"), "today's page changed: update PAGE_DIVERGENCES"
    del textarea["required"]


# Where the pages may differ, by section: each change made to today's page, with its reason.
PAGE_DIVERGENCES = {"outcomes": _outcomes_legend, "safeguarding": _explanation_not_required}


def _normal(soup: BeautifulSoup) -> str:
    return "\n".join(line.strip() for line in soup.prettify().splitlines() if line.strip())


# Pages shown: each section before anything is saved, and after saving each set of answers (complete
# or not) but those where the forms' messages are known to differ.
SHOWN = [(key, name, changes, True) for key, name, changes, _ in CASES if (key, name) not in DIVERGENCES]
SHOWN += [(key, name, changes, False) for key, name, changes, _ in CASES if name == "nothing answered"]


@pytest.mark.parametrize(("key", "name", "changes", "validated"), SHOWN,
                         ids=[f"{c[0]}: {c[1]}{'' if c[3] else ', before saving'}" for c in SHOWN])
def test_the_section_page_is_todays_page(key, name, changes, validated):
    data = answers_for(key, changes)
    today, ours = todays_form(key, data), new_form(key, data)
    if validated:
        today.validate()
        ours.validate()
    todays_page = with_new_names(key, render_fields(today, LIST_NOUNS))
    if key in PAGE_DIVERGENCES:
        PAGE_DIVERGENCES[key](todays_page)
    our_page = page(render_section(ours, DEFINITION, key))
    assert _normal(our_page) == _normal(todays_page)


@pytest.mark.parametrize("section", sections.ANSWERED_SECTIONS, ids=lambda section: section.key)
def test_each_page_reads_as_a_person_expects(section):
    """The labels and hints a person reads (a sample: the mapping above compares them all), and nothing
    shown that should not be (tests/visible_text.py)."""
    html = render_section(new_form(section.key, []), DEFINITION, section.key)
    text = visible_text(html)
    for question in next(s for s in DEFINITION.sections if s.id == section.key).questions:
        shown = question.label if question.required else f"{question.label} (optional)"
        assert shown in text, question.id
        assert question.hint in text, question.id
    assert problems(html, ()) == []
