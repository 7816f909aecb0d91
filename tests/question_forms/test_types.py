"""Each question type beyond the standard form's: valid and invalid answers, and the exact messages
people read (the definition's ``messages`` where given, otherwise the defaults in
grants/question_forms/messages.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from grants.question_forms import RoundContext, kept_answers
from tests.form_definitions.builders import choice, question
from tests.question_forms.helpers import ask, build, definition_of, words

# Text ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("keys", "typed", "message"), [
    ({}, "x" * 201, "Question must be 200 characters or fewer"),
    ({"name_for_errors": "Nickname", "limits": {"max_length": 10}}, "x" * 11,
     "Nickname must be 10 characters or fewer"),
    ({"limits": {"max_length": 10}, "messages": {"max_length": "Use 10 letters or fewer"}}, "x" * 11,
     "Use 10 letters or fewer"),
])
def test_short_text_over_its_length(keys, typed, message):
    assert ask(question(**keys), data={"q1": typed}) == (False, {"q1": [message]})
    limit = keys.get("limits", {}).get("max_length", 200)
    assert ask(question(**keys), data={"q1": "x" * limit}) == (True, {})


@pytest.mark.parametrize(("keys", "message"), [
    ({}, "Enter an answer to ‘Question’"),
    ({"name_for_errors": "Project name"}, "Enter project name"),
    ({"name_for_errors": "DBS number"}, "Enter DBS number"),
    ({"messages": {"required": "Enter your project's name"}}, "Enter your project's name"),
])
def test_a_required_answer_left_empty_or_spaces(keys, message):
    for typed in ("", "   "):
        assert ask(question(**keys), data={"q1": typed}) == (False, {"q1": [message]})


def test_an_optional_question_may_be_left_empty_and_says_so():
    assert ask(question(required=False), data={"q1": ""}) == (True, {})
    assert build(definition_of(question(required=False))).q1.label.text == "Question (optional)"


def test_long_text_over_its_word_limit():
    long_text = question(type="long_text", name_for_errors="Summary", limits={"max_words": 5})
    assert ask(long_text, data={"q1": words(5)}) == (True, {})
    assert ask(long_text, data={"q1": words(6)}) == (False, {"q1": ["Summary must be 5 words or fewer"]})
    custom = {**long_text, "messages": {"max_words": "Keep it to 5 words"}}
    assert ask(custom, data={"q1": "a\n\nb c\td e f"}) == (False, {"q1": ["Keep it to 5 words"]})


# Numbers -------------------------------------------------------------------------------------------------

STAFF = {"id": "staff", "type": "whole_number", "label": "How many staff?", "name_for_errors": "Staff"}


@pytest.mark.parametrize(("limits", "typed", "message"), [
    ({"min": 1, "max": 50}, "0", "Staff must be between 1 and 50"),
    ({"min": 1, "max": 50}, "51", "Staff must be between 1 and 50"),
    ({"min": 1}, "0", "Staff must be 1 or more"),
    ({"max": 5000}, "5,001", "Staff must be 5,000 or less"),
    ({}, "abc", "Staff must be a whole number, like 40"),
    ({}, "1.5", "Staff must be a whole number, like 40"),
    ({}, "-3", "Staff must be a whole number, like 40"),
    ({}, "1" * 13, "Staff must be a whole number less than 1,000,000,000,000"),
    ({}, "  ", "Enter staff"),
])
def test_whole_numbers_outside_their_range_or_unreadable(limits, typed, message):
    assert ask({**STAFF, "limits": limits}, data={"staff": typed}) == (False, {"staff": [message]})


@pytest.mark.parametrize("typed", ["1", "50", "0050", " 7 "])
def test_whole_numbers_within_their_range(typed):
    valid, errors = ask({**STAFF, "limits": {"min": 1, "max": 50}}, data={"staff": typed})
    assert (valid, errors) == (True, {})


def test_a_whole_number_kept_as_an_int_and_messages_from_the_definition():
    form = build(definition_of({**STAFF, "limits": {"min": 1}}), data={"staff": "1,200"})
    assert form.validate() and kept_answers(form) == {"staff": 1200}
    custom = {**STAFF, "limits": {"min": 1}, "messages": {"min": "You need at least one member of staff",
                                                            "invalid": "Enter the number of staff in digits"}}
    assert ask(custom, data={"staff": "0"})[1] == {"staff": ["You need at least one member of staff"]}
    assert ask(custom, data={"staff": "six"})[1] == {"staff": ["Enter the number of staff in digits"]}


GRANT = {"id": "grant", "type": "money", "label": "How much?", "name_for_errors": "Grant"}


@pytest.mark.parametrize(("limits", "typed", "message"), [
    ({"min": "0.01"}, "0", "Grant must be £0.01 or more"),
    ({"min": "100"}, "99.99", "Grant must be £100 or more"),
    ({"max": "round_max_award"}, "5000.01", "Grant must be £5,000 or less"),
    ({"min": "round_min_award"}, "999", "Grant must be £1,000 or more"),
    ({}, "lots", "Grant must be a number, like 12500"),
    ({}, "12.345", "Grant must not have more than 2 decimal places"),
])
def test_money_outside_its_limits_or_unreadable(limits, typed, message):
    assert ask({**GRANT, "limits": limits}, data={"grant": typed}) == (False, {"grant": [message]})


def test_money_within_its_limits_kept_in_pounds_and_pence():
    form = build(definition_of({**GRANT, "limits": {"min": "round_min_award", "max": "round_max_award"}}),
                 data={"grant": "£5,000"})
    assert form.validate() and kept_answers(form) == {"grant": Decimal("5000.00")}


def test_money_limited_by_an_award_the_round_does_not_give_is_refused_when_built():
    definition = definition_of({**GRANT, "limits": {"max": "round_max_award"}})
    with pytest.raises(ValueError, match="names round_max_award, but the round context gives no largest award"):
        build(definition, context=RoundContext())


SHARE = {"id": "share", "type": "percentage", "label": "What share?", "name_for_errors": "Share"}


@pytest.mark.parametrize(("limits", "typed", "message"), [
    ({}, "100.01", "Share must be 100% or less"),
    ({}, "-1", "Share must be 0% or more"),
    ({}, "1E1000", "Share must be 100% or less"),
    ({"min": "10", "max": "50.5"}, "9.99", "Share must be 10% or more"),
    ({"min": "10", "max": "50.5"}, "50.51", "Share must be 50.5% or less"),
    ({}, "12,5", "Share must be a number with a full stop for decimals, like 12.5"),
    ({}, "about half", "Share must be a number, like 12.5"),
    ({}, "NaN", "Share must be a number, like 12.5"),
    ({}, "12.345", "Share must not have more than 2 decimal places"),
    ({}, "", "Enter share"),
])
def test_percentages_outside_their_limits_or_unreadable(limits, typed, message):
    assert ask({**SHARE, "limits": limits}, data={"share": typed}) == (False, {"share": [message]})


@pytest.mark.parametrize(("typed", "kept"), [("12.5", Decimal("12.5")), ("12.5%", Decimal("12.5")),
                                             (" 0 ", Decimal("0")), ("100", Decimal("100"))])
def test_percentages_kept_as_typed(typed, kept):
    form = build(definition_of(SHARE), data={"share": typed})
    assert form.validate() and kept_answers(form) == {"share": kept}
    assert form.share._value() == typed  # shown back as typed


# Dates -------------------------------------------------------------------------------------------------

REVIEW = {"id": "review", "type": "date", "label": "When is the review?", "name_for_errors": "Review date",
          "limits": {"not_before": "2027-04-01", "not_after": "2028-03-31"}}


def _boxes(day: date | tuple[str, str, str]) -> list[tuple[str, str]]:
    parts = (str(day.day), str(day.month), str(day.year)) if isinstance(day, date) else day
    return [("review", part) for part in parts]


@pytest.mark.parametrize(("typed", "message"), [
    (date(2027, 3, 31), "Review date must be the same as or after 1 April 2027"),
    (date(2028, 4, 1), "Review date must be the same as or before 31 March 2028"),
    (("1", "", "2027"), "Review date must include a month"),
    (("30", "2", "2028"), "Review date must be a real date"),
])
def test_dates_outside_their_limits_or_not_real(typed, message):
    assert ask(REVIEW, data=_boxes(typed)) == (False, {"review": [message]})


@pytest.mark.parametrize("day", [date(2027, 4, 1), date(2028, 3, 31)])
def test_dates_on_their_limits(day):
    form = build(definition_of(REVIEW), data=_boxes(day))
    assert form.validate() and kept_answers(form) == {"review": day}


def test_date_messages_from_the_definition():
    custom = {**REVIEW, "messages": {"not_before": "The review must be in the grant year",
                                     "invalid": "Enter the review date as numbers, like 1 6 2027"}}
    assert ask(custom, data=_boxes(date(2027, 1, 1)))[1] == {"review": ["The review must be in the grant year"]}
    assert ask(custom, data=_boxes(("1", "", "2027")))[1] == {
        "review": ["Enter the review date as numbers, like 1 6 2027"]}


# Choices -----------------------------------------------------------------------------------------------

def test_one_choice_refuses_a_value_it_does_not_offer():
    colour = choice("colour", "red", "blue", label="Which colour?")
    assert ask(colour, data={"colour": "red"}) == (True, {})
    assert ask(colour, data={"colour": "green"}) == (False, {"colour": ["Select from the options shown"]})
    assert ask(colour, data={}) == (False, {"colour": ["Select an answer to ‘Which colour?’"]})
    named = {**colour, "name_for_errors": "Colour"}
    assert ask(named, data={}) == (False, {"colour": ["Select colour"]})


def test_yes_no_and_declarations_unanswered():
    assert ask(question("agree", "yes_no", "Do you agree?"), data={"agree": "maybe"}) == (
        False, {"agree": ["Select from the options shown"]})
    assert ask(question("agree", "yes_no", "Do you agree?", required=False), data={}) == (True, {})
    assert ask(question("sure", "declaration", "I am sure"), data={}) == (False, {"sure": ["Confirm ‘I am sure’"]})
    form = build(definition_of(question("sure", "declaration", "I am sure")), data={"sure": "y"})
    assert form.validate() and kept_answers(form) == {"sure": True}


COLOURS = choice("colours", "red", "blue", "green", "black", type="several_choices", label="Which colours?",
                 limits={"min_selected": 2, "max_selected": 3})


@pytest.mark.parametrize(("keys", "ticked", "message"), [
    ({}, ["red"], "Select at least 2 options"),
    ({}, ["red", "blue", "green", "black"], "Select no more than 3 options"),
    ({"name_for_errors": "Colours"}, ["red"], "Select at least 2 options for colours"),
    ({"messages": {"max_selected": "Choose up to 3 colours"}}, ["red", "blue", "green", "black"],
     "Choose up to 3 colours"),
    ({}, ["red", "purple"], "Select from the options shown"),
])
def test_several_choices_outside_their_counts(keys, ticked, message):
    data = [("colours", value) for value in ticked]
    assert ask({**COLOURS, **keys}, data=data) == (False, {"colours": [message]})


@pytest.mark.parametrize("ticked", [["red", "blue"], ["red", "blue", "green"]])
def test_several_choices_within_their_counts_kept_as_a_list(ticked):
    form = build(definition_of(COLOURS), data=[("colours", value) for value in ticked])
    assert form.validate() and kept_answers(form) == {"colours": ticked}


def test_an_optional_several_choices_left_empty_needs_no_minimum():
    assert ask({**COLOURS, "required": False}, data={}) == (True, {})


@pytest.mark.parametrize(("type_", "offered"), [
    ("plan_approaches", "prevention"), ("adder_strands", "recovery"), ("drug_outcomes", "reduce-crime"),
    ("areas_served", "E06000052"),
])
def test_structured_choices_offer_the_rounds_own(type_, offered):
    asked = question("chosen", type_, "Which?", limits={"min_selected": 1})
    assert ask(asked, data={"chosen": offered}) == (True, {})
    assert ask(asked, data={"chosen": "not-in-this-round"}) == (False, {"chosen": ["Select from the options shown"]})
    assert ask(asked, data={}) == (False, {"chosen": ["Select an answer to ‘Which?’"]})
