"""Every type of question a round's form can ask, in real Chromium with axe-core: the builder's page
describing them, the preview of a section that asks one of each, empty and with answers that are wrong,
at full width and at 375px without sideways scrolling."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from grants.demo.rounds import ROUNDS
from grants.form_definitions import Kind, dump, load, standard
from tests.browser.person import Person
from tests.browser.test_form_builder_journey import NoViolations

pytestmark = pytest.mark.browser

CLOSED_ROUND = ROUNDS[1][0]  # nobody applies to it while the other journeys run
EVERY_TYPE = [
    {"id": "x_short", "type": "short_text", "label": "Your project's nickname", "limits": {"max_length": 20}},
    {"id": "x_long", "type": "long_text", "label": "What happens in a week", "limits": {"max_words": 5},
     "guidance": "Say **when** and where.\n\n- Days\n- Places"},
    {"id": "x_number", "type": "whole_number", "label": "Sessions a week", "limits": {"min": 1, "max": 7}},
    {"id": "x_money", "type": "money", "label": "Your reserves"},
    {"id": "x_percentage", "type": "percentage", "label": "Share spent on staff"},
    {"id": "x_date", "type": "date", "label": "When your group was set up", "hint": "For example, 27 3 2019"},
    {"id": "x_yes_no", "type": "yes_no", "label": "Do you rent your venue?"},
    {"id": "x_landlord", "type": "short_text", "label": "Who is your landlord?",
     "show_if": {"question": "x_yes_no", "equals": "yes"}},
    {"id": "x_one", "type": "one_choice", "label": "How often do you meet?",
     "options": [{"value": "weekly", "label": "Weekly", "hint": "At least once a week"},
                 {"value": "monthly", "label": "Monthly"}]},
    {"id": "x_several", "type": "several_choices", "label": "Which days?", "limits": {"max_selected": 2},
     "options": [{"value": "fri", "label": "Friday"}, {"value": "sat", "label": "Saturday"},
                 {"value": "sun", "label": "Sunday"}]},
    {"id": "x_declaration", "type": "declaration", "label": "I have read the guidance"},
    {"id": "x_email", "type": "email", "label": "Email for the venue"},
    {"id": "x_phone", "type": "phone", "label": "Phone for the venue", "required": False},
    {"id": "x_address", "type": "uk_address", "label": "The venue's address"},
    {"id": "x_file", "type": "file", "label": "Your venue's risk assessment",
     "limits": {"file_types": ["pdf", "docx"], "max_mb": 5}},
]
WRONG = {"x_short": ["x" * 21], "x_long": ["one two three four five six"], "x_number": ["9"], "x_money": ["lots"],
         "x_percentage": ["120"], "x_date": ["31", "2", "2019"], "x_yes_no": ["yes"], "x_email": ["not an email"],
         "x_phone": ["12"], "x_address-postcode": ["NOT A POSTCODE"]}


def _every_type_form() -> dict:
    document = dump(standard(Kind.APPLICATION))
    document["sections"].append({"id": "every_type", "title": "A question of every type",
                                 "description": "Each kind of question a round's form can ask.",
                                 "questions": EVERY_TYPE})
    return dump(load(document))  # checked as an import would check it


@pytest.fixture
def every_type_round(served_db) -> int:
    """The closed demo round's id, given a newer form version with a question of every type."""
    with served_db.begin() as connection:
        round_id = connection.execute(text("SELECT id FROM funding_rounds WHERE name = :name"),
                                      {"name": CLOSED_ROUND}).scalar_one()
        newest = connection.execute(text("SELECT coalesce(max(version), 0) FROM round_forms "
                                         "WHERE round_id = :id AND kind = 'application'"), {"id": round_id}).scalar()
        connection.execute(text("INSERT INTO round_forms (round_id, kind, version, definition, created_at, reason) "
                                "VALUES (:id, 'application', :version, :definition, CURRENT_TIMESTAMP, :reason)"),
                           {"id": round_id, "version": newest + 1, "definition": json.dumps(_every_type_form()),
                            "reason": "Every question type, for the accessibility checks"})
    return round_id


def _preview(person: Person, round_id: int) -> None:
    person.goto(f"/rounds/{round_id}/forms/application/preview/every_type")
    assert person.heading() == "A question of every type"
    person.press("Check these answers")  # empty: every required question says so
    assert person.errors() == [
        "Enter an answer to ‘Your project's nickname’", "Enter an answer to ‘What happens in a week’",
        "Enter an answer to ‘Sessions a week’", "Enter an answer to ‘Your reserves’",
        "Enter an answer to ‘Share spent on staff’", "Enter an answer to ‘When your group was set up’",
        "Select an answer to ‘Do you rent your venue?’", "Select an answer to ‘How often do you meet?’",
        "Select an answer to ‘Which days?’", "Confirm ‘I have read the guidance’",
        "Enter an answer to ‘Email for the venue’", "Enter address line 1, typically the building and street",
        "Enter town or city", "Enter postcode", "Select a file"]
    person.fill(WRONG)
    person.press("Check these answers")
    # Each wrong answer in its own words; the landlord is asked now the venue is rented.
    assert person.errors() == [
        "Your project's nickname must be 20 characters or fewer", "What happens in a week must be 5 words or fewer",
        "Sessions a week must be between 1 and 7", "Your reserves must be a number, like 12500",
        "Share spent on staff must be 100% or less", "When your group was set up must be a real date",
        "Enter an answer to ‘Who is your landlord?’", "Select an answer to ‘How often do you meet?’",
        "Select an answer to ‘Which days?’", "Confirm ‘I have read the guidance’",
        "Enter an email address in the correct format, like name@example.com",
        "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
        "Enter address line 1, typically the building and street", "Enter town or city",
        "Enter a full UK postcode", "Select a file"]


def test_a_question_of_every_type_passes_axe(new_page, axe, every_type_round):
    officer = Person(new_page(), NoViolations(axe))
    officer.sign_in("officer@example.org")
    officer.goto(f"/rounds/{every_type_round}/forms/application/")
    assert "Your venue's risk assessment" in officer.text()
    _preview(officer, every_type_round)


def test_a_question_of_every_type_fits_a_phone(new_page, axe, every_type_round):
    width = 375
    page = new_page(viewport={"width": width, "height": 740}, is_mobile=True, has_touch=True)
    officer = Person(page, NoViolations(axe), quick=True)
    officer.sign_in("officer@example.org")
    _preview(officer, every_type_round)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_a_question_shown_by_an_earlier_answer_opens_in_its_options_reveal(new_page, axe, every_type_round):
    """The landlord is asked only of a group that rents its venue: in Chromium the question opens
    under "Yes" when it is chosen and closes again on "No" (GOV.UK's conditional reveal); a failed
    check shows its error with the reveal open."""
    officer = Person(new_page(), NoViolations(axe))
    officer.sign_in("officer@example.org")
    officer.goto(f"/rounds/{every_type_round}/forms/application/preview/every_type")
    page = officer.page
    landlord = page.get_by_label("Who is your landlord?")
    yes = page.locator("input[name=x_yes_no][value=yes]")
    assert yes.get_attribute("aria-expanded") == "false" and not landlord.is_visible()
    yes.check()
    assert yes.get_attribute("aria-expanded") == "true" and landlord.is_visible()
    axe.check(page)  # the open reveal too
    page.locator("input[name=x_yes_no][value=no]").check()
    assert yes.get_attribute("aria-expanded") == "false" and not landlord.is_visible()
    yes.check()
    officer.press("Check these answers")
    assert "Enter an answer to ‘Who is your landlord?’" in officer.errors()
    assert page.get_by_label("Who is your landlord?").is_visible()  # its error shown inside the open reveal
    assert page.locator(".govuk-radios__conditional #x_landlord-error").is_visible()


def test_without_javascript_the_revealed_question_is_on_the_page(new_page, axe, every_type_round):
    page = new_page(java_script_enabled=False)
    officer = Person(page, axe, audit=False)
    officer.sign_in("officer@example.org")
    officer.goto(f"/rounds/{every_type_round}/forms/application/preview/every_type")
    assert page.get_by_label("Who is your landlord?").is_visible()
