"""The officers' list's kept counts under concurrent writers on PostgreSQL: grants officers screening
bids in two rounds at the same moment, each one bid in each round in one transaction, half of them in
one order and half in the other. No transaction deadlocks, and each round's kept counts end equal to the
counts from scratch over the committed rows, as the officers' pages show them."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select

from grants.interfaces.screening import applications as screening
from grants.interfaces.screening import list_counts
from grants.models.accounts import Role, User
from grants.models.applications import Application, ApplicationListCount, ApplicationStatus
from grants.models.reference import LocalAuthority
from tests.factories import ApplicationFactory, FundingRoundFactory, UserFactory
from tests.figures import report

OFFICERS = 6  # each screens one bid in each round, in one transaction


def _kept(db, round_id: int) -> set[tuple]:
    return {(row.status, row.local_authority_id, row.applications) for row in db.session.scalars(
        select(ApplicationListCount).where(ApplicationListCount.round_id == round_id))}


def test_screening_at_once_in_two_rounds_in_both_orders_keeps_the_counts_exact(app, db, monkeypatch):
    # Hold each round's lock a moment before counting it, so that the transactions are in their commits
    # together: without the lock they would count the same round at once, and the last to commit would
    # miss the other's change (or, with locks taken in the order of the changes, deadlock).
    lock = list_counts._lock

    def slow_lock(round_id):
        lock(round_id)
        time.sleep(0.05)

    monkeypatch.setattr(list_counts, "_lock", slow_lock)
    area = db.session.scalar(select(LocalAuthority).where(LocalAuthority.code == "plymouth"))
    rounds = [FundingRoundFactory(name=f"Counts race round {n}") for n in (1, 2)]
    bids = {funding_round.id: [ApplicationFactory(funding_round=funding_round, status=ApplicationStatus.SUBMITTED,
                                                  local_authorities=[area]) for _ in range(OFFICERS)]
            for funding_round in rounds}
    officers = [UserFactory(roles=[Role.GRANTS_OFFICER]) for _ in range(OFFICERS)]
    db.session.commit()
    first, second = (funding_round.id for funding_round in rounds)
    assert (ApplicationStatus.SUBMITTED.value, area.id, OFFICERS) in _kept(db, first)
    jobs = []
    for n, officer in enumerate(officers):
        pair = [bids[first][n].id, bids[second][n].id]
        jobs.append((pair if n % 2 == 0 else pair[::-1], officer.id))

    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def attempt(application_ids: list[int], user_id: int):
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                who = db.session.get(User, user_id)
                for application_id in application_ids:
                    screening.screen(db.session.get(Application, application_id), application_id % 2 == 0,
                                     "Outside the scheme's aims", who)
                db.session.commit()
                outcomes.append("screened")
        except BaseException as error:  # noqa: BLE001 - reported below (a deadlock would be one)
            errors.append(error)

    threads = [threading.Thread(target=attempt, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert outcomes == ["screened"] * OFFICERS
    db.session.expire_all()
    for round_id in (first, second):
        kept = _kept(db, round_id)
        assert not any(status == ApplicationStatus.SUBMITTED.value for status, _area, _n in kept)  # all screened
        list_counts._work_out_rounds([round_id])  # from scratch, over the committed rows
        db.session.flush()
        assert _kept(db, round_id) == kept
        passed = sum(1 for bid in bids[round_id] if bid.id % 2 == 0)
        assert screening.status_counts(round_id) == {
            status: count for status, count in ((ApplicationStatus.UNDER_ASSESSMENT, passed),
                                                (ApplicationStatus.INELIGIBLE, OFFICERS - passed)) if count}
    db.session.rollback()
    report(f"application list counts race: {OFFICERS} officers each screening a bid in two rounds at once, in both "
           "orders: no deadlock, both rounds' kept counts equal to the counts from scratch")
