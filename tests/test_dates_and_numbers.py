"""Dates and numbers typed as people write them, with GOV.UK's error messages (issue 18, finding 5).

Every date input in the service is a ``grants.forms.DateInputField`` read by ``date_parts`` and
``read_date``: a year must have 4 numbers ("26" is not guessed), months may be written as names
("May", "Sept"), and a whole date typed in the day box is shared out between the boxes. Scores,
where a comma cannot be a thousands separator, say to use a full stop for decimals.
"""

from __future__ import annotations

import importlib
import pkgutil
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import DateField, DateTimeField, Form

import grants
from grants.forms import (
    MONTH_NAMES,
    DateInputField,
    DateProblem,
    date_parts,
    decimal_comma_problem,
    error_summary,
    month_number,
    read_date,
)
from grants.models.rounds import FundingRound
from tests.blueprints.applications.answers import START, VALID
from tests.blueprints.applications.conftest import draft, open_round  # noqa: F401  (fixtures)
from tests.blueprints.panel.conftest import bids, panel, panel_round, seat  # noqa: F401  (fixtures)
from tests.blueprints.rounds.conftest import reference_ids, round_form  # noqa: F401  (fixtures)
from tests.helpers import error_messages, page, post


def _read(day: str, month: str, year: str, name: str = "Start date") -> date | None:
    return read_date(*date_parts(day, month, year), name_for_errors=name)


def _problem(day: str, month: str, year: str, name: str = "Start date") -> tuple[str, tuple[str, ...]]:
    with pytest.raises(DateProblem) as raised:
        _read(day, month, year, name)
    return str(raised.value), raised.value.boxes


# The parser --------------------------------------------------------------------------------------

@pytest.mark.parametrize("year, message", [
    ("26", "Start date must include a year with 4 numbers, like 2026"),
    ("7", "Start date must include a year with 4 numbers"),
    ("202", "Start date must include a year with 4 numbers"),
    ("20266", "Start date must include a year with 4 numbers"),
    ("9" * 5000, "Start date must include a year with 4 numbers"),  # never read as a number
])
def test_a_year_without_4_numbers_is_asked_for_in_gov_uk_words(year, message):
    assert _problem("1", "4", year) == (message, ("year",))


@pytest.mark.parametrize("parts, message, boxes", [
    (("", "4", "2026"), "Start date must include a day", ("day",)),
    (("1", "", "2026"), "Start date must include a month", ("month",)),
    (("1", "4", ""), "Start date must include a year", ("year",)),
    (("1", "", ""), "Start date must include a month and year", ("month", "year")),
    (("", "", "2026"), "Start date must include a day and month", ("day", "month")),
    (("", "4", "26"), "Start date must include a day", ("day",)),  # what is missing comes first
    (("31", "2", "2026"), "Start date must be a real date", ("day",)),
    (("29", "2", "2025"), "Start date must be a real date", ("day",)),
    (("0", "4", "2026"), "Start date must be a real date", ("day",)),
    (("1", "13", "2026"), "Start date must be a real date", ("month",)),
    (("32", "13", "2026"), "Start date must be a real date", ("day", "month")),
    (("1", "Smarch", "2026"), "Start date must be a real date", ("month",)),
    (("1", "ju", "2026"), "Start date must be a real date", ("month",)),  # June or July?
    (("first", "4", "2026"), "Start date must be a real date", ("day",)),
    (("1", "4", "20x6"), "Start date must be a real date", ("year",)),
    (("1", "4", "0000"), "Start date must be a real date", ("year",)),
    (("١", "٤", "٢٠٢٦"), "Start date must be a real date", ("day", "month", "year")),
])
def test_missing_and_impossible_parts_are_named(parts, message, boxes):
    assert _problem(*parts) == (message, boxes)


def test_nothing_typed_is_no_date():
    assert _read("", " ", "") is None


@pytest.mark.parametrize("text, number", [
    ("May", 5), ("may", 5), ("MAY", 5), ("Jan", 1), ("january", 1), ("Sept", 9), ("sept.", 9), ("Sep", 9),
    ("feb", 2), ("June", 6), ("jul", 7), ("Dec", 12), ("4", 4), ("04", 4),
])
def test_months_are_read_as_numbers_names_or_abbreviations(text, number):
    assert month_number(text) == number
    assert _read("1", text, "2026") == date(2026, number, 1)


@pytest.mark.parametrize("typed", ["ju", "ma", "Smarch", "", "4th", "1.5", "١٢"])
def test_a_month_that_is_not_one_is_not_read(typed):
    assert month_number(typed) is None


@pytest.mark.parametrize("typed", [
    "1/4/2026", "01/04/2026", "1-4-2026", "1.4.2026", "1 4 2026", " 1 / 4 / 2026 ", "1 April 2026", "1st April 2026",
    "1 Apr. 2026", "1 april, 2026", "2026-04-01",
])
def test_a_whole_date_typed_in_the_day_box_is_read(typed):
    assert _read(typed, "", "") == date(2026, 4, 1)


def test_a_whole_date_in_the_day_box_is_shared_out_between_the_boxes():
    assert date_parts("1/4/26", "", "") == ("1", "4", "26")
    # A 2-digit year is not guessed there either: the boxes show what was typed, and the year is asked for.
    assert _problem("1/4/26", "", "") == ("Start date must include a year with 4 numbers, like 2026", ("year",))
    # Not three parts, or the other boxes used: left where it was typed.
    assert date_parts("1/4", "", "") == ("1/4", "", "")
    assert date_parts("1/4/2026/5", "", "") == ("1/4/2026/5", "", "")
    assert date_parts("1/4/2026", "4", "") == ("1/4/2026", "4", "")
    assert _problem("1/4", "", "") == ("Start date must include a month and year", ("month", "year"))
    assert _problem("1/4/2026", "4", "2026") == ("Start date must be a real date", ("day",))


_SPELLINGS = st.sampled_from(["number", "padded", "name", "short", "upper"])


def _month_text(month: int, spelling: str, length: int) -> str:
    name = MONTH_NAMES[month - 1]
    return {
        "number": str(month), "padded": f"{month:02d}", "name": name.title(),
        "short": name[:max(3, min(length, len(name)))], "upper": name.upper(),
    }[spelling]


@given(
    st.dates(min_value=date(1000, 1, 1)), _SPELLINGS, st.integers(3, 9), st.booleans(),
    st.sampled_from(["boxes", "/", "-", ".", " ", ", "]),
)
def test_every_real_date_is_read_back_in_any_accepted_spelling(day, spelling, length, padded_day, layout):
    month = _month_text(day.month, spelling, length)
    day_text = f"{day.day:02d}" if padded_day else str(day.day)
    if layout == "boxes":
        typed = (day_text, month, str(day.year))
    else:
        typed = (layout.join((day_text, month, str(day.year))), "", "")
    assert _read(*typed) == day


_TYPED = st.one_of(
    st.text(alphabet="0123456789/-. ,JanMayseptSEPT", max_size=12),
    st.text(max_size=12),
)


@given(_TYPED, _TYPED, _TYPED)
def test_any_typing_is_a_date_or_a_problem_in_words(day, month, year):
    try:
        result = _read(day, month, year)
    except DateProblem as problem:
        assert str(problem).startswith("Start date must ")
        assert problem.boxes and set(problem.boxes) <= {"day", "month", "year"}
    else:
        assert result is None or isinstance(result, date)
        if result is None:
            assert not (day.strip() or month.strip() or year.strip())


# The field, on every form ------------------------------------------------------------------------

class _DateForm(Form):
    when = DateInputField("When", name_for_errors="Closing date")


def _date_form(*parts: str) -> _DateForm:
    form = _DateForm(formdata=MultiDict([("when", part) for part in parts]))
    form.validate()
    return form


def test_the_summary_links_to_the_first_box_at_fault():
    assert error_summary(_date_form("1", "4", "26"))["errorList"] == [
        {"text": "Closing date must include a year with 4 numbers, like 2026", "href": "#when-year"}]
    assert error_summary(_date_form("1", "", ""))["errorList"][0]["href"] == "#when-month"
    assert error_summary(_date_form("31", "2", "2026"))["errorList"][0]["href"] == "#when-day"


def test_only_the_boxes_at_fault_are_marked(app):
    with app.test_request_context():
        html = page_of(_date_form("1", "4", "26").when())
    assert _marked(html) == {"when-year"}
    with app.test_request_context():
        html = page_of(_date_form("", "", "2026").when())
    assert _marked(html) == {"when-day", "when-month"}


def test_a_whole_date_in_the_day_box_is_shown_back_in_its_boxes(app):
    form = _date_form("31/7/26", "", "")
    with app.test_request_context():
        html = page_of(form.when())
    assert [html.select_one(f"#when-{box}")["value"] for box in ("day", "month", "year")] == ["31", "7", "26"]
    assert _date_form("31 July 2026", "", "").when.data == date(2026, 7, 31)


def page_of(markup):
    from bs4 import BeautifulSoup

    return BeautifulSoup(str(markup), "html.parser")


def _marked(html) -> set[str]:
    return {box["id"] for box in html.select("input.govuk-input--error")}


def _forms_in(package) -> list[type[Form]]:
    forms = []
    for module_info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Form) and value.__module__ == module.__name__:
                forms.append(value)
    return forms


def test_every_date_input_in_the_service_uses_the_shared_field():
    """So that each behaves the same: a plain WTForms DateField would refuse "May" and "1/4/2026"."""
    dates = []
    for form in _forms_in(grants):
        for name in dir(form):
            unbound = getattr(form, name, None)
            field_class = getattr(unbound, "field_class", None)
            if isinstance(field_class, type) and issubclass(field_class, (DateField, DateTimeField)):
                assert issubclass(field_class, DateInputField), f"{form.__module__}.{form.__name__}.{name}"
                dates.append(f"{form.__name__}.{name}")
    assert len(dates) >= 15  # rounds, applications, offers, payments, variations, the audit log


# Real pages --------------------------------------------------------------------------------------

@pytest.fixture
def officer(as_role):
    return as_role("grants_officer")


@pytest.fixture
def applicant(as_role):
    return as_role("applicant")


def _new_round(officer, round_form, **changes):  # noqa: F811
    return post(officer, "/rounds/manage/new", round_form(**changes))


def test_an_officer_is_asked_for_a_4_number_year_for_the_closing_date(officer, round_form):  # noqa: F811
    response = _new_round(officer, round_form, closes_on=["31", "7", "26"])
    assert error_messages(response) == ["Closing date must include a year with 4 numbers, like 2026"]
    html = page(response)
    assert html.select_one(".govuk-error-summary a")["href"] == "#closes_on-year"
    assert _marked(html) == {"closes_on-year"}


def test_an_officer_may_write_the_month_as_a_name(officer, round_form, db):  # noqa: F811
    response = _new_round(officer, round_form, opens_on=["1", "June", "2026"], closes_on=["31", "jul", "2026"])
    assert response.status_code == 302, error_messages(response)
    funding_round = db.session.scalars(db.select(FundingRound)).one()
    assert funding_round.opens_at == datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # 9:00am UK summer time
    assert funding_round.closes_at == datetime(2026, 7, 31, 11, 0, tzinfo=UTC)


def test_an_officer_may_type_the_whole_closing_date_in_the_day_box(officer, round_form, db):  # noqa: F811
    response = _new_round(officer, round_form, closes_on=["31/7/2026", "", ""])
    assert response.status_code == 302, error_messages(response)
    assert db.session.scalars(db.select(FundingRound)).one().closes_at == datetime(2026, 7, 31, 11, 0, tzinfo=UTC)


def test_a_whole_date_with_a_2_digit_year_is_shared_out_and_the_year_asked_for(officer, round_form):  # noqa: F811
    response = _new_round(officer, round_form, closes_on=["31/7/26", "", ""])
    assert error_messages(response) == ["Closing date must include a year with 4 numbers, like 2026"]
    html = page(response)
    assert [html.select_one(f"#closes_on-{box}")["value"] for box in ("day", "month", "year")] == ["31", "7", "26"]


def _save_delivery(applicant, application, **changes):
    answers = {**VALID["delivery"], **changes, "action-continue": "1"}
    return post(applicant, f"/applications/{application.id}/sections/delivery", answers)


def _typed_start(application):
    from grants.application_form.sections import BY_KEY, typed_answers

    return typed_answers(application, BY_KEY["delivery"])["start_date"]


def test_an_applicant_is_asked_for_a_4_number_year(applicant, draft):  # noqa: F811
    two_digits = f"{START.year % 100:02d}"
    response = _save_delivery(applicant, draft, start_date=[str(START.day), str(START.month), two_digits])
    assert error_messages(response) == [f"Start date must include a year with 4 numbers, like {START.year}"]
    assert page(response).select_one(".govuk-error-summary a")["href"] == "#start_date-year"


def test_an_applicant_may_write_the_month_as_a_name_or_type_the_whole_date(applicant, draft):  # noqa: F811
    short_month = MONTH_NAMES[START.month - 1][:3].title()  # "Sep", "Jan"
    whole = f"{START.day}/{START.month}/{START.year}"
    response = _save_delivery(applicant, draft, start_date=[str(START.day), short_month, str(START.year)],
                              **{"milestones-0-due": [whole, "", ""]})
    assert response.status_code == 302, error_messages(response)
    assert _typed_start(draft) == START


# Numbers with a decimal comma ---------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["2,75", " 2,75 ", "0,5", ",5", "12,5%", "-1,25"])
def test_a_decimal_comma_gets_the_full_stop_hint(typed):
    assert decimal_comma_problem(typed, "Score") == "Score must be a number with a full stop for decimals, like 2.75"


@pytest.mark.parametrize("typed", ["2.75", "2", "", None, "three", "2,75,1", "2,", "£2,75x"])
def test_anything_else_is_left_to_the_field(typed):
    assert decimal_comma_problem(typed, "Score") is None


def test_a_moderated_score_with_a_decimal_comma_gets_the_full_stop_hint(officer, panel_round, bids):  # noqa: F811
    response = post(officer, f"/panel/rounds/{panel_round.id}/bids/{bids[0].id}/moderate",
                    {"score": "2,75", "reason": "Agreed"})
    assert error_messages(response) == ["Moderated score must be a number with a full stop for decimals, like 2.75"]


def test_a_panel_member_scores_whole_numbers_so_a_comma_is_not_hinted_at(panel, bids, seat, as_user):  # noqa: F811
    # Members pick a whole score from radios: "use a full stop" would lead them to "2.75", refused in turn.
    seat(panel[0], bids[0])
    response = post(as_user(panel[0]), f"/panel/bids/{bids[0].id}/score",
                    {"submit_scores": "y", "score-fit": "2,75", "score-value": "2"})
    assert error_messages(response) == ["Score for strategic fit must be a whole number from 0 to 4"]
