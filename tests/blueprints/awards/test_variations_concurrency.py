"""Officers deciding variations at the same moment: a variation is decided once, and increases on
different awards of a round never take it over its budget. Real commits from several threads on
PostgreSQL (skipped on SQLite), with the concurrency tests' committing ``db`` fixture."""

from __future__ import annotations

import threading
from decimal import Decimal

from sqlalchemy import func, select

from grants.interfaces.awards import awarding as award_interface
from grants.interfaces.awards import variations
from grants.interfaces.awards.awarding import AwardError
from grants.models.accounts import Role, User
from grants.models.audit import AuditEvent
from grants.models.awards import Award, AwardStatus, Variation, VariationKind
from grants.models.types import utcnow
from tests.concurrency.conftest import db  # noqa: F401 - replaces the rolled-back fixture in this module
from tests.factories import AwardFactory, FundingRoundFactory, OrganisationFactory, UserFactory


def _accepted_award(**changes) -> Award:
    return AwardFactory(organisation=OrganisationFactory(), status=AwardStatus.ACCEPTED, accepted_at=utcnow(),
                        **changes)


def _ask(award: Award, amount: str) -> Variation:
    return variations.request_variation(award, VariationKind.AMOUNT, {"amount": Decimal(amount)}, "More demand",
                                        UserFactory(roles=[Role.APPLICANT]), by_grantee=True)


def _race(app, database, jobs) -> tuple[list[str], list[BaseException]]:
    """Decide each (variation id, officer id) at the same moment: "approved" or the refusal."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def attempt(variation_id: int, officer_id: int):
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                variation = database.session.get(Variation, variation_id)
                try:
                    variations.decide_variation(variation, True, "", database.session.get(User, officer_id))
                    database.session.commit()
                    outcomes.append("approved")
                except AwardError as refused:
                    database.session.rollback()
                    outcomes.append(str(refused))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=attempt, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes, errors


def test_officers_approving_the_same_variation_at_once_approve_it_once(app, db):  # noqa: F811
    award = _accepted_award()
    variation = _ask(award, "4500.00")
    officers = [UserFactory(roles=[Role.GRANTS_OFFICER]) for _ in range(4)]
    db.session.commit()
    award_id, variation_id = award.id, variation.id

    outcomes, errors = _race(app, db, [(variation_id, officer.id) for officer in officers])

    assert not errors, errors
    assert outcomes.count("approved") == 1, outcomes
    assert all("already been approved" in outcome for outcome in outcomes if outcome != "approved")
    db.session.expire_all()
    award = db.session.get(Award, award_id)
    assert award.amount == Decimal("4500.00") and sum(i.amount for i in award.instalments) == Decimal("4500.00")
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "award.varied")) == 1


def test_increases_at_once_on_one_round_commit_only_what_fits(app, db):  # noqa: F811
    """Five £4,000 awards in a £21,000 round, each asking for £500 more: £1,000 of room, so two fit."""
    funding_round = FundingRoundFactory(total_budget=Decimal("21000.00"))
    awards = [_accepted_award() for _ in range(5)]
    for award in awards:  # one round for all (the factory makes a round per award)
        award.round_id = funding_round.id
        award.application.round_id = funding_round.id
    db.session.flush()
    asked = [_ask(award, "4500.00") for award in awards]
    officers = [UserFactory(roles=[Role.GRANTS_OFFICER]) for _ in asked]
    db.session.commit()
    round_id = funding_round.id

    outcomes, errors = _race(app, db, [(v.id, o.id) for v, o in zip(asked, officers, strict=True)])

    assert not errors, errors
    assert outcomes.count("approved") == 2, outcomes
    assert all("would go over it" in outcome for outcome in outcomes if outcome != "approved")
    db.session.expire_all()
    assert award_interface.committed(db.session.get(type(funding_round), round_id)) == Decimal("21000.00")

