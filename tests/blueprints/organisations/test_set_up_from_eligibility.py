"""Setting up an organisation after the eligibility check: the answers are not asked again, signing
in keeps them, saving starts the application to the round chosen, and an organisation set up
without a round is shown the rounds it can apply to."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from grants.models.applications import Application, ApplicationStatus
from grants.models.audit import AuditEvent
from grants.models.organisations import LegalType
from tests.factories import TEST_PASSWORD, FundingRoundFactory
from tests.helpers import page, post

ANSWERS = {"legal_type": "cic", "in_area": "yes", "annual_income": "42000", "amount": "2500"}
DETAILS = {"name": "Looe Bay Community Interest Company", "company_number": "12345678",
           "address_line_1": "1 Quay Street", "town": "Looe", "postcode": "PL13 1AA",
           "contact_name": "Jo Penhale", "contact_email": "jo@looebay.example.org"}


def _main(response) -> str:
    return " ".join(page(response).select_one("main").get_text(" ").split())


@pytest.fixture
def funding_round(db):
    return FundingRoundFactory(name="Coastal Communities Fund",
                               legal_types=[LegalType.CIC, LegalType.REGISTERED_CHARITY])


def _sign_in(client, user, next_path: str):
    response = post(client, f"/sign-in?next={next_path}", {"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return response.headers["Location"]


def test_signing_in_after_the_check_keeps_the_answers(client, users, funding_round):
    post(client, f"/rounds/{funding_round.id}/eligibility", ANSWERS)
    result_path = f"/rounds/{funding_round.id}/eligibility/result"
    assert _sign_in(client, users["applicant_no_org"], result_path) == result_path

    result = client.get(result_path)
    assert page(result).h1.get_text(strip=True) == "You can apply to this round"
    assert "Before you apply, tell us about your organisation" in _main(result)

    form = page(client.get("/organisations/new"))
    assert form.select_one('input[name="legal_type"][checked]')["value"] == "cic"
    assert form.select_one("#annual_income")["value"] == "42000.00"
    assert "Applying to Coastal Communities Fund" in " ".join(form.get_text(" ").split())


def test_an_applicant_with_an_organisation_signs_in_and_can_start(client, users, funding_round):
    post(client, f"/rounds/{funding_round.id}/eligibility", ANSWERS | {"legal_type": "registered_charity"})
    result_path = f"/rounds/{funding_round.id}/eligibility/result"
    _sign_in(client, users["applicant"], result_path)
    soup = page(client.get(result_path))
    start = soup.select_one(f'main form[action="/applications/start/{funding_round.id}"]')
    assert start is not None and "Start your application" in start.get_text()


def test_the_result_page_without_a_check_goes_to_the_questions(client, funding_round):
    response = client.get(f"/rounds/{funding_round.id}/eligibility/result")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == f"/rounds/{funding_round.id}/eligibility"


def test_saving_the_organisation_starts_the_application_to_the_round_chosen(as_role, users, funding_round, db):
    applicant = as_role("applicant_no_org")
    post(applicant, f"/rounds/{funding_round.id}/eligibility", ANSWERS)
    response = post(applicant, "/organisations/new", DETAILS | {"legal_type": "cic", "annual_income": "42000.00"})
    application = db.session.scalar(select(Application).where(Application.round_id == funding_round.id))
    assert application is not None and application.status is ApplicationStatus.DRAFT
    assert response.headers["Location"] == f"/applications/{application.id}"
    assert application.organisation.name == DETAILS["name"]
    started = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "application.started"))
    assert started is not None and started.entity_id == str(application.id)


def test_a_type_the_round_does_not_fund_starts_nothing_and_says_to_check_again(as_role, funding_round, db):
    applicant = as_role("applicant_no_org")
    post(applicant, f"/rounds/{funding_round.id}/eligibility", ANSWERS)
    # Changed on the organisation form to a type this round does not fund.
    response = post(applicant, "/organisations/new", DETAILS | {"legal_type": "faith_group", "company_number": "",
                                                                "annual_income": "42000"})
    assert response.headers["Location"] == f"/rounds/{funding_round.id}/eligibility"
    assert db.session.scalar(select(Application).where(Application.round_id == funding_round.id)) is None
    shown = " ".join(page(applicant.get(response.headers["Location"])).get_text(" ").split())
    assert "Looe Bay Community Interest Company has been set up" in shown
    assert "Check again whether Looe Bay Community Interest Company can apply to Coastal Communities Fund" in shown
    # Nor can it be started from the organisation's page until the check is passed again.
    organisation_page = page(applicant.get("/organisations/mine", follow_redirects=True))
    assert organisation_page.select_one('main form[action^="/applications/start"]') is None


def test_without_a_check_the_organisation_page_offers_the_open_rounds(as_role, funding_round, db):
    applicant = as_role("applicant_no_org")
    form = page(applicant.get("/organisations/new"))
    assert form.select_one('input[name="legal_type"][checked]') is None
    assert form.select_one("main form button").get_text(strip=True) == "Save and continue"
    response = post(applicant, "/organisations/new", DETAILS | {"legal_type": "cic", "annual_income": "42000"})
    shown = page(applicant.get(response.headers["Location"]))
    text = " ".join(shown.select_one("main").get_text(" ").split())
    assert "Apply for a grant" in text and "Coastal Communities Fund" in text
    check = next(a for a in shown.select("main a") if "Check if you can apply" in a.get_text())
    assert " ".join(check.get_text(" ").split()) == "Check if you can apply to Coastal Communities Fund"
    assert check["href"] == f"/rounds/{funding_round.id}/eligibility"

    # Once the check is passed, the organisation's page starts the application.
    post(applicant, f"/rounds/{funding_round.id}/eligibility", ANSWERS)
    shown = page(applicant.get(response.headers["Location"]))
    start = shown.select_one(f'main form[action="/applications/start/{funding_round.id}"]')
    assert " ".join(start.get_text(" ").split()) == "Start your application to Coastal Communities Fund"
