"""Parameter sets as JSON: written and read back exactly (no database)."""

from __future__ import annotations

import json
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from grants.modelling.sroi_defaults import DEFAULT_PARAMETERS
from grants.modelling.sroi_parameters import (
    Source,
    Sourced,
    parameter_label,
    parameters_from_json,
    parameters_to_json,
    required_keys,
)


def test_the_defaults_round_trip_exactly_through_json_text():
    text = json.dumps(parameters_to_json(DEFAULT_PARAMETERS))
    back = parameters_from_json(json.loads(text))
    assert back == DEFAULT_PARAMETERS
    assert list(back.values) == list(DEFAULT_PARAMETERS.values)
    # Decimals are strings, so 0.035 stays 0.035 and never becomes a float
    assert parameters_to_json(DEFAULT_PARAMETERS)["values"]["discount_rate"]["value"] == "0.035"
    assert str(back.value("discount_rate")) == "0.035"


decimals = st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False)
texts = st.text(min_size=0, max_size=30)


@st.composite
def sourced(draw):
    low, value, high = sorted(draw(st.lists(decimals, min_size=3, max_size=3)))
    has_source = draw(st.booleans())
    source = Source(draw(texts), draw(texts), draw(texts), draw(texts), draw(texts)) if has_source else None
    assumption = draw(st.booleans()) or not has_source
    return Sourced(value, low, high, draw(texts), source, draw(st.none() | texts), assumption, draw(texts),
                   draw(texts))


@given(st.dictionaries(st.sampled_from([k for k in required_keys() if "." in k or k == "value_per_qaly"]),
                       sourced()), st.integers(1, 10_000), texts)
def test_any_set_round_trips_exactly(changed, version, name):
    parameters = replace(DEFAULT_PARAMETERS, name=name, version=version,
                         values={**DEFAULT_PARAMETERS.values, **changed})
    back = parameters_from_json(json.loads(json.dumps(parameters_to_json(parameters))))
    assert back == parameters
    for key, item in back.values.items():  # the same digits, not only an equal number
        assert str(item.value) == str(parameters.values[key].value)


def test_labels_say_the_category_and_client_group():
    assert parameter_label("crime.opiate") == "Crime avoided, opiate clients"
    assert parameter_label("qalys.non_opiate_and_alcohol") == "QALYs gained, non-opiate and alcohol clients"
    assert parameter_label("value_per_qaly") == "Value per QALY"
    assert parameter_label("drop_off") == "Drop-off"
