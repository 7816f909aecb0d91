"""Only grants officers and admins screen: every screening page as a visitor and as each role."""

from __future__ import annotations

import pytest

from grants.models.applications import ApplicationStatus
from tests.helpers import csrf_token

ROLES = ["applicant", "applicant_b", "panel_member", "grants_officer", "finance_officer", "commissioner", "admin"]
ALLOWED = {"grants_officer", "admin"}
PAGES = [
    ("GET", "/screening"),
    ("GET", "/screening/rounds/{round_id}"),
    ("GET", "/screening/rounds/{round_id}/export.xlsx"),
    ("GET", "/screening/applications/{application_id}"),
    ("POST", "/screening/applications/{application_id}/screen"),
    ("POST", "/screening/applications/{application_id}/clarifications"),
]


@pytest.fixture
def urls(make_application, users, funding_round):
    # Organisation A's own application: its applicants are refused all the same.
    application = make_application(organisation=users["org_a"], status=ApplicationStatus.SUBMITTED)
    return {"round_id": funding_round.id, "application_id": application.id}


def _request(client, method, url, data=None):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client)})


@pytest.mark.parametrize("method, template", PAGES)
def test_visitors_are_sent_to_sign_in(client, urls, method, template):
    response = _request(client, method, template.format(**urls))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, template", PAGES)
def test_only_grants_officers_and_admins_get_in(as_role, urls, role, method, template):
    # An empty form: an allowed user sees the page again with errors, nothing changes.
    response = _request(as_role(role), method, template.format(**urls))
    if role in ALLOWED:
        assert response.status_code == 200, response.status_code
    else:
        assert response.status_code == 403


def test_the_navigation_shows_screening_to_officers_and_admins_only(as_role):
    for role in ROLES:
        html = as_role(role).get("/home").get_data(as_text=True)
        assert ('href="/screening"' in html) is (role in ALLOWED), role
