"""Each bad scenario input gets its own specific message on the field it is about, all at once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grants.interfaces.cocommissioning.scenarios import (
    ScenarioInputError,
    area_by_code,
    create_scenario,
    update_area,
    validate_input,
)


def problems(data) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioInputError) as raised:
        validate_input(data)
    return raised.value.problems


def test_a_valid_input_passes(valid_input):
    validate_input(valid_input)


@pytest.mark.parametrize("values, field, words", [
    ({"name": "  "}, "name", "Enter a name for the scenario"),
    ({"partner_codes": ["dorset"]}, "partner_codes", "A joint option needs at least two partners"),
    ({"partner_codes": []}, "partner_codes", "Choose at least one partner"),
    ({"partner_codes": ["dorset", "atlantis"]}, "partner_codes", "Unknown partner area: atlantis"),
    ({"partner_codes": ["dorset", "dorset"]}, "partner_codes", "only once"),
    ({"service": "space_programme"}, "service", "Choose the service"),
    ({"caseload_kind": "parking_tickets"}, "caseload_kind", "Choose the caseload"),
    ({"weights": {"need": Decimal(25), "caseload": Decimal(70)}}, "weights",
     "The weights add up to 95%: they must add up to 100%"),
    ({"weights": {"size_of_county": Decimal(100)}}, "weights", "Unknown way of sharing the cost: size_of_county"),
    ({"weights": {"need": Decimal(-25), "caseload": Decimal(125)}}, "weights-need", "must not be negative"),
    ({"floor_percent": Decimal(15), "cap_percent": Decimal(10)}, "cap_percent",
     "The cap (10%) is below the floor (15%)"),
    ({"floor_pence": 200_000_00, "cap_pence": 100_000_00}, "cap_pence",
     "The cap (£100,000.00) is below the floor (£200,000.00)"),
    ({"floor_percent": Decimal(10), "floor_pence": 100}, "floor_percent", "as a percentage or an amount, not both"),
    ({"floor_percent": Decimal(25)}, "floor_percent", "comes to more than 100%"),
    ({"cap_percent": Decimal(15)}, "cap_percent", "comes to less than 100%"),
    ({"setup_pence": -1}, "setup_pence", "The set-up cost must not be negative"),
    ({"fixed_annual_pence": -1}, "fixed_annual_pence", "The fixed annual cost must not be negative"),
    ({"cost_per_client_pence": -1}, "cost_per_client_pence", "The cost per client must not be negative"),
    ({"years": 11}, "years", "The contract must be between 1 and 10 years"),
    ({"years": 0}, "years", "The contract must be between 1 and 10 years"),
    ({"take_up_percent": Decimal(101)}, "take_up_percent", "Take-up must be between 0% and 100%"),
    ({"take_up_percent": Decimal(-1)}, "take_up_percent", "Take-up must be between 0% and 100%"),
    ({"inflation_percent": Decimal(-1)}, "inflation_percent", "Inflation must be between 0% and 100% a year"),
    ({"scale_percent": Decimal(0)}, "scale_percent", "must be more than 0% and at most 100%"),
    ({"scale_percent": Decimal(101)}, "scale_percent", "must be more than 0% and at most 100%"),
    ({"scale_percent": None, "scale_exponent": Decimal("1.1")}, "scale_exponent",
     "exponent must be more than 0 and at most 1"),
    ({"scale_percent": None, "scale_exponent": Decimal(0)}, "scale_exponent",
     "exponent must be more than 0 and at most 1"),
    ({"scale_percent": Decimal(75), "scale_exponent": Decimal("0.8")}, "scale_exponent",
     "as a percentage or as a curve exponent, not both"),
    ({"phase_in_years": 4}, "phase_in_years", "The phase-in must be between 0 years and the length of the contract"),
])
def test_each_bad_input_has_its_own_message_and_field(changed, values, field, words):
    found = problems(changed(**values))
    assert any(name == field and words in message for message, name in found), found


def test_every_problem_is_listed_at_once(changed):
    found = problems(changed(name="", partner_codes=["dorset"], years=12, setup_pence=-5,
                             take_up_percent=Decimal(150), weights={"need": Decimal(50)}))
    assert {name for _, name in found} >= {"name", "partner_codes", "years", "setup_pence", "take_up_percent",
                                           "weights"}


def test_a_split_by_a_figure_that_is_zero_for_a_chosen_partner_is_refused(changed, commissioner):
    dorset = area_by_code("dorset")
    figures = {key: {**entry} for key, entry in dorset.figures.items()}
    update_area(dorset, {"probation_orders": {**figures["probation_orders"], "value": "0"}}, dorset.lock_version,
                commissioner)
    found = problems(changed(weights={"caseload": Decimal(100)}))
    assert ("A split by caseload needs the probation orders with a drug treatment requirement a year of every "
            "partner: Dorset has 0", "weights-caseload") in found
    # another basis, or a partner list without Dorset, is fine
    validate_input(changed(weights={"population": Decimal(100)}))
    validate_input(changed(weights={"caseload": Decimal(100)}, partner_codes=["devon-cornwall", "wiltshire"]))


def test_each_partner_alone_needs_no_split_and_one_partner_will_do(changed):
    validate_input(changed(joint=False, weights={}, partner_codes=["dorset"]))


def test_floors_beyond_a_years_cost_are_reported_from_the_model(changed):
    found = problems(changed(floor_pence=10**12))
    assert found[0][1] == "floor_pence" and "floors come to" in found[0][0]


def test_nothing_is_saved_when_the_input_is_bad(changed, commissioner, db):
    from grants.models.cocommissioning import CoCommissioningScenario

    with pytest.raises(ScenarioInputError):
        create_scenario(changed(name=""), commissioner)
    assert db.session.query(CoCommissioningScenario).count() == 0
