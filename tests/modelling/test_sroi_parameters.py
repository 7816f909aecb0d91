"""Parameter sets as JSON, parameters' names and plain words (grants/modelling/sroi_parameters.py)."""

from __future__ import annotations

import json
from decimal import Decimal as D

from grants.modelling.sroi_defaults import DEFAULT_PARAMETERS
from grants.modelling.sroi_parameters import (
    PLAIN_WORDS,
    ParameterSet,
    Source,
    Sourced,
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
