"""Officers offering awards at the same moment against a nearly spent budget: exactly what fits is
committed, and the round's awards never add up to more than its budget."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from decimal import Decimal

from grants.interfaces.awards import awarding as awards
from grants.models.accounts import Role, User
from grants.models.applications import Application, ApplicationStatus
from grants.models.awards import AwardStatus, InstalmentTrigger, MonitoringFrequency
from grants.models.rounds import FundingRound
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, AwardFactory, FundingRoundFactory, OrganisationFactory, UserFactory
from tests.figures import report

ATTEMPTS = 20
BUDGET = Decimal("30000.00")
ALREADY_AWARDED = Decimal("22500.00")  # leaves £7,500: room for exactly 7 awards of £1,000
AWARD = Decimal("1000.00")


def _terms(officer: User) -> awards.AwardTerms:
    start = utcnow().date() + timedelta(days=10)
    return awards.AwardTerms(
        amount=AWARD, amount_reason=None, start_date=start, end_date=start + timedelta(days=365),
        standard_conditions=(), special_conditions="", monitoring_frequency=MonitoringFrequency.QUARTERLY,
        officer=officer, offer_deadline=utcnow() + timedelta(days=28),
        instalments=(awards.InstalmentPlan(AWARD / 2, start, InstalmentTrigger.ON_ACCEPTANCE),
                     awards.InstalmentPlan(AWARD / 2, start + timedelta(days=200), InstalmentTrigger.AFTER_RETURN)),
    )


def test_simultaneous_awards_against_a_nearly_spent_budget_commit_exactly_what_fits(app, db, monkeypatch):
    # Slow the sum of the round's awards, so that without the round's row lock every officer would
    # read the same £7,500 of headroom and all twenty awards would be committed.
    read_committed = awards.committed

    def slow_committed(funding_round, excluding=None):
        total = read_committed(funding_round, excluding)
        time.sleep(0.05)
        return total

    monkeypatch.setattr(awards, "committed", slow_committed)
    funding_round = FundingRoundFactory(
        opens_at=utcnow() - timedelta(days=120), closes_at=utcnow() - timedelta(days=90),
        published_at=utcnow() - timedelta(days=121), decided_at=utcnow() - timedelta(days=30), total_budget=BUDGET,
    )
    existing = ApplicationFactory(funding_round=funding_round, organisation=OrganisationFactory(),
                                  status=ApplicationStatus.SUCCESSFUL, reference="CGS-2026-0100",
                                  amount_requested=ALREADY_AWARDED, submitted_at=utcnow() - timedelta(days=100))
    AwardFactory(application=existing, amount=ALREADY_AWARDED, status=AwardStatus.ACCEPTED, accepted_at=utcnow())
    bids = [
        ApplicationFactory(funding_round=funding_round, organisation=OrganisationFactory(),
                           status=ApplicationStatus.SUCCESSFUL, reference=f"CGS-2026-{n:04d}",
                           amount_requested=AWARD, submitted_at=utcnow() - timedelta(days=100))
        for n in range(1, ATTEMPTS + 1)
    ]
    officers = [UserFactory(roles=[Role.GRANTS_OFFICER]) for _ in range(ATTEMPTS)]
    db.session.commit()
    round_id = funding_round.id
    assert awards.headroom(funding_round) == BUDGET - ALREADY_AWARDED
    pairs = [(bid.id, officer.id) for bid, officer in zip(bids, officers, strict=True)]

    barrier = threading.Barrier(ATTEMPTS)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def attempt(application_id: int, officer_id: int):
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                # Loaded after the barrier: the connection pool has fewer connections than threads.
                application = db.session.get(Application, application_id)
                officer = db.session.get(User, officer_id)
                try:
                    awards.create_award(application, _terms(officer), officer)
                    db.session.commit()
                    outcomes.append("committed")
                except awards.AwardError as refused:
                    db.session.rollback()
                    outcomes.append(str(refused))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=attempt, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    fits = int((BUDGET - ALREADY_AWARDED) // AWARD)
    assert fits == 7
    assert outcomes.count("committed") == fits, outcomes
    refusals = [outcome for outcome in outcomes if outcome != "committed"]
    assert len(refusals) == ATTEMPTS - fits
    assert all("left of its £30,000.00 budget" in refusal and "would go over it" in refusal for refusal in refusals)
    db.session.expire_all()
    funding_round = db.session.get(FundingRound, round_id)
    committed = read_committed(funding_round)
    assert committed == ALREADY_AWARDED + fits * AWARD
    assert committed <= funding_round.total_budget
    report(f"award race: {ATTEMPTS} simultaneous awards of £{AWARD:,} against £{BUDGET - ALREADY_AWARDED:,} left of "
          f"a £{BUDGET:,} budget: {outcomes.count('committed')} committed, {len(refusals)} refused; committed "
          f"£{committed:,} of £{funding_round.total_budget:,}")
