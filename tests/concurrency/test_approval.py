"""Commissioners approving one round's funding at the same moment make exactly one decision."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import scoring
from grants.interfaces.panel import decisions
from grants.models.accounts import Role, User
from grants.models.applications import Application, ApplicationStatus
from grants.models.panel import FundingDecision, FundingRecommendationRecord, ScoreSheet, SheetStatus
from grants.models.rounds import FundingRound
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, FundingRoundFactory, OrganisationFactory, UserFactory
from tests.figures import report

ATTEMPTS = 6


def test_simultaneous_approvals_make_one_decision(app, db):
    funding_round = FundingRoundFactory(
        opens_at=utcnow() - timedelta(days=30), closes_at=utcnow() - timedelta(days=1),
        published_at=utcnow() - timedelta(days=31), total_budget=Decimal("6000.00"),
    )
    officer = UserFactory(roles=[Role.GRANTS_OFFICER])
    member = UserFactory(roles=[Role.PANEL_MEMBER])
    commissioners = [UserFactory(roles=[Role.COMMISSIONER]) for _ in range(ATTEMPTS)]
    bids = [
        ApplicationFactory(funding_round=funding_round, organisation=OrganisationFactory(),
                           status=ApplicationStatus.UNDER_ASSESSMENT, reference=f"CGS-2026-{n:04d}",
                           amount_requested=Decimal(amount), submitted_at=utcnow())
        for n, amount in enumerate(("4000.00", "3000.00", "2500.00"), start=1)
    ]
    db.session.flush()
    for application, fit in zip(bids, (4, 3, 2), strict=True):
        db.session.add(ScoreSheet(application_id=application.id, user_id=member.id, round_id=funding_round.id,
                                  rubric_id=funding_round.rubric_id, status=SheetStatus.SUBMITTED,
                                  values={"fit": fit, "value": 3}, comments={"fit": "Noted"}, submitted_at=utcnow()))
    db.session.flush()
    record = decisions.run_recommendation(funding_round, scoring.FundingRules(budget_pence=600_000), officer)
    db.session.commit()
    round_id, record_id = funding_round.id, record.id
    recommended = sorted(decisions.recommended_ids(record))
    commissioner_ids = [c.id for c in commissioners]

    barrier = threading.Barrier(ATTEMPTS)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def attempt(commissioner_id: int):
        try:
            with app.app_context():
                mine = db.session.get(FundingRound, round_id)
                rec = db.session.get(FundingRecommendationRecord, record_id)
                who = db.session.get(User, commissioner_id)
                barrier.wait(timeout=10)
                try:
                    decisions.approve(mine, rec, recommended, None, who)
                    db.session.commit()
                    outcomes.append("approved")
                except decisions.DecisionError as refused:
                    db.session.rollback()
                    outcomes.append(str(refused))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=attempt, args=(who,)) for who in commissioner_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors, errors
    assert outcomes.count("approved") == 1, outcomes
    assert all("already been approved" in outcome for outcome in outcomes if outcome != "approved")
    db.session.expire_all()
    assert len(db.session.scalars(db.select(FundingDecision)).all()) == 1
    statuses = {a.id: a.status for a in db.session.scalars(db.select(Application).filter_by(round_id=round_id))}
    assert {i for i, s in statuses.items() if s is ApplicationStatus.SUCCESSFUL} == set(recommended)
    assert all(s in (ApplicationStatus.SUCCESSFUL, ApplicationStatus.UNSUCCESSFUL) for s in statuses.values())
    report(f"approval race: {ATTEMPTS} simultaneous approvals, {outcomes.count('approved')} committed")
