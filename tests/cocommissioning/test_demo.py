"""The demo co-commissioning scenarios."""

from __future__ import annotations

from sqlalchemy import func, select

from grants.demo import seed_demo
from grants.demo.cocommissioning import HYBRID, PAIR, seed_cocommissioning
from grants.interfaces.cocommissioning.scenarios import latest_scenarios, outcome, versions_of
from grants.models.cocommissioning import CoCommissioningScenario


def test_the_demo_scenarios_are_seeded_once(db):
    seed_demo()
    seed_cocommissioning()
    seed_cocommissioning()  # idempotent
    assert db.session.scalar(select(func.count(CoCommissioningScenario.id))) == 4
    latest = latest_scenarios()
    assert [row.name for row in latest] == [HYBRID.name, PAIR.name, "Each PCC alone"]
    preferred = latest[0]
    assert preferred.preferred and preferred.preferred_note
    assert preferred.preferred_by.email == "commissioner@example.org"
    assert [v.version for v in versions_of(latest[1])] == [2, 1]
    assert len(latest[1].partner_codes) == 3 and latest[2].joint is False
    for row in latest:
        worked = outcome(row)
        assert sum(p.contribution_pence for p in worked.result.partners) == worked.result.total_pence
    # joint working is cheaper for every PCC in the preferred option
    assert all(p.saving_pence > 0 for p in outcome(preferred).result.partners)


def test_no_demo_scenarios_without_the_demo_commissioner(db):
    seed_cocommissioning()
    assert latest_scenarios() == []


def test_the_demo_pair_shows_why_it_was_revised(db):
    seed_demo()
    seed_cocommissioning()
    second, first = versions_of(latest_scenarios()[1])
    assert outcome(first).result.partner("devon-cornwall").better_off_alone
    assert not any(p.better_off_alone for p in outcome(second).result.partners)
