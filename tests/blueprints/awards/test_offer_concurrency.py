"""Two officers changing the same offer at the same moment, on PostgreSQL with real commits: the
one who saves second is told, and nothing of theirs is saved (not even the schedule)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from sqlalchemy import update

from grants.interfaces.awards import offers as award_offers
from grants.interfaces.awards.awarding import StaleAward
from grants.models.awards import Award, MonitoringFrequency
from tests.concurrency.conftest import db  # noqa: F401 - real commits instead of the rolled-back fixture
from tests.factories import AwardFactory


def test_a_save_that_loses_the_race_changes_nothing(db, users):  # noqa: F811
    award = AwardFactory(organisation=users["org_a"], officer_id=users["grants_officer"].id)
    db.session.commit()
    award_id, seen = award.id, award.version
    terms = award_offers.terms_of(award)  # what the second officer's form was loaded with

    # The first officer saves, on another connection, after the second one loaded the award.
    with db.engine.begin() as connection:
        connection.execute(update(Award).where(Award.id == award_id)
                           .values(special_conditions="Theirs", version=Award.version + 1))

    mine = dataclasses.replace(terms, officer=users["grants_officer"], special_conditions="Mine",
                               monitoring_frequency=MonitoringFrequency.MIDPOINT_AND_END)
    with pytest.raises(StaleAward):
        award_offers.revise_offer(award, seen, mine, users["grants_officer"])
    db.session.rollback()

    saved = db.session.get(Award, award_id)
    db.session.refresh(saved)
    assert saved.special_conditions == "Theirs" and saved.version == seen + 1
    assert saved.monitoring_frequency is MonitoringFrequency.QUARTERLY and len(saved.returns) == 5
    assert [i.amount for i in saved.instalments] == [Decimal("2000.00"), Decimal("2000.00")]
