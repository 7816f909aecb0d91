"""THE KEY TEST for monitoring returns: the standard monitoring form as data (grants/form_definitions/
standard/monitoring.json), asked through grants/question_forms with the award's items, asks and checks
as today's fixed return forms (grants/return_form/forms.py) do.

For each section made of the monitoring types, today's form and the definition's are given the same
answers, with the same field names (so that the answers returns keep read the same): nothing, a
complete set, and one fault at a time. Both must say the same, field by field and message by message,
agree on whether the section is complete, and show the same labels, hints and headings.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from grants.form_definitions import Kind, standard
from grants.question_forms import RoundContext, field_groups, section_form, spend_to_date
from grants.question_forms.context import BudgetLine, Milestone, Outcome, ReturnPlan
from grants.return_form import forms
from tests.question_forms.helpers import build, definition_of, errors_by_name, words

DEFINITION = standard(Kind.MONITORING)
AWARD = Decimal("5000")
PLAN = ReturnPlan(
    milestones=(Milestone("Open the café", date(2027, 6, 1)), Milestone("Train volunteers", None)),
    groups=(("treatment-recovery", "People in treatment or recovery"), ("families", "Families")),
    budget_lines=(BudgetLine("Staff: Project worker", Decimal("3000")),
                  BudgetLine("All spending on the project", None)),
    outcomes=(Outcome("Fewer people relapse", "Six-month follow-up"),),
    drugs_outcomes=(("reduce-drug-use", "Reduce drug use"),),
)
CONTEXT = RoundContext(return_plan=PLAN, award_amount=AWARD)
TODAY = {"activities": forms.activities_form, "people": forms.people_form, "spend": forms.spend_form,
         "outcomes": forms.outcomes_form}

VALID: dict[str, dict[str, str]] = {
    "activities": {"status_1": "done", "comment_1": "Opened in May.", "status_2": "not_started",
                   "comment_2": "Starts in the autumn."},
    "people": {"people_treatment_recovery": "1,200", "people_families": "0"},
    "spend": {"spend_1": "£1,000.50", "spend_2": "0"},
    "outcomes": {"outcome_1": "Two relapses in forty.", "drugs_reduce_drug_use": "Fewer people use."},
}
EMPTY = "empty"
CASES: list[tuple[str, str, Any, bool]] = [
    *[(key, "nothing answered", EMPTY, False) for key in VALID],
    *[(key, "every answer given", {}, True) for key in VALID],
    ("activities", "no progress", {"status_2": None}, False),
    ("activities", "a progress not offered", {"status_1": "finished"}, False),
    ("activities", "no comment", {"comment_1": ""}, False),
    ("activities", "a comment of 200 words", {"comment_1": words(200)}, True),
    ("activities", "a comment too long", {"comment_2": words(201)}, False),
    ("people", "a count left empty", {"people_families": ""}, False),
    ("people", "a negative count", {"people_families": "-3"}, False),
    ("people", "not a number", {"people_families": "lots"}, False),
    ("people", "a decimal", {"people_families": "2.5"}, False),
    ("people", "a million", {"people_families": "1,000,000"}, True),
    ("people", "too many", {"people_families": "1000001"}, False),
    ("spend", "a line left empty", {"spend_2": ""}, False),
    ("spend", "a negative spend", {"spend_2": "-1"}, False),
    ("spend", "not an amount", {"spend_2": "some"}, False),
    ("spend", "too many pence", {"spend_1": "10.005"}, False),
    ("spend", "exactly the award", {"spend_1": "4000", "spend_2": "1000"}, True),
    ("spend", "more than the award", {"spend_1": "4000", "spend_2": "1000.01"}, False),
    ("spend", "over the award and a line faulty", {"spend_1": "9000", "spend_2": "x"}, False),
    ("outcomes", "no progress on an outcome", {"outcome_1": ""}, False),
    ("outcomes", "no progress on a Combating Drugs outcome", {"drugs_reduce_drug_use": " "}, False),
    ("outcomes", "progress of 150 words", {"outcome_1": words(150)}, True),
    ("outcomes", "progress too long", {"drugs_reduce_drug_use": words(151)}, False),
]


def _data(key: str, changes: Any) -> MultiDict:
    if changes == EMPTY:
        return MultiDict()
    merged = {**VALID[key], **changes}
    return MultiDict({name: value for name, value in merged.items() if value is not None})


def _today(key: str, data: MultiDict) -> Any:
    award: Any = SimpleNamespace(amount=AWARD)  # today's forms read only the award's amount
    return TODAY[key](PLAN)(formdata=data, award=award, meta={"csrf": False})


def _new(key: str, data: MultiDict, context: RoundContext = CONTEXT) -> Any:
    return section_form(DEFINITION, key, context, formdata=data, meta={"csrf": False})


@pytest.mark.parametrize(("key", "case", "changes", "complete"), CASES, ids=[f"{c[0]}: {c[1]}" for c in CASES])
def test_the_definition_checks_answers_as_todays_return_does(key: str, case: str, changes: Any,
                                                             complete: bool) -> None:
    today, new = _today(key, _data(key, changes)), _new(key, _data(key, changes))
    assert today.validate() is complete
    assert new.validate() is complete
    assert errors_by_name(new) == errors_by_name(today)
    if not complete:
        assert any(errors_by_name(new).values()), "an incomplete section says why"


def test_the_messages_the_grantee_reads() -> None:
    form = _new("spend", _data("spend", {"spend_1": "4000", "spend_2": "1000.01"}))
    form.validate()
    assert errors_by_name(form) == {"spend_1": ["Spend to date of £5,000.01 is more than the award of £5,000.00"]}
    form = _new("people", _data("people", {"people_families": "-3", "people_treatment_recovery": ""}))
    form.validate()
    assert errors_by_name(form) == {
        "people_treatment_recovery": ["Enter the number of people in treatment or recovery you reached, or 0"],
        "people_families": ["Number of families must be 0 or more"],
    }
    form = _new("activities", MultiDict())
    form.validate()
    assert errors_by_name(form)["status_1"] == ["Select the progress on milestone 1"]
    assert errors_by_name(form)["comment_2"] == ["Enter what happened on milestone 2"]


@pytest.mark.parametrize("key", list(TODAY))
def test_the_definition_shows_each_section_as_today(key: str) -> None:
    today, new = _today(key, MultiDict()), _new(key, MultiDict())
    assert field_groups(new) == today.groups
    assert [field.name for field in new] == [field.name for field in today]
    for field in today:
        assert (new[field.name].label.text, new[field.name].description, new[field.name].render_kw) == (
            field.label.text, field.description, field.render_kw), field.name
        assert [str(choice) for choice in new[field.name].iter_choices()] == [
            str(choice) for choice in field.iter_choices()] if hasattr(field, "iter_choices") else True


def test_spend_to_date_is_the_total_of_the_lines() -> None:
    form = _new("spend", _data("spend", {}))
    assert spend_to_date(form) == Decimal("1000.50")
    assert spend_to_date(_new("people", MultiDict())) is None


def test_the_award_is_the_limit_a_variation_sets() -> None:
    data = _data("spend", {"spend_1": "6000"})
    assert not _new("spend", data).validate()
    assert _new("spend", data, RoundContext(return_plan=PLAN, award_amount=Decimal("7000"))).validate()


def test_a_monitoring_question_needs_the_awards_items() -> None:
    with pytest.raises(ValueError, match="spend_by_budget_line questions are asked in a monitoring return"):
        section_form(DEFINITION, "spend", RoundContext(award_amount=AWARD))


# A round's own monitoring form ------------------------------------------------------------------------

SESSIONS = {"id": "sessions", "type": "whole_number", "label": "How many sessions did you run?",
            "name_for_errors": "Number of sessions", "limits": {"min": 0}}
PEOPLE = {"id": "reached", "type": "people_by_group", "label": "Who came", "hint": "Count each person once."}


def test_a_round_adds_its_own_question_beside_a_monitoring_one() -> None:
    definition = definition_of(SESSIONS, PEOPLE, kind="monitoring")
    form = build(definition, data={"sessions": "", "people_families": "4"}, context=CONTEXT)
    assert not form.validate()
    assert errors_by_name(form) == {
        "sessions": ["Enter number of sessions"],
        "people_treatment_recovery": ["Enter the number of people in treatment or recovery you reached, or 0"],
    }
    assert [(group.heading, group.fields, group.hint) for group in field_groups(form)] == [
        ("", ("sessions",), None),
        ("Who came", ("people_treatment_recovery", "people_families"), "Count each person once."),
    ]
    form = build(definition, data={"sessions": "12", "people_families": "4", "people_treatment_recovery": "9"},
                 context=CONTEXT)
    assert form.validate()


def test_an_optional_monitoring_question_may_be_left_empty_but_not_answered_wrongly() -> None:
    optional = {**PEOPLE, "required": False}
    definition = definition_of(optional, kind="monitoring")
    assert build(definition, data={}, context=CONTEXT).validate()
    form = build(definition, data={"people_families": "-1"}, context=CONTEXT)
    assert not form.validate()
    assert errors_by_name(form) == {"people_families": ["Number of families must be 0 or more"]}


def test_a_hidden_monitoring_question_is_not_checked() -> None:
    ran = {"id": "ran", "type": "yes_no", "label": "Did the project run this period?"}
    spend = {"id": "spend_q", "type": "spend_by_budget_line", "label": "Spend",
             "show_if": {"question": "ran", "equals": "yes"}}
    definition = definition_of(ran, spend, kind="monitoring")
    assert build(definition, data={"ran": "no", "spend_1": "99999"}, context=CONTEXT).validate()
    form = build(definition, data={"ran": "yes", "spend_1": "99999", "spend_2": "0"}, context=CONTEXT)
    assert not form.validate()
    assert errors_by_name(form) == {"spend_1": ["Spend to date of £99,999.00 is more than the award of £5,000.00"]}


def test_two_questions_cannot_share_field_names() -> None:
    definition = definition_of(PEOPLE, {**PEOPLE, "id": "reached_again"}, kind="monitoring")
    with pytest.raises(ValueError, match="reached_again: its field names people_families, people_treatment_recovery "
                                         "are used by an earlier question"):
        build(definition, context=CONTEXT)
