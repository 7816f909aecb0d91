"""Email addresses, UK phone numbers and UK addresses: valid and invalid answers, the exact messages,
and what is kept."""

from __future__ import annotations

import pytest

from grants.question_forms import kept_answers
from tests.form_definitions.builders import question
from tests.question_forms.helpers import ask, build, definition_of

EMAIL = question("email", "email", "Your email address")
EMAIL_MESSAGE = "Enter an email address in the correct format, like name@example.com"
PHONE = question("phone", "phone", "Your phone number")
PHONE_MESSAGE = "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"


@pytest.mark.parametrize("typed", ["name@example.com", "  first.last+grants@example.org.uk  "])
def test_an_email_address_is_kept_trimmed(typed):
    form = build(definition_of(EMAIL), data={"email": typed})
    assert form.validate() and kept_answers(form) == {"email": typed.strip()}


@pytest.mark.parametrize("typed", ["name@", "name.example.com", "name@example", "two@at@example.com"])
def test_an_email_address_not_in_the_right_format(typed):
    assert ask(EMAIL, data={"email": typed}) == (False, {"email": [EMAIL_MESSAGE]})
    custom = {**EMAIL, "messages": {"invalid": "Enter the email address you check most"}}
    assert ask(custom, data={"email": typed}) == (False, {"email": ["Enter the email address you check most"]})


def test_an_optional_email_address_may_be_left_empty():
    assert ask({**EMAIL, "required": False}, data={"email": " "}) == (True, {})
    assert ask(EMAIL, data={"email": " "}) == (False, {"email": ["Enter an answer to ‘Your email address’"]})


@pytest.mark.parametrize("typed", ["01632 960 001", "07700 900982", "+44 808 157 0192", "(01632) 960001",
                                   "+44 (0)20 7946 0000", "0044 20 7946 0000", "020-7946-0000"])
def test_uk_phone_numbers_as_people_write_them(typed):
    form = build(definition_of(PHONE), data={"phone": typed})
    assert form.validate(), form.errors
    assert kept_answers(form) == {"phone": typed}


@pytest.mark.parametrize("typed", ["12345", "+33 1 23 45 67 89", "ring me", "07700 900 98", "07700 900 9822 1",
                                   "00 7700 900982"])
def test_numbers_that_are_not_uk_phone_numbers(typed):
    assert ask(PHONE, data={"phone": typed}) == (False, {"phone": [PHONE_MESSAGE]})


def test_a_phone_message_from_the_definition():
    custom = {**PHONE, "messages": {"invalid": "Enter a UK phone number, like 01632 960 001"}}
    assert ask(custom, data={"phone": "12"}) == (False, {"phone": ["Enter a UK phone number, like 01632 960 001"]})


ADDRESS = question("home", "uk_address", "Where is your office?")
FULL = {"home-line_1": "1 Harbour Street", "home-line_2": "", "home-town": "Plymouth", "home-county": "",
        "home-postcode": "pl1 2ab"}


def test_an_address_is_kept_with_its_postcode_written_the_usual_way():
    form = build(definition_of(ADDRESS), data=FULL)
    assert form.validate()
    assert kept_answers(form) == {"home": {"line_1": "1 Harbour Street", "line_2": "", "town": "Plymouth",
                                           "county": "", "postcode": "PL1 2AB"}}


def test_an_empty_required_address_asks_for_each_part_it_needs():
    assert ask(ADDRESS, data={}) == (False, {
        "home-line_1": ["Enter address line 1, typically the building and street"],
        "home-town": ["Enter town or city"],
        "home-postcode": ["Enter postcode"],
    })
    custom = {**ADDRESS, "messages": {"required": "Enter your office's address"}}
    assert ask(custom, data={}) == (False, {"home-line_1": ["Enter your office's address"]})


def test_a_part_typed_asks_for_the_others():
    assert ask({**ADDRESS, "required": False}, data={"home-postcode": "PL1 2AB"}) == (False, {
        "home-line_1": ["Enter address line 1, typically the building and street"],
        "home-town": ["Enter town or city"],
    })


def test_an_optional_address_may_be_left_empty():
    form = build(definition_of({**ADDRESS, "required": False}), data={"home-line_1": "  "})
    assert form.validate() and kept_answers(form) == {"home": None}


@pytest.mark.parametrize("typed", ["PL1", "PL1 2A", "12345", "PL1 2ABC", "Q1 1AA"])
def test_a_postcode_that_is_not_a_full_uk_postcode(typed):
    assert ask(ADDRESS, data={**FULL, "home-postcode": typed}) == (
        False, {"home-postcode": ["Enter a full UK postcode"]})
    custom = {**ADDRESS, "messages": {"invalid": "Enter your office's postcode, like PL1 2AB"}}
    assert ask(custom, data={**FULL, "home-postcode": typed})[1] == {
        "home-postcode": ["Enter your office's postcode, like PL1 2AB"]}


def test_an_address_line_too_long():
    assert ask(ADDRESS, data={**FULL, "home-line_1": "x" * 101}) == (False, {
        "home-line_1": ["Address line 1 must be 100 characters or fewer"]})


@pytest.mark.parametrize("typed", ["016977 1234", "0800 123 456"])
def test_ten_digit_numbers_where_the_uk_has_them(typed):
    assert ask(PHONE, data={"phone": typed}) == (True, {})


@pytest.mark.parametrize("typed", ["SW1A 1AA", "m1 1ae", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A1BB"])
def test_real_postcode_forms(typed):
    assert ask(ADDRESS, data={**FULL, "home-postcode": typed}) == (True, {})
