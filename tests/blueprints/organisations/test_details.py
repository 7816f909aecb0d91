"""Setting up an organisation: the checks on what is typed, the values kept, the audit trail."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from grants.models.audit import AuditEvent
from grants.models.organisations import LegalType, Organisation
from tests.helpers import error_messages, page, post

DETAILS = {
    "name": "Riverside Youth Project",
    "legal_type": "registered_charity",
    "charity_number": "1 098 765",
    "company_number": "",
    "address_line_1": "2 Quay Road",
    "address_line_2": "",
    "town": "Plymouth",
    "county": "",
    "postcode": "pl4 0dw",
    "annual_income": "£12,500.50",
    "contact_name": "Sam Rivers",
    "contact_email": "Sam.Rivers@Example.org",
    "contact_phone": "01632 960 001",
}


def _events(db, action: str, entity_id=None) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    if entity_id is not None:
        query = query.where(AuditEvent.entity_id == str(entity_id))
    return list(db.session.scalars(query))


def test_the_new_organisation_form_starts_with_the_applicant_as_main_contact(as_role, users):
    response = as_role("applicant_no_org").get("/organisations/new")
    assert response.status_code == 200
    soup = page(response)
    assert soup.select_one("#contact_name")["value"] == users["applicant_no_org"].full_name
    assert soup.select_one("#contact_email")["value"] == "new.applicant@example.org"
    assert len(soup.select('input[name="legal_type"]')) == len(LegalType)


def test_an_applicant_sets_up_their_organisation_and_becomes_its_member(as_role, users, db):
    applicant = users["applicant_no_org"]
    response = post(as_role("applicant_no_org"), "/organisations/new", DETAILS)
    assert response.status_code == 302, error_messages(response)
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == "Riverside Youth Project")
    )
    assert urlsplit(response.headers["Location"]).path == f"/organisations/{organisation.id}"
    db.session.refresh(applicant)
    assert applicant.organisation_id == organisation.id
    assert organisation.legal_type is LegalType.REGISTERED_CHARITY
    assert organisation.charity_number == "1098765"
    assert organisation.company_number is None
    assert organisation.address_line_2 is None and organisation.county is None
    assert organisation.postcode == "PL4 0DW"
    assert organisation.annual_income == Decimal("12500.50")
    assert organisation.contact_email == "sam.rivers@example.org"


def test_setting_up_an_organisation_is_audited_with_its_values(as_role, users, db):
    applicant = users["applicant_no_org"]
    post(as_role("applicant_no_org"), "/organisations/new", DETAILS)
    db.session.refresh(applicant)
    [created] = _events(db, "organisation.created", applicant.organisation_id)
    assert created.entity_type == "Organisation"
    assert created.actor_id == applicant.id
    assert created.changes["name"] == {"before": None, "after": "Riverside Youth Project"}
    assert created.changes["postcode"] == {"before": None, "after": "PL4 0DW"}
    assert created.changes["annual_income"] == {"before": None, "after": "12500.50"}
    [joined] = _events(db, "organisation.member_joined", applicant.id)
    assert joined.entity_type == "User"
    assert joined.changes == {
        "organisation_id": {"before": None, "after": applicant.organisation_id}
    }


def test_the_organisation_page_shows_what_was_given(as_role, users):
    client = as_role("applicant_no_org")
    response = client.get(post(client, "/organisations/new", DETAILS).headers["Location"])
    text = " ".join(page(response).select_one(".govuk-summary-list").get_text(" ").split())
    for shown in [
        "Registered charity",
        "1098765",
        "2 Quay Road",
        "Plymouth",
        "PL4 0DW",
        "£12,500.50",
        "Sam Rivers",
        "sam.rivers@example.org",
        "01632 960 001",
    ]:
        assert shown in text
    assert "Riverside Youth Project has been set up" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Enter your organisation's name"),
        ({"name": "x" * 201}, "name", "Organisation name must be 200 characters or fewer"),
        ({"legal_type": ""}, "legal_type", "Select the type of organisation"),
        ({"legal_type": "plc"}, "legal_type", "Select the type of organisation"),
        (
            {"charity_number": ""},
            "charity_number",
            "Enter the charity number of your registered charity",
        ),
        (
            {"charity_number": "  ", "legal_type": "cio"},
            "charity_number",
            "Enter the charity number of your charitable incorporated organisation",
        ),
        (
            {"legal_type": "cic", "charity_number": "", "company_number": ""},
            "company_number",
            "Enter the company number of your community interest company",
        ),
        (
            {"legal_type": "company_limited_by_guarantee", "company_number": ""},
            "company_number",
            "Enter the company number of your company limited by guarantee",
        ),
        (
            {"legal_type": "cic", "company_number": "01234567"},
            "charity_number",
            "Leave the charity number blank: a community interest company is not a registered charity",
        ),
        (
            {"legal_type": "statutory_body"},
            "charity_number",
            "Leave the charity number blank: a statutory body is not a registered charity",
        ),
        (
            {"legal_type": "unincorporated_group", "company_number": "01234567"},
            "company_number",
            "Leave the company number blank: an unincorporated community group is not a company",
        ),
        (
            {"legal_type": "cio", "company_number": "01234567"},
            "company_number",
            "Leave the company number blank: a charitable incorporated organisation is not a company",
        ),
        (
            {"charity_number": "12345"},
            "charity_number",
            "Enter a charity number in the correct format, like 1234567, SC012345 or NIC100001",
        ),
        (
            {"charity_number": "SC12345"},
            "charity_number",
            "Enter a charity number in the correct format, like 1234567, SC012345 or NIC100001",
        ),
        (
            {"company_number": "XX123456"},
            "company_number",
            "Enter a company number in the correct format, like 01234567 or SC123456",
        ),
        (
            {"company_number": "123456789"},
            "company_number",
            "Enter a company number in the correct format, like 01234567 or SC123456",
        ),
        ({"postcode": ""}, "postcode", "Enter postcode"),
        ({"postcode": "PL4"}, "postcode", "Enter a real postcode, like PL1 2AB"),
        ({"postcode": "QL4 0DW"}, "postcode", "Enter a real postcode, like PL1 2AB"),
        (
            {"address_line_1": ""},
            "address_line_1",
            "Enter address line 1, typically the building and street",
        ),
        ({"town": ""}, "town", "Enter town or city"),
        ({"annual_income": ""}, "annual_income", "Enter your organisation's annual income"),
        ({"annual_income": "lots"}, "annual_income", "Annual income must be a number, like 12500"),
        (
            {"annual_income": "12.345"},
            "annual_income",
            "Annual income must not have more than 2 decimal places",
        ),
        ({"annual_income": "-1"}, "annual_income", "Annual income must be 0 or more"),
        (
            {"annual_income": "10000000000"},
            "annual_income",
            "Annual income must be less than £10,000,000,000",
        ),
        ({"contact_name": ""}, "contact_name", "Enter the main contact's full name"),
        ({"contact_email": ""}, "contact_email", "Enter the main contact's email address"),
        (
            {"contact_email": "sam.example.org"},
            "contact_email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        (
            {"contact_phone": "call me"},
            "contact_phone",
            "Enter a phone number, like 01632 960 001 or +44 808 157 0192",
        ),
    ],
)
def test_a_mistake_is_shown_in_the_error_summary_and_by_the_field(
    as_role, users, db, changes, field, message
):
    response = post(as_role("applicant_no_org"), "/organisations/new", DETAILS | changes)
    assert response.status_code == 200
    assert error_messages(response) == [message]
    soup = page(response)
    assert soup.title.get_text().startswith("Error: ")
    assert soup.select_one(".govuk-error-summary a")["href"].startswith(f"#{field}")
    assert (
        message
        in soup.select_one(
            f".govuk-form-group--error:has(#{field}), .govuk-form-group--error:has(#{field}-0)"
        ).get_text()
    )
    db.session.refresh(users["applicant_no_org"])
    assert users["applicant_no_org"].organisation_id is None
    assert _events(db, "organisation.created") == []


def test_what_was_typed_is_shown_back_when_there_is_a_mistake(as_role):
    response = post(
        as_role("applicant_no_org"), "/organisations/new", DETAILS | {"postcode": "PL4 XYZ"}
    )
    soup = page(response)
    assert soup.select_one("#postcode")["value"] == "PL4 XYZ"
    assert soup.select_one("#annual_income")["value"] == "£12,500.50"
    assert soup.select_one('input[name="legal_type"][value="registered_charity"]').has_attr(
        "checked"
    )


def test_every_mistake_is_listed_in_the_order_of_the_form(as_role):
    response = post(
        as_role("applicant_no_org"),
        "/organisations/new",
        DETAILS | {"name": "", "charity_number": "", "postcode": "nowhere", "contact_email": "bad"},
    )
    assert error_messages(response) == [
        "Enter your organisation's name",
        "Enter the charity number of your registered charity",
        "Enter a real postcode, like PL1 2AB",
        "Enter an email address in the correct format, like name@example.com",
    ]


COMPANY_NUMBERS_KEPT = {
    "01234567": "01234567",
    "SC123456": "SC123456",
    "1234567": "01234567",
    "oc301234": "OC301234",
}
CHARITY_NUMBERS_KEPT = {"1234567": "1234567", "sc012345": "SC012345"}


@pytest.mark.parametrize(
    ("legal_type", "charity_number", "company_number"),
    [
        ("unincorporated_group", "", ""),
        ("faith_group", "1234567", "01234567"),
        ("social_enterprise", "", "SC123456"),
        ("statutory_body", "", ""),
        ("cic", "", "1234567"),
        ("company_limited_by_guarantee", "sc012345", "oc301234"),
    ],
)
def test_numbers_are_optional_where_the_type_does_not_need_them(
    as_role, users, db, legal_type, charity_number, company_number
):
    details = DETAILS | {
        "legal_type": legal_type,
        "charity_number": charity_number,
        "company_number": company_number,
    }
    response = post(as_role("applicant_no_org"), "/organisations/new", details)
    assert response.status_code == 302, error_messages(response)
    db.session.refresh(users["applicant_no_org"])
    organisation = users["applicant_no_org"].organisation
    assert organisation.legal_type == LegalType(legal_type)
    assert organisation.company_number == COMPANY_NUMBERS_KEPT.get(company_number)
    assert organisation.charity_number == CHARITY_NUMBERS_KEPT.get(charity_number)


@pytest.mark.parametrize("income", ["1e100", "99999999999"])
def test_an_income_too_big_to_keep_is_a_mistake_not_a_crash(as_role, income):
    response = post(
        as_role("applicant_no_org"), "/organisations/new", DETAILS | {"annual_income": income}
    )
    assert error_messages(response) == ["Annual income must be less than £10,000,000,000"]
