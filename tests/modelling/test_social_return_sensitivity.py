from __future__ import annotations

import statistics
from dataclasses import replace
from decimal import ROUND_CEILING, ROUND_FLOOR
from decimal import Decimal as D

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grants.modelling.social_return import ClientGroupInput, SroiInputs, estimate, validate
from grants.modelling.sroi_defaults import DEFAULT_PARAMETERS, GDP_DEFLATOR, devon_and_cornwall_preset
from grants.modelling.sroi_parameters import CLIENT_GROUPS
from grants.modelling.sroi_sensitivity import (
    MonteCarloResult,
    draw_parameters,
    monte_carlo,
    net_present_values,
    tornado,
)
from tests.modelling.test_social_return import parameters


def test_tornado_moves_each_parameter_alone_and_sorts_by_swing():
    params = parameters("0.5", crime__opiate=1000, health_care__opiate=100)
    bars = tornado(SroiInputs({"opiate": ClientGroupInput(10, 0)}), params)
    assert [bar.key for bar in bars] == ["crime.opiate", "health_care.opiate"]
    assert (bars[0].total_at_low, bars[0].total_at_high, bars[0].central_total) == (6000, 16000, 11000)
    assert bars[0].swing == 10000 and bars[1].swing == 1000


def test_tornado_of_the_defaults_puts_the_widest_swing_first():
    preset = devon_and_cornwall_preset()
    bars = tornado(preset.inputs, DEFAULT_PARAMETERS.in_prices_of(preset.price_year, GDP_DEFLATOR))
    swings = [bar.swing for bar in bars]
    assert swings == sorted(swings, reverse=True)
    assert bars[0].key == "crime.opiate"


def test_monte_carlo_with_no_uncertainty_is_the_central_estimate():
    inputs = SroiInputs({"alcohol": ClientGroupInput(7, 3)}, 4)
    result = monte_carlo(inputs, parameters(crime__alcohol=123, drop_off="0.1", discount_rate="0.035"), seed=1, runs=20)
    assert result.low == result.central == result.high


def test_monte_carlo_of_the_defaults_is_reproducible_and_contains_the_central_estimate():
    preset = devon_and_cornwall_preset()
    params = DEFAULT_PARAMETERS.in_prices_of(preset.price_year, GDP_DEFLATOR)
    first = monte_carlo(preset.inputs, params, seed=2022, runs=300)
    assert first == monte_carlo(preset.inputs, params, seed=2022, runs=300)
    assert first != monte_carlo(preset.inputs, params, seed=2023, runs=300)
    assert first.contains_central()
    assert first.low < first.high


@settings(max_examples=30)
@given(seed=st.integers(0, 2**32), clients=st.integers(1, 5000), spread=st.sampled_from(["0.1", "0.3", "0.5"]),
       crime=st.integers(1, 30000), qalys=st.decimals(D("0.01"), D("0.2"), places=2), horizon=st.integers(1, 10))
def test_monte_carlo_interval_contains_the_central_estimate(seed, clients, spread, crime, qalys, horizon):
    inputs = SroiInputs({g: ClientGroupInput(clients, clients // 3) for g in CLIENT_GROUPS}, horizon)
    params = parameters(spread, crime__opiate=crime, qalys__alcohol=qalys, value_per_qaly=70000,
                        deadweight="0.2", attribution="0.1", drop_off="0.3", discount_rate="0.035")
    result = monte_carlo(inputs, params, seed=seed, runs=200)
    assert result.contains_central()
    assert result == monte_carlo(inputs, params, seed=seed, runs=200)
    assert result.central == estimate(inputs, params).net_present_value


def preset_and_parameters():
    preset = devon_and_cornwall_preset()
    return preset, DEFAULT_PARAMETERS.in_prices_of(preset.price_year, GDP_DEFLATOR)


def test_monte_carlo_of_the_defaults_gives_the_same_interval_on_every_machine():
    # numpy's PCG64 stream and the IEEE arithmetic are the same everywhere: this pins the seeded interval.
    preset, params = preset_and_parameters()
    result = monte_carlo(preset.inputs, params, seed=2022)
    assert (result.runs, result.low, result.high) == (1000, D("69920084.16"), D("120322491.52"))
    assert result.central == estimate(preset.inputs, params).net_present_value


def test_the_interval_ends_are_whole_pennies():
    preset, params = preset_and_parameters()
    result = monte_carlo(preset.inputs, params, seed=5, runs=50)
    assert result.low == result.low.quantize(D("0.01")) and result.high == result.high.quantize(D("0.01"))


def assert_same_totals(inputs, params, drawn):
    """The vectorised total of each draw equals the Decimal model's total for the same values."""
    inputs = validate(inputs)
    vectorised = net_present_values(inputs, drawn)
    for run in range(len(vectorised)):
        values = {key: D(float(column[run])) for key, column in drawn.items()}
        expected = estimate(inputs, params.with_values(values)).net_present_value
        assert abs(D(float(vectorised[run])) - expected) <= abs(expected) * D("1e-6") + D("1e-9")


def test_the_vectorised_total_matches_the_decimal_model_for_drawn_values():
    preset, params = preset_and_parameters()
    assert_same_totals(preset.inputs, params, draw_parameters(params, seed=11, runs=8))
    # And at the central values, where the total is the estimate itself.
    central = {key: np.array([float(item.value)]) for key, item in params.values.items()}
    assert_same_totals(preset.inputs, params, central)


@settings(max_examples=25)
@given(seed=st.integers(0, 2**32), groups=st.sets(st.sampled_from(CLIENT_GROUPS), min_size=1),
       clients=st.integers(0, 5000), horizon=st.integers(1, 10), spread=st.sampled_from(["0.1", "0.5", "0.9"]))
def test_the_vectorised_total_matches_the_decimal_model_whatever_the_inputs(seed, groups, clients, horizon,
                                                                            spread):
    inputs = SroiInputs({g: ClientGroupInput(clients, clients // 4) for g in sorted(groups)}, horizon)
    params = parameters(spread, crime__opiate=8000, crime__alcohol=1000, health_care__non_opiate=400,
                        social_care__non_opiate_and_alcohol=250, qalys__opiate="0.05", qalys__alcohol="0.04",
                        value_per_qaly=70000, deadweight="0.1", attribution="0.2", displacement="0.05",
                        drop_off="0.3", discount_rate="0.035")
    assert_same_totals(inputs, params, draw_parameters(params, seed=seed, runs=4))


def test_draws_are_triangular_between_low_and_high_and_independent_of_other_ranges():
    _, params = preset_and_parameters()
    drawn = draw_parameters(params, seed=3, runs=20_000)
    for key, item in params.values.items():
        column = drawn[key]
        assert float(item.low) <= column.min() and column.max() <= float(item.high)
        mean = float(item.low + item.value + item.high) / 3  # the triangular distribution's mean
        assert abs(column.mean() - mean) <= 0.02 * float(item.high - item.low) + 1e-12
    # A parameter with no range keeps its central value and leaves every other parameter's draws alone.
    no_range = replace(params.values["displacement"], value=D(0), low=D(0), high=D(0))
    narrowed = replace(params, values={**params.values, "displacement": no_range})
    again = draw_parameters(narrowed, seed=3, runs=20_000)
    assert (again["displacement"] == 0).all()
    assert all(np.array_equal(again[key], drawn[key]) for key in drawn if key != "displacement")


def test_each_tornado_bar_shows_the_values_it_tried():
    params = parameters("0.5", crime__opiate=1000)
    (bar,) = tornado(SroiInputs({"opiate": ClientGroupInput(10, 0)}), params)
    assert (bar.key, bar.low_value, bar.high_value) == ("crime.opiate", D(500), D(1500))


def test_with_no_uncertainty_every_run_setting_is_kept():
    inputs = SroiInputs({"alcohol": ClientGroupInput(7, 3)}, 4)
    params = parameters(crime__alcohol=123)
    central = estimate(inputs, params).net_present_value
    assert monte_carlo(inputs, params, seed=9, runs=20) == MonteCarloResult(central, central, central, 20, 9)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_interval_is_the_inclusive_percentiles_rounded_outwards(seed):
    # The 5th and 95th percentiles as the spreadsheet's PERCENTILE.INC gives them (statistics' inclusive
    # quantiles), the low end rounded down and the high end up to the penny.
    inputs = SroiInputs({"opiate": ClientGroupInput(3, 1)}, 3)
    params = parameters("0.5", crime__opiate="1234.56", drop_off="0.2", discount_rate="0.035")
    result = monte_carlo(inputs, params, seed=seed, runs=41)
    totals = net_present_values(validate(inputs), draw_parameters(params, seed, 41))
    cuts = statistics.quantiles([float(total) for total in totals], n=20, method="inclusive")
    assert result.low == D(cuts[0]).quantize(D("0.01"), ROUND_FLOOR)
    assert result.high == D(cuts[-1]).quantize(D("0.01"), ROUND_CEILING)
    assert (result.runs, result.seed) == (41, seed)


def test_the_number_of_runs_is_a_whole_number_from_2_to_100000():
    inputs = SroiInputs({"opiate": ClientGroupInput(3, 1)}, 1)
    params = parameters("0.5", crime__opiate=100)
    assert monte_carlo(inputs, params, seed=1, runs=2).runs == 2
    assert monte_carlo(inputs, params, seed=1, runs=100_000).runs == 100_000
    for runs in (1, 100_001, 2.5, True, "10"):
        with pytest.raises(ValueError) as raised:
            monte_carlo(inputs, params, seed=1, runs=runs)
        assert str(raised.value) == "The number of Monte Carlo runs must be a whole number from 2 to 100,000"


def test_an_interval_contains_the_central_estimate_at_either_end():
    assert MonteCarloResult(D(1), D(1), D(2), 2, 0).contains_central()
    assert MonteCarloResult(D(2), D(1), D(2), 2, 0).contains_central()
    assert not MonteCarloResult(D(3), D(1), D(2), 2, 0).contains_central()
