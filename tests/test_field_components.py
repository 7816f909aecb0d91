"""GOV.UK text inputs, selects, date inputs, radios and checkboxes written in Python
(grants.field_components) give govukInput's, govukSelect's, govukDateInput's, govukRadios' and
govukCheckboxes' markup character for character, for the params govuk-frontend-wtf's widgets make and
the ones templates add (hints, errors, values, prefixes, classes, attributes, legends, option hints,
dividers, conditional reveals), escaping what they are given; what they do not cover is left to the
macro. And every text input, select, date, radios and checkboxes of a section form
(grants.question_forms) renders through them as it did through the GOV.UK macros."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import pytest
from flask import render_template_string
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from markupsafe import Markup
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from grants import field_components
from grants.field_components import (
    CharacterCount,
    Checkbox,
    Checkboxes,
    DateInput,
    GovDateBoxes,
    Radios,
    Select,
    TextInput,
    character_count,
    checkboxes,
    date_input,
    radios,
    select,
    text_input,
)
from grants.question_forms.fields import GovCheckboxesWithHints, GovRadiosWithHints, OneChoiceField, SeveralChoicesField
from tests.form_definitions.builders import question
from tests.question_forms.helpers import CONTEXT, build, definition_of, render_section

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


# Radios and checkboxes ----------------------------------------------------------------------------

YES_NO_ITEMS = [{"text": "Yes", "value": "yes"}, {"text": "No", "value": "no"}]
CHOICE_ITEMS: list[list[Any]] = [
    YES_NO_ITEMS,
    [{"text": "Yes", "value": "yes", "checked": True}, {"text": "No", "value": "no"}],
    [{"text": "Mean", "value": "mean", "hint": {"text": "The average\nof the totals"}},
     {"text": SCRIPT, "value": QUOTES, "checked": True, "hint": {"text": SCRIPT, "classes": QUOTES}},
     {"text": "Median", "value": "median", "hint": {"text": ""}}, {"text": "Mode", "value": "mode", "hint": None}],
    [{"text": "Red", "value": "red"}, None, {}, {"divider": "or"}, {"text": "None\nof these", "value": "none",
                                                                   "checked": 1}],
    [{"text": "On", "value": True}, {"text": "Off", "value": False, "checked": False}, {"text": 3, "value": 3},
     {"text": "", "value": None}, {"text": None, "value": ""}, {"value": "no-text"}, {"text": "No value"}],
    [{"text": "Own id", "value": "a", "id": "first-" + QUOTES, "label": {"classes": "govuk-label--s"}},
     {"text": "Off", "value": "b", "disabled": True, "attributes": {"data-x": QUOTES, "data-on": True}},
     {"text": "Plain", "value": "c", "label": {}, "attributes": None, "disabled": False, "id": ""}],
    [{"text": "Yes", "value": "yes", "conditional": {"html": Markup("\n  <p>Shown\n  when chosen</p>\n")}},
     {"text": "No", "value": "no", "checked": True, "conditional": {"html": "<b>raw</b>"}},
     {"text": "Maybe", "value": "maybe", "conditional": {"html": ""}},
     {"text": "Later", "value": "later", "checked": True, "conditional": {}}],
    [],
]
CHOICE_HINTS: list[dict[str, Any]] = [*HINTS, {"hint": {"text": ""}}, {"hint": {"text": None}}]
CHOICE_EXTRAS: list[dict[str, Any]] = [
    {},
    {"fieldset": {"legend": {"text": "How are totals combined?"}}},
    {"fieldset": {"legend": {"text": "How are totals combined?", "classes": "govuk-fieldset__legend--s"}}},
    {"fieldset": {"legend": {"text": SCRIPT + "\nsecond line", "classes": "govuk-fieldset__legend--l",
                             "isPageHeading": True}}},
    {"fieldset": {"legend": {"text": "Heading", "isPageHeading": False}, "classes": "opcc-fieldset"}},
    {"fieldset": {"legend": None}},
    {"fieldset": {"legend": {"text": ""}}, "classes": "govuk-radios--inline"},
    {"fieldset": None, "classes": "govuk-radios--small govuk-radios--inline"},
    {"fieldset": {"legend": {"text": "Small"}}, "classes": "govuk-checkboxes--small", "attributes": {"data-x": "1"}},
    {"fieldset": {"legend": {"text": "Grouped"}}, "formGroup": {"classes": "govuk-!-margin-bottom-0"},
     "attributes": None},
    {"idPrefix": "choose-" + QUOTES, "formGroup": {}},
    {"name": QUOTES, "idPrefix": ""},
]


@pytest.mark.parametrize("extra", CHOICE_EXTRAS)
@pytest.mark.parametrize("items", CHOICE_ITEMS)
def test_radios_are_govuk_radios(page, extra, items):
    for hint, error in itertools.product(CHOICE_HINTS, ERRORS):
        params = {"name": "pick", **hint, **error, "items": items, **extra}
        assert radios(params) == _govuk("radios", "govukRadios", params), params


@pytest.mark.parametrize("extra", [
    *CHOICE_EXTRAS,
    {"describedBy": "pick-help"},
    {"describedBy": "pick-help", "fieldset": {"legend": {"text": "Which?"}}},
    {"items": [{"text": "Tick", "value": "y", "name": "own-name", "hint": {"text": "Its hint"}},
               {"divider": "or"}, {"text": "None", "value": "none", "behaviour": "exclusive", "name": ""}]},
])
@pytest.mark.parametrize("items", CHOICE_ITEMS)
def test_checkboxes_are_govuk_checkboxes(page, extra, items):
    for hint, error in itertools.product(CHOICE_HINTS, ERRORS):
        params = {"name": "pick", **hint, **error, "items": items, **extra}
        assert checkboxes(params) == _govuk("checkboxes", "govukCheckboxes", params), params


def test_radios_escape_what_they_are_given(page):
    html = radios({"name": "pick", "hint": {"text": SCRIPT}, "errorMessage": {"text": SCRIPT},
                   "fieldset": {"legend": {"text": SCRIPT}},
                   "items": [{"text": SCRIPT, "value": SCRIPT, "hint": {"text": SCRIPT}}, {"divider": SCRIPT}]})
    assert html is not None and "<script>" not in html
    assert 'value="&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"' in html
    assert 'aria-describedby="pick-hint pick-error"' in html


NOT_COVERED_CHOICES: list[dict[str, Any]] = [
    {"value": "yes"},
    {"values": ["yes"]},
    {"id": "pick"},
    {"name": ""},
    {"items": None},
    {"hint": {"html": Markup("<b>Hint</b>")}},
    {"errorMessage": {"text": "Select one", "visuallyHiddenText": "Problem"}},
    {"fieldset": {"legend": {"html": Markup("<b>Which?</b>")}}},
    {"fieldset": {"legend": {"text": "Which?"}, "describedBy": "other"}},
    {"fieldset": {"legend": {"text": "Which?"}, "attributes": {"data-x": "1"}}},
    {"formGroup": {"beforeInputs": {"text": "Before"}}},
    {"formGroup": {"attributes": {"data-x": "1"}}},
    {"attributes": ' data-x="1"'},
    {"items": [{"html": Markup("<b>Yes</b>"), "value": "yes"}]},
    {"items": [{"text": "Yes", "value": "yes", "hint": {"html": Markup("<b>Hint</b>")}}]},
    {"items": [{"text": "Yes", "value": "yes", "label": {"attributes": {"data-x": "1"}}}]},
    {"items": [{"text": "Yes", "value": "yes", "conditional": {"html": "<p>x</p>", "text": "y"}}]},
    {"items": [{"text": "Yes", "value": "yes", "attributes": {"data-x": {"value": "1", "optional": True}}}]},
    {"items": [{"text": "Yes", "value": "yes", "unknown": 1}]},
]


@pytest.mark.parametrize("extra", NOT_COVERED_CHOICES)
def test_what_radios_and_checkboxes_do_not_cover_is_left_to_the_macro(page, extra):
    params = {"name": "pick", "hint": {"text": ""}, "items": YES_NO_ITEMS, **extra}
    assert radios(params) is None
    assert checkboxes(params) is None
    if params.get("items") is not None and params["name"]:
        assert Radios().render(params) == GovRadioInput().render(params)
        assert Checkboxes().render(params) == GovCheckboxesInput().render(params)
        assert Checkbox().render(params) == GovCheckboxInput().render(params)


def test_only_checkboxes_read_described_by(page):
    params = {"name": "pick", "items": YES_NO_ITEMS, "describedBy": "pick-help"}
    assert radios(params) is None
    assert checkboxes(params) == _govuk("checkboxes", "govukCheckboxes", params)


def _options(*pairs: tuple[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class _Choices(Form):
    aggregation = RadioField("How are totals combined?", choices=_options(("mean", "Mean"), ("median", SCRIPT)),
                             widget=Radios())
    inline = RadioField("Agree?", description="Pick one", choices=_options(("yes", "Yes"), ("no", "No")),
                        widget=Radios(), render_kw={"params": {"classes": "govuk-radios--inline"}})
    members = SelectMultipleField("Panel members", description=SCRIPT, choices=_options(("1", "Ann"), ("2", QUOTES)),
                                  widget=Checkboxes())
    sure = BooleanField("I confirm", description="You must", widget=Checkbox())
    hinted = OneChoiceField("Which kind?", choices=_options(("a", "A"), ("b", "B")), option_hints={"b": SCRIPT},
                            widget=GovRadiosWithHints())
    several = SeveralChoicesField("Which ones?", choices=_options(("a", "A"), ("b", "B")),
                                  option_hints={"a": "The first"}, widget=GovCheckboxesWithHints())


@pytest.mark.parametrize("name, value", [("aggregation", None), ("aggregation", "median"), ("inline", "no"),
                                         ("members", ["2"]), ("members", []), ("sure", True), ("sure", False),
                                         ("hinted", "b"), ("several", ["a", "b"])])
@pytest.mark.parametrize("errors", [[], ["Select one"], [SCRIPT, "Second"]])
@pytest.mark.parametrize("kwargs", [
    {},
    {"params": {"fieldset": {"legend": {"text": "Given by the template", "classes": "govuk-fieldset__legend--s"}},
                "hint": {"text": "Each member’s totals"}}},
])
def test_a_choice_field_renders_as_through_the_govuk_macro(page, monkeypatch, name, value, errors, kwargs):
    field = _Choices(data={name: value})[name]
    field.errors = errors
    expected = _with_python_choices_off(monkeypatch, lambda: field(**kwargs))
    _without_the_choice_macros(monkeypatch)
    assert field(**kwargs) == expected


@pytest.mark.parametrize("value", [None, "a", "b"])
@pytest.mark.parametrize("errors", [[], ["Select one"]])
def test_radios_with_reveals_render_as_through_the_govuk_macro(page, monkeypatch, value, errors):
    field = _Choices(data={"hinted": value})["hinted"]
    field.errors = errors
    reveals = {"b": Markup("\n  <p>Revealed\n  here</p>\n"), "a": ""}
    expected = _with_python_choices_off(monkeypatch, lambda: field(reveals=reveals))
    assert "govuk-radios__conditional" in expected
    _without_the_choice_macros(monkeypatch)
    assert field(reveals=reveals) == expected


def _with_python_choices_off(monkeypatch, render: Any) -> str:
    """``render()`` with radios, checkboxes and character counts written by the GOV.UK macros, as before
    field_components wrote them."""
    with monkeypatch.context() as patched:
        patched.setattr(field_components, "radios", lambda params: None)
        patched.setattr(field_components, "checkboxes", lambda params: None)
        patched.setattr(field_components, "character_count", lambda params: None)
        return render()


def _without_the_choice_macros(monkeypatch):
    """Rendering the GOV.UK radios, checkboxes or character count macro fails from here on."""
    monkeypatch.setattr(GovRadioInput, "render", _macro_fails)
    monkeypatch.setattr(GovCheckboxesInput, "render", _macro_fails)
    monkeypatch.setattr(GovCharacterCount, "render", _macro_fails)


# A section with every kind of radios and checkboxes a question form has, reveals included, and long
# answers.
CHOICE_QUESTIONS = [
    question("vulnerable", "yes_no", "Will you work with <vulnerable> people?", hint="As defined by the \"Act\""),
    question("dbs", "short_text", "Who checks DBS certificates?", show_if={"question": "vulnerable", "equals": "yes"}),
    question("kind", "one_choice", "Kind of project", options=[
        {"value": "new", "label": "New", "hint": "Not run before"},
        {"value": "existing", "label": SCRIPT}, {"value": "other", "label": "Other & more"}]),
    question("kind_other", "short_text", "What kind?", show_if={"question": "kind", "equals": "other"}),
    question("areas", "several_choices", "Areas", hint="Select all that apply", options=[
        {"value": "north", "label": "North", "hint": QUOTES}, {"value": "south", "label": "South"}]),
    question("inline", "yes_no", "Have you applied before?", required=False),
    question("sure", "declaration", "I confirm the <answers> are true"),
    question("summary", "long_text", "Summary", hint="In <your> own words", limits={"max_words": 100}),
    question("notes", "long_text", "Notes", required=False, limits={"max_words": 1}),
]
CHOICES_POSTED: list[list[tuple[str, str]]] = [
    [],
    [("vulnerable", "yes"), ("kind", "other"), ("areas", "north"), ("areas", "nowhere"), ("summary", SCRIPT),
     ("notes", QUOTES)],
    [("vulnerable", "no"), ("kind", "new"), ("inline", "yes"), ("sure", "y")],
]


@pytest.mark.parametrize("posted", CHOICES_POSTED, ids=["new", "posted with errors", "posted"])
def test_a_section_forms_choices_and_long_answers_render_as_through_the_govuk_macros(page, monkeypatch, posted):
    definition = definition_of(*CHOICE_QUESTIONS)
    form = build(definition, data=posted or None)
    if posted:
        form.validate()
    kinds = {type(field.widget) for field in form}
    assert {GovRadiosWithHints, GovCheckboxesWithHints, Checkbox, CharacterCount} <= kinds
    expected = _with_python_choices_off(monkeypatch, lambda: render_section(form, definition))
    assert expected.count('id="conditional-') == 2
    _without_the_choice_macros(monkeypatch)
    assert render_section(form, definition) == expected


# Character counts --------------------------------------------------------------------------------

# What govuk-frontend-wtf's GovCharacterCount gives for a long answer, before hint, error and value.
COUNT = {"id": "summary", "name": "summary", "label": {"text": "Summary of the project"}, "attributes": {}}
COUNT_VALUES: list[dict[str, Any]] = [{}, {"value": None}, {"value": ""}, {"value": "Two lines\nof text"},
                                      {"value": SCRIPT}, {"value": QUOTES}]
COUNT_EXTRAS: list[dict[str, Any]] = [
    {},
    {"maxwords": 250},
    {"maxwords": None, "attributes": {"required": "required"}},
    {"maxlength": 1000, "threshold": 75},
    {"maxwords": 1, "maxlength": 20, "rows": 8, "spellcheck": False},
    {"maxlength": 5, "spellcheck": True, "rows": 0},
    {"maxwords": 100, "classes": "govuk-!-width-two-thirds", "formGroup": {"classes": "govuk-!-margin-bottom-0"},
     "countMessage": {"classes": "opcc-count"}},
    {"maxwords": 100, "formGroup": {}, "countMessage": None, "spellcheck": None},
    {"maxwords": 100, "label": {"text": "Reason", "classes": "govuk-label--s"}},
    {"maxwords": 100, "label": {"text": SCRIPT + "\nsecond line", "isPageHeading": True, "classes": "govuk-label--l"}},
    {"maxwords": 100, "label": {"text": ""}},
    {"maxwords": 100, "attributes": {"data-x": QUOTES, "data-on": True}},
    {"maxwords": 100, "id": None, "name": "reason"},
    {"maxwords": 100, "id": "summary-" + QUOTES, "name": QUOTES},
]


@pytest.mark.parametrize("extra", COUNT_EXTRAS)
def test_a_character_count_is_govuk_character_count(page, extra):
    for hint, error, value in itertools.product(HINTS, ERRORS, COUNT_VALUES):
        params = {**COUNT, **hint, **error, **value, **extra}
        assert character_count(params) == _govuk("character-count", "govukCharacterCount", params), params


@pytest.mark.parametrize("extra", [
    {"maxwords": 0},
    {"maxwords": "250"},
    {"maxlength": True},
    {"threshold": 7.5},
    {"textareaDescriptionText": "Up to %{count} words"},
    {"charactersUnderLimitText": {"one": "%{count} left", "other": "%{count} left"}},
    {"wordsAtLimitText": "No words left"},
    {"label": {"html": Markup("<b>Summary</b>")}},
    {"hint": {"html": Markup("<b>Hint</b>")}},
    {"formGroup": {"afterInput": {"text": "After"}}},
    {"formGroup": {"beforeInput": {"text": "Before"}}},
    {"countMessage": {"attributes": {"data-x": "1"}}},
    {"attributes": ' data-x="1"'},
    {"id": None, "name": None},
])
def test_what_a_character_count_does_not_cover_is_left_to_the_macro(page, extra):
    params = {**COUNT, "maxwords": 250, **extra}
    assert character_count(params) is None
    if params["name"]:
        assert CharacterCount().render(params) == GovCharacterCount().render(params)


class _LongAnswers(Form):
    summary = TextAreaField("Summary", description="In your own words", validators=[InputRequired()],
                            widget=CharacterCount(), render_kw={"params": {"maxwords": 250}})
    reason = TextAreaField("Reason", widget=CharacterCount())


@pytest.mark.parametrize("name, value", [("summary", SCRIPT), ("summary", ""), ("reason", QUOTES)])
@pytest.mark.parametrize("errors", [[], ["Enter a summary"], [SCRIPT, "Second"]])
@pytest.mark.parametrize("params", [{}, {"label": {"classes": "govuk-label--s"}, "rows": 3}])
def test_a_long_answer_renders_as_through_govuk_frontend_wtf(page, monkeypatch, name, value, errors, params):
    field = _LongAnswers(data={name: value})[name]
    field.errors = errors
    widget = field.widget
    field.widget = GovCharacterCount()
    expected = field(params=params)
    field.widget = widget
    monkeypatch.setattr(GovCharacterCount, "render", _macro_fails)
    assert field(params=params) == expected


def _macro_fails(self: Any, params: dict[str, Any]) -> str:
    raise AssertionError(f"fell back to the macro for {params}")
