"""The demo tells the due-diligence story: a bid held by an unmet required item, and a register mismatch."""

from __future__ import annotations

from sqlalchemy import func, select

from grants.demo import due_diligence as demo
from grants.demo import seed_demo
from grants.demo.panel import seed_panel
from grants.demo.rounds import seed_rounds
from grants.interfaces.due_diligence import findings, registers
from grants.models.applications import Application, ApplicationStatus
from grants.models.due_diligence import DueDiligenceCheck, RegisterEntry
from grants.models.organisations import Organisation
from grants.models.rounds import FundingRound
from grants.reference_data import load_reference_data


def test_the_demo_holds_a_bid_and_shows_a_register_mismatch_and_runs_twice(db):
    load_reference_data()
    seed_demo()
    seed_rounds()
    seed_panel()
    demo.seed()
    models = (Application, DueDiligenceCheck, RegisterEntry)
    counts = [db.session.scalar(select(func.count()).select_from(model)) for model in models]
    demo.seed()  # adds nothing
    assert [db.session.scalar(select(func.count()).select_from(model)) for model in models] == counts
    assert all(funding_round.due_diligence for funding_round in db.session.scalars(select(FundingRound)))

    held = db.session.scalars(select(Application).filter_by(project_title="Penzance Late Kitchen")).one()
    assert held.status is ApplicationStatus.SUBMITTED
    assert findings.gate_refusal(held) == (
        f"{held.reference} cannot go to the panel until its required due-diligence items are met or marked not "
        "needed: Insurance (not met) and Register checks (not marked)")
    # The demo applicant's bid is ready for the panel (the panel's browser journey screens it).
    ready = db.session.scalars(select(Application).filter_by(project_title="Parents Against Exploitation")).one()
    assert ready.status is ApplicationStatus.SUBMITTED and findings.gate_refusal(ready) is None

    bodmin = db.session.scalars(select(Organisation).filter_by(name="Bodmin Moor Youth Trust")).one()
    [check] = registers.check_organisation(bodmin)
    assert check.found and not check.name_matches and check.register_name == "Bodmin Moor Young People's Trust"
    penwith = db.session.scalars(select(Organisation).filter_by(name="Penwith Community Kitchen CIC")).one()
    assert registers.check_organisation(penwith)[0].flags == ["Proposal to strike off"]
    tamar = db.session.scalars(select(Organisation).filter_by(name="Tamar Valley Recovery Community")).one()
    assert registers.check_organisation(tamar)[0].clear
