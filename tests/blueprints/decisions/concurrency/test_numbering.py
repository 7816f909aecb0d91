"""Two rounds approved at the same moment get two decision numbers, one after the other, even when
each is the first decision of its financial year (the counter's row does not exist yet)."""

from __future__ import annotations

import threading

from grants.interfaces.decisions import notices
from grants.interfaces.panel import decisions
from grants.models.accounts import Role, User
from grants.models.decisions import DecisionNotice
from grants.models.panel import FundingRecommendationRecord
from grants.models.rounds import FundingRound
from tests.blueprints.decisions.conftest import scored_round
from tests.factories import UserFactory
from tests.figures import report

ROUNDS = 3


def test_simultaneous_approvals_of_different_rounds_get_different_numbers(app, db):
    officer = UserFactory(roles=[Role.GRANTS_OFFICER])
    commissioner = UserFactory(roles=[Role.COMMISSIONER])
    made = [scored_round(f"Race round {n}", officer, prefix=f"RR{n}-2026", conflict=False) for n in range(ROUNDS)]
    db.session.commit()
    jobs = [(entry.funding_round.id, entry.record.id, sorted(decisions.recommended_ids(entry.record)))
            for entry in made]
    commissioner_id = commissioner.id

    barrier = threading.Barrier(ROUNDS)
    errors: list[BaseException] = []

    def approve(round_id: int, record_id: int, funded: list[int]):
        try:
            with app.app_context():
                funding_round = db.session.get(FundingRound, round_id)
                record = db.session.get(FundingRecommendationRecord, record_id)
                who = db.session.get(User, commissioner_id)
                barrier.wait(timeout=10)
                decisions.approve(funding_round, record, funded, None, who)
                db.session.commit()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=approve, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors, errors
    db.session.expire_all()
    numbers = sorted(db.session.scalars(db.select(DecisionNotice.number)))
    assert len(numbers) == ROUNDS
    stem = numbers[0].rsplit("/", 1)[0]
    assert numbers == [f"{stem}/{n:03d}" for n in range(1, ROUNDS + 1)]
    assert all(notices.notice_for_round(round_id) is not None for round_id, *_ in jobs)
    report(f"decision numbers: {ROUNDS} simultaneous approvals numbered {', '.join(numbers)}")
