from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from grants.modelling.social_return import ClientGroupInput, SroiInputs, estimate
from grants.modelling.sroi_defaults import DEFAULT_PARAMETERS, GDP_DEFLATOR, devon_and_cornwall_preset
from grants.modelling.sroi_parameters import CLIENT_GROUPS
from grants.modelling.sroi_sensitivity import monte_carlo, tornado
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
