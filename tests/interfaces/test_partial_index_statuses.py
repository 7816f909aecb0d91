"""The lists of owed returns, and the officers' list of applications, name the statuses in their SQL
rather than binding them (grants.database.written_in). The returns still owed have a partial index
(``status NOT IN ('submitted', 'accepted')``), and once psycopg prepares a statement PostgreSQL's generic
plan can only use that index when it sees the statuses themselves: with them bound, the overdue list read
every return due by the date. The same holds for the applications' list and its partial index (``stage =
'full' AND status <> 'draft'``): with them bound, the generic plan sorted every application of the round
instead of walking the index."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from grants.extensions import db as _db
from grants.interfaces.awards import monitoring, portfolio
from grants.interfaces.screening.applications import VISIBLE_STATUSES
from grants.models.applications import ApplicationStatus
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, FundingRoundFactory
from tests.helpers import counting_statements


def _status_lists(statement: str) -> list[str]:
    return re.findall(r"monitoring_returns\.status (?:NOT )?IN \(([^)]*)\)", statement)


def _returns_statement(sent) -> str:
    """The statement that reads the returns (a bound status would show as a placeholder in its list)."""
    [found] = [statement for statement in sent if "FROM monitoring_returns" in statement]
    return found


def test_the_overdue_and_due_soon_lists_name_their_statuses(db):
    for listing in (monitoring.overdue_returns, monitoring.returns_due_soon):
        with counting_statements() as sent:
            listing(date(2026, 12, 7))
        statement = _returns_statement(sent)
        [listed] = _status_lists(statement)
        assert "'draft'" in listed and "'not_started'" in listed, statement


def test_the_dashboards_overdue_returns_name_the_statuses_they_leave_out(db):
    with counting_statements() as sent:
        portfolio.dashboard(portfolio.PortfolioFilter(), on=date(2026, 12, 7))
    statement = _returns_statement(sent)
    assert _status_lists(statement) == ["'accepted', 'submitted'"], statement
    assert "status NOT IN" in statement


def test_the_officers_list_names_the_stage_and_statuses_its_index_holds(db, users, as_role):
    funding_round = FundingRoundFactory()
    ApplicationFactory(funding_round=funding_round, status=ApplicationStatus.SUBMITTED, reference="CGS-2026-0001",
                       amount_requested=Decimal("4000.00"), submitted_at=utcnow())
    _db.session.flush()
    officer = as_role("grants_officer")
    with counting_statements() as sent:
        response = officer.get(f"/screening/rounds/{funding_round.id}?sort=organisation&order=asc")
    assert response.status_code == 200
    [statement] = [statement for statement in sent
                   if statement.lstrip().startswith("SELECT applications.id") and "ORDER BY" in statement]
    assert "applications.stage = 'full'" in statement, statement
    [listed] = re.findall(r"applications\.status IN \(([^)]*)\)", statement)
    assert sorted(listed.split(", ")) == sorted(f"'{status.value}'" for status in VISIBLE_STATUSES)
