"""The home page per role, the navigation each role sees, and the public pages."""

from __future__ import annotations

import pytest

from tests.factories import FundingRoundFactory, UserFactory
from tests.helpers import page

NAV = {
    "applicant": ["Home", "Applications", "Organisation", "Your grants", "Deadlines", "Plan and reference data"],
    "panel_member": ["Home", "Your scoring", "Social return", "Plan and reference data"],
    "grants_officer": [
        "Home", "Organisations", "Funding rounds", "Screening", "Assessment", "Rubrics", "Awards", "Payments",
        "Claims", "Portfolio", "Deadlines", "Subsidy database", "Decision notices", "Messages", "Social return",
        "Plan and reference data",
    ],
    "finance_officer": ["Home", "Awards", "Payments", "Claims", "Bank details", "Portfolio",
                        "Deadlines", "Subsidy database", "Decision notices", "Social return", "Pooled budgets",
                        "Co-commissioning", "Plan and reference data"],
    "commissioner": ["Home", "Assessment", "Awards", "Portfolio", "Deadlines", "Subsidy database",
                     "Decision notices", "Social return", "Pooled budgets", "Co-commissioning",
                     "Plan and reference data"],
    "admin": [
        "Home", "Organisations", "Funding rounds", "Screening", "Assessment", "Rubrics", "Awards", "Payments",
        "Claims", "Portfolio", "Deadlines", "Subsidy database", "Decision notices", "Messages", "Social return",
        "Pooled budgets", "Co-commissioning", "Plan and reference data",
        "Users", "Settings", "Registers", "Audit log", "Emails", "Outbox",
    ],
}


def _nav(response) -> list[str]:
    return [a.get_text(strip=True) for a in page(response).select(".govuk-service-navigation__list a")]


@pytest.mark.parametrize("role, items", NAV.items())
def test_navigation_shows_only_what_the_role_can_use(as_role, role, items):
    response = as_role(role).get("/home")
    assert _nav(response) == items


def test_visitors_see_no_navigation_and_a_sign_in_link(client):
    response = client.get("/")
    assert _nav(response) == []
    assert page(response).select_one(".opcc-header a[href='/sign-in']") is not None


@pytest.mark.parametrize("url, current", [
    ("/admin/users", "Users"), ("/awards", "Awards"), ("/awards/payments", "Payments"),
    ("/awards/dashboard", "Portfolio"), ("/panel/rounds", "Assessment"), ("/awards/claims", "Claims"),
    ("/subsidy/database", "Subsidy database"), ("/decisions/notices", "Decision notices"),
])
def test_current_section_is_marked(as_role, url, current):
    response = as_role("admin").get(url)
    active = page(response).select(".govuk-service-navigation__item--active")
    assert [a.get_text(strip=True) for a in active] == [current]


def test_the_menu_is_built_once_a_request_however_many_fields_a_form_renders(as_role, monkeypatch):
    from grants import navigation

    built = []
    original = navigation.navigation_for
    monkeypatch.setattr(navigation, "navigation_for", lambda user: built.append(user) or original(user))
    funding_round = FundingRoundFactory()
    client = as_role("grants_officer")
    client.get("/screening")  # any page; then one whose filter form renders a template per field
    soup = page(client.get(f"/screening/rounds/{funding_round.id}"))
    assert len(soup.select("form select, form input")) > 5
    assert len(built) == 2  # one per request
    assert _nav(client.get("/screening")) == NAV["grants_officer"]


def test_header_is_the_opccs_not_govuks(client):
    response = client.get("/")
    html = page(response)
    header = html.select_one(".opcc-header")
    assert "Office of the Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly" in header.text
    assert html.select_one(".govuk-service-navigation__service-name").get_text(strip=True) == "Commissioners Grants"
    assert html.select_one(".govuk-header__logotype, .govuk-footer__crown, .govuk-footer__copyright-logo") is None
    assert "Crown copyright" not in html.text


def test_applicant_without_organisation_is_asked_to_set_it_up(as_role):
    response = as_role("applicant_no_org").get("/home")
    link = page(response).find("a", string="Tell us about your organisation")
    assert link["href"] == "/organisations/new"


def test_applicant_with_organisation_sees_it(as_role, users):
    response = as_role("applicant").get("/home")
    assert page(response).find("a", string=f"View or update {users['org_a'].name}") is not None


def test_staff_with_several_roles_see_a_panel_for_each(as_user, db):
    user = UserFactory(roles=["grants_officer", "finance_officer"])
    headings = [h.get_text(strip=True) for h in page(as_user(user).get("/home")).select("main h2")]
    assert headings == ["Grants", "Finance"]


def test_admin_home_counts_users(as_role):
    text = page(as_role("admin").get("/home")).get_text(" ")
    assert "applicants: 3" in text


@pytest.mark.parametrize(
    "url, heading, title",
    [
        ("/", "Apply for a Commissioners Grant", "Apply for a Commissioners Grant"),
        ("/accessibility", "Accessibility statement for Commissioners Grants", "Accessibility statement"),
        ("/privacy", "Privacy notice", "Privacy notice"),
        ("/cookies", "Cookies", "Cookies"),
    ],
)
def test_public_pages(client, url, heading, title):
    response = client.get(url)
    assert response.status_code == 200
    assert page(response).h1.get_text(strip=True) == heading
    assert page(response).title.get_text() == (
        f"{title} – Commissioners Grants – OPCC Devon, Cornwall and the Isles of Scilly")


def test_applicant_home_lists_what_to_do_about_applications(as_role, users, db):
    from tests.factories import ApplicationFactory

    ApplicationFactory(organisation=users["org_a"], project_title="Harbour café")
    text = " ".join(page(as_role("applicant").get("/home")).get_text(" ").split())
    assert "Finish and submit by" in text and "Harbour café" in text
    assert "See all your applications" in text
