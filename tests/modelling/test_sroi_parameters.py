"""Parameter sets as JSON, parameters' names and plain words (grants/modelling/sroi_parameters.py)."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from grants.modelling.sroi_defaults import DEFAULT_PARAMETERS
from grants.modelling.sroi_parameters import (
    PLAIN_WORDS,
    DeflatorSeries,
    ParameterSet,
    Source,
    Sourced,
    check_count,
    check_money,
    check_rate,
    parameter_help,
    parameter_label,
    parameters_from_json,
    parameters_to_json,
)

GREEN_BOOK = Source("The Green Book", "HM Treasury", "Table 8", "2022", "https://example.org/green-book")
# The default set with two values replaced: one from a source, one assumed.
TWO_VALUES = ParameterSet("Two values", 3, {
    **DEFAULT_PARAMETERS.values,
    "crime.opiate": Sourced(D("8691.50"), D("7000"), D("10000"), "£ per client per year", GREEN_BOOK, "2021-22"),
    "deadweight": Sourced(D("0.1"), D("0"), D("0.25"), "fraction (0 to 1)", None, None, True, "the OPCC",
                          "agreed at the board"),
})


def test_a_set_as_json_keeps_every_field_as_written():
    written = parameters_to_json(TWO_VALUES)
    assert (written["name"], written["version"]) == ("Two values", 3)
    assert written["values"]["crime.opiate"] == {
        "value": "8691.50", "low": "7000", "high": "10000", "unit": "£ per client per year",
        "source": {"title": "The Green Book", "publisher": "HM Treasury", "location": "Table 8", "year": "2022",
                   "url": "https://example.org/green-book"},
        "price_year": "2021-22", "assumption": False, "set_by": "", "note": ""}
    assert written["values"]["deadweight"] == {
        "value": "0.1", "low": "0", "high": "0.25", "unit": "fraction (0 to 1)", "source": None,
        "price_year": None, "assumption": True, "set_by": "the OPCC", "note": "agreed at the board"}
    # Through text and back: the same set, Decimals unrounded.
    assert parameters_from_json(json.loads(json.dumps(written))) == TWO_VALUES


def test_the_default_set_survives_json():
    assert parameters_from_json(json.loads(json.dumps(parameters_to_json(DEFAULT_PARAMETERS)))) == DEFAULT_PARAMETERS


def test_json_without_the_optional_fields_reads_as_their_defaults():
    data = parameters_to_json(DEFAULT_PARAMETERS)
    data["version"] = "2"
    data["values"]["crime.opiate"] = {"value": "1", "low": "1", "high": "1", "unit": "£",
                                      "source": {"title": "T", "publisher": "P"}}
    data["values"]["deadweight"] = {"value": "0", "low": "0", "high": "0", "unit": "fraction", "assumption": 1}
    bare = parameters_from_json(data)
    assert bare.version == 2
    assert bare.values["crime.opiate"] == Sourced(D(1), D(1), D(1), "£", Source("T", "P"), None, False, "", "")
    assert bare.values["deadweight"] == Sourced(D(0), D(0), D(0), "fraction", None, None, True, "", "")


def test_a_source_is_cited_publisher_first_leaving_out_blanks():
    assert GREEN_BOOK.citation() == "HM Treasury, “The Green Book”, 2022, Table 8"
    assert Source("Drug misuse", "Home Office").citation() == "Home Office, “Drug misuse”"


def test_parameter_names_for_people():
    assert parameter_label("crime.opiate") == "Crime avoided, opiate clients"
    assert parameter_label("health_care.non_opiate_and_alcohol") == "Health care, non-opiate and alcohol clients"
    assert parameter_label("qalys.alcohol") == "QALYs gained, alcohol only clients"
    assert parameter_label("value_per_qaly") == "Value per QALY"
    assert parameter_label("drop_off") == "Drop-off"
    assert parameter_label("discount_rate") == "Discount rate"


def test_plain_words_for_each_kind_of_parameter():
    assert parameter_help("deadweight") == PLAIN_WORDS["deadweight"]
    assert parameter_help("qalys.opiate") == PLAIN_WORDS["qalys"]  # every group's QALYs share one meaning
    assert parameter_help("crime.opiate") == ""  # its name says it all


# Checking what people type -----------------------------------------------------------------------

def refused(check, value, label="Clients"):
    with pytest.raises(ValueError) as raised:
        check(value, label)
    return str(raised.value)


@pytest.mark.parametrize("typed, count", [("1,234", 1_234), (" 12 ", 12), ("007", 7), (D(12), 12), (0, 0),
                                          ("999999999999", 999_999_999_999), ("-0", 0)])
def test_a_count_typed_or_given_as_a_number(typed, count):
    assert check_count(typed, "Clients") == count


@pytest.mark.parametrize("typed, message", [
    ("-5", "Clients cannot be negative"),
    (-5, "Clients cannot be negative"),
    ("x12", "Clients must be a whole number"),
    ("X12", "Clients must be a whole number"),
    ("12-", "Clients must be a whole number"),
    ("1.5", "Clients must be a whole number"),
    ("²", "Clients must be a whole number"),
    (False, "Clients must be a whole number"),
    (D("1.5"), "Clients must be a whole number"),
    (1.0, "Clients must be a whole number"),
    ("1,000,000,000,000", "Clients must be less than 1,000,000,000,000"),
    ("-0001000000000000", "Clients must be less than 1,000,000,000,000"),
])
def test_a_count_that_is_not_a_whole_number_of_people(typed, message):
    assert refused(check_count, typed) == message


@pytest.mark.parametrize("typed, rate", [(D("0.25"), D("0.25")), ("0.1", D("0.1")), (0.25, D("0.25")), (1, D(1)),
                                         ("0", D(0))])
def test_a_rate_typed_or_given_as_a_number(typed, rate):
    assert check_rate(typed, "Deadweight") == rate


@pytest.mark.parametrize("typed, message", [
    ("ten percent", "Deadweight must be a number between 0% and 100%"),
    (True, "Deadweight must be a number between 0% and 100%"),
    ("NaN", "Deadweight must be between 0% and 100%"),
    (D("Infinity"), "Deadweight must be between 0% and 100%"),
    ("1.01", "Deadweight must be between 0% and 100%"),
    (-0.01, "Deadweight must be between 0% and 100%"),
])
def test_a_rate_outside_0_to_100_percent(typed, message):
    assert refused(check_rate, typed, "Deadweight") == message


@pytest.mark.parametrize("typed, amount", [("£1,234.50", D("1234.50")), (" 12", D(12)), (12.5, D("12.5")),
                                          (D("0.50"), D("0.50")), (0, D(0)), ("£0", D(0))])
def test_money_typed_with_a_pound_sign_and_commas(typed, amount):
    assert check_money(typed, "Cost") == amount


@pytest.mark.parametrize("typed, message", [
    ("twelve pounds", "Cost must be an amount of money in pounds"),
    ("12£", "Cost must be an amount of money in pounds"),
    ("X12", "Cost must be an amount of money in pounds"),
    (True, "Cost must be an amount of money in pounds"),
    ("Infinity", "Cost must be an amount of money in pounds"),
    ("-0.01", "Cost cannot be negative"),
    (D(-1), "Cost cannot be negative"),
])
def test_money_that_is_not_an_amount_of_pounds(typed, message):
    assert refused(check_money, typed, "Cost") == message


# The set's own rules -----------------------------------------------------------------------------

def test_a_set_missing_values_names_them():
    values = {key: item for key, item in DEFAULT_PARAMETERS.values.items() if key not in ("crime.alcohol", "drop_off")}
    with pytest.raises(ValueError) as raised:
        ParameterSet("Short", 1, values)
    assert str(raised.value) == "Parameter set Short is missing crime.alcohol, drop_off"


def test_a_rate_in_a_set_is_checked_by_its_name():
    values = {**DEFAULT_PARAMETERS.values, "drop_off": Sourced(D(2), D(0), D(3), "fraction", GREEN_BOOK)}
    with pytest.raises(ValueError) as raised:
        ParameterSet("Bad", 1, values)
    assert str(raised.value) == "Drop off must be between 0% and 100%"


def test_a_value_outside_its_range_or_without_a_source_is_refused():
    with pytest.raises(ValueError) as raised:
        Sourced(D(5), D(1), D(4), "£", GREEN_BOOK)
    assert str(raised.value) == "Range 1 to 4 must contain the value 5"
    with pytest.raises(ValueError) as raised:
        Sourced(D(1), D(0), D(2), "£")
    assert str(raised.value) == "A value with no source must be marked as an assumption"


def test_a_changed_value_widens_its_range_to_keep_it():
    crime = TWO_VALUES.values["crime.opiate"]  # 8,691.50 in 7,000 to 10,000
    lower = TWO_VALUES.with_value("crime.opiate", D(6000)).values["crime.opiate"]
    assert (lower.value, lower.low, lower.high, lower.source) == (D(6000), D(6000), D(10000), crime.source)
    higher = TWO_VALUES.with_values({"crime.opiate": D(12000), "deadweight": D("0.2")})
    assert (higher.values["crime.opiate"].low, higher.values["crime.opiate"].high) == (D(7000), D(12000))
    assert (higher.value("deadweight"), higher.values["deadweight"].low) == (D("0.2"), D(0))
    highest = TWO_VALUES.with_value("crime.opiate", D(20000)).values["crime.opiate"]
    assert (highest.value, highest.low, highest.high) == (D(20000), D(7000), D(20000))
    lowest = TWO_VALUES.with_values({"crime.opiate": D(1)}).values["crime.opiate"]
    assert (lowest.low, lowest.high) == (D(1), D(10000))
    assert TWO_VALUES.values["crime.opiate"] == crime  # the set itself is unchanged


def test_a_deflator_series_from_calendar_years_keeps_what_it_was_given():
    series = DeflatorSeries.from_calendar_years({2020: D(80), 2021: D(100)}, GREEN_BOOK, verified=False)
    assert (series.source, series.verified, series.note) == (GREEN_BOOK, False, "")
    noted = DeflatorSeries.from_calendar_years({2020: D(80), 2021: D(100)}, GREEN_BOOK, verified=True, note="n")
    assert (noted.verified, noted.note) == (True, "n")


def test_a_key_with_more_than_one_dot_is_not_a_parameter():
    with pytest.raises(KeyError):
        parameter_label("crime.opiate.extra")
