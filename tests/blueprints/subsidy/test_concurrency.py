"""Two offers to one organisation at the same moment, from two rounds (so the rounds' locks do not
order them), on PostgreSQL with real commits: only one fits under the MFA limit, and only one is made."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from decimal import Decimal

from grants.interfaces.awards import awarding
from grants.interfaces.subsidy import ledger
from grants.models.accounts import Role, User
from grants.models.applications import Application, ApplicationStatus
from grants.models.organisations import LegalType
from grants.models.types import utcnow
from tests.blueprints.subsidy.conftest import declare, terms
from tests.concurrency.conftest import db  # noqa: F401 - real commits instead of the rolled-back fixture
from tests.factories import ApplicationFactory, FundingRoundFactory, OrganisationFactory, UserFactory


def test_two_offers_at_once_cannot_both_pass_the_limit(app, db, monkeypatch):  # noqa: F811
    read_position = ledger.position

    def slow_position(*args, **kwargs):  # without the organisation's lock, both would read the same total
        found = read_position(*args, **kwargs)
        time.sleep(0.2)
        return found

    monkeypatch.setattr(ledger, "position", slow_position)
    organisation = OrganisationFactory(legal_type=LegalType.CIC, charity_number=None, company_number="11223344")
    officer = UserFactory(roles=[Role.GRANTS_OFFICER])
    bids = []
    for n in range(2):
        funding_round = FundingRoundFactory(
            opens_at=utcnow() - timedelta(days=120), closes_at=utcnow() - timedelta(days=90),
            published_at=utcnow() - timedelta(days=121), decided_at=utcnow() - timedelta(days=30),
            total_budget=Decimal("500000.00"))
        bid = ApplicationFactory(funding_round=funding_round, organisation=organisation,
                                 status=ApplicationStatus.SUCCESSFUL, reference=f"CGS-2026-{8100 + n:04d}",
                                 amount_requested=Decimal("200000.00"), submitted_at=utcnow() - timedelta(days=100))
        declare(bid, officer)
        bids.append(bid.id)
    db.session.commit()
    officer_id = officer.id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def attempt(application_id: int):
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                application = db.session.get(Application, application_id)
                who = db.session.get(User, officer_id)
                try:
                    awarding.create_award(application, terms(who, "200000.00"), who)
                    db.session.commit()
                    outcomes.append("committed")
                except awarding.AwardError as refused:
                    db.session.rollback()
                    outcomes.append(str(refused))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=attempt, args=(bid,)) for bid in bids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(outcome[:9] for outcome in outcomes) == ["An award ", "committed"]
    assert ledger.position(organisation.id).total == Decimal("200000.00")
