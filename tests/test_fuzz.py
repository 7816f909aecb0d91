"""Property-based fuzzing: the parsers and validators accept only valid input and never raise anything
but their own refusal, and no form answers random text with a 500.

Examples per property are kept modest so that the file runs in seconds; ``HYPOTHESIS_PROFILE=ci``
(or ``CI`` set) makes every run try the same examples. ``test_examples_run`` reports the total.
"""

from __future__ import annotations

import re
import string
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound
from wtforms import Form, StringField

from grants import identifiers
from grants.blueprints.cocommissioning.forms import NumberField as CoNumberField
from grants.blueprints.panel.decision_forms import DecimalText
from grants.blueprints.pooled_budgets.agreement_forms import percent
from grants.forms import (
    LARGEST_ID,
    MAGNITUDE,
    MAX_PAGE,
    MONEY_LIMIT,
    DateInputField,
    MoneyField,
    WholeNumberField,
    email_address,
    int_arg,
    page_arg,
)
from tests import figures
from tests.blueprints.applications.answers import VALID
from tests.blueprints.cocommissioning.conftest import scenario_form
from tests.factories import FundingRoundFactory
from tests.helpers import csrf_token

# Random text is typed into every field, and a valid answer is saved and shown back as typed: a
# "None" or "<b" there is the test's, not the page's, so tests/visible_text.py does not read these pages.
pytestmark = pytest.mark.visible_text(typed=True)

FAST = settings(max_examples=200)
SLOW = settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Text people might type, plus the awkward: other scripts' digits, superscripts, NUL-free control
# characters, very long numbers.
TYPED = st.one_of(
    st.text(alphabet=string.digits + ",.£-+ eE_", max_size=20),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30),
    st.sampled_from(["١٢٣", "²", "1e999999", "NaN", "-Infinity", "9" * 5000, "0x10", "1_000", " 12 ", "£1,2,3",
                     "1E1000000", "-9E999999", "1e-1000000"]),
)


def _count() -> None:
    figures.count("hypothesis examples run")


class _Emails(Form):
    email = StringField(validators=[email_address()])


class _Amounts(Form):
    amount = MoneyField("Amount")
    day = DateInputField("Date")
    count = WholeNumberField("Number")


def _form(**data) -> _Amounts:
    return _Amounts(formdata=MultiDict(data))


@FAST
@given(TYPED)
def test_money_is_pence_within_the_limit_or_refused_in_words(text):
    _count()
    form = _form(amount=text)
    form.validate()
    if form.amount.errors:
        assert form.amount.data is None
        assert all(message.startswith("Amount must") for message in form.amount.errors)
    elif form.amount.data is not None:
        assert isinstance(form.amount.data, Decimal) and form.amount.data.is_finite()
        assert form.amount.data.as_tuple().exponent == -2 and abs(form.amount.data) < MONEY_LIMIT


@FAST
@given(st.decimals(min_value=0, max_value=MONEY_LIMIT - 1, places=2, allow_nan=False, allow_infinity=False))
def test_every_amount_in_pence_written_with_commas_and_a_pound_sign_is_read_back(amount):
    _count()
    form = _form(amount=f"£{amount:,.2f}")
    form.validate()
    assert form.amount.errors == [] and form.amount.data == amount


@FAST
@given(st.lists(TYPED, min_size=0, max_size=4))
def test_a_date_is_a_real_date_or_refused_in_words(parts):
    _count()
    form = _Amounts(formdata=MultiDict([("day", part) for part in parts]))
    form.validate()
    if form.day.errors:
        assert form.day.data is None and all(m.startswith("Date must") for m in form.day.errors)
    elif form.day.data is not None:
        day, month, year = (part.strip() for part in parts)
        assert form.day.data == date(int(year), int(month), int(day))


@FAST
@given(st.dates(min_value=date(1000, 1, 1)))
def test_every_real_date_is_read_back(day):
    _count()
    form = _Amounts(formdata=MultiDict([("day", str(day.day)), ("day", f"{day.month:02d}"), ("day", str(day.year))]))
    form.validate()
    assert form.day.errors == [] and form.day.data == day


@FAST
@given(TYPED)
@example("9" * 5000)  # more digits than int() reads: Python's own message reached the page
def test_a_whole_number_is_one_or_refused_in_words(text):
    _count()
    form = _form(count=text)
    form.validate()
    if form.count.errors:
        assert form.count.data is None and all(m.startswith("Number must") for m in form.count.errors)
    elif form.count.data is not None:
        assert isinstance(form.count.data, int) and form.count.data >= 0
        assert str(form.count.data) == text.strip().replace(",", "").lstrip("0") or form.count.data == 0


@FAST
@given(TYPED)
def test_query_string_numbers_are_in_range_or_the_default(app, text):
    _count()
    with app.test_request_context(query_string={"year": text, "page": text}):
        value = int_arg("year", default=-1)
        assert value == -1 or 0 <= value <= LARGEST_ID
        try:
            page = page_arg()
        except NotFound:  # a number that is no page: 0, negative or past the last
            digits = text.removeprefix("-")
            assert digits.isascii() and digits.isdigit()
        else:
            assert 1 <= page <= MAX_PAGE


@FAST
@given(st.one_of(TYPED, st.emails()))
def test_email_addresses_are_accepted_or_refused_with_the_message(app, text):
    _count()

    form = _Emails(formdata=MultiDict({"email": text}))
    if form.validate():
        assert "@" in text
    else:
        assert form.email.errors == ["Enter an email address in the correct format, like name@example.com"]


@FAST
@given(st.one_of(TYPED, st.from_regex(r"\A(SC[0-9]{6}|NIC1[0-9]{5}|[1-9][0-9]{5,6}(-[0-9]{1,3})?)\Z")))
def test_charity_numbers_are_canonical_or_refused(text):
    _count()
    try:
        number = identifiers.normalise_charity_number(text)
    except ValueError as refused:
        assert str(refused).startswith("Enter a charity number")
    else:
        assert number.isascii() and identifiers.normalise_charity_number(number) == number


@FAST
@given(st.one_of(TYPED, st.from_regex(r"\A([0-9]{1,8}|SC[0-9]{6}|OC[0-9]{6})\Z")))
def test_company_numbers_are_canonical_or_refused(text):
    _count()
    try:
        number = identifiers.normalise_company_number(text)
    except ValueError as refused:
        assert str(refused).startswith("Enter a company number")
    else:
        assert len(number) == 8 and number.isascii() and identifiers.normalise_company_number(number) == number


@FAST
@given(st.one_of(TYPED, st.from_regex(r"\A[A-PR-UWYZ][A-HK-Y]?[0-9][0-9]? ?[0-9][ABD-HJLNP-UW-Z]{2}\Z")))
def test_postcodes_are_canonical_or_refused(text):
    _count()
    try:
        postcode = identifiers.normalise_postcode(text)
    except ValueError as refused:
        assert str(refused) == "Enter a real postcode, like PL1 2AB"
    else:
        assert re.fullmatch(r"[A-Z0-9]{2,4} [0-9][A-Z]{2}", postcode)
        assert identifiers.normalise_postcode(postcode) == postcode


# The social-return calculator's query string ---------------------------------------------------------

CALCULATOR_INPUTS = ["parameter_set", "price_year", "horizon", "cost_basis", "cost", "seed",
                     "clients-opiate", "completions-opiate", "clients-alcohol", "completions-alcohol"]


@SLOW
@given(st.dictionaries(st.sampled_from(CALCULATOR_INPUTS), TYPED, max_size=len(CALCULATOR_INPUTS)))
@example({"seed": "²", "clients-opiate": "3"})  # isdigit() yet not int(): these were 500s
@example({"horizon": "²", "clients-opiate": "3"})
@example({"horizon": "9" * 5000, "clients-opiate": "3", "completions-opiate": "9" * 5000})
def test_the_calculator_request_is_parsed_or_each_problem_named(db, args):
    from grants.interfaces.social_return import calculator as sroi_calculator

    _count()
    sets = sroi_calculator.published_sets()
    try:
        request = sroi_calculator.parse_request(args, sets)
    except sroi_calculator.CalculatorProblems as problems:
        assert problems.problems and all(isinstance(message, str) for message, _ in problems.problems)
        # Python's own words never reach the page.
        assert not any("literal" in message or "int_max_str" in message for message, _ in problems.problems)
    else:
        assert request.parameter_set in sets


# The pooled-budget import, with random cell values ------------------------------------------------

CELL = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=64), TYPED,
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
)


@FAST
@given(st.one_of(CELL, st.decimals(), st.floats()))
def test_an_import_cell_is_an_amount_in_pence_or_a_problem(value):
    from grants.interfaces.pooled_budgets.imports import MAX_AMOUNT, _amount

    _count()
    amount, problem = _amount(value)
    assert (amount is None) or (problem is None)
    if amount is not None:
        assert Decimal(0) <= amount <= MAX_AMOUNT and amount.as_tuple().exponent == -2


@pytest.fixture
def agreement(db):
    from tests.blueprints.pooled_budgets.test_workbook import agreement_with_figures

    return agreement_with_figures()


@SLOW
@given(st.lists(st.tuples(st.integers(1, 6), st.integers(1, 30), CELL), min_size=1, max_size=12))
def test_a_workbook_with_random_cells_is_read_or_each_problem_listed(agreement, cells):
    from openpyxl import load_workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from grants.exports import pooled_workbook as pw
    from grants.interfaces.pooled_budgets.imports import check_workbook
    from grants.models.types import utcnow

    _count()
    workbook = load_workbook(pw.workbook_bytes(pw.export_agreement([agreement], list(agreement.years), "F", utcnow())))
    sheet = workbook["2026-27"]
    for row, column, value in cells:
        if isinstance(value, str):  # control characters cannot be written to a workbook at all
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        sheet.cell(row=row, column=column).value = value
    problems, values = check_workbook(agreement, "pool.xlsx", pw.workbook_bytes(workbook).read())
    assert all(isinstance(problem, str) and problem for problem in problems)
    for amount, where in values.values():
        assert amount is None or amount >= 0
        assert re.fullmatch(r"20\d\d-\d\d![A-Z]+\d+", where)


# Forms over HTTP: random text in any field is never a 500 ---------------------------------------

def _fuzzed(valid: dict, extra: st.SearchStrategy) -> st.SearchStrategy:
    """The valid answers, each field kept or replaced by random text."""
    return st.fixed_dictionaries({key: st.one_of(st.just(value), extra.map(lambda text: [text]))
                                  for key, value in valid.items()})


def _never_a_500(client, url, data) -> None:
    _count()
    if not hasattr(client, "fuzz_token"):
        client.fuzz_token = csrf_token(client)
    response = client.post(url, data={**data, "csrf_token": client.fuzz_token}, follow_redirects=False)
    assert response.status_code in {200, 302, 400, 429}, (url, data, response.status_code)


@pytest.fixture
def application(users):
    from tests.factories import ApplicationFactory

    return ApplicationFactory(funding_round=FundingRoundFactory(), organisation=users["org_a"])


@settings(SLOW, max_examples=60)
@given(data=st.data())
def test_application_sections_never_fail_on_random_answers(as_role, application, data):
    key = data.draw(st.sampled_from(["budget", "delivery", "beneficiaries", "organisation"]), label="section")
    answers = data.draw(_fuzzed(VALID[key], TYPED), label=key)
    _never_a_500(as_role("applicant"), f"/applications/{application.id}/sections/{key}",
                 {**answers, "action-continue": "1"})


@SLOW
@given(answers=_fuzzed({**VALID["organisation"], "company_number": [""], "contact_phone": [""]}, TYPED))
def test_the_organisation_form_never_fails_on_random_answers(as_role, users, answers):
    _never_a_500(as_role("applicant"), f"/organisations/{users['org_a'].id}/edit", answers)


@SLOW
@given(answers=_fuzzed({"legal_type": ["registered_charity"], "in_area": ["yes"], "annual_income": ["25000"],
                        "amount": ["3600"]}, TYPED))
def test_the_eligibility_check_never_fails_on_random_answers(app, db, answers):
    funding_round = FundingRoundFactory()
    _never_a_500(app.test_client(), f"/rounds/{funding_round.id}/eligibility", answers)


@SLOW
@given(answers=_fuzzed({"full_name": ["Jamie"], "email": ["jamie@example.org"], "password": ["kelp-lantern-harbour"],
                        "confirm_password": ["kelp-lantern-harbour"]}, TYPED))
def test_registration_and_sign_in_never_fail_on_random_answers(app, db, answers):
    client = app.test_client()
    _never_a_500(client, "/register", answers)
    _never_a_500(client, "/reset-password", answers)
    if "@" in answers["email"][0]:
        _never_a_500(client, "/sign-in", answers)


# Every input but the notes, whose text is shown back as typed (a "NaN" typed there would read as
# the page's own fault).
SCENARIO = {key: value if isinstance(value, list) else [value]
            for key, value in scenario_form(notes=None, scale_exponent="0.8", floor_percent="10",
                                            cap_amount="500,000").items()}


@SLOW
@given(answers=_fuzzed(SCENARIO, TYPED))
@example(answers={**SCENARIO, "scale_percent": [""]})  # a 500 (issue 18): a ValueError in a validate_ method
@example(answers={**SCENARIO, "cap_kind": ["amount"], "cap_amount": [""]})
def test_the_scenario_form_never_fails_on_random_answers(as_role, answers):
    _never_a_500(as_role("commissioner"), "/co-commissioning/new", answers)


@SLOW
@given(args=st.dictionaries(st.sampled_from(CALCULATOR_INPUTS + ["page", "format"]), TYPED, max_size=6))
def test_the_calculator_page_never_fails_on_a_random_query_string(as_role, args):
    _count()
    response = as_role("grants_officer").get("/social-return/calculator", query_string=args)
    assert response.status_code in {200, 400, 404}, (args, response.status_code)


class _Numbers(Form):
    rule = DecimalText("Minimum spend", name_for_errors="Minimum spend")
    figure = CoNumberField("Population", name_for_errors="Population", limit=10**9, places=0)


@FAST
@given(TYPED)
@example("1E1000000")  # past Decimal's exponent limit: abs() overflowed and quantize() raised
@example("-9E999999")
@example("0E16")  # zero with an exponent past the magnitude: kept as 0E+16 until CI's fuzzing found it
def test_the_other_number_fields_read_a_number_or_refuse_it_in_words(text):
    _count()
    form = _Numbers(formdata=MultiDict({"rule": text, "figure": text}))
    form.validate()
    for field, words in ((form.rule, "Minimum spend must"), (form.figure, "Population must")):
        assert all(message.startswith(words) for message in field.errors), field.errors
        if field.data is not None:
            assert field.data.is_finite() and field.data.adjusted() <= MAGNITUDE
    try:
        tolerance = percent(text, "Tolerance")
    except ValueError as refused:
        assert str(refused).startswith("Tolerance must")
    else:
        assert tolerance is None or (tolerance.is_finite() and tolerance.adjusted() <= MAGNITUDE)
