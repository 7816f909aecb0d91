"""GOV.UK text inputs, selects and date inputs written in Python (grants.field_components) give
govukInput's, govukSelect's and govukDateInput's markup character for character, for the params
govuk-frontend-wtf's widgets make and the ones templates add (hints, errors, values, prefixes, classes,
attributes), escaping what they are given; what they do not cover is left to the macro. And every text
input, select and date of a section form (grants.question_forms) renders through them as it did
through govuk-frontend-wtf's widgets."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import pytest
from flask import render_template_string
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from markupsafe import Markup
from wtforms import FieldList, Form, FormField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from grants.field_components import DateInput, GovDateBoxes, Select, TextInput, date_input, select, text_input
from tests.form_definitions.builders import question
from tests.question_forms.helpers import CONTEXT, build, definition_of

SCRIPT = "<script>alert('x')</script>"
QUOTES = "\"O'Brien\" & <Sons>"


def _govuk(component: str, macro: str, params: dict[str, Any]) -> str:
    source = f'{{% from "govuk_frontend_jinja/components/{component}/macro.html" import {macro} %}}'
    return render_template_string(source + f"{{{{ {macro}(params) }}}}", params=params)


@pytest.fixture
def page(app):
    with app.test_request_context("/"):
        yield


# Text inputs --------------------------------------------------------------------------------------

# What govuk-frontend-wtf's GovTextInput gives for a plain field, before hint, error and value.
FIELD = {"id": "amount", "name": "amount", "label": {"text": "Minimum spend for Devon"}, "attributes": {},
         "type": "text"}
HINTS: list[dict[str, Any]] = [{}, {"hint": None}, {"hint": {"text": "The lowest score\nthat can be funded"}},
                               {"hint": {"text": SCRIPT, "classes": "govuk-!-margin-bottom-1"}}]
ERRORS: list[dict[str, Any]] = [{}, {"errorMessage": {"text": "Enter an amount"}},
                                {"errorMessage": {"text": SCRIPT}}, {"errorMessage": {"text": ""}}]
VALUES: list[dict[str, Any]] = [{}, {"value": None}, {"value": ""}, {"value": "9300.00"}, {"value": SCRIPT},
                                {"value": QUOTES}]
INPUT_EXTRAS: list[dict[str, Any]] = [
    {},
    {"prefix": {"text": "£"}, "classes": "govuk-input--width-10", "spellcheck": False, "inputmode": "decimal"},
    {"suffix": {"text": "%"}, "classes": "govuk-input--width-5", "spellcheck": False, "inputmode": "decimal"},
    {"prefix": {"text": "£"}, "suffix": {"text": "per year", "classes": "opcc-suffix"}},
    {"prefix": {"text": SCRIPT, "classes": QUOTES}},
    {"prefix": {"text": ""}, "suffix": None},
    {"classes": "govuk-input--width-5", "inputmode": "numeric"},
    {"spellcheck": True, "type": "search"},
    {"type": "email", "autocomplete": "email", "spellcheck": False},
    {"type": "tel", "autocomplete": "tel", "classes": "govuk-input--width-20"},
    {"type": None, "autocomplete": "", "inputmode": None, "pattern": "[0-9]*", "autocapitalize": "none"},
    {"attributes": {"required": "required"}},
    {"attributes": {"aria-describedby": "amount-total", "data-module": QUOTES, "maxlength": 10,
                    "data-on": True, "data-off": False, "data-none": None}},
    {"attributes": None},
    {"describedBy": "amount-total"},
    {"disabled": True},
    {"disabled": False, "spellcheck": None},
    {"label": {"text": "Amount", "classes": "govuk-label--s"}},
    {"label": {"text": "Amount\nin pounds", "classes": "govuk-visually-hidden"},
     "formGroup": {"classes": "govuk-!-margin-bottom-0"}},
    {"label": {"text": SCRIPT, "isPageHeading": True, "classes": "govuk-label--l"}},
    {"label": {"text": ""}},
    {"label": None, "formGroup": {}},
    {"id": None, "name": "total"},
    {"id": "total-" + SCRIPT, "name": QUOTES},
]


@pytest.mark.parametrize("extra", INPUT_EXTRAS)
def test_a_text_input_is_govuk_input(page, extra):
    for hint, error, value in itertools.product(HINTS, ERRORS, VALUES):
        params = {**FIELD, **hint, **error, **value, **extra}
        assert text_input(params) == _govuk("input", "govukInput", params), params


def test_a_text_input_escapes_what_it_is_given(page):
    html = text_input({**FIELD, "value": SCRIPT, "hint": {"text": SCRIPT}, "errorMessage": {"text": SCRIPT},
                       "label": {"text": SCRIPT}, "prefix": {"text": SCRIPT}, "attributes": {"data-x": SCRIPT}})
    assert html is not None and "<script>" not in html
    assert 'value="&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"' in html
    assert 'aria-describedby="amount-hint amount-error"' in html


@pytest.mark.parametrize("extra", [
    {"label": {"html": Markup("<b>Amount</b>")}},
    {"label": {"text": "Amount", "attributes": {"data-x": "1"}}},
    {"hint": {"html": Markup("<b>Hint</b>")}},
    {"errorMessage": {"text": "Enter an amount", "visuallyHiddenText": "Problem"}},
    {"prefix": {"html": Markup("<b>£</b>")}},
    {"attributes": ' data-x="1"'},
    {"attributes": {"data-x": {"value": "1", "optional": True}}},
    {"formGroup": {"attributes": {"data-x": "1"}}},
    {"inputWrapper": {"classes": "x"}},
    {"id": None, "name": None},
    {"id": "amount", "name": "amount", "label": {"text": "Amount"}, "unknown": 1},
])
def test_what_a_text_input_does_not_cover_is_left_to_the_macro(page, extra):
    params = {**FIELD, **extra}
    assert text_input(params) is None
    assert TextInput().render(params) == GovTextInput().render(params)


# Selects ------------------------------------------------------------------------------------------

ITEMS = [{"text": "Choose a category", "value": "", "selected": False},
         {"text": "Staff", "value": "staff", "selected": False},
         {"text": SCRIPT, "value": QUOTES, "selected": False}]
SELECT_ITEMS: list[list[Any]] = [
    ITEMS,
    [ITEMS[0], {**ITEMS[1], "selected": True}, ITEMS[2]],
    [ITEMS[0], ITEMS[1], {**ITEMS[2], "selected": True}],
    [{"text": "Yes", "value": True}, {"text": "No", "value": False, "selected": None}, None,
     {"text": 3, "value": 3, "selected": 1}, {"value": "no-text"}],
    [],
]
SELECT_EXTRAS: list[dict[str, Any]] = [
    {},
    {"attributes": {"required": "required"}},
    {"classes": "govuk-!-width-one-third", "formGroup": {"classes": "govuk-!-margin-bottom-0"}},
    {"label": {"text": "Sort by", "classes": "govuk-label--s"}, "describedBy": "sort-help"},
    {"label": {"text": SCRIPT, "isPageHeading": True}},
    {"label": {"text": ""}, "disabled": True},
    {"value": "", "attributes": {"data-module": QUOTES, "data-on": True}},
]


@pytest.mark.parametrize("extra", SELECT_EXTRAS)
@pytest.mark.parametrize("items", SELECT_ITEMS)
def test_a_select_is_govuk_select(page, extra, items):
    for hint, error in itertools.product(HINTS, ERRORS):
        params = {"id": "category", "name": "category", "label": {"text": "Category"}, "attributes": {}, **hint,
                  **error, "items": items, **extra}
        assert select(params) == _govuk("select", "govukSelect", params), params


@pytest.mark.parametrize("extra", [
    {"value": "staff"},
    {"items": None},
    {"items": [{"text": "Staff"}]},
    {"items": [{"text": "Staff", "value": "staff", "disabled": True}]},
    {"items": [{"text": "Staff", "value": "staff", "attributes": {"data-x": "1"}}]},
    {"formGroup": {"beforeInput": {"text": "Before"}}},
])
def test_what_a_select_does_not_cover_is_left_to_the_macro(page, extra):
    params = {"id": "category", "name": "category", "label": {"text": "Category"}, "attributes": {}, "items": ITEMS,
              **extra}
    assert select(params) is None
    if extra.get("items") is not None:
        assert Select().render(params) == GovSelect().render(params)


# Date inputs -------------------------------------------------------------------------------------

def _boxes(day: Any = None, month: Any = None, year: Any = None, wrong: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The boxes as GovDateInput gives them (``wrong`` marked as in error, the others' classes trimmed)."""
    boxes = []
    for name, width, value in (("day", 2, day), ("month", 2, month), ("year", 4, year)):
        classes = f"govuk-input--width-{width}" + (" govuk-input--error" if name in wrong else "")
        boxes.append({"label": name.title(), "id": f"starts-{name}", "name": "starts", "classes": classes,
                      "value": value})
    return boxes


DATE = {"id": "starts", "name": "starts", "label": {"text": "Start date"}, "attributes": {}, "value": "",
        "fieldset": {"legend": {"text": "Start date"}}}
DATE_EXTRAS: list[dict[str, Any]] = [
    {"items": _boxes()},
    {"items": _boxes("1", "4", "2027")},
    {"items": _boxes(SCRIPT, "", QUOTES, wrong=("day", "year"))},
    {"items": [{**box, "classes": ""} for box in _boxes("1", "x", "27")]},
    {"items": [{"name": "starts", "label": "", "value": "1"}, {"name": "month-box"}]},
    {"items": _boxes(), "attributes": {"required": "required"}},
    {"items": _boxes(),
     "fieldset": {"legend": {"text": SCRIPT + "\nsecond line", "classes": "govuk-fieldset__legend--s"}}},
    {"items": _boxes(), "fieldset": {"legend": {"text": ""}}},
    {"items": _boxes(), "fieldset": {"legend": None}},
    {"items": _boxes(), "id": "start-" + QUOTES},
]


@pytest.mark.parametrize("extra", DATE_EXTRAS)
def test_a_date_input_is_govuk_date_input(page, extra):
    for hint, error in itertools.product(HINTS, ERRORS):
        params = {**DATE, **hint, **error, **extra}
        assert date_input(params) == _govuk("date-input", "govukDateInput", params), params


@pytest.mark.parametrize("extra", [
    {},
    {"items": []},
    {"items": _boxes(), "fieldset": None},
    {"items": _boxes(), "fieldset": {"legend": {"text": "Start", "isPageHeading": True}}},
    {"items": _boxes(), "fieldset": {"legend": {"text": "Start"}, "describedBy": "other"}},
    {"items": _boxes(), "namePrefix": "project"},
    {"items": _boxes(), "classes": "opcc-date"},
    {"items": [{**_boxes()[0], "autocomplete": "bday-day"}]},
    {"items": _boxes(), "id": None},
])
def test_what_a_date_input_does_not_cover_is_left_to_the_macro(page, extra):
    params = {**DATE, **extra}
    assert date_input(params) is None
    assert DateInput().render(params) == GovDateBoxes().render(params)


# Through the widgets ------------------------------------------------------------------------------

class _Fields(Form):
    amount = StringField("Amount", widget=TextInput())
    needed = StringField("Your name", description="As on your bank account", validators=[InputRequired()],
                         widget=TextInput(), render_kw={"autocomplete": "name"})
    status = SelectField("Status", choices=[SelectChoice("", "Any status"), SelectChoice("submitted", "Submitted"),
                                           SelectChoice(SCRIPT, SCRIPT)],
                         widget=Select())


@pytest.mark.parametrize("name, value", [("amount", SCRIPT), ("needed", ""), ("status", "submitted"),
                                         ("status", SCRIPT), ("status", "none")])
@pytest.mark.parametrize("errors", [[], ["Enter a value"], [SCRIPT, "Second"]])
@pytest.mark.parametrize("params", [{}, {"classes": "govuk-input--width-10", "label": {"classes": "govuk-label--s"},
                                         "hint": {"text": "Given by the template"}}])
def test_a_field_renders_as_through_govuk_frontend_wtf(page, monkeypatch, name, value, errors, params):
    field = _Fields(data={name: value})[name]
    field.errors = errors
    expected = _through_govuk_frontend_wtf(field, params=params)
    _without_the_macros(monkeypatch)
    assert field(params=params) == expected


def _through_govuk_frontend_wtf(field: Any, **kwargs: Any) -> str:
    """The field as govuk-frontend-wtf's own widget renders it (with the field's render_kw)."""
    widget = field.widget
    field.widget = (GovSelect() if isinstance(widget, Select) else GovDateBoxes() if isinstance(widget, DateInput)
                    else GovTextInput())
    try:
        return field(**kwargs)
    finally:
        field.widget = widget


def _without_the_macros(monkeypatch):
    """Rendering the GOV.UK macro fails from here on: what renders was written by field_components."""
    def macro(self, params):
        raise AssertionError(f"fell back to the macro for {params}")

    monkeypatch.setattr(GovTextInput, "render", macro)
    monkeypatch.setattr(GovSelect, "render", macro)
    monkeypatch.setattr(GovDateBoxes, "render", macro)


# Every text input, select and date a section form has: its own questions, the rows of budget lines
# (with VAT), milestones and outcomes, and an address's parts.
QUESTIONS = [
    question("name", "short_text", "Project name", role="project_title", hint="As it will be known <publicly>"),
    question("staff", "whole_number", "Staff", limits={"min": 1, "max": 50}),
    question("people", "people_reached", "People"),
    question("grant", "money", "Grant", role="amount_requested"),
    question("start", "date", "Start", role="project_start"),
    question("end", "date", "End", role="project_end"),
    question("share", "percentage", "Share", required=False),
    question("email", "email", "Email address"),
    question("phone", "phone", "Phone number", required=False),
    question("office", "uk_address", "Office address", hint="Where we can write to you"),
    question("lines", "budget_lines", "Budget", limits={"min_rows": 2}),
    question("milestones", "milestones", "Milestones"),
    question("outcomes", "outcome_measures", "Outcomes"),
]
TYPED = {"name": SCRIPT, "staff": "many", "people": "1,200", "grant": QUOTES, "share": "12.5%",
         "email": "not an email", "phone": "01752 000000", "office-line_1": SCRIPT, "office-postcode": "nowhere",
         "lines-0-category": "staff", "lines-0-description": SCRIPT, "lines-0-amount": "£1,0000",
         "lines-1-category": SCRIPT, "lines-1-amount": "500", "milestones-0-description": QUOTES,
         "outcomes-0-outcome": "Fewer <b>thefts</b>", "outcomes-0-measure": ""}
POSTED: list[list[tuple[str, str]]] = [
    [],
    [("start", "1"), ("start", SCRIPT), ("start", "27"), ("end", "31"), ("end", "2"), ("end", "2028"),
     ("milestones-1-due", "1"), ("milestones-1-due", ""), ("milestones-1-due", ""), *TYPED.items()],
]


def _inputs(form: Any) -> list[Any]:
    """The text inputs, selects and dates of ``form``, through its rows and addresses."""
    found = []
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                found += _inputs(entry.form)
        elif isinstance(field, FormField):
            found += _inputs(field.form)
        elif isinstance(field.widget, TextInput | Select | DateInput):
            found.append(field)
    return found


@pytest.mark.parametrize("vat", [False, True])
@pytest.mark.parametrize("posted", POSTED, ids=["new", "posted with errors"])
def test_a_section_forms_fields_render_as_through_govuk_frontend_wtf(page, monkeypatch, vat, posted):
    form = build(definition_of(*QUESTIONS, kind="application"), data=posted or None, context=replace(CONTEXT, vat=vat))
    if posted:
        assert not form.validate()
        assert form["start"].error_boxes == ("month",) and form["milestones"].entries[1].form.due.errors
    fields = _inputs(form)
    assert len(fields) >= 20 and all(any(isinstance(field.widget, kind) for field in fields)
                                     for kind in (TextInput, Select, DateInput))
    # As the section template renders them (grants/templates/applications/_fields.html): amounts with a
    # pound sign, others as they are.
    money = {"params": {"prefix": {"text": "£"}, "classes": "govuk-input--width-10", "spellcheck": False,
                        "inputmode": "decimal"}}
    calls = [money if field.type == "MoneyField" else {} for field in fields]
    expected = [_through_govuk_frontend_wtf(field, **kwargs) for field, kwargs in zip(fields, calls, strict=True)]
    _without_the_macros(monkeypatch)
    assert [field(**kwargs) for field, kwargs in zip(fields, calls, strict=True)] == expected
