"""Searching the awards list by organisation, reference or project title."""

from __future__ import annotations

import pytest

from grants.models.applications import ApplicationStatus
from grants.models.awards import AwardStatus
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, AwardFactory, OrganisationFactory
from tests.helpers import page


@pytest.fixture
def listed(db, users):
    harbour = AwardFactory(organisation=OrganisationFactory(name="Harbour Recovery Trust"))
    harbour.application.project_title = "Peer mentors on the quay"
    moor = AwardFactory(organisation=OrganisationFactory(name="Moorland Youth Club"), status=AwardStatus.ACCEPTED,
                        accepted_at=utcnow())
    moor.application.project_title = "Saturday 100% drop-in"
    ready = ApplicationFactory(organisation=OrganisationFactory(name="Harbourside Arts"),
                               status=ApplicationStatus.SUCCESSFUL, reference="CGS-2026-0555")
    db.session.flush()
    return {"harbour": harbour, "moor": moor, "ready": ready}


def awards_shown(response) -> list[str]:
    table = page(response).select_one("#awards-table")
    return [row.th.a.get_text(strip=True) for row in table.select("tbody tr")] if table else []


def ready_shown(response) -> list[str]:
    table = page(response).select_one("#ready").find_next("table")
    if "ready for an offer" not in table.caption.get_text():
        return []
    return [row.th.get_text(" ", strip=True).split()[0] for row in table.select("tbody tr")]


@pytest.mark.parametrize("search, expected", [
    ("harbour", ["Harbour Recovery Trust"]),  # organisation, another case
    ("QUAY", ["Harbour Recovery Trust"]),  # project title
    ("100%", ["Moorland Youth Club"]),  # a LIKE wildcard taken literally
])
def test_search_finds_awards_by_name_title_or_reference(as_role, listed, search, expected):
    response = as_role("grants_officer").get("/awards", query_string={"q": search})
    assert awards_shown(response) == expected
    assert page(response).select_one("#q")["value"] == search


def test_search_by_reference_and_the_ready_list(as_role, listed):
    reference = listed["moor"].application.reference
    response = as_role("finance_officer").get("/awards", query_string={"q": reference.lower()})
    assert awards_shown(response) == ["Moorland Youth Club"]
    response = as_role("grants_officer").get("/awards", query_string={"q": "harbour"})
    assert ready_shown(response) == ["CGS-2026-0555"]


def test_search_keeps_the_round_filter(as_role, listed):
    round_id = listed["moor"].round_id
    response = as_role("grants_officer").get("/awards", query_string={"q": "youth", "round": round_id})
    assert awards_shown(response) == ["Moorland Youth Club"]
    response = as_role("grants_officer").get("/awards", query_string={"q": "harbour", "round": round_id})
    assert awards_shown(response) == []  # Harbour's award is in another round
    soup = page(response)
    assert soup.select_one("#no-awards").get_text(strip=True) == "No awards match ‘harbour’ in this round."
    assert soup.select_one("#round option[selected]")["value"] == str(round_id)


def test_no_match_says_so(as_role, listed):
    response = as_role("commissioner").get("/awards", query_string={"q": "Lighthouse"})
    assert awards_shown(response) == []
    assert page(response).select_one("#no-awards").get_text(strip=True) == "No awards match ‘Lighthouse’."
