from hypothesis import given, settings, HealthCheck, assume, Phase
from tests.exports_cocommissioning.test_workbook_properties import scenarios
from tests.exports_cocommissioning.scenarios import assert_workbook_equals, layout_of
from grants.exports.cocommissioning_workbook import scenario_workbook
from grants.modelling.cocommissioning import run

@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), phases=[Phase.generate], database=None)
@given(scenario=scenarios())
def test_probe(recalculate, scenario):
    try:
        result = run(scenario)
    except ValueError:
        assume(False)
    value, _path = recalculate(scenario_workbook(scenario, result))
    try:
        assert_workbook_equals(value, result, layout_of(result))
    except AssertionError:
        print("SCENARIO", scenario)
        raise
