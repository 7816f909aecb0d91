"""The officers' application list reads what it shows in few statements: the round with its filters'
areas and approaches in one, the round's counts and the list's total in one, the page's ids, then their
rows as the columns shown (no mapped application or organisation a row), and on PostgreSQL the ids'
walk's setting and its reset. A page that reads more shows here by name."""

from __future__ import annotations

import re

from sqlalchemy import select

from grants.interfaces.screening import list_counts
from grants.models.reference import LocalAuthority
from tests.blueprints.screening.test_lists import _references, _url


def _own(statements: list[str]) -> list[str]:
    """The statements of the list itself (not the signed-in user's, nor the session's savepoints)."""
    return [" ".join(statement.split()) for statement in statements
            if not re.search(r"\bFROM (users|user_sessions|role_grants)\b|SAVEPOINT", statement)]


def test_the_list_filtered_by_area_reads_its_round_counts_and_rows_once(db, officer, make_application,
                                                                        funding_round, count_queries):
    plymouth = db.session.scalar(select(LocalAuthority).where(LocalAuthority.code == "plymouth"))
    funding_round.local_authorities = [plymouth]
    for _ in range(30):
        make_application(local_authorities=[plymouth])
    list_counts.settle()
    url = _url(funding_round, local_authority="plymouth", sort="organisation", page=2)
    officer.get(url)  # warm up
    with count_queries() as statements:
        response = officer.get(url)
    assert response.status_code == 200 and len(_references(response)) == 5
    own = _own(statements)
    kinds = [
        ("the round with its lists", "FROM funding_rounds LEFT OUTER JOIN"),
        ("the counts", "FROM application_list_rounds LEFT OUTER JOIN application_list_counts"),
        ("the page's ids", "SELECT applications.id FROM applications"),
        ("the page's rows", "SELECT applications.id, applications.reference, organisations.name, "
                            "applications.project_title, applications.amount_requested, applications.submitted_at, "
                            "applications.status FROM applications"),
    ]
    for name, start in kinds:
        assert sum(start in statement for statement in own) == 1, f"{name}: {own}"
    walk = [statement for statement in own if statement.startswith("SET LOCAL")]
    assert walk == (["SET LOCAL max_parallel_workers_per_gather = 0",
                     "SET LOCAL max_parallel_workers_per_gather TO DEFAULT"]
                    if db.engine.dialect.name == "postgresql" else [])
    assert len(own) == len(kinds) + len(walk), own
