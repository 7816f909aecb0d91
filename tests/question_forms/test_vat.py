"""Budget lines in a round that records VAT (issue 21): each line asks the VAT within its amount and
whether the organisation can recover it, with the checks a person needs; a round that does not record
VAT asks neither. Kept rows carry both, and check answers reads them out in words."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from grants.question_forms import kept_answers
from tests.form_definitions.builders import question, section
from tests.question_forms.helpers import CONTEXT, build, definition_of, errors_by_name

TITLE = question("title", "short_text", "Project name", role="project_title")
START = question("start", "date", "When will it start?", role="project_start", name_for_errors="Start date")
END = question("end", "date", "When will it end?", role="project_end", name_for_errors="End date")
AMOUNT = question("amount", "money", "How much are you asking for?", role="amount_requested",
                  name_for_errors="The amount you are asking for")
LINES = question("lines", "budget_lines", "Budget lines", limits={"min_rows": 1, "max_rows": 5})
VAT = replace(CONTEXT, vat=True)
LINE = {"lines-0-category": "venue", "lines-0-description": "Hall hire", "lines-0-amount": "1200"}


def _definition():
    return definition_of(section(TITLE, START, END, id="project"), section(LINES, AMOUNT, id="money"),
                         kind="application")


def _errors(data: dict, context=VAT) -> dict[str, list[str]]:
    form = build(_definition(), "money", data={"amount": "1200", **data}, context=context)
    form.validate()
    return {name: messages for name, messages in errors_by_name(form).items() if name.startswith("lines")}


def test_a_round_that_records_vat_asks_it_on_each_line_and_one_that_does_not_asks_nothing():
    with_vat = build(_definition(), "money", context=VAT)
    assert [sub.short_name for sub in with_vat.lines.entries[0].form] == [
        "category", "description", "amount", "vat", "vat_recoverable"]
    assert with_vat.lines.entries[0].form.vat.label.text == "VAT included in the amount"
    without = build(_definition(), "money", context=CONTEXT)
    assert [sub.short_name for sub in without.lines.entries[0].form] == ["category", "description", "amount"]


def test_a_line_with_vat_is_kept_with_it_and_whether_it_is_recoverable():
    form = build(_definition(), "money", data={"amount": "1440", **LINE, "lines-0-vat": "200",
                                                "lines-0-vat_recoverable": "yes", "lines-1-category": "staff",
                                                "lines-1-description": "Worker", "lines-1-amount": "240",
                                                "lines-1-vat": "0"}, context=VAT)
    assert form.validate(), errors_by_name(form)
    assert kept_answers(form)["lines"] == [
        {"category": "venue", "description": "Hall hire", "amount": Decimal("1200.00"), "vat": Decimal("200.00"),
         "vat_recoverable": "yes"},
        {"category": "staff", "description": "Worker", "amount": Decimal("240.00"), "vat": Decimal("0.00"),
         "vat_recoverable": None},
    ]


def test_the_vat_must_be_given_and_be_no_more_than_the_line():
    assert _errors(LINE) == {"lines-0-vat": ["Enter the VAT included in the amount, or 0 if there is none"],
                             "lines": ["Check your budget lines"]}
    assert _errors({**LINE, "lines-0-vat": "1200.01", "lines-0-vat_recoverable": "no"}) == {
        "lines-0-vat": ["VAT must be no more than the amount of the line (£1,200.00)"],
        "lines": ["Check your budget lines"]}
    assert _errors({**LINE, "lines-0-vat": "-1"}) == {"lines-0-vat": ["VAT must be £0 or more"],
                                                      "lines": ["Check your budget lines"]}
    assert _errors({**LINE, "lines-0-vat": "twenty"}) == {"lines-0-vat": ["VAT must be a number, like 12500"],
                                                          "lines": ["Check your budget lines"]}


def test_vat_on_a_line_needs_to_say_whether_it_can_be_recovered_and_no_vat_does_not():
    assert _errors({**LINE, "lines-0-vat": "200"}) == {
        "lines-0-vat_recoverable": ["Select whether you can recover this VAT"], "lines": ["Check your budget lines"]}
    assert _errors({**LINE, "lines-0-vat": "0"}) == {}
    assert _errors({**LINE, "lines-0-vat": "200", "lines-0-vat_recoverable": "no"}) == {}


def test_a_round_without_vat_ignores_vat_typed_against_it():
    assert _errors({**LINE, "lines-0-vat": "5000"}, context=CONTEXT) == {}
