"""Revision 0028 (issue 24) keeps the officers' list's counts and each application's organisation sort key.
A database that already holds applications gets both from its rows: the counts by status and by status
and area (drafts and expressions of interest left out), and the sort key as SQL's lower() of the name."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from grants import create_app
from grants.extensions import db
from grants.interfaces.screening import applications as screening
from grants.models.applications import ApplicationStage, ApplicationStatus
from grants.models.reference import LocalAuthority
from grants.reference_data import load_reference_data
from tests.factories import ApplicationFactory, FundingRoundFactory, OrganisationFactory
from tests.test_migrations import scratch_database_url  # noqa: F401

S = ApplicationStatus


def _rows(sql: str) -> set[tuple]:
    with db.engine.connect() as connection:
        return {tuple(row) for row in connection.execute(sa.text(sql))}


@pytest.mark.slow
def test_an_upgraded_database_gets_its_list_counts_and_sort_keys(scratch_database_url, monkeypatch):  # noqa: F811
    scratch = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    with scratch.app_context():
        upgrade()
        load_reference_data()
        plymouth, torbay = (db.session.scalar(sa.select(LocalAuthority).where(LocalAuthority.code == code))
                            for code in ("plymouth", "torbay"))
        funding_round, other = FundingRoundFactory(), FundingRoundFactory()
        organisation = OrganisationFactory(name="Ãrbour Café Trust")
        for status, areas in ((S.SUBMITTED, [plymouth]), (S.SUBMITTED, [plymouth, torbay]),
                              (S.INELIGIBLE, [torbay]), (S.DRAFT, [plymouth])):
            ApplicationFactory(funding_round=funding_round, organisation=organisation, status=status,
                               local_authorities=areas)
        ApplicationFactory(funding_round=other, status=S.SUBMITTED, stage=ApplicationStage.EXPRESSION_OF_INTEREST)
        db.session.commit()
        r, o, plymouth_id, torbay_id = funding_round.id, other.id, plymouth.id, torbay.id
        db.session.remove()
        downgrade(revision="0027")  # as the database was before, with its applications
        upgrade()
        assert _rows("SELECT round_id FROM application_list_rounds") == {(r,), (o,)}
        assert _rows("SELECT round_id, status, local_authority_id, applications FROM application_list_counts") == {
            (r, "submitted", 0, 2), (r, "ineligible", 0, 1),
            (r, "submitted", plymouth_id, 2), (r, "submitted", torbay_id, 1), (r, "ineligible", torbay_id, 1),
        }
        assert _rows("SELECT DISTINCT a.organisation_sort = lower(o.name) FROM applications a "
                     "JOIN organisations o ON o.id = a.organisation_id") == {(True,)}
        assert screening.status_counts(r) == {S.SUBMITTED: 2, S.INELIGIBLE: 1}
        db.session.remove()
        db.engine.dispose()
