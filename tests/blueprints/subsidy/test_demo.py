"""The demo's organisation near the MFA limit: its ledger leaves a small headroom, and the officer
approving its request for more money is told it cannot be given as minimal financial assistance."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from grants.demo import seed_demo
from grants.demo import subsidy as demo_subsidy
from grants.demo.awards import seed_awards
from grants.demo.panel import seed_feedback
from grants.demo.rounds import seed_rounds
from grants.interfaces.auth.accounts import get_user_by_email
from grants.interfaces.subsidy import ledger
from grants.models.awards import Award, Variation, VariationKind
from grants.models.organisations import Organisation
from grants.models.subsidy import SubsidyBasis, SubsidyEntry
from tests.helpers import error_messages, post
from tests.visible_text import seen_text


def test_the_demo_kitchen_is_near_the_limit_and_more_money_is_refused(app, db, as_user):
    seed_demo()
    seed_rounds()
    seed_feedback()
    seed_awards()
    demo_subsidy.seed()
    entries = db.session.scalar(select(func.count()).select_from(SubsidyEntry))
    demo_subsidy.seed()  # idempotent
    assert db.session.scalar(select(func.count()).select_from(SubsidyEntry)) == entries == 3
    kitchen = db.session.scalar(select(Organisation).filter_by(name=demo_subsidy.ORGANISATION))
    assert ledger.position(kitchen.id).headroom == demo_subsidy.HEADROOM
    award = db.session.scalar(select(Award).filter_by(organisation_id=kitchen.id))
    assert award.subsidy_basis is SubsidyBasis.MFA and award.mfa_confirmed_at is not None
    officer = as_user(get_user_by_email("officer@example.org"))
    text = seen_text(officer.get(f"/subsidy/organisations/{kitchen.id}"))
    assert "Headroom £1,850.00" in text
    variation = db.session.scalar(select(Variation).filter_by(award_id=award.id, kind=VariationKind.AMOUNT))
    response = post(officer, f"/awards/{award.id}/variations/{variation.id}", {"decision": "approve"})
    assert response.status_code == 200
    assert any("cannot be made as minimal financial assistance" in message and "by £650.00" in message
               for message in error_messages(response)), error_messages(response)
    db.session.refresh(award)
    assert award.amount == Decimal("4800.00")


def test_every_submitted_demo_bid_that_has_the_section_answered_it(app, db):
    from grants.demo import due_diligence as demo_due_diligence
    from grants.interfaces.subsidy import declaration as declarations
    from grants.models.applications import Application, ApplicationStatus

    seed_demo()
    seed_rounds()
    seed_feedback()
    seed_awards()
    demo_subsidy.seed()
    demo_due_diligence.seed()  # the late bid it holds is seeded here
    submitted = [application for application in db.session.scalars(select(Application))
                 if application.status is not ApplicationStatus.DRAFT and declarations.applies(application)]
    answers = {(application.organisation.name, application.project_title): declarations.declaration(application)
               for application in submitted}
    assert all(declared is not None for declared in answers.values()), answers
    assert all(declarations.window_problems(application) == [] for application in submitted)
    # The charities' projects are free to the people they help; the kitchen near the limit trades.
    assert answers[("Bodmin Moor Youth Trust", "Moorland Mentors")] == declarations.NOT_ECONOMIC
    assert answers[("Tamar Valley Recovery Community", "Harbour Recovery Café")] == declarations.NOT_ECONOMIC
    assert answers[(demo_subsidy.ORGANISATION, demo_subsidy.PROJECT)].economic
    # An unincorporated group's bid has no such section.
    group = db.session.scalar(select(Organisation).filter_by(name="Torbay Families Together"))
    bids = db.session.scalars(select(Application).filter_by(organisation_id=group.id)).all()
    assert bids and not any(declarations.applies(bid) or declarations.record(bid) for bid in bids)
