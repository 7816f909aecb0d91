"""Budget lines, milestones and outcomes as repeating rows, and the checks between answers that the
roles bring, wherever a definition places the questions: budget lines add up to the amount asked for,
the amount (and all the funding) is no more than the cost, the project ends after it starts and
within the round's longest project, milestones fall within the project's dates. An earlier section's
answers come as kept (a ``date`` or ISO text, a Decimal or its text)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from grants.question_forms import RoundContext, kept_answers, list_nouns
from tests.form_definitions.builders import question, section
from tests.question_forms.helpers import CONTEXT, build, definition_of, errors_by_name

TITLE = question("title", "short_text", "Project name", role="project_title")
AMOUNT = question("amount", "money", "How much are you asking for?", role="amount_requested",
                  name_for_errors="The amount you are asking for")
COST = question("cost", "money", "What will it cost?", role="project_cost", name_for_errors="Total cost")
START = question("start", "date", "When will it start?", role="project_start", name_for_errors="Start date")
END = question("end", "date", "When will it end?", role="project_end", name_for_errors="End date")
LINES = question("lines", "budget_lines", "Budget lines", limits={"min_rows": 1, "max_rows": 5})
MILESTONES = question("milestones", "milestones", "Milestones", limits={"min_rows": 1, "max_rows": 12})

LINE = {"lines-0-category": "staff", "lines-0-description": "Project worker", "lines-0-amount": "2000"}
DATES = {"start": "2027-04-01", "end": date(2028, 3, 31)}


def application(*sections: dict[str, Any]):
    return definition_of(*sections, kind="application")


def check(definition, section_id: str, data: Any, answers: dict[str, object] | None = None,
          context: RoundContext = CONTEXT) -> dict[str, list[str]]:
    form = build(definition, section_id, data=data, answers=answers, context=context)
    form.validate()
    return errors_by_name(form)


def _boxes(name: str, day: date) -> list[tuple[str, str]]:
    return [(name, str(part)) for part in (day.day, day.month, day.year)]


# Budget lines and the amount asked for -------------------------------------------------------------

def test_budget_lines_add_up_to_an_amount_asked_for_in_an_earlier_section():
    definition = application(section(TITLE, AMOUNT, START, END, id="project"), section(LINES, id="budget"))
    message = "The amount you are asking for (£3,000.00) must equal the total of your budget lines (£2,000.00)"
    assert check(definition, "budget", LINE, answers={"amount": Decimal("3000")}) == {"lines": [message]}
    assert check(definition, "budget", LINE, answers={"amount": "2000.00"}) == {}
    assert check(definition, "budget", LINE, answers={}) == {}  # nothing to add up to yet


def test_an_amount_asked_for_after_the_budget_adds_up_to_the_lines_kept():
    definition = application(section(TITLE, LINES, id="budget"), section(AMOUNT, START, END, id="asked"))
    lines = [{"category": "staff", "description": "Project worker", "amount": "1500.50"},
             {"category": "venue", "description": "Hall", "amount": Decimal("500")}]
    asked = [("amount", "2000"), *_boxes("start", date(2027, 4, 1)), *_boxes("end", date(2028, 3, 31))]
    assert check(definition, "asked", asked, answers={"lines": lines}) == {"amount": [
        "The amount you are asking for (£2,000.00) must equal the total of your budget lines (£2,000.50)"]}
    assert check(definition, "asked", [("amount", "2000.50"), *asked[1:]], answers={"lines": lines}) == {}


def test_the_amount_asked_for_is_no_more_than_the_cost_asked_for_later():
    definition = application(section(TITLE, AMOUNT, START, END, id="project"), section(COST, id="costs"))
    assert check(definition, "costs", {"cost": "2999.99"}, answers={"amount": "3000"}) == {
        "cost": ["The amount you are asking for must not be more than the total cost of your project"]}
    assert check(definition, "costs", {"cost": "3000"}, answers={"amount": "3000"}) == {}


OTHER = question("other", "money", "How much are other funders giving?", role="other_funding", required=False)
OWN = question("own", "money", "How much are you putting in?", role="match_funding", required=False)
ABOVE_COST = "Your funding from us, other funders and your organisation adds up to more than the total project cost"


def _project(**answers: str) -> list[tuple[str, str]]:
    """The project section's answers as posted: a title and dates, and ``answers``."""
    return [("title", "Recovery café"), *_boxes("start", date(2027, 4, 1)), *_boxes("end", date(2028, 3, 31)),
            *answers.items()]


@pytest.mark.parametrize(("answers", "errors"), [
    ({"amount": "3000", "cost": "5000", "other": "1000", "own": "1000"}, {}),
    ({"amount": "3000", "cost": "4999.99", "other": "1000", "own": "1000"}, {"cost": [ABOVE_COST]}),
    ({"amount": "3000", "cost": "3999.99", "other": "1000"}, {"cost": [ABOVE_COST]}),
    ({"amount": "3000", "cost": "3999.99", "own": "1000"}, {"cost": [ABOVE_COST]}),
    ({"amount": "3000", "cost": "4000", "own": "1000"}, {}),
    ({"amount": "3000", "cost": "3000"}, {}),
    # only the first of the cost's problems
    ({"amount": "3000", "cost": "2999.99", "other": "1000"}, {
        "cost": ["The amount you are asking for must not be more than the total cost of your project"]}),
    # nothing to compare until the amount asked for is answered (it is asked for)
    ({"cost": "1", "other": "1000", "own": "1000"}, {"amount": ["Enter the amount you are asking for"]}),
])
def test_all_the_funding_is_no_more_than_the_cost(answers, errors):
    definition = application(section(TITLE, AMOUNT, START, END, COST, OTHER, OWN, id="project"))
    assert check(definition, "project", _project(**answers)) == errors


def test_all_the_funding_is_no_more_than_a_cost_asked_in_another_section():
    definition = application(section(TITLE, AMOUNT, START, END, OTHER, id="project"), section(COST, OWN, id="costs"))
    kept = {"amount": "3000", "other": "1000.50"}
    assert check(definition, "costs", {"cost": "4500", "own": "500"}, answers=kept) == {"cost": [ABOVE_COST]}
    assert check(definition, "costs", {"cost": "4500.50", "own": "500"}, answers=kept) == {}
    assert check(definition, "costs", {"cost": "4000"}, answers={"amount": Decimal("3000")}) == {}


def test_funding_hidden_by_a_condition_is_not_counted():
    has_other = question("has_other", "yes_no", "Do other funders give money?")
    shown_other = {**OTHER, "show_if": {"question": "has_other", "equals": "yes"}}
    definition = application(section(TITLE, AMOUNT, START, END, has_other, shown_other, COST, id="project"))
    answers = {"amount": "3000", "other": "1000", "cost": "3500"}
    assert check(definition, "project", _project(**answers, has_other="no")) == {}
    assert check(definition, "project", _project(**answers, has_other="yes")) == {"cost": [ABOVE_COST]}


def test_a_form_without_the_other_funding_compares_only_the_amount():
    definition = application(section(TITLE, AMOUNT, START, END, COST, question("other", "money", "Other?"),
                                      id="project"))
    assert check(definition, "project", _project(amount="3000", cost="3000", other="1000")) == {}


def test_each_typed_budget_line_is_complete():
    definition = application(section(TITLE, AMOUNT, START, END, LINES, id="project"))
    errors = check(definition, "project", {**LINE, "lines-1-amount": "-5", "lines-2-description": "Leaflets"})
    assert {name: messages for name, messages in errors.items() if name.startswith("lines")} == {
        "lines-1-category": ["Select a category"], "lines-1-description": ["Enter what the money pays for"],
        "lines-1-amount": ["Amount must be more than £0"],
        "lines-2-category": ["Select a category"], "lines-2-amount": ["Enter the amount"],
        "lines": ["Check your budget lines"],
    }


def test_budget_lines_are_kept_as_typed_rows_named_like_todays():
    definition = application(section(TITLE, AMOUNT, START, END, LINES, id="project"))
    form = build(definition, "project", data={**LINE, "lines-1-category": "venue", "lines-1-description": "Hall",
                                              "lines-1-amount": "£1,000"})
    assert [sub.name for sub in form.lines.entries[0].form] == ["lines-0-category", "lines-0-description",
                                                                "lines-0-amount"]
    assert kept_answers(form)["lines"] == [
        {"category": "staff", "description": "Project worker", "amount": Decimal("2000.00")},
        {"category": "venue", "description": "Hall", "amount": Decimal("1000.00")},
    ]


# Rows: how many -----------------------------------------------------------------------------------------

def test_a_new_page_shows_todays_blank_rows_up_to_the_most_allowed():
    few = question("steps", "milestones", "Steps", limits={"max_rows": 2})
    definition = application(section(TITLE, AMOUNT, START, END, LINES, MILESTONES,
                                      question("outcomes", "outcome_measures", "Outcomes"), id="project"),
                             section(few, id="few"))
    form = build(definition, "project")
    assert [len(form[name].entries) for name in ("lines", "milestones", "outcomes")] == [4, 3, 3]
    assert len(build(definition, "few").steps.entries) == 2


def test_rows_past_the_most_allowed_are_not_read():
    definition = application(section(TITLE, AMOUNT, START, END, LINES, id="project"))
    data = {f"lines-{n}-{part}": value for n in range(7)
            for part, value in (("category", "staff"), ("description", f"Row {n}"), ("amount", "1"))}
    form = build(definition, "project", data=data)
    assert [row["description"] for row in kept_answers(form)["lines"]] == [f"Row {n}" for n in range(5)]


def test_fewer_rows_than_the_least_asked_for():
    two = question("milestones", "milestones", "Milestones", limits={"min_rows": 2})
    row = [("milestones-0-description", "Open"), *_boxes("milestones-0-due", date(2027, 6, 1))]
    definition = application(section(TITLE, AMOUNT, START, END, two, id="project"))
    assert check(definition, "project", row)["milestones"] == ["Enter at least 2 milestones"]
    second = [("milestones-1-description", "Close"), *_boxes("milestones-1-due", date(2027, 7, 1))]
    assert "milestones" not in check(definition, "project", row + second)
    custom = {**two, "messages": {"min_rows": "Give at least two steps", "required": "Give the project's steps"}}
    definition = application(section(TITLE, AMOUNT, START, END, custom, id="project"))
    assert check(definition, "project", row)["milestones"] == ["Give at least two steps"]
    assert check(definition, "project", {})["milestones"] == ["Give the project's steps"]


def test_optional_rows_may_be_left_empty():
    optional = question("outcomes", "outcome_measures", "Outcomes", required=False)
    definition = application(section(TITLE, AMOUNT, START, END, id="project"), section(optional, id="more"))
    form = build(definition, "more", data={})
    assert form.validate() and kept_answers(form) == {"outcomes": []}
    assert list_nouns(definition.sections[1]) == {
        "outcomes": {"singular": "Outcome", "plural": "Outcomes (optional)", "hint": ""}}


# The project's dates ----------------------------------------------------------------------------------

def test_milestones_fall_within_dates_kept_from_an_earlier_section():
    definition = application(section(TITLE, AMOUNT, START, END, id="project"), section(MILESTONES, id="plan"))
    early = [("milestones-0-description", "Recruit"), *_boxes("milestones-0-due", date(2027, 3, 31))]
    assert check(definition, "plan", early, answers=DATES) == {
        "milestones-0-due": ["Milestone date must be between the project's start and end dates"],
        "milestones": ["Check your milestones"]}
    for day in (date(2027, 4, 1), date(2028, 3, 31)):
        on_the_day = [("milestones-0-description", "Report"), *_boxes("milestones-0-due", day)]
        assert check(definition, "plan", on_the_day, answers=DATES) == {}
    assert check(definition, "plan", early, answers={}) == {}  # no dates yet to be within


@pytest.mark.parametrize(("end", "months", "message"), [
    (date(2027, 4, 1), 24, "End date must be after the start date"),
    (date(2027, 3, 1), None, "End date must be after the start date"),
    (date(2028, 4, 2), 12, "Your project must last 12 months or less"),
])
def test_the_end_comes_after_a_start_kept_from_an_earlier_section(end, months, message):
    definition = application(section(TITLE, AMOUNT, START, id="starting"), section(END, id="ending"))
    context = RoundContext(min_award=Decimal(1), max_award=Decimal(10**6), max_project_months=months)
    assert check(definition, "ending", _boxes("end", end), answers={"start": date(2027, 4, 1)}, context=context) == {
        "end": [message]}


@pytest.mark.parametrize("months", [12, None])
def test_an_end_within_the_rounds_longest_project(months):
    definition = application(section(TITLE, AMOUNT, START, id="starting"), section(END, id="ending"))
    context = RoundContext(max_project_months=months)
    assert check(definition, "ending", _boxes("end", date(2028, 4, 1)), answers={"start": "2027-04-01"},
                 context=context) == {}
    if months is None:  # no limit at all
        assert check(definition, "ending", _boxes("end", date(2040, 1, 1)), answers={"start": "2027-04-01"},
                     context=context) == {}


def test_an_end_not_before_the_start_says_so_in_the_definitions_words():
    end = {**END, "limits": {"not_before": "project_start"},
           "messages": {"not_before": "The project must end after it starts"}}
    definition = application(section(TITLE, AMOUNT, START, end, id="project"))
    same_day = [*_boxes("start", date(2027, 4, 1)), *_boxes("end", date(2027, 4, 1))]
    assert check(definition, "project", same_day)["end"] == ["The project must end after it starts"]


def test_a_date_limited_by_the_projects_dates():
    review = question("review", "date", "When is the review?", name_for_errors="Review date",
                      limits={"not_before": "project_start", "not_after": "project_end"})
    definition = application(section(TITLE, AMOUNT, START, END, id="project"), section(review, id="reviewing"))
    assert check(definition, "reviewing", _boxes("review", date(2027, 3, 31)), answers=DATES) == {
        "review": ["Review date must be the same as or after the project's start date"]}
    assert check(definition, "reviewing", _boxes("review", date(2028, 4, 1)), answers=DATES) == {
        "review": ["Review date must be the same as or before the project's end date"]}
    assert check(definition, "reviewing", _boxes("review", date(2027, 4, 1)), answers=DATES) == {}
