"""A question shown only for one answer of a yes/no or one-choice question in the same section sits in
that option's GOV.UK conditional reveal (as the radios macro's ``conditional: {html}`` renders it), so
it shows only while that option is chosen, and always without JavaScript. A condition on an earlier
section's answer leaves the question where it was."""

from __future__ import annotations

import pytest

from grants.question_forms import conditional_reveals
from tests.form_definitions.builders import choice, question, section
from tests.question_forms.helpers import build, definition_of, page, render_section
from tests.visible_text import seen_text

QUESTIONS = [
    question("vulnerable", "yes_no", "Will you work with vulnerable people?"),
    question("dbs", "short_text", "Who checks DBS certificates?", show_if={"question": "vulnerable", "equals": "yes"}),
    question("why_not", "short_text", "Why not?", required=False, show_if={"question": "vulnerable", "equals": "no"}),
    choice("venue", "hall", "online", "other", label="Where will you meet?"),
    question("venue_name", "short_text", "Name the venue", show_if={"question": "venue", "equals": "other"}),
    question("venue_either", "short_text", "Venue notes", required=False,
             show_if={"question": "venue", "any_of": ["hall", "other"]}),
    question("summary", "short_text", "Anything else?", required=False),
]


@pytest.fixture
def definition():
    return definition_of(*QUESTIONS)


def _conditional(soup, controller: str, value: str):
    radio = soup.find("input", attrs={"name": controller, "value": value})
    assert radio is not None and radio.get("data-aria-controls"), (controller, value)
    return soup.find(id=radio["data-aria-controls"])


def test_the_reveals_of_a_section(definition):
    assert conditional_reveals(definition.sections[0]) == {
        "vulnerable": {"yes": ("dbs",), "no": ("why_not",)},
        "venue": {"other": ("venue_name",)},  # venue_either names two answers: on the page, as before
    }


def test_a_question_sits_in_its_options_reveal(definition, app):
    with app.test_request_context():
        soup = page(render_section(build(definition), definition))
    reveal = _conditional(soup, "vulnerable", "yes")
    assert "govuk-radios__conditional" in reveal["class"]
    assert "govuk-radios__conditional--hidden" in reveal["class"]  # nothing chosen yet: hidden (with JS)
    assert reveal.find("input", attrs={"name": "dbs"}) is not None
    assert _conditional(soup, "vulnerable", "no").find("input", attrs={"name": "why_not"}) is not None
    assert _conditional(soup, "venue", "other").find("input", attrs={"name": "venue_name"}) is not None
    assert soup.find("input", attrs={"name": "venue", "value": "hall"}).get("data-aria-controls") is None
    # Each question once, in the order the page reads: the reveal right after its option.
    assert [tag["name"] for tag in soup.select("input[type=text]")] == [
        "dbs", "why_not", "venue_name", "venue_either", "summary"]
    assert all(reveal.find(attrs={"name": "venue_either"}) is None
               for reveal in soup.select(".govuk-radios__conditional"))
    radios = soup.find("input", attrs={"name": "vulnerable"}).find_parent(class_="govuk-radios")
    assert "govuk-radios--inline" not in radios["class"]  # GOV.UK reveals only from stacked radios
    text = seen_text(str(soup))  # without JavaScript, everything is on the page
    assert "Who checks DBS certificates?" in text and "Name the venue" in text


def test_a_chosen_option_shows_its_reveal_and_an_error_inside_it(definition, app):
    form = build(definition, data={"vulnerable": "yes", "venue": "hall"})
    assert not form.validate()
    assert form.dbs.errors and not form.why_not.errors and not form.venue_name.errors
    with app.test_request_context():
        soup = page(render_section(form, definition))
    reveal = _conditional(soup, "vulnerable", "yes")
    assert "govuk-radios__conditional--hidden" not in reveal["class"]  # open: its option is chosen
    assert "govuk-radios__conditional--hidden" in _conditional(soup, "vulnerable", "no")["class"]
    error = reveal.find(class_="govuk-error-message")
    assert " ".join(error.get_text().split()) == "Error: Enter an answer to ‘Who checks DBS certificates?’"
    assert reveal.find(class_="govuk-form-group--error") is not None


def test_a_condition_on_an_earlier_section_keeps_the_question_on_the_page(app):
    definition = definition_of(
        section(question("vulnerable", "yes_no", "Will you work with vulnerable people?"), id="first", title="One"),
        section(question("dbs", "short_text", "Who checks DBS certificates?",
                         show_if={"question": "vulnerable", "equals": "yes"}), id="second", title="Two"),
    )
    assert conditional_reveals(definition.sections[1]) == {}
    with app.test_request_context():
        soup = page(render_section(build(definition, "second", answers={"vulnerable": "yes"}), definition, "second"))
    assert soup.find(class_="govuk-radios__conditional") is None
    assert soup.find("input", attrs={"name": "dbs"}) is not None
