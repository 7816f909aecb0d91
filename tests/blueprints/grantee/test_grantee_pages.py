"""The grantee's list of grants and the grant page; another organisation's grant is not found."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.extensions import db as _db
from grants.models.awards import AwardStatus
from grants.models.types import utcnow
from tests.factories import AwardFactory
from tests.helpers import page, post


def _text(response) -> str:
    return " ".join(page(response).select_one("main").get_text(" ").split())


def test_the_list_shows_the_organisations_grants_with_what_to_do_next(grantee, offered, users):
    lapsed = AwardFactory(organisation=users["org_a"], offer_deadline=utcnow() - timedelta(days=1))
    accepted = AwardFactory(organisation=users["org_a"], status=AwardStatus.ACCEPTED, accepted_at=utcnow())
    theirs = AwardFactory(organisation=users["org_b"])
    response = grantee.get("/grants")
    assert response.status_code == 200
    rows = {row.select_one("th .govuk-body-s").get_text(): " ".join(row.get_text(" ").split())
            for row in page(response).select("tbody tr")}
    assert theirs.application.reference not in rows
    assert "Offered" in rows[offered.application.reference]
    assert "Accept the offer by" in rows[offered.application.reference]
    assert "Lapsed" in rows[lapsed.application.reference]
    assert "contact your grants officer" in rows[lapsed.application.reference]
    assert "Accepted" in rows[accepted.application.reference]
    assert "Send monitoring return 1 by" in rows[accepted.application.reference]  # due in about two months


def test_someone_without_an_organisation_has_no_grants(as_role):
    response = as_role("applicant_no_org").get("/grants")
    assert response.status_code == 200
    assert "You are not a member of an organisation" in _text(response)


def test_an_organisation_without_grants_is_told_so(grantee):
    assert "has not been offered a grant yet" in _text(grantee.get("/grants"))


def test_the_grant_page_summarises_the_grant(grantee, offered, users):
    response = grantee.get(f"/grants/{offered.id}")
    assert response.status_code == 200
    text = _text(response)
    assert "£4,000.00" in text and users["grants_officer"].full_name in text
    assert "You have been offered this grant" in text
    assert page(response).select_one(f"a[href='/grants/{offered.id}/offer']")


@pytest.mark.visible_text(allow=["<script>alert(1)</script>"])  # typed by an officer, shown as typed
def test_the_offer_page_escapes_what_officers_typed(grantee, offered):
    offered.special_conditions = "<script>alert(1)</script>"
    _db.session.flush()
    html = grantee.get(f"/grants/{offered.id}/offer").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("method, path", [("GET", ""), ("GET", "/offer"), ("POST", "/offer")])
def test_another_organisations_grant_is_not_found(as_role, offered, method, path):
    client = as_role("applicant_b")
    url = f"/grants/{offered.id}{path}"
    if method == "GET":
        response = client.get(url)
    else:
        response = post(client, url, {"name": "Mallory", "position": "Chair", "confirm": "y"})
    assert response.status_code == 404
    assert offered.status is AwardStatus.OFFERED and offered.accepted_at is None


def test_a_grant_that_does_not_exist_is_not_found(grantee):
    assert grantee.get("/grants/999999").status_code == 404
    assert grantee.get("/grants/999999/offer").status_code == 404
