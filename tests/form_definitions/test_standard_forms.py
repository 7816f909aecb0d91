"""The shipped standard forms (grants/form_definitions/standard/) against the fixed forms they transcribe.

Today's application and monitoring return are WTForms classes; the standard definitions are the same
forms as data, for rounds that ask their own questions. These tests read the live classes, so that a
change to a label, hint, message or limit on one side and not the other fails here. The eligibility
check already asks its definition (the round's, else the standard one). No database: the forms are
built for a stand-in round.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, FieldList, RadioField, StringField, TextAreaField, ValidationError
from wtforms.validators import Length, NumberRange

from grants.application_form import sections
from grants.application_form.fields import WordLimit
from grants.blueprints.rounds import eligibility
from grants.blueprints.rounds.forms import LEGAL_TYPE_CHOICES
from grants.eligibility import EligibilityAnswers
from grants.form_definitions import Kind, Role, dump, is_ineligible, load, standard
from grants.formatting import money
from grants.forms import DateInputField, MoneyField
from grants.models.organisations import LegalType
from grants.return_form import sections as return_sections
from grants.return_form.plan import BudgetLine, Milestone, Outcome, ReturnPlan

STANDARD = Path(__file__).resolve().parents[2] / "grants" / "form_definitions" / "standard"
KINDS = ("application", "eligibility", "monitoring", "expression_of_interest")
LEGACY = json.loads((STANDARD / "legacy_field_names.json").read_text())

# The structured types, by (section key, field name): what the live field is, read from its class alone.
STRUCTURED = {
    ("priorities", "approaches"): "plan_approaches", ("priorities", "adder_strands"): "adder_strands",
    ("priorities", "outcomes"): "drug_outcomes", ("areas", "local_authorities"): "areas_served",
    ("beneficiaries", "people"): "people_reached", ("beneficiaries", "age_groups"): "several_choices",
    ("beneficiaries", "groups"): "several_choices", ("delivery", "milestones"): "milestones",
    ("budget", "lines"): "budget_lines", ("outcomes", "outcomes"): "outcome_measures",
    ("safeguarding", "dbs_checks"): "one_choice",
}
ROLES = {
    ("project", "title"): "project_title", ("project", "summary"): "project_summary",
    ("budget", "amount_requested"): "amount_requested", ("budget", "project_cost"): "project_cost",
    ("delivery", "start_date"): "project_start", ("delivery", "end_date"): "project_end",
    ("budget", "other_funding"): "other_funding", ("budget", "match_funding"): "match_funding",
    ("beneficiaries", "groups"): "beneficiary_groups",
}
# Limits the live forms check in validate_* methods rather than in validators; each is tested below.
METHOD_LIMITS = {
    ("delivery", "end_date"): {"not_before": "project_start"},
    ("budget", "amount_requested"): {"min": "round_min_award", "max": "round_max_award"},
    ("budget", "project_cost"): {"min": "0.01"},
    ("budget", "other_funding"): {"min": "0"},
    ("budget", "match_funding"): {"min": "0"},
}


@pytest.fixture(autouse=True)
def app_context() -> Iterator[None]:
    """Flask-WTF forms read the app's settings; a bare app is enough (and no database: see conftest.py)."""
    with Flask("standard-forms").app_context():
        yield


def _definition(kind: str) -> dict[str, Any]:
    return json.loads((STANDARD / f"{kind}.json").read_text())


def _questions(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for section in definition["sections"] for q in section["questions"]}


ROUND = {"min_award": Decimal("1000"), "max_award": Decimal("5000")}


def _round() -> Any:  # a stand-in FundingRound
    return SimpleNamespace(
        approaches=[], adder_strands=[], outcomes=[], local_authorities=[], legal_types=list(LegalType),
        max_project_months=24, max_annual_income=None, **ROUND,
    )


def _section_form(section: sections.Section, data: dict[str, str] | list[tuple[str, str]] | None = None):
    application: Any = SimpleNamespace(funding_round=_round())
    assert section.form_class is not None
    return section.form_class(formdata=MultiDict(data or {}), application=application, meta={"csrf": False})


def _fields(form) -> list:
    return [field for field in form if field.short_name != "submit"]


def _first_error(field) -> str | None:
    errors = [error for error in field.errors if isinstance(error, str)]
    return errors[0] if errors else None


def _validator_limits(field) -> tuple[dict[str, Any], dict[str, str], str | None]:
    """The limits a field's validators set, their messages, and the name the messages give the answer."""
    limits: dict[str, Any] = {}
    messages: dict[str, str] = {}
    name = getattr(field, "name_for_errors", None)
    for validator in field.validators:
        if isinstance(validator, WordLimit):
            limits["max_words"], name = validator.words, validator.name
            try:
                validator(None, SimpleNamespace(data="word " * (validator.words + 1)))
            except ValidationError as refused:
                messages["max_words"] = str(refused)
        elif isinstance(validator, Length):
            limits["max_length"], messages["max_length"] = validator.max, str(validator.message)
            name = messages["max_length"].split(" must be ")[0]
        elif isinstance(validator, NumberRange):
            limits["min"], limits["max"] = validator.min, validator.max
            messages["min"] = messages["max"] = str(validator.message)
    return limits, messages, name


def _default_message(name: str, limit: str, value: Any) -> str | None:
    """A limit's message in the service's usual words, which a definition need not repeat; None where
    there are no usual words (the definition must then give the message)."""
    if limit in {"min", "max"} and isinstance(value, str):  # money, in whole pounds as the budget page says
        pounds = {"round_min_award": ROUND["min_award"], "round_max_award": ROUND["max_award"]}.get(value, value)
        return f"{name} must be {money(Decimal(pounds), pence=False)} or {'more' if limit == 'min' else 'less'}"
    words = {"max_length": "characters", "max_words": "words"}.get(limit)
    return f"{name} must be {value} {words} or fewer" if words else None


def _assert_limit_message(question: dict[str, Any], limit: str, live: str) -> None:
    """The definition gives the live message for ``limit``, unless it is the usual one."""
    name = question.get("name_for_errors", question["label"])
    given = question.get("messages", {}).get(limit)
    if live == _default_message(name, limit, question["limits"][limit]):
        assert given is None, (question["id"], limit, "repeats the usual message")
    else:
        assert given == live, (question["id"], limit)


def _live_type(section_key: str, field) -> str:
    if (section_key, field.short_name) in STRUCTURED:
        return STRUCTURED[(section_key, field.short_name)]
    if isinstance(field, RadioField):
        return "yes_no" if [value for value, *_ in field.iter_choices()] == ["yes", "no"] else "one_choice"
    kinds = [(BooleanField, "declaration"), (DateInputField, "date"), (MoneyField, "money"),
             (TextAreaField, "long_text"), (StringField, "short_text")]
    return next(kind for cls, kind in kinds if isinstance(field, cls))


def _assert_matches(question: dict[str, Any], field, method_limits: dict[str, str]) -> None:
    """``question`` says what the live ``field`` (validated empty) says: label, hint, required and its
    message, limits and their messages, the name errors give it, options."""
    where = question["id"]
    required_message = _first_error(field)  # what an empty answer is told
    assert question.get("required", True) is (required_message is not None), where
    assert question.get("messages", {}).get("required") == required_message, where
    # The renderer adds "(optional)" to an optional question's label.
    shown = question["label"] if question.get("required", True) else f"{question['label']} (optional)"
    assert shown == field.label.text, where
    assert question.get("hint", "") == (field.description or ""), where

    limits, messages, name = _validator_limits(field)
    assert question.get("limits", {}) == {**limits, **method_limits}, where
    for limit, live in messages.items():
        _assert_limit_message(question, limit, live)
    # Other messages are for the limits that validate_* methods check, each compared in a test below.
    assert set(question.get("messages", {})) <= {"required", *messages, *method_limits}, where
    assert question.get("name_for_errors", question["label"] if name else None) == name, where
    assert question.get("name_for_errors") != question["label"], (where, "name_for_errors repeats the label")

    if question["type"] in {"one_choice", "several_choices"}:
        options = [{"value": str(value), "label": label} for value, label, *_ in field.iter_choices()]
        assert question["options"] == options, where


# Loading -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_each_standard_form_loads_and_is_the_one_the_service_ships(kind):
    document = _definition(kind)
    definition = load(document)  # raises FormDefinitionError, naming every problem, if the file breaks a rule
    assert definition.kind is Kind(kind)
    assert standard(Kind(kind)) == definition
    assert dump(definition) == document  # nothing in the file is lost or defaulted on the way in


# The application form ------------------------------------------------------------------------------

def test_the_application_has_the_answered_sections_in_order_without_the_organisation():
    ids_and_titles = [(s["id"], s["title"]) for s in _definition("application")["sections"]]
    assert ids_and_titles == [(section.key, section.title) for section in sections.ANSWERED_SECTIONS]


def test_the_legacy_names_list_every_field_and_every_question_once():
    mapping = LEGACY["application"]
    for section in sections.ANSWERED_SECTIONS:
        names = [field.short_name for field in _fields(_section_form(section))]
        assert list(mapping[section.key]) == names, section.key
    definition = _definition("application")
    for section in definition["sections"]:
        assert list(mapping[section["id"]].values()) == [q["id"] for q in section["questions"]], section["id"]
    new_ids = [new for fields in mapping.values() for new in fields.values()]
    assert len(new_ids) == len(set(new_ids)) == len(_questions(definition))
    # Only the names two sections shared (or that say too little alone) changed.
    renamed = {(key, old): new for key, fields in mapping.items() for old, new in fields.items() if old != new}
    assert renamed == {("priorities", "outcomes"): "drug_outcomes", ("outcomes", "outcomes"): "project_outcomes",
                       ("beneficiaries", "description"): "people_description"}


@pytest.mark.parametrize("section", sections.ANSWERED_SECTIONS, ids=lambda section: section.key)
def test_each_application_question_matches_its_live_field(section):
    questions = _questions(_definition("application"))
    empty = _section_form(section)
    empty.validate()
    for field in _fields(empty):
        where = (section.key, field.short_name)
        question = questions[LEGACY["application"][section.key][field.short_name]]
        assert question["type"] == _live_type(section.key, field), where
        assert question.get("role") == ROLES.get(where), where

        if isinstance(field, FieldList):  # rows: the type says what each row asks
            nouns = sections.LIST_NOUNS[field.short_name]
            assert (question["label"], question["hint"]) == (sections.LIST_LABELS[field.short_name], nouns["hint"])
            assert question["limits"] == {"min_rows": 1, "max_rows": field.max_entries}, where
            assert question["messages"] == {"required": _first_error(field)}, where
        else:
            _assert_matches(question, field, METHOD_LIMITS.get(where, {}))


def _budget_errors(**answers: str) -> dict[str, list]:
    form = _section_form(sections.BY_KEY["budget"], answers)
    form.validate()
    return {field.short_name: field.errors for field in form}


@pytest.mark.parametrize(("name", "below", "at_least"), [
    ("project_cost", "0", "0.01"), ("other_funding", "-0.01", "0"), ("match_funding", "-0.01", "0"),
])
def test_money_minimums_are_the_ones_the_budget_page_checks(name, below, at_least):
    question = _questions(_definition("application"))[name]
    assert question["limits"]["min"] == at_least
    [refused] = _budget_errors(**{name: below})[name]
    _assert_limit_message(question, "min", refused)
    assert _budget_errors(**{name: at_least})[name] == []


def test_the_amount_asked_for_is_checked_against_the_rounds_smallest_and_largest_awards():
    # The stand-in round gives £1,000 to £5,000: what "round_min_award" and "round_max_award" stand for.
    question = _questions(_definition("application"))["amount_requested"]
    [too_little] = _budget_errors(amount_requested="999.99")["amount_requested"]
    [too_much] = _budget_errors(amount_requested="5000.01")["amount_requested"]
    _assert_limit_message(question, "min", too_little)
    _assert_limit_message(question, "max", too_much)
    assert _budget_errors(amount_requested="1000")["amount_requested"] == _budget_errors(amount_requested="5000")[
        "amount_requested"] == []


def test_the_end_date_may_not_come_before_the_start():
    # Today's rule is stricter: the end must be after the start, and within the round's longest project.
    def end_errors(start: date, end: date) -> list:
        boxes = [(name, str(part)) for name, day in (("start_date", start), ("end_date", end))
                 for part in (day.day, day.month, day.year)]
        form = _section_form(sections.BY_KEY["delivery"], boxes)
        form.validate()
        return form.end_date.errors

    [refused] = end_errors(date(2027, 4, 1), date(2027, 3, 31))
    _assert_limit_message(_questions(_definition("application"))["end_date"], "not_before", refused)
    assert end_errors(date(2027, 4, 1), date(2028, 3, 31)) == []


# The expression of interest ------------------------------------------------------------------------

def test_the_expression_of_interest_asks_application_questions_so_that_answers_carry_over():
    application = _questions(_definition("application"))
    eoi = _questions(_definition("expression_of_interest"))
    assert set(eoi) == {"title", "summary", "approaches", "local_authorities", "amount_requested", "name", "position"}
    for question_id, question in eoi.items():
        same = application[question_id]
        for key in ("type", "role", "label", "required", "messages", "limits", "name_for_errors"):
            assert question.get(key) == same.get(key), (question_id, key)


# The eligibility check -----------------------------------------------------------------------------
# The check asks the standard eligibility form itself (a round with none of its own): its labels, hints
# and messages are tested on the page (tests/blueprints/rounds/test_eligibility.py). Here: the roles the
# round's settings are read by, and the types of organisation the service knows.

def test_each_eligibility_question_has_the_role_the_rounds_settings_read():
    definition = standard(Kind.ELIGIBILITY)
    assert {question.id: question.role for question in definition.questions()} == {
        "legal_type": Role.ORGANISATION_TYPE, "in_area": Role.IN_AREA, "annual_income": Role.ANNUAL_INCOME,
        "amount": Role.AMOUNT_SOUGHT}


def test_the_organisation_types_are_the_services_own_in_its_order_and_words():
    options = standard(Kind.ELIGIBILITY).question("legal_type").options
    assert [(option.value, option.label) for option in options] == [(kind.value, kind.label) for kind in LegalType]
    assert [(option.value, option.label) for option in options] == [
        (choice.value, choice.label) for choice in LEGAL_TYPE_CHOICES]


@pytest.mark.parametrize(("name", "minimum"), [("annual_income", "0"), ("amount", "0.01")])
def test_eligibility_money_minimums(name, minimum):
    assert _questions(_definition("eligibility"))[name]["limits"] == {"min": minimum}


def test_work_outside_the_area_is_refused_once_with_the_reason_the_question_gives(monkeypatch):
    # The standard form is for a round across the whole area, as the question's own rule is.
    monkeypatch.setattr(eligibility, "area_text", lambda funding_round: eligibility.WHOLE_AREA)
    definition = standard(Kind.ELIGIBILITY)
    in_area = definition.question("in_area")
    answers = EligibilityAnswers(LegalType.CIO, in_area=False, annual_income=Decimal(0), amount=Decimal(2000),
                                 ruled_out=("in_area",))  # as the check gives them: its rule is met too
    [problem] = eligibility.eligibility_problems(_round(), answers, definition)
    assert is_ineligible(in_area, "no") == problem.reason
    assert problem.advice.startswith("For work elsewhere, contact the Police and Crime Commissioner")
    assert is_ineligible(in_area, "yes") is None


def test_only_the_area_rule_is_fixed_the_others_follow_the_rounds_settings():
    rules = {q["id"] for q in _questions(_definition("eligibility")).values() if "eligibility" in q}
    assert rules == {"in_area"}
    answers = EligibilityAnswers(LegalType.CIO, in_area=True, annual_income=Decimal(10**9), amount=Decimal(2000))
    assert eligibility.eligibility_problems(_round(), answers, standard(Kind.ELIGIBILITY)) == []


# The monitoring return -------------------------------------------------------------------------------

PLAN = ReturnPlan(
    milestones=(Milestone("Recruit volunteers", date(2027, 6, 1)), Milestone("Open the drop-in", None)),
    groups=(("treatment-recovery", "People in drug or alcohol treatment or recovery"),),
    budget_lines=(BudgetLine("Staff: Project worker", Decimal("3000")),),
    outcomes=(Outcome("Fewer people return to drug use", "Six-month follow-up"),),
    drugs_outcomes=(("reduce-drug-use", "Reduce drug use"),),
)


def _return_form(key: str, data: dict[str, str] | None = None):
    form_class = return_sections.BY_KEY[key].build(PLAN)
    return form_class(formdata=MultiDict(data or {}), award=cast(Any, None), meta={"csrf": False})


def test_the_return_has_the_live_sections_in_order():
    ids_and_titles = [(s["id"], s["title"]) for s in _definition("monitoring")["sections"]]
    assert ids_and_titles == [(section.key, section.title) for section in return_sections.SECTIONS]


def test_each_monitoring_field_name_follows_its_legacy_pattern():
    questions = _questions(_definition("monitoring"))
    targets = set()
    for section in return_sections.SECTIONS:
        # "status_{milestone number}" stands for status_1, status_2...
        patterns = {re.sub(r"\{[^}]*\}", ".+", old): new for old, new in LEGACY["monitoring"][section.key].items()}
        targets |= set(patterns.values())
        for field in _fields(_return_form(section.key)):
            matched = [new for pattern, new in patterns.items() if re.fullmatch(pattern, field.short_name)]
            assert len(matched) == 1, field.short_name
    assert targets == set(questions)


@pytest.mark.parametrize(("key", "question_id"), [
    ("people", "people_by_group"), ("spend", "spend_by_budget_line"),
])
def test_the_per_item_questions_carry_their_groups_heading_and_hint(key, question_id):
    question = _questions(_definition("monitoring"))[question_id]
    [group] = _return_form(key).groups
    assert (question["label"], question["hint"]) == (group.heading, group.hint)


def test_milestone_and_outcome_progress_have_the_live_word_limits_and_hints():
    questions = _questions(_definition("monitoring"))
    activities, outcomes = _return_form("activities"), _return_form("outcomes")
    assert questions["milestone_progress"]["hint"] == activities.comment_1.description
    assert questions["outcome_progress"]["hint"] == outcomes.groups[0].hint
    for question_id, fields in (("milestone_progress", [activities.comment_1, activities.comment_2]),
                                ("outcome_progress", _fields(outcomes))):
        for field in fields:  # each outcome and Combating Drugs outcome has the same limit
            assert _validator_limits(field)[0] == questions[question_id]["limits"], field.short_name


def test_the_story_and_problems_match_the_live_questions():
    questions = _questions(_definition("monitoring"))
    stories, problems = _return_form("stories"), _return_form("problems")
    assert stories.validate() and not problems.validate()
    assert [q["type"] for q in (questions["story"], questions["problems_and_risks"])] == ["long_text", "long_text"]
    _assert_matches(questions["story"], stories.story, {})
    _assert_matches(questions["problems_and_risks"], problems.problems, {})


def test_consent_is_asked_for_only_with_a_story():
    consent = _questions(_definition("monitoring"))["consent"]
    # The live consent is a tick box without "(optional)": it is needed only once a story is told, which
    # the format cannot yet say, so the definition keeps its label and message for that rule.
    assert (consent["type"], consent["required"]) == ("yes_no", False)
    told = _return_form("stories", {"story": "A young person got back into college."})
    assert not told.validate()
    assert consent["label"] == told.consent.label.text
    assert told.consent.errors == [consent["messages"]["required"]]
