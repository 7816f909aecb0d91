from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.modelling.social_return import (
    ClientGroupInput,
    PlanComparison,
    SroiInputError,
    SroiInputs,
    compare_with_reported,
    estimate,
    pence_pounds,
    whole_pounds,
)
from grants.modelling.sroi_defaults import (
    DEFAULT_PARAMETERS,
    GDP_DEFLATOR,
    PLAN_REPORTED_GROSS_BENEFIT,
    devon_and_cornwall_comparison,
    devon_and_cornwall_preset,
)
from grants.modelling.sroi_parameters import (
    CLIENT_GROUPS,
    DeflatorSeries,
    ParameterSet,
    Source,
    Sourced,
    required_keys,
)

ZERO_RATES = {"deadweight": 0, "attribution": 0, "displacement": 0, "drop_off": 0, "discount_rate": 0}


def parameters(spread: str = "0", **values) -> ParameterSet:
    """Every value zero unless given; each range is value × (1 ± spread), rates capped at 1."""
    items = {}
    for key in required_keys():
        value = D(str(values.get(key.replace(".", "__"), values.get(key, 0))))
        low, high = value * (1 - D(spread)), value * (1 + D(spread))
        if key in ZERO_RATES and value <= 1:
            high = min(high, D(1))
        items[key] = Sourced(value, low, high, "test", assumption=True, set_by="tests")
    return ParameterSet("test", 1, items)


def one_group(clients: int, completions: int, horizon: int = 1, **cost) -> SroiInputs:
    return SroiInputs({"opiate": ClientGroupInput(clients, completions)}, horizon, **cost)


# Hand-worked examples -----------------------------------------------------------------------------

def test_one_group_one_year():
    # per client: crime 1,000 + health 200 + social care 100 + 0.01 QALY × £50,000 = £1,800
    params = parameters(crime__opiate=1000, health_care__opiate=200, social_care__opiate=100,
                        qalys__opiate="0.01", value_per_qaly=50000)
    result = estimate(one_group(10, 2, cost_per_client=D(600)), params)
    assert result.gross_year_one == result.gross_present_value == 18000
    assert result.by_category() == {"crime": 10000, "health_care": 2000, "social_care": 1000,
                                    "quality_of_life": 5000}
    assert result.by_group() == {"opiate": 18000}
    assert result.net_present_value == 18000
    assert result.cost == 6000
    assert result.net_after_cost == 12000
    assert result.return_per_pound == 3
    assert result.summary() == (
        "Over 1 year, treatment is estimated to bring £18,000 of social and economic benefits (present value), "
        "£18,000 after allowing for what would have happened anyway, others' contribution and displacement: "
        "about £3.00 for every £1 of the £6,000 spent on treatment.")


def test_discounting_over_three_years_leaves_year_one_undiscounted():
    # 10 clients × £1,000 in year one; 4 completers × £1,000 in years 2 and 3, ÷ 1.035 and ÷ 1.035²
    params = parameters(crime__opiate=1000, discount_rate="0.035")
    result = estimate(one_group(10, 4, horizon=3), params)
    assert result.gross_year_one == 10000
    expected = D(10000) + D(4000) / D("1.035") + D(4000) / D("1.071225")
    assert abs(result.gross_present_value - expected) < D("1e-18")
    assert result.gross_present_value.quantize(D("0.01")) == D("17598.78")


def test_drop_off_reduces_completers_benefit_each_year_after_treatment():
    # year 1: 5 × 100 = 500; year 2: 500 × 0.8 = 400; year 3: 500 × 0.64 = 320
    result = estimate(one_group(5, 5, horizon=3), parameters(crime__opiate=100, drop_off="0.2"))
    assert result.gross_present_value == 1220


def test_total_cost_instead_of_cost_per_client():
    result = estimate(one_group(10, 0, total_cost=D(4500)), parameters(crime__opiate=900))
    assert result.return_per_pound == 2
    assert result.net_after_cost == 4500


def test_no_cost_means_no_return_per_pound():
    result = estimate(one_group(1, 0), parameters(crime__opiate=10))
    assert result.return_per_pound is None
    assert "no return per £1" in result.summary()


@pytest.mark.parametrize("adjustment", ["deadweight", "attribution", "displacement"])
def test_each_adjustment_at_zero_and_at_100_percent(adjustment):
    at_zero = estimate(one_group(10, 0), parameters(crime__opiate=100, **{adjustment: 0}))
    at_full = estimate(one_group(10, 0), parameters(crime__opiate=100, **{adjustment: 1}))
    assert at_zero.net_present_value == at_zero.gross_present_value == 1000
    assert at_full.net_present_value == 0
    assert at_full.gross_present_value == 1000


def test_adjustments_multiply():
    params = parameters(crime__opiate=100, deadweight="0.1", attribution="0.2", displacement="0.5")
    assert estimate(one_group(10, 0), params).net_present_value == 360


def test_drop_off_at_100_percent_ends_benefit_after_treatment():
    result = estimate(one_group(10, 10, horizon=10), parameters(crime__opiate=100, drop_off=1))
    assert result.gross_present_value == 1000


# Price years ---------------------------------------------------------------------------------------

def test_money_values_are_uprated_and_counts_are_not():
    series = DeflatorSeries({"2020-21": D(80), "2021-22": D(100)}, Source("test", "tests"))
    item = Sourced(D(80), D(40), D(160), "£", assumption=True, price_year="2020-21")
    params = parameters(qalys__opiate="0.5").with_value("crime.opiate", D(0))
    params = ParameterSet("t", 1, {**params.values, "crime.opiate": item})
    uprated = params.in_prices_of("2021-22", series)
    assert (uprated.values["crime.opiate"].value, uprated.values["crime.opiate"].low) == (100, 50)
    assert uprated.values["crime.opiate"].price_year == "2021-22"
    assert uprated.value("qalys.opiate") == D("0.5")


def test_a_financial_year_is_three_quarters_of_its_first_calendar_year_and_a_quarter_of_the_next():
    series = DeflatorSeries.from_calendar_years({2020: D(80), 2021: D(100), 2022: D("100.2")}, Source("t", "t"),
                                               verified=True)
    # 2020-21: (3 × 80 + 100) / 4 = 85; 2021-22: (300 + 100.2) / 4 = 100.05 → 100.1 (half up)
    assert series.index == {"2020-21": D(85), "2021-22": D("100.1")}
    assert series.years == ("2020-21", "2021-22")  # 2022-23 would need 2023
    assert series.calendar == {"2020": D(80), "2021": D(100), "2022": D("100.2")}
    assert series.factor("2020-21", "2020-21") == 1


def test_the_default_deflator_is_the_published_calendar_series():
    assert GDP_DEFLATOR.verified and GDP_DEFLATOR.calendar["2024"] == 100
    assert GDP_DEFLATOR.calendar["2021"] == D("85.6358") and GDP_DEFLATOR.calendar["2010"] == D("69.1217")
    # 2021-22 = (3 × 85.6358 + 90.5005) / 4 = 86.852... → 86.9
    assert GDP_DEFLATOR.index["2021-22"] == D("86.9")
    assert GDP_DEFLATOR.years[0] == "2010-11" and GDP_DEFLATOR.years[-1] == "2023-24"


def test_a_year_outside_the_deflator_series_is_refused():
    with pytest.raises(ValueError, match="There is no GDP deflator for 2031-32: the series covers 2010-11 to 2023-24"):
        DEFAULT_PARAMETERS.in_prices_of("2031-32", GDP_DEFLATOR)


# Bad input -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("clients", "completions", "message"), [
    (-1, 0, "Clients in treatment (opiate) cannot be negative"),
    ("ten", 0, "Clients in treatment (opiate) must be a whole number"),
    (D("2.5"), 0, "Clients in treatment (opiate) must be a whole number"),
    (True, 0, "Clients in treatment (opiate) must be a whole number"),
    (5, -2, "Successful completions (opiate) cannot be negative"),
    (5, 6, "Successful completions (opiate) cannot be more than clients in treatment: 6 completions, 5 clients"),
])
def test_bad_counts_have_specific_messages(clients, completions, message):
    with pytest.raises(SroiInputError) as raised:
        estimate(one_group(clients, completions), parameters())
    assert raised.value.problems == (message,)


def test_counts_typed_as_text_are_accepted():
    result = estimate(one_group("1,000", " 10 "), parameters(crime__opiate=1))
    assert result.gross_year_one == 1000


@pytest.mark.parametrize("horizon", [0, 11, "5", 2.5])
def test_horizon_outside_1_to_10_years(horizon):
    with pytest.raises(SroiInputError, match="The horizon must be a whole number of years from 1 to 10"):
        estimate(one_group(1, 0, horizon=horizon), parameters())


@pytest.mark.parametrize("rate", ["deadweight", "attribution", "displacement", "drop_off", "discount_rate"])
@pytest.mark.parametrize("value", [-0.01, 1.01])
def test_rates_outside_0_to_100_percent(rate, value):
    label = rate.replace("_", " ").capitalize()
    with pytest.raises(ValueError, match=f"{label} must be between 0% and 100%"):
        parameters(**{rate: value})


def test_money_and_group_problems_are_listed_together():
    inputs = SroiInputs({"heroin": ClientGroupInput(1, 0), "alcohol": ClientGroupInput(3, 4)}, 1,
                        cost_per_client=D(-5))
    with pytest.raises(SroiInputError) as raised:
        estimate(inputs, parameters())
    assert raised.value.problems[0].startswith("Unknown client group “heroin”")
    assert "The cost per client cannot be negative" in raised.value.problems


def test_a_value_without_a_source_must_be_an_assumption():
    with pytest.raises(ValueError, match="must be marked as an assumption"):
        Sourced(D(1), D(0), D(2), "£")


# The defaults and the Devon and Cornwall preset ---------------------------------------------------

def test_every_default_has_a_source_or_says_who_assumed_it():
    for key, item in DEFAULT_PARAMETERS.values.items():
        assert item.source is not None or (item.assumption and item.set_by), key
        assert item.low <= item.value <= item.high, key
        if item.unit.startswith("£"):
            assert item.price_year in GDP_DEFLATOR.index, key


def test_devon_and_cornwall_preset_is_consistent():
    preset = devon_and_cornwall_preset()
    assert sum(g.clients for g in preset.inputs.groups.values()) == 9437
    assert set(preset.inputs.groups) == set(CLIENT_GROUPS)
    assert preset.reported == PLAN_REPORTED_GROSS_BENEFIT == D("59478661")


def test_comparison_with_the_plan_reports_the_difference_without_tuning():
    comparison = devon_and_cornwall_comparison()
    assert comparison.reported == D("59478661")
    assert comparison.difference == comparison.estimated - comparison.reported
    assert comparison.summary().endswith("than the £59,478,661 the plan reports.")
    # Parameters are untouched by the comparison.
    assert DEFAULT_PARAMETERS.value("crime.opiate") == D("8691")


def test_comparison_wording_when_the_model_is_below_the_plan():
    result = estimate(one_group(1, 0), parameters(crime__opiate=100))
    assert compare_with_reported(result, D(200)).summary() == (
        "The model estimates £100 of gross social and economic benefits, £100 (50%) less than the £200 the "
        "plan reports.")


def test_whole_pounds_rounds_half_up_for_display_only():
    assert whole_pounds(D("1234.5")) == "£1,235"
    assert whole_pounds(D("-0.4")) == "£0"
    assert whole_pounds(D("-2.5")) == "-£3"


# Properties ----------------------------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=5000)
money = st.decimals(min_value=0, max_value=50000, places=2)
rates = st.decimals(min_value=0, max_value=1, places=3)
BENEFIT_KEYS = [k for k in required_keys() if k.split(".")[0] in {"crime", "health_care", "social_care", "qalys"}]


@given(clients=counts, completed=st.floats(0, 1), horizon=st.integers(1, 10), key=st.sampled_from(BENEFIT_KEYS),
       base=money, extra=money, drop_off=rates, deadweight=rates, rate=st.decimals(0, D("0.1"), places=3))
def test_return_is_monotonic_in_each_benefit(clients, completed, horizon, key, base, extra, drop_off, deadweight, rate):
    groups = {g: ClientGroupInput(clients, int(clients * completed)) for g in CLIENT_GROUPS}
    inputs = SroiInputs(groups, horizon, cost_per_client=D(1000))
    common = {"value_per_qaly": 1000, "drop_off": drop_off, "deadweight": deadweight, "discount_rate": rate}
    lower = estimate(inputs, parameters(**{key: base}, **common))
    higher = estimate(inputs, parameters(**{key: base + extra}, **common))
    assert higher.net_present_value >= lower.net_present_value
    if clients:
        assert higher.return_per_pound >= lower.return_per_pound


@given(clients=counts, horizon=st.integers(1, 10), cost=money, drop_off=rates)
def test_return_is_zero_when_every_benefit_is_zero(clients, horizon, cost, drop_off):
    inputs = SroiInputs({g: ClientGroupInput(clients, clients // 2) for g in CLIENT_GROUPS}, horizon,
                        total_cost=cost + 1)
    result = estimate(inputs, parameters(value_per_qaly=70000, drop_off=drop_off))
    assert result.gross_present_value == result.net_present_value == 0
    assert result.return_per_pound == 0


@given(clients=counts, horizon=st.integers(1, 10), crime=money)
def test_present_value_is_at_least_year_one_and_by_group_adds_up(clients, horizon, crime):
    inputs = SroiInputs({g: ClientGroupInput(clients, clients) for g in CLIENT_GROUPS}, horizon)
    result = estimate(inputs, parameters(crime__alcohol=crime, discount_rate="0.035", drop_off="0.2"))
    assert result.gross_present_value >= result.gross_year_one
    assert sum(result.by_group().values()) == sum(result.by_category().values()) == result.gross_present_value


def test_comparison_wording_when_the_model_is_above_the_plan():
    # £100 estimated against £80 reported: £20 more, 20 / 80 = 25%.
    result = estimate(one_group(1, 0), parameters(crime__opiate=100))
    comparison = compare_with_reported(result, D(80))
    assert comparison.difference == D(20) and comparison.difference_percent == D(25)
    assert comparison.summary() == (
        "The model estimates £100 of gross social and economic benefits, £20 (25%) more than the £80 the "
        "plan reports.")


def test_comparison_wording_when_the_model_matches_the_plan_or_there_is_no_plan_figure():
    # A difference of exactly 0 is "the same as"; with no reported figure there is no percentage
    # (and no division by zero), only the difference.
    result = estimate(one_group(1, 0), parameters(crime__opiate=100))
    assert compare_with_reported(result, D(100)).summary() == (
        "The model estimates £100 of gross social and economic benefits, the same as the £100 the plan reports.")
    nothing_reported = compare_with_reported(result, D(0), "benefits to the area")
    assert nothing_reported.difference_percent == 0
    assert nothing_reported.summary() == (
        "The model estimates £100 of benefits to the area, £100 more than the £0 the plan reports.")


def test_two_years_year_one_beside_present_value_and_the_return_to_the_penny():
    # 10 opiate clients, 4 complete; £100 of crime avoided per client a year, no drop-off, no discount.
    # Year one: 10 × £100 = £1,000; the second year counts the 4 completers again: + £400 = £1,400.
    # A total cost of £1,600: 1,400 / 1,600 = 0.875 → "£0.88" (halves up).
    params = parameters(crime__opiate=100)
    result = estimate(one_group(10, 4, horizon=2, total_cost=D(1600)), params)
    assert result.by_category(present_value=False) == {"crime": 1000, "health_care": 0, "social_care": 0,
                                                        "quality_of_life": 0}
    assert result.by_group(present_value=False) == {"opiate": 1000}
    assert result.by_category()["crime"] == 1400 and result.by_group() == {"opiate": 1400}
    assert (result.parameter_set, result.parameter_version) == ("test", 1)
    assert result.summary() == (
        "Over 2 years, treatment is estimated to bring £1,400 of social and economic benefits (present value), "
        "£1,400 after allowing for what would have happened anyway, others' contribution and displacement: "
        "about £0.88 for every £1 of the £1,600 spent on treatment.")


def test_no_cost_entered_is_a_cost_of_0_and_no_return_per_pound():
    result = estimate(one_group(1, 0), parameters(crime__opiate=100))
    assert result.cost == 0 and result.net_after_cost == 100 and result.return_per_pound is None
    assert result.summary().endswith(
        "and displacement; no cost of treatment was entered, so there is no return per £1.")


def test_pounds_and_pence_half_up_and_never_minus_zero():
    assert pence_pounds(D("1234.565")) == "£1,234.57"
    assert pence_pounds(D("-1.005")) == "-£1.01"
    assert pence_pounds(D("-0.001")) == "£0.00"
    assert pence_pounds(D("0.004")) == "£0.00"
    assert whole_pounds(D("-2.5")) == "-£3"


def test_every_input_problem_is_listed_in_order():
    inputs = SroiInputs({"heroin": ClientGroupInput(1, 0), "cocaine": ClientGroupInput(1, 0),
                         "opiate": ClientGroupInput(1, 0)}, 1, cost_per_client=D(1), total_cost=D(-1))
    with pytest.raises(SroiInputError) as raised:
        estimate(inputs, parameters())
    choices = "opiate, non_opiate, alcohol, non_opiate_and_alcohol"
    assert raised.value.problems == (
        f"Unknown client group “heroin”: choose from {choices}",
        f"Unknown client group “cocaine”: choose from {choices}",
        "Enter either a cost per client or a total cost of treatment, not both",
        "The total cost of treatment cannot be negative",
    )
    assert str(raised.value) == "; ".join(raised.value.problems)


def test_less_than_a_pound_more_than_the_plan_is_still_more():
    assert PlanComparison(D(100), D("100.40"), "benefits").summary() == (
        "The model estimates £100 of benefits, £0 (0%) more than the £100 the plan reports.")


def test_every_group_with_bad_counts_is_listed():
    inputs = SroiInputs({"opiate": ClientGroupInput(-1, 0), "alcohol": ClientGroupInput("ten", 0),
                         "non_opiate": ClientGroupInput(1, 2)}, 1)
    with pytest.raises(SroiInputError) as raised:
        estimate(inputs, parameters())
    assert raised.value.problems == (
        "Clients in treatment (opiate) cannot be negative",
        "Clients in treatment (alcohol only) must be a whole number",
        "Successful completions (non-opiate) cannot be more than clients in treatment: 2 completions, 1 clients",
    )


def test_a_result_with_no_client_groups_shows_nothing_in_every_category():
    result = estimate(SroiInputs({}, 1), parameters(crime__opiate=100))
    assert [whole_pounds(total) for total in result.by_category().values()] == ["£0"] * 4
    assert result.by_group() == {}
