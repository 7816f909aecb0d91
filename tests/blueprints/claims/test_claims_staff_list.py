"""The staff list of claims across awards, /awards/claims (issue 21): the claims waiting to be checked
first, oldest first, then the others, newest first; drafts never; filtered by status, paginated."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import event

from grants.extensions import db as _db
from grants.interfaces.awards import claims_queue
from grants.models.claims import Claim, ClaimStatus
from tests.factories import AwardFactory
from tests.helpers import page


def _claim(award, number: int, status: ClaimStatus, total: str, submitted: datetime | None) -> Claim:
    claim = Claim(award_id=award.id, number=number, status=status, total=Decimal(total), lines=[],
                  period_start=date(2026, 4, 1), period_end=date(2026, 6, 30), submitted_at=submitted)
    _db.session.add(claim)
    _db.session.flush()
    return claim


@pytest.fixture
def listed(award, users):
    """Claims on organisation A's award and on organisation B's, in every status."""
    other = AwardFactory(organisation=users["org_b"])
    return {
        "waiting_newer": _claim(award, 3, ClaimStatus.SUBMITTED, "300.00", datetime(2026, 7, 20, 9, 0, tzinfo=UTC)),
        "waiting_older": _claim(other, 1, ClaimStatus.SUBMITTED, "120.50", datetime(2026, 7, 2, 9, 0, tzinfo=UTC)),
        "accepted": _claim(award, 1, ClaimStatus.ACCEPTED, "500.00", datetime(2026, 5, 1, 9, 0, tzinfo=UTC)),
        "returned": _claim(award, 2, ClaimStatus.RETURNED, "80.00", datetime(2026, 6, 1, 9, 0, tzinfo=UTC)),
        "draft": _claim(other, 2, ClaimStatus.DRAFT, "10.00", None),
        "other": other,
    }


def _rows(response) -> list[list[str]]:
    table = page(response).select_one("table.govuk-table")
    if table is None:
        return []
    return [[" ".join(cell.get_text(" ").split()) for cell in row.select("th, td")]
            for row in table.select("tbody tr")]


def test_waiting_claims_come_first_with_what_an_officer_needs_to_see(as_role, award, listed, users):
    response = as_role("grants_officer").get("/awards/claims")
    assert response.status_code == 200
    other = listed["other"]
    assert [cell.get_text(strip=True) for cell in page(response).select("table thead th")] == [
        "Organisation", "Award", "Claim", "Period", "Amount", "Status", "Submitted"]
    assert _rows(response) == [
        ["Organisation B", other.application.reference, f"Claim 1 of {other.application.reference}",
         "1 April 2026 to 30 June 2026", "£120.50", "Submitted", "2 July 2026 at 10am"],
        ["Organisation A", award.application.reference, f"Claim 3 of {award.application.reference}",
         "1 April 2026 to 30 June 2026", "£300.00", "Submitted", "20 July 2026 at 10am"],
        ["Organisation A", award.application.reference, f"Claim 2 of {award.application.reference}",
         "1 April 2026 to 30 June 2026", "£80.00", "Changes needed", "1 June 2026 at 10am"],
        ["Organisation A", award.application.reference, f"Claim 1 of {award.application.reference}",
         "1 April 2026 to 30 June 2026", "£500.00", "Accepted", "1 May 2026 at 10am"],
    ]
    links = [a["href"] for a in page(response).select("tbody a")]
    assert f"/awards/{other.id}/claims/{listed['waiting_older'].id}" in links
    assert f"/awards/{award.id}" in links
    assert "Showing 1 to 4 of 4 claims" in page(response).get_text()


def test_filtered_by_status(as_role, award, listed):
    client = as_role("finance_officer")
    accepted = _rows(client.get("/awards/claims?status=accepted"))
    assert [row[2] for row in accepted] == [f"Claim 1 of {award.application.reference}"]
    chosen = page(client.get("/awards/claims?status=accepted")).select_one("#status option[selected]")
    assert chosen.get_text(strip=True) == "Accepted"
    assert len(_rows(client.get("/awards/claims?status=submitted"))) == 2
    # A draft is the grantee's own, whatever is asked; an unknown status shows every listed claim.
    assert len(_rows(client.get("/awards/claims?status=draft"))) == 4
    assert len(_rows(client.get("/awards/claims?status=paid-twice"))) == 4
    assert "No claims found." in page(client.get("/awards/claims?status=rejected")).get_text()


def test_paginated_keeping_the_filter(as_role, award, listed, monkeypatch):
    monkeypatch.setattr(claims_queue, "CLAIMS_PER_PAGE", 1)
    client = as_role("grants_officer")
    response = client.get("/awards/claims?status=submitted")
    assert [row[0] for row in _rows(response)] == ["Organisation B"]
    assert "Showing 1 to 1 of 2 claims" in page(response).get_text()
    following = page(response).select_one(".govuk-pagination__next a")["href"]
    assert following == "/awards/claims?page=2&status=submitted"
    assert [row[2] for row in _rows(client.get(following))] == [f"Claim 3 of {award.application.reference}"]
    assert client.get("/awards/claims?status=submitted&page=3").status_code == 404


def test_with_no_claims_the_page_says_so(as_role, db):
    response = as_role("admin").get("/awards/claims")
    assert response.status_code == 200
    assert "No claims found." in page(response).get_text()
    assert _rows(response) == []


@pytest.mark.parametrize("role", ["applicant", "panel_member", "commissioner"])
def test_others_may_not_open_it(as_role, role):
    assert as_role(role).get("/awards/claims").status_code == 403


def test_the_statements_run_do_not_grow_with_the_claims(as_role, award, users):
    client = as_role("grants_officer")

    def statements() -> int:
        counted: list[str] = []

        def _record(conn, cursor, statement, parameters, context, executemany):
            counted.append(statement)

        event.listen(_db.engine, "before_cursor_execute", _record)
        try:
            assert client.get("/awards/claims").status_code == 200
        finally:
            event.remove(_db.engine, "before_cursor_execute", _record)
        return len(counted)

    _claim(award, 1, ClaimStatus.SUBMITTED, "10.00", datetime(2026, 7, 1, tzinfo=UTC))
    client.get("/awards/claims")  # warm up: anything cached once per process is cached now
    few = statements()
    for number in range(2, 8):
        other = AwardFactory(organisation=users["org_b"])
        _claim(other, number, ClaimStatus.ACCEPTED, "10.00", datetime(2026, 7, number, tzinfo=UTC))
    assert statements() == few
