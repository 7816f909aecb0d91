"""Saved scenarios: versions that keep their figures, copies, and the one preferred option."""

from __future__ import annotations

from decimal import Decimal

import pytest
from werkzeug.exceptions import NotFound

from grants.interfaces.cocommissioning.scenarios import (
    area_by_code,
    clear_preferred,
    copy_scenario,
    create_scenario,
    get_scenario,
    input_of,
    latest_scenarios,
    mark_preferred,
    outcome,
    revise_scenario,
    to_model,
    update_area,
    versions_of,
)
from tests.factories import make_scenario


def _set_figure(area, key, value, user):
    update_area(area, {key: {**area.figures[key], "value": str(value)}}, area.lock_version, user)


def test_a_new_scenario_is_version_1_of_its_own_family_with_a_snapshot(valid_input, commissioner, audit_actions):
    row = create_scenario(valid_input, commissioner)
    assert (row.version, row.family_id, row.is_latest, row.created_by_id) == (1, row.id, True, commissioner.id)
    assert set(row.reference_snapshot) == set(valid_input.partner_codes)
    assert row.reference_snapshot["dorset"]["figures"]["population"]["value"] == 779_100
    assert row.weights == {"need": "25", "caseload": "75"}
    assert input_of(row) == valid_input
    assert audit_actions() == ["cocommissioning.scenario_created"]


def test_revising_saves_a_new_version_and_keeps_the_old_one(commissioner, changed, audit_actions):
    first = create_scenario(changed(name="Option A"), commissioner)
    second = revise_scenario(first, changed(name="Option A", take_up_percent=Decimal(70)), commissioner)
    assert (second.family_id, second.version, second.is_latest) == (first.family_id, 2, True)
    assert first.is_latest is False and first.take_up_percent == Decimal(60)
    assert [v.version for v in versions_of(first)] == [2, 1]
    assert latest_scenarios() == [second]
    assert audit_actions()[-1] == "cocommissioning.scenario_revised"


def test_an_old_version_cannot_be_revised(commissioner, valid_input):
    first = create_scenario(valid_input, commissioner)
    revise_scenario(first, valid_input, commissioner)
    with pytest.raises(ValueError, match="Version 1 of All five is not the latest"):
        revise_scenario(first, valid_input, commissioner)


def test_an_old_version_keeps_the_figures_it_was_saved_with(commissioner, valid_input):
    first = create_scenario(valid_input, commissioner)
    before = outcome(first).result
    _set_figure(area_by_code("dorset"), "probation_orders", 900, commissioner)
    assert outcome(first).result == before  # reproduces after the area changed
    assert to_model(first).partners[2].caseload.value == 234
    second = revise_scenario(first, valid_input, commissioner)
    assert second.reference_snapshot["dorset"]["figures"]["probation_orders"]["value"] == 900
    assert outcome(second).result.total_pence > before.total_pence


def test_a_copy_is_a_new_scenario_based_on_the_original(commissioner, valid_input, audit_actions):
    original = create_scenario(valid_input, commissioner)
    copy = copy_scenario(original, commissioner)
    assert (copy.name, copy.version, copy.family_id, copy.based_on_id) == ("Copy of All five", 1, copy.id, original.id)
    assert input_of(copy).partner_codes == valid_input.partner_codes
    named = copy_scenario(original, commissioner, name="Option B")
    assert named.name == "Option B"
    assert audit_actions()[-1] == "cocommissioning.scenario_copied"
    assert {row.id for row in latest_scenarios()} == {original.id, copy.id, named.id}


def test_only_one_scenario_is_preferred_and_it_is_listed_first(commissioner, audit_actions):
    zulu, alpha = make_scenario(commissioner, name="Zulu"), make_scenario(commissioner, name="Alpha")
    mark_preferred(zulu, "Cheapest for everyone", commissioner)
    assert latest_scenarios() == [zulu, alpha]
    mark_preferred(alpha, "  Fairer split  ", commissioner)
    assert (zulu.preferred, alpha.preferred, alpha.preferred_note) == (False, True, "Fairer split")
    assert alpha.preferred_by_id == commissioner.id and alpha.preferred_at is not None
    assert latest_scenarios() == [alpha, zulu]
    clear_preferred(alpha, commissioner)
    assert not alpha.preferred
    assert audit_actions()[-4:] == ["cocommissioning.scenario_preferred", "cocommissioning.scenario_preference_cleared",
                                    "cocommissioning.scenario_preferred", "cocommissioning.scenario_preference_cleared"]


def test_a_preference_needs_a_note(commissioner):
    row = make_scenario(commissioner)
    with pytest.raises(ValueError, match="Enter a note saying why this is the preferred option"):
        mark_preferred(row, "   ", commissioner)
    assert not row.preferred


def test_a_preference_stays_with_the_version_it_was_given_to(commissioner, valid_input):
    first = make_scenario(commissioner, name="Preferred")
    mark_preferred(first, "Agreed at the board", commissioner)
    second = revise_scenario(first, valid_input, commissioner)
    assert first.preferred and not second.preferred
    assert latest_scenarios()[0] == second  # its family is still listed first


def test_a_missing_scenario_is_not_found(db):
    with pytest.raises(NotFound):
        get_scenario(999_999)
