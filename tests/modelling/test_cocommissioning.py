"""Co-commissioning: hand-worked examples of each method, costs, and bad input."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from grants.modelling.cocommissioning import (
    SOUTH_WEST,
    Bound,
    CostModel,
    CostSplit,
    Figure,
    Partner,
    ScaleEconomies,
    Scenario,
    joint_cost,
    run,
    south_west_partner,
)

# Two partners:          A     B
#   population          100   300
#   population 15-64     60   140
#   OCU                   3     1
#   caseload              1     4
A = Partner("a", "Area A", 100, 60, 3, 1)
B = Partner("b", "Area B", 300, 140, 1, 4)
# Fixed £500 a year each alone, nothing else, no economies: the joint cost is £1,000 = 100,000p.
FLAT = CostModel(setup_pence=0, fixed_annual_pence=50_000, cost_per_client_pence=0, years=1)


def contributions(result):
    return {o.code: o.contribution_pence for o in result.partners}


@pytest.mark.parametrize("weights, expected", [
    ({"equal": 100}, {"a": 50_000, "b": 50_000}),
    ({"population": 100}, {"a": 25_000, "b": 75_000}),  # 100 : 300
    ({"population_15_64": 100}, {"a": 30_000, "b": 70_000}),  # 60 : 140
    ({"need": 100}, {"a": 75_000, "b": 25_000}),  # 3 : 1
    ({"caseload": 100}, {"a": 20_000, "b": 80_000}),  # 1 : 4
    # 25% need + 75% caseload: A = 0.25 × 3/4 + 0.75 × 1/5 = 0.1875 + 0.15 = 0.3375
    ({"need": 25, "caseload": 75}, {"a": 33_750, "b": 66_250}),
])
def test_each_method_by_hand(weights, expected):
    split = CostSplit({basis: D(w) for basis, w in weights.items()})
    result = run(Scenario("hand", (A, B), FLAT, split))
    assert result.year_costs == (100_000,)
    assert contributions(result) == expected


def test_the_odd_penny_goes_by_partner_code_not_list_order():
    c = Partner("c", "Area C", 1, 1, 1, 1)
    costs = CostModel(0, 100_000, 0, years=1, scale=ScaleEconomies(percent=D(100) / 3))  # 3 × 100,000 / 3
    for order in [(A, B, c), (c, B, A)]:
        result = run(Scenario("thirds", order, costs))
        assert result.year_costs == (100_000,)
        assert contributions(result) == {"a": 33_334, "b": 33_333, "c": 33_333}


def test_a_cap_passes_the_excess_to_the_others_in_proportion():
    c = Partner("c", "Area C", 800, 1, 1, 1)
    costs = CostModel(0, 100_000 // 3 + 1, 0, years=1)
    # joint 3 × 33,334 = 100,002; population 100 : 300 : 800; C capped at 50% (rounded up: 50,001)
    # the other 50,001 goes to A and B 1 : 3 → 12,500.25 and 37,500.75
    result = run(Scenario("cap", (A, B, c), costs, CostSplit.by("population", cap=Bound(percent=D(50)))))
    assert contributions(result) == {"a": 12_500, "b": 37_501, "c": 50_001}


def test_a_floor_takes_the_shortfall_from_the_others_in_proportion():
    c = Partner("c", "Area C", 800, 1, 1, 1)
    costs = CostModel(0, 100_000, 0, years=1, scale=ScaleEconomies(percent=D(100) / 3))  # joint 100,000
    # population 1 : 3 : 8 gives A 8,333.33; a floor of £200 lifts A to 20,000; B and C share 80,000 3 : 8
    result = run(Scenario("floor", (A, B, c), costs, CostSplit.by("population", floor=Bound(pence=20_000))))
    assert contributions(result) == {"a": 20_000, "b": 21_818, "c": 58_182}


def test_phase_in_moves_from_standalone_proportions_to_the_method():
    a, b = Partner("a", "A", 1, 1, 1, 10), Partner("b", "B", 1, 1, 1, 30)
    costs = CostModel(0, 0, 100, years=3)  # alone: A £10 and B £30 a year, jointly £40
    result = run(Scenario("phase", (a, b), costs, CostSplit.by("equal", phase_in_years=2)))
    # year 1 halfway: A = ½ × ¼ + ½ × ½ = ⅜ of 4,000; year 2 on: equal
    assert [y.contribution_pence for y in result.partner("a").years] == [1_500, 2_000, 2_000]
    assert [y.contribution_pence for y in result.partner("b").years] == [2_500, 2_000, 2_000]


def test_costs_savings_and_cost_per_client_by_hand():
    a, b = Partner("a", "A", 1, 1, 1, 10), Partner("b", "B", 1, 1, 1, 30)
    costs = CostModel(setup_pence=10_000, fixed_annual_pence=50_000, cost_per_client_pence=1_000,
                      take_up_percent=D(50), inflation_percent=D(10), years=2, scale=ScaleEconomies(percent=D(80)))
    result = run(Scenario("hand", (a, b), costs, CostSplit.by("caseload")))
    # clients: A 5, B 15. Year 1 alone: A 60,000 + 5,000; B 60,000 + 15,000.
    # Jointly: 80% × 120,000 + 20 × 1,000 = 116,000. Year 2 (× 1.1): alone A 60,500, B 71,500; jointly 110,000
    assert result.year_costs == (116_000, 110_000)
    assert result.scale_factor == D("0.8000")
    a_out, b_out = result.partner("a"), result.partner("b")
    assert [y.standalone_pence for y in a_out.years] == [65_000, 60_500]
    assert [y.contribution_pence for y in a_out.years] == [29_000, 27_500]  # a quarter, by caseload 10 : 30
    assert a_out.saving_pence == 125_500 - 56_500
    assert b_out.saving_pence == 146_500 - 169_500 and b_out.better_off_alone
    assert a_out.years[0].cost_per_client_pence == 5_800 and a_out.cost_per_client_pence == 5_650
    assert result.clients_served == {"a": (D(5), D(5)), "b": (D(15), D(15))}
    assert result.saving_pence == result.standalone_total_pence - result.total_pence


def test_a_curve_of_economies():
    four = tuple(Partner(code, code, 1, 1, 1, 1) for code in "abcd")
    costs = CostModel(0, 25_000, 0, years=1, scale=ScaleEconomies(exponent=D("0.5")))
    assert joint_cost(four, costs, 1) == 50_000  # 4 × 25,000 × 4^(−0.5)


def test_each_partner_alone_pays_its_standalone_cost():
    costs = CostModel(0, 50_000, 0, years=1)
    result = run(Scenario("alone", (A,), costs, joint=False))
    assert contributions(result) == {"a": 50_000} and result.saving_pence == 0


def test_south_west_reference_data():
    assert [p.population.value for p in SOUTH_WEST] == [1_748_000, 1_786_200, 779_100, 644_800, 743_500]
    assert not SOUTH_WEST[0].population.assumption
    assert all(p.ocu.assumption and "9.5" in p.ocu.source for p in SOUTH_WEST)
    # Dorset: 466,122 aged 15-64 (Census 2021); × 9.5 / 1,000 = 4,428.159 → 4,428 OCU (assumed)
    assert (SOUTH_WEST[2].population_15_64.value, SOUTH_WEST[2].ocu.value) == (466_122, 4_428)
    result = run(Scenario("all five", SOUTH_WEST, CostModel(5_000_000, 20_000_000, 150_000, D(40), D(3), 5),
                          CostSplit({"need": D(25), "caseload": D(75)})))
    assert sum(result.year_costs) == sum(o.contribution_pence for o in result.partners)


def scenario(partners=(A, B), costs=FLAT, split=None, **options):
    return Scenario("bad", partners, costs, split or CostSplit.by("equal", **options))


@pytest.mark.parametrize("bad, message", [
    (scenario(partners=(A,)), "A joint option needs at least two partners; bad has 1"),
    (scenario(split=CostSplit({"need": D(25), "caseload": D(65)})),
     "The weights add up to 90%: they must add up to 100%"),
    (scenario(floor=Bound(percent=D(30)), cap=Bound(percent=D(20))),
     r"The cap for Area A \(20%\) is below its floor \(30%\)"),
    (scenario(floor=Bound(pence=300), cap=Bound(pence=200)),
     r"The cap for Area A \(£2.00\) is below its floor \(£3.00\)"),
    (scenario(costs=CostModel(-1, 0, 0)), "The set-up cost must not be negative"),
    (scenario(costs=CostModel(0, 0, -5)), "The cost per client must not be negative"),
    (scenario(partners=(A, Partner("z", "Area Z", 0, 1, 1, 1)), split=CostSplit.by("population")),
     "A split by population needs a population figure for every partner: Area Z has 0"),
    (scenario(partners=(A, Partner("z", "Area Z", 1, 1, 0, 1)), split=CostSplit.by("need")), "Area Z has 0"),
    (scenario(partners=(A, Partner("z", "Area Z", 1, 1, 1, 0)), split=CostSplit.by("caseload")), "Area Z has 0"),
    (scenario(costs=CostModel(0, 0, 0, years=11)), "The contract must be between 1 and 10 years; it is 11"),
    (scenario(costs=CostModel(0, 0, 0, years=0)), "between 1 and 10 years; it is 0"),
    (scenario(floor=Bound(percent=D(60))), "The floors add up to 120% of the cost"),
    (scenario(cap=Bound(percent=D(40))), "the caps add up to 80%"),
    (scenario(phase_in_years=2), "The phase-in must be between 0 and 1 years"),
    (scenario(split=CostSplit({"luck": D(100)})), "Unknown way of sharing"),
    (scenario(costs=CostModel(0, 0, 0, scale=ScaleEconomies(exponent=D("1.2")))), "exponent must be more than 0"),
    (scenario(costs=CostModel(0, 0, 0, take_up_percent=D(120))), "Take-up must be between 0% and 100%"),
])
def test_bad_input_gets_a_specific_message(bad, message):
    with pytest.raises(ValueError, match=message):
        run(bad)


def test_amount_floors_that_cannot_be_met_in_a_year():
    with pytest.raises(ValueError,
                       match=r"In year 1 the floors come to £1,200.00, more than the joint cost of £1,000.00"):
        run(scenario(floor=Bound(pence=60_000)))
    with pytest.raises(ValueError, match=r"In year 1 the caps come to £800.00, less than the joint cost of £1,000.00"):
        run(scenario(cap=Bound(pence=40_000)))


def test_a_cap_on_only_some_partners_passes_the_excess_to_the_uncapped_ones():
    # A, B and C by population 100 : 300 : 800, so proportions 1/12, 3/12 and 8/12; £400 fixed each and
    # no economies: the joint cost is 3 x 40,000 = 120,000p. Only C is capped, at 50% = 60,000p.
    # Uncapped, C would pay 80,000. The shares are clamp(λ·p): C reaches its cap at λ = 60,000 / (8/12)
    # = 90,000, where A and B pay 7,500 and 22,500 (90,000 in all, 30,000 short). Past that point only
    # A and B rise, at a slope of 1/12 + 3/12 = 1/3 a unit of λ, so λ = 90,000 + 30,000 / (1/3) = 180,000:
    # A 180,000 / 12 = 15,000, B 45,000 and C 60,000 (A and B keep their 1 : 3).
    c = Partner("c", "Area C", 800, 1, 1, 1)
    costs = CostModel(setup_pence=0, fixed_annual_pence=40_000, cost_per_client_pence=0, years=1)
    split = CostSplit.by("population", caps={"c": Bound(percent=D(50))})
    result = run(Scenario("some capped", (A, B, c), costs, split))
    assert result.year_costs == (120_000,)
    assert contributions(result) == {"a": 15_000, "b": 45_000, "c": 60_000}


def test_a_partner_from_its_census_populations():
    # 3,750 people, 2,288 of them aged 15-64 (both published, Census 2021); × 9.5 / 1,000 = 21.736 → 22 OCU;
    # caseload 3,750 × 1.2 / 1,000 = 4.5 → 5 (halves up, not to even). The derived figures are marked as
    # assumptions, with where they came from.
    assert south_west_partner("x", "Area X", 3_750, 2_288) == Partner(
        "x", "Area X",
        Figure(D(3_750), False, "Census 2021, sum of the area's local authorities"),
        Figure(D(2_288), False, "Census 2021 (ONS table TS007A), aged 15 to 64, sum of the area's local authorities"),
        Figure(D(22), True, "Assumed 9.5 per 1,000 aged 15-64 (England 2019/20): no local estimate published"),
        Figure(D(5), True, "Illustrative 1.2 per 1,000 residents: replace with tests on arrest, releases and "
                           "treatment orders"),
    )
    # 3,000 aged 15-64 × 9.5 / 1,000 = 28.5 → 29 OCU (halves up); 4,918 × 1.2 / 1,000 = 5.9016 → 6 clients.
    other = south_west_partner("y", "Area Y", 4_918, 3_000)
    assert (other.population_15_64.value, other.ocu.value, other.caseload.value) == (3_000, 29, 6)


def test_the_south_west_areas_carry_the_census_2021_figures_aged_15_to_64():
    # ONS TS007A, the bands 15-19 to 60-64 summed over each force area's local authorities (issue 22).
    assert {partner.code: int(partner.population_15_64.value) for partner in SOUTH_WEST} == {
        "avon-somerset": 1_114_410, "devon-cornwall": 1_076_402, "dorset": 466_122, "gloucestershire": 399_360,
        "wiltshire": 466_117}
    assert not any(partner.population_15_64.assumption for partner in SOUTH_WEST)


def test_every_field_of_a_result_by_hand():
    # Caseloads 1 and 3 at 50% take-up: 0.5 and 1.5 clients a year. Alone: £100 fixed + £10 a client,
    # so A 10,500p and B 11,500p a year. Jointly half the fixed costs: 10,000 + 2 clients × 1,000 =
    # 12,000p a year, shared equally: 6,000p each, saving A 4,500p and B 5,500p a year.
    a, b = Partner("a", "A", 1, 1, 1, 1), Partner("b", "B", 1, 1, 1, 3)
    costs = CostModel(0, 10_000, 1_000, take_up_percent=D(50), years=2, scale=ScaleEconomies(percent=D(50)))
    result = run(Scenario("half", (b, a), costs, service="Outreach"))
    assert (result.name, result.service, result.joint, result.scale_factor) == ("half", "Outreach", True, D("0.5000"))
    assert (result.year_costs, result.total_pence, result.standalone_total_pence, result.saving_pence) == (
        (12_000, 12_000), 24_000, 44_000, 20_000)
    a_out, b_out = result.partners  # sorted by code
    assert (a_out.code, a_out.name, a_out.contribution_pence, a_out.standalone_pence, a_out.saving_pence) == (
        "a", "A", 12_000, 21_000, 9_000)
    assert (a_out.clients, a_out.cost_per_client_pence) == (D("1.0"), 12_000)  # 12,000p for 1 client in all
    assert [(y.year, y.clients, y.contribution_pence, y.standalone_pence, y.saving_pence, y.cost_per_client_pence)
            for y in a_out.years] == [(1, D("0.5"), 6_000, 10_500, 4_500, 12_000),
                                      (2, D("0.5"), 6_000, 10_500, 4_500, 12_000)]
    assert (b_out.name, b_out.clients, b_out.cost_per_client_pence, b_out.years[1].saving_pence) == (
        "B", D("3.0"), 4_000, 5_500)
    assert result.clients_served == {"a": (D("0.5"), D("0.5")), "b": (D("1.5"), D("1.5"))}


def test_alone_each_pays_its_own_cost_whatever_the_economies_of_scale():
    a, b = Partner("a", "A", 1, 1, 1, 1), Partner("b", "B", 1, 1, 1, 3)
    costs = CostModel(0, 10_000, 1_000, take_up_percent=D(50), years=1, scale=ScaleEconomies(percent=D(50)))
    result = run(Scenario("alone", (a, b), costs, joint=False))
    assert (result.joint, result.scale_factor, result.year_costs, result.saving_pence) == (False, D("1.0000"),
                                                                                          (22_000,), 0)
    assert [(o.contribution_pence, o.standalone_pence, o.saving_pence) for o in result.partners] == [
        (10_500, 10_500, 0), (11_500, 11_500, 0)]


def test_a_percentage_floor_rounds_down_and_a_percentage_cap_rounds_up():
    # The joint cost is 100,001p; 50% of it is 50,000.5p. A's population share alone would be a quarter.
    costs = CostModel(0, 100_001, 0, years=1, scale=ScaleEconomies(percent=D(50)))
    floored = run(Scenario("floor", (A, B), costs, CostSplit.by("population", floor=Bound(percent=D(50)))))
    assert contributions(floored) == {"a": 50_000, "b": 50_001}  # A lifted to 50,000 (down), B the rest
    capped = run(Scenario("cap", (A, B), costs, CostSplit.by("population", cap=Bound(percent=D(50)))))
    assert contributions(capped) == {"a": 50_000, "b": 50_001}  # B held at 50,001 (up), so the caps fit


def test_assumed_users_round_half_up_not_to_even():
    # 7,000 aged 15-64 × 9.5 / 1,000 = 66.5 → 67 (to even it would be 66).
    assert south_west_partner("x", "X", 50, 7_000).ocu.value == 67


def test_economies_of_scale_and_bounds_in_words():
    assert ScaleEconomies(percent=D("70.0")).describe() == (
        "joint fixed costs are 70% of the partners' standalone fixed costs")
    assert ScaleEconomies(exponent=D("0.80")).describe() == (
        "joint fixed costs are the standalone total × n^(0.8 − 1) for n partners")
    assert (Bound(percent=D("12.50")).describe(), Bound(pence=123_456).describe()) == ("12.5%", "£1,234.56")
    with pytest.raises(TypeError, match="^A floor or cap needs a percentage or an amount in pence$"):
        Bound().describe()
    with pytest.raises(TypeError, match="^Economies of scale need a percentage or a curve exponent$"):
        ScaleEconomies().factor(2)
