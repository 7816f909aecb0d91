"""The portfolio's kept totals under concurrent writers on PostgreSQL: finance staff paying
instalments of awards in two buckets (one round, two financial years) at the same moment, half of
them in one order and half in the other. No transaction deadlocks, and every bucket ends equal to
the sum worked out from scratch over the committed rows, to the penny."""

from __future__ import annotations

import threading
import time
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from grants.interfaces.awards import payments, portfolio, portfolio_totals
from grants.models.accounts import Role, User
from grants.models.awards import Award, Instalment, InstalmentStatus
from grants.models.portfolio import PortfolioBucket
from tests.concurrency.test_payments import _accepted_award
from tests.factories import ApplicationFactory, FundingRoundFactory, UserFactory
from tests.figures import report

PAIRS = 6  # finance users, each paying one award in each bucket in one transaction
STARTS = {2025: date(2025, 6, 1), 2026: date(2026, 6, 1)}


def _from_scratch(round_id: int, year: int) -> portfolio.Money:
    [(_round, _year, money)] = portfolio._money_rows(
        portfolio.PortfolioFilter(round_id=round_id, year=f"{year}-{(year + 1) % 100:02d}"))
    return money


def _kept(db, round_id: int, year: int) -> portfolio.Money:
    bucket = db.session.scalar(select(PortfolioBucket).where(
        PortfolioBucket.round_id == round_id, PortfolioBucket.year_starting == year))
    return portfolio.Money(bucket.awards, *(Decimal(getattr(bucket, name)) for name in portfolio_totals.MONEY))


def test_payments_at_once_in_two_buckets_in_both_orders_keep_the_totals_exact(app, db, monkeypatch):
    # Hold each bucket's lock a moment before adding it up, so that the transactions are in their commits
    # together: without the lock (or with locks taken per flush, in the order of the payments) they would
    # add up the same bucket at once and the last to commit would miss the other's payment (or deadlock).
    lock = portfolio_totals._lock

    def slow_lock(bucket):
        lock(bucket)
        time.sleep(0.05)

    monkeypatch.setattr(portfolio_totals, "_lock", slow_lock)
    funding_round = FundingRoundFactory(name="Totals race round", total_budget=Decimal("1000000.00"))
    awards: dict[int, list[Award]] = {}
    for year, start in STARTS.items():
        awards[year] = []
        for _ in range(PAIRS):
            award = _accepted_award(db, Decimal("3000.00"), [(Decimal("1000.00"), InstalmentStatus.APPROVED),
                                                             (Decimal("2000.00"), InstalmentStatus.SCHEDULED)])
            award.application = ApplicationFactory(funding_round=funding_round, organisation=award.organisation)
            award.round_id, award.start_date = funding_round.id, start
            awards[year].append(award)
    finance = [UserFactory(roles=[Role.FINANCE_OFFICER]) for _ in range(PAIRS)]
    db.session.commit()
    round_id = funding_round.id
    assert _kept(db, round_id, 2025).paid == Decimal(0) and _kept(db, round_id, 2026).awards == PAIRS
    jobs = []
    for n, user in enumerate(finance):
        pair = [awards[2025][n].instalments[0].id, awards[2026][n].instalments[0].id]
        jobs.append((pair if n % 2 == 0 else pair[::-1], user.id))

    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []
    errors: list[BaseException] = []
    today = payments.uk_today()

    def attempt(instalment_ids: list[int], user_id: int):
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                who = db.session.get(User, user_id)
                for instalment_id in instalment_ids:
                    payments.record_payment(db.session.get(Instalment, instalment_id), today,
                                            f"RACE-{instalment_id}", who)
                db.session.commit()
                outcomes.append("paid")
        except BaseException as error:  # noqa: BLE001 - reported below (a deadlock would be one)
            errors.append(error)

    threads = [threading.Thread(target=attempt, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert outcomes == ["paid"] * PAIRS
    db.session.expire_all()
    for year in STARTS:
        scratch = _from_scratch(round_id, year)
        assert scratch.paid == Decimal("1000.00") * PAIRS  # every payment landed
        assert _kept(db, round_id, year) == scratch
    whole = portfolio.dashboard(portfolio.PortfolioFilter(round_id=round_id))
    assert whole.total.paid == Decimal("1000.00") * PAIRS * 2
    assert whole.total.remaining == Decimal("2000.00") * PAIRS * 2
    report(f"portfolio totals race: {PAIRS} finance users each paying an award in two buckets at once, in both "
           f"orders: no deadlock, both buckets equal to the sums from scratch (£{whole.total.paid:,} paid)")
