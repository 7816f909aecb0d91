"""A scenario worked out: contributions to the penny, and each partner's social return."""

from __future__ import annotations

from decimal import Decimal

from grants.interfaces.cocommissioning.returns import CLIENT_MIX, COMPLETION_RATES
from grants.interfaces.cocommissioning.scenarios import create_scenario, model_from_input, outcome, to_model
from grants.modelling.cocommissioning import run


def test_contributions_add_up_exactly_to_the_joint_cost(valid_input, commissioner):
    result = outcome(create_scenario(valid_input, commissioner)).result
    assert sum(p.contribution_pence for p in result.partners) == result.total_pence
    for year, cost in enumerate(result.year_costs):
        assert sum(p.years[year].contribution_pence for p in result.partners) == cost
    assert all(isinstance(p.contribution_pence, int) for p in result.partners)


def test_a_saved_scenario_works_out_as_its_preview(valid_input, commissioner):
    saved = create_scenario(valid_input, commissioner)
    assert outcome(saved).result == run(model_from_input(valid_input)) == run(to_model(saved))


def test_every_partner_has_a_social_return_for_its_contribution(valid_input, commissioner):
    worked = outcome(create_scenario(valid_input, commissioner))
    assert [r.code for r in worked.social_return] == sorted(valid_input.partner_codes)
    for area, partner in zip(worked.social_return, worked.result.partners, strict=True):
        assert area.sroi is not None and area.clients == partner.clients
        assert area.sroi.cost == Decimal(partner.contribution_pence) / 100
        assert area.sroi.horizon_years == 3
        assert area.sroi.net_present_value > 0


def test_zero_clients_give_no_social_return_and_say_why(changed, commissioner):
    worked = outcome(create_scenario(changed(take_up_percent=Decimal(0)), commissioner))
    for area in worked.social_return:
        assert area.sroi is None and area.clients == 0
        assert "No clients are expected" in area.note


def test_each_partner_alone_has_a_social_return_too(changed, commissioner):
    worked = outcome(create_scenario(changed(joint=False, weights={}), commissioner))
    assert worked.result.saving_pence == 0
    assert all(area.sroi is not None for area in worked.social_return)


def test_the_assumptions_are_stated(valid_input, commissioner):
    assumptions = outcome(create_scenario(valid_input, commissioner)).assumptions
    text = " ".join(assumptions)
    assert sum(CLIENT_MIX.values()) == 100 and all(0 <= rate <= 100 for rate in COMPLETION_RATES.values())
    assert "55% opiate" in text and "5% of opiate clients" in text and "take-up of 60%" in text
    assert "Dorset: the probation orders with a drug treatment requirement a year (234) is an assumption" in text
    assert "Economies of scale: joint fixed costs are 75%" in text
