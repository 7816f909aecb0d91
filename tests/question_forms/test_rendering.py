"""Each question type renders as its GOV.UK component through the section template's macro
(grants/templates/applications/_fields.html), and whatever a definition or a round says (labels, hints,
options, the round's choices, messages that name the question) is escaped."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grants.question_forms import RoundContext
from tests.form_definitions.builders import choice, question, section
from tests.question_forms.helpers import build, definition_of, page, render_section
from tests.visible_text import problems

EVERY_TYPE = [
    question("name", "short_text", "Project name"),
    question("summary", "long_text", "Summary", limits={"max_words": 150}),
    question("staff", "whole_number", "Staff"),
    question("people", "people_reached", "People"),
    question("grant", "money", "Grant"),
    question("share", "percentage", "Share"),
    question("starts", "date", "Start"),
    question("agree", "yes_no", "Do you agree?"),
    {**choice("colour", "red", "blue"), "label": "Colour",
     "options": [{"value": "red", "label": "Red", "hint": "Like a post box"}, {"value": "blue", "label": "Blue"}]},
    {**choice("colours", "red", "blue", type="several_choices"), "label": "Colours",
     "options": [{"value": "red", "label": "Red"}, {"value": "blue", "label": "Blue", "hint": "Like the sea"}]},
    question("sure", "declaration", "I am sure"),
    question("email", "email", "Email address"),
    question("phone", "phone", "Phone number", required=False),
    question("office", "uk_address", "Office address", hint="Where we can write to you"),
    question("policy", "file", "Policy", limits={"file_types": ["pdf", "docx"]}),
    question("areas", "areas_served", "Areas"),
]


@pytest.fixture
def rendered():
    definition = definition_of(*EVERY_TYPE)
    return page(render_section(build(definition), definition))


def _group(soup, name):
    """The GOV.UK form group that holds the input(s) named ``name``."""
    found = soup.find(attrs={"name": name})
    assert found is not None, name
    return found.find_parent(class_="govuk-form-group")


def test_text_and_numbers(rendered):
    assert rendered.find("input", attrs={"name": "name"})["class"] == ["govuk-input"]
    count = rendered.find(class_="govuk-character-count")
    assert count["data-maxwords"] == "150" and count.find("textarea", attrs={"name": "summary"}) is not None
    assert rendered.find("input", attrs={"name": "staff"})["inputmode"] == "numeric"
    assert "govuk-input--width-5" in rendered.find("input", attrs={"name": "people"})["class"]
    assert _group(rendered, "grant").find(class_="govuk-input__prefix").get_text(strip=True) == "£"
    assert _group(rendered, "share").find(class_="govuk-input__suffix").get_text(strip=True) == "%"


def test_dates_and_choices(rendered):
    boxes = rendered.find(class_="govuk-date-input").find_all("input")
    assert [(box["name"], box["id"]) for box in boxes] == [("starts", "starts-day"), ("starts", "starts-month"),
                                                           ("starts", "starts-year")]
    assert "govuk-radios--inline" in _group(rendered, "agree").find(class_="govuk-radios")["class"]
    colour = _group(rendered, "colour")
    assert [radio["value"] for radio in colour.find_all("input", type="radio")] == ["red", "blue"]
    assert colour.find(class_="govuk-radios__hint").get_text(strip=True) == "Like a post box"
    colours = _group(rendered, "colours")
    assert [box["value"] for box in colours.find_all("input", type="checkbox")] == ["red", "blue"]
    assert colours.find(class_="govuk-checkboxes__hint").get_text(strip=True) == "Like the sea"
    assert [box.find_next("label").get_text(strip=True) for box in _group(rendered, "areas").find_all("input")] == [
        "Plymouth", "Cornwall"]
    declaration = rendered.find_all("input", attrs={"name": "sure"})
    assert [(box["type"], box["value"]) for box in declaration] == [("checkbox", "y")]


def test_contact_details_and_files(rendered):
    email = rendered.find("input", attrs={"name": "email"})
    assert (email["type"], email["autocomplete"], email["spellcheck"]) == ("email", "email", "false")
    assert rendered.find("input", attrs={"name": "phone"})["type"] == "tel"
    assert rendered.find("label", attrs={"for": "phone"}).get_text(strip=True) == "Phone number (optional)"
    office = rendered.find("fieldset", attrs={"aria-describedby": "office-hint"})
    assert office.legend.get_text(strip=True) == "Office address"
    assert office.find(id="office-hint").get_text(strip=True) == "Where we can write to you"
    assert [(box["name"], box.find_previous("label").get_text(strip=True)) for box in office.find_all("input")] == [
        ("office-line_1", "Address line 1"), ("office-line_2", "Address line 2 (optional)"),
        ("office-town", "Town or city"), ("office-county", "County (optional)"), ("office-postcode", "Postcode")]
    policy = rendered.find("input", attrs={"name": "policy"})
    assert (policy["type"], policy["accept"], policy["class"]) == ("file", ".pdf,.docx", ["govuk-file-upload"])


def test_rows_render_as_todays_repeating_rows():
    rows = question("lines", "budget_lines", "What the grant pays for", hint="Leave spare rows empty")
    roles = [question("title", "short_text", "Project name", role="project_title"),
             question("amount", "money", "How much?", role="amount_requested"),
             question("start", "date", "Start", role="project_start"),
             question("end", "date", "End", role="project_end")]
    definition = definition_of(section(*roles, rows, id="budget"), kind="application")
    soup = page(render_section(build(definition), definition))
    fieldset = soup.find("fieldset", id="lines")
    assert fieldset.legend.get_text(strip=True) == "What the grant pays for"
    assert fieldset.find("p", class_="govuk-hint").get_text(strip=True) == "Leave spare rows empty"
    legends = [legend.get_text(strip=True) for legend in fieldset.find_all("legend")[1:]]
    assert legends == ["Budget line 1", "Budget line 2", "Budget line 3", "Budget line 4"]
    assert [tag["name"] for tag in fieldset.find_all(["select", "input"])][:3] == [
        "lines-0-category", "lines-0-description", "lines-0-amount"]
    button = fieldset.find("button", attrs={"name": "action-add-lines"})
    assert button.get_text(strip=True) == "Add another budget line"


def test_errors_are_shown_on_their_fields(rendered):
    definition = definition_of(*EVERY_TYPE)
    form = build(definition, data={"grant": "lots", "office-postcode": "nowhere"})
    form.validate()
    soup = page(render_section(form, definition))
    assert _group(soup, "grant").find(class_="govuk-error-message").get_text(" ", strip=True) == (
        "Error: Grant must be a number, like 12500")
    assert _group(soup, "office-postcode").find(class_="govuk-error-message").get_text(" ", strip=True) == (
        "Error: Enter a full UK postcode")


SCRIPT = "<script>alert('x')</script>"


def test_labels_hints_options_and_round_choices_are_escaped():
    attack = f'"><img src=x onerror=alert(1)>{SCRIPT}'
    hostile = [
        {**question("name", "short_text", f"Name {SCRIPT}", hint=f"Hint {SCRIPT}")},
        question("summary", "long_text", f"Summary {SCRIPT}", hint=SCRIPT, limits={"max_words": 10}),
        question("starts", "date", f"Start {SCRIPT}", hint=SCRIPT),
        question("grant", "money", f"Grant {SCRIPT}", hint=SCRIPT),
        {**choice("colour", "red", "blue"), "label": f"Colour {SCRIPT}", "hint": SCRIPT,
         "options": [{"value": attack, "label": f"Red {SCRIPT}", "hint": SCRIPT}, {"value": "blue", "label": "Blue"}]},
        {**choice("colours", "red", "blue", type="several_choices"), "label": f"Colours {SCRIPT}",
         "options": [{"value": "red", "label": SCRIPT, "hint": SCRIPT}, {"value": attack, "label": "Blue"}]},
        question("sure", "declaration", f"I am sure {SCRIPT}", hint=SCRIPT),
        question("office", "uk_address", f"Office {SCRIPT}", hint=SCRIPT),
        question("policy", "file", f"Policy {SCRIPT}", hint=SCRIPT),
        question("areas", "areas_served", f"Areas {SCRIPT}", hint=SCRIPT),
        question("agree", "yes_no", f"Agree {SCRIPT}", required=False),
    ]
    definition = definition_of(*hostile)
    context = RoundContext(min_award=Decimal(1), max_award=Decimal(2),
                           local_authorities=((attack, f"Plymouth {SCRIPT}"),))
    for data in (None, {"grant": SCRIPT, "colour": attack}):  # as first shown, and with errors naming the questions
        form = build(definition, data=data, context=context)
        if data is not None:
            assert not form.validate()
            assert form.name.errors == [f"Enter an answer to ‘Name {SCRIPT}’"]
        html = render_section(form, definition)
        assert "<script" not in html and "<img" not in html
        assert html.count("&lt;script&gt;") >= 20
        soup = page(html)
        assert soup.find("label", attrs={"for": "name"}).get_text(strip=True) == f"Name {SCRIPT}"
        assert soup.find("input", attrs={"value": attack}) is not None  # the value is kept, as text


def test_nothing_shown_that_should_not_be(rendered):
    assert problems(str(rendered), ()) == []
