"""The app's hand-written GOV.UK components (grants/templates/macros/components.html) give the markup of
govuk-frontend-jinja's macros and govuk-frontend-wtf's widgets character for character, for every
parameter they take, and escape what they are given."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import render_template_string
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from markupsafe import Markup
from wtforms import Form, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"


def _render(source: str, **context) -> str:
    return render_template_string('{% from "macros/components.html" import tag, text_input, select, summary_list %}'
                                  + source, **context)


def _govuk(component: str, macro: str, params) -> str:
    source = f'{{% from "govuk_frontend_jinja/components/{component}/macro.html" import {macro} %}}'
    return render_template_string(source + f"{{{{ {macro}(params) }}}}", params=params)


@pytest.fixture
def page(app):
    with app.test_request_context("/"):
        yield


# Tags ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, classes", [("Submitted", "govuk-tag--green"), ("Draft", ""), ("Draft", None),
                                           (SCRIPT, "govuk-tag--red")])
def test_a_tag_is_govuk_tag(page, text, classes):
    assert _render("{{ tag(text, classes) }}", text=text, classes=classes) == _govuk(
        "tag", "govukTag", {"text": text, "classes": classes})


def test_a_tag_escapes_its_text(page):
    html = _render("{{ tag(text, 'govuk-tag--red') }}", text=SCRIPT)
    assert html == f'<strong class="govuk-tag govuk-tag--red">\n  {ESCAPED}\n</strong>\n'
    assert "<script>" not in html


# Inputs and selects -------------------------------------------------------------------------------

class _Fields(Form):
    amount = StringField("Minimum spend for Devon", widget=GovTextInput())
    hinted = StringField("Quality threshold", description="The lowest score\nthat can be funded", widget=GovTextInput())
    needed = StringField("Your name", validators=[InputRequired()], widget=GovTextInput())
    status = SelectField("Status", choices=[SelectChoice("", "Any status"), SelectChoice("submitted", "Submitted"),
                                           SelectChoice(SCRIPT, SCRIPT)],
                         widget=GovSelect())
    needed_choice = SelectField("Sort by", choices=[SelectChoice("a", "A"), SelectChoice("b", "B")],
                                description="Hint <b>",
                                validators=[InputRequired()], widget=GovSelect())


def _fields(data: dict, errors: dict | None = None) -> _Fields:
    form = _Fields(data=data)
    for name, messages in (errors or {}).items():
        form[name].errors = messages
    return form


INPUT_PARAMS = [
    ({}, {}),
    ({"classes": "govuk-input--width-10", "prefix": "£", "inputmode": "decimal", "spellcheck": False,
      "label_classes": "govuk-visually-hidden", "group_classes": "govuk-!-margin-bottom-0"},
     {"classes": "govuk-input--width-10", "prefix": {"text": "£"}, "inputmode": "decimal", "spellcheck": False,
      "label": {"classes": "govuk-visually-hidden"}, "formGroup": {"classes": "govuk-!-margin-bottom-0"}}),
    ({"classes": "govuk-input--width-3", "inputmode": "numeric", "spellcheck": True, "type": "search"},
     {"classes": "govuk-input--width-3", "inputmode": "numeric", "spellcheck": True, "type": "search"}),
]


@pytest.mark.parametrize("name", ["amount", "hinted", "needed"])
@pytest.mark.parametrize("value", ["", "9300.00", SCRIPT])
@pytest.mark.parametrize("errors", [[], ["Enter an amount", SCRIPT], [SCRIPT]])
@pytest.mark.parametrize("ours, theirs", INPUT_PARAMS)
def test_a_text_input_is_the_widget(page, name, value, errors, ours, theirs):
    field = _fields({name: value}, {name: errors})[name]
    assert _render("{{ text_input(field, **ours) }}", field=field, ours=ours) == field(params=theirs)


def test_a_text_input_escapes_its_value_and_error(page):
    field = _fields({"amount": SCRIPT}, {"amount": [SCRIPT]})["amount"]
    html = _render("{{ text_input(field, prefix='£') }}", field=field)
    assert f'value="{ESCAPED}"' in html
    assert f'<span class="govuk-visually-hidden">Error:</span> {ESCAPED}' in html
    assert "<script>" not in html
    assert 'aria-describedby="amount-error"' in html and "govuk-input--error" in html
    assert '<div class="govuk-input__prefix" aria-hidden="true">£</div>' in html


@pytest.mark.parametrize("name", ["status", "needed_choice"])
@pytest.mark.parametrize("value", ["", "submitted", "b", SCRIPT])
@pytest.mark.parametrize("errors", [[], ["Select a status"], [SCRIPT]])
def test_a_select_is_the_widget(page, name, value, errors):
    field = _fields({name: value}, {name: errors})[name]
    assert _render("{{ select(field) }}", field=field) == field()


def test_a_select_marks_the_chosen_option_and_escapes_the_others(page):
    html = _render("{{ select(field) }}", field=_fields({"status": "submitted"})["status"])
    assert '<option value="submitted" selected>Submitted</option>' in html
    assert '<option value="" >' not in html and '<option value="">Any status</option>' in html
    assert f'<option value="{ESCAPED}">{ESCAPED}</option>' in html


# Summary lists ------------------------------------------------------------------------------------

ROWS = [
    {"key": {"text": "Reference"}, "value": {"text": "CGS-2026-0001"}},
    {"key": {"text": SCRIPT}, "value": {"text": SCRIPT}},
    {"key": {"text": "Answer"}, "value": {"html": Markup("First line<br>\nsecond line")}},
    {"key": {"html": Markup("<b>Bold</b>\nkey")}, "value": {"text": ""}},
    {"key": {"text": "Address"}, "value": {"text": "1 High Street\n\nTruro <TR1>"}},
    {"key": {"text": "Amount"}, "value": {"text": Decimal("5000.00")}},
    {"key": {"text": "Nothing"}, "value": {"text": None}},
    {"key": {"text": "Missing"}, "value": {}},
    {"key": {"text": Markup("<abbr>VAT</abbr>\nnumber")}, "value": {"html": "", "text": 3}},
]

SUMMARY_PARAMS = [
    {"rows": ROWS},
    {"rows": []},
    {"rows": [ROWS[0], None, ROWS[1]]},
    {"card": {"title": {"text": "Your project"}}, "rows": ROWS},
    {"card": {"title": {"text": SCRIPT, "headingLevel": 3}, "actions": None}, "rows": ROWS[:1]},
    {"card": {"title": {"text": "Budget"}, "actions": {"items": [
        {"href": "/applications/1/budget", "text": "Change", "visuallyHiddenText": "budget"}]}}, "rows": ROWS},
    {"card": {"title": {"text": "Budget"}, "actions": {"items": [{"href": "/x?a=1&b=2", "text": "Change"}]}},
     "rows": ROWS[1:]},
    {"card": {"title": {"text": "Empty", "headingLevel": 4}, "actions": {"items": []}}, "rows": [ROWS[2], ROWS[8]]},
]


@pytest.mark.parametrize("params", SUMMARY_PARAMS)
def test_a_summary_list_is_govuk_summary_list(page, params):
    assert _render("{{ summary_list(params) }}", params=params) == _govuk("summary-list", "govukSummaryList", params)


def test_a_summary_list_escapes_text_and_keeps_html(page):
    html = _render("{{ summary_list(params) }}", params={"card": {"title": {"text": SCRIPT}}, "rows": ROWS})
    assert "<script>" not in html
    assert f'<h2 class="govuk-summary-card__title">\n      {ESCAPED}\n    </h2>' in html
    assert "First line<br>\n          second line" in html
