"""Revision 0025 (issue 24) adds the portfolio's kept totals. A database that already holds awards
gets them marked to build, and the dashboard's first read builds them from every award; an empty
database starts with nothing to build (so a backup can be restored into it)."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from grants import create_app
from grants.extensions import db
from grants.interfaces.awards import portfolio
from grants.models.awards import AwardStatus
from tests.factories import AwardFactory
from tests.test_migrations import scratch_database_url  # noqa: F401


def _count(table: str) -> int:
    with db.engine.connect() as connection:
        return connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()


@pytest.mark.slow
def test_a_database_with_awards_builds_its_totals_on_the_first_read(scratch_database_url, monkeypatch):  # noqa: F811
    scratch = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    with scratch.app_context():
        upgrade()
        assert _count("portfolio_to_build") == 0  # an empty database: nothing to build
        AwardFactory(status=AwardStatus.ACCEPTED, amount=Decimal("4000.00"))
        AwardFactory(status=AwardStatus.OFFERED, amount=Decimal("2500.50"))
        db.session.commit()
        db.session.remove()
        downgrade(revision="0024")  # as the database was before the totals, with its awards
        upgrade()
        assert (_count("portfolio_to_build"), _count("portfolio_buckets")) == (1, 0)

        dashboard = portfolio.dashboard(portfolio.PortfolioFilter())
        assert (dashboard.total.awards, dashboard.total.awarded) == (2, Decimal("6500.50"))
        assert dashboard.total.offered == Decimal("2500.50") and dashboard.total.committed == Decimal("4000.00")
        db.session.commit()
        assert _count("portfolio_to_build") == 0 and _count("portfolio_buckets") >= 1
        db.session.remove()
        db.engine.dispose()
