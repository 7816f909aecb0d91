"""Revision 0010 fills the rows kept from the answers (grants.models.answer_facts) from the answers
already written: the same rows as the application writes as it goes, and none after going down."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from grants import create_app
from grants.extensions import db
from grants.models.applications import ApplicationSection
from grants.models.awards import AwardStatus
from tests.blueprints.awards.test_portfolio_facts import derived, stored
from tests.factories import AwardFactory
from tests.test_migrations import scratch_database_url  # noqa: F401

TABLES = {"application_adder_strands", "application_outcomes", "monitoring_return_people"}


@pytest.mark.slow
def test_the_migration_fills_the_rows_as_the_events_would(scratch_database_url):  # noqa: F811
    scratch = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with scratch.app_context():
        upgrade()
        for number, status in enumerate([AwardStatus.ACCEPTED, AwardStatus.OFFERED]):
            award = AwardFactory(status=status, amount=Decimal("100.01"))
            award.application.sections.append(ApplicationSection(key="priorities", answers={
                "adder_strands": ["recovery", "recovery", "unknown", 3], "drug_outcomes": ["x" * 61, "reduce-deaths"]}))
            award.returns[0].answers = {"people": {"people_families": [f"{number},001"], "people_all": ["n/a"],
                                                   "people_young_people": 4}}
        db.session.commit()
        written = stored()
        assert written == derived() and all(written.values())

        downgrade(revision="0009")
        with db.engine.connect() as connection:
            assert not TABLES & set(inspect(connection).get_table_names())
        upgrade()
        db.session.expire_all()
        assert stored() == written
        db.session.remove()
        db.engine.dispose()
