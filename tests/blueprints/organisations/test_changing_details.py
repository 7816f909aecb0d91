"""Changing an organisation's details: who changed what, before and after, in the audit log."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.models.audit import AuditEvent
from grants.models.organisations import Organisation
from tests.helpers import error_messages, page, post


def _events(db, action: str, entity_id=None) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    if entity_id is not None:
        query = query.where(AuditEvent.entity_id == str(entity_id))
    return list(db.session.scalars(query))


def _edit_details(organisation: Organisation) -> dict:
    return {
        "name": organisation.name,
        "legal_type": organisation.legal_type.value,
        "charity_number": organisation.charity_number or "",
        "company_number": organisation.company_number or "",
        "address_line_1": organisation.address_line_1,
        "address_line_2": organisation.address_line_2 or "",
        "town": organisation.town,
        "county": organisation.county or "",
        "postcode": organisation.postcode,
        "annual_income": str(organisation.annual_income),
        "contact_name": organisation.contact_name,
        "contact_email": organisation.contact_email,
        "contact_phone": organisation.contact_phone or "",
    }


def test_the_change_form_shows_the_current_details(as_role, users):
    org_a = users["org_a"]
    soup = page(as_role("applicant").get(f"/organisations/{org_a.id}/edit"))
    assert soup.select_one("#name")["value"] == "Organisation A"
    assert soup.select_one("#charity_number")["value"] == org_a.charity_number
    assert soup.select_one("#postcode")["value"] == "EX1 1AA"
    assert soup.select_one("#annual_income")["value"] == "25000.00"
    assert soup.select_one('input[name="legal_type"][value="registered_charity"]').has_attr(
        "checked"
    )


def test_a_change_is_saved_and_audited_with_before_and_after(as_role, users, db):
    org_a = users["org_a"]
    details = _edit_details(org_a) | {
        "town": "Truro",
        "postcode": "tr1 2he",
        "annual_income": "30,000",
    }
    client = as_role("applicant")
    response = post(client, f"/organisations/{org_a.id}/edit", details)
    assert response.status_code == 302, error_messages(response)
    db.session.refresh(org_a)
    assert (org_a.town, org_a.postcode, org_a.annual_income) == (
        "Truro",
        "TR1 2HE",
        Decimal("30000.00"),
    )
    [event] = _events(db, "organisation.updated", org_a.id)
    assert event.actor_id == users["applicant"].id
    assert event.changes == {
        "annual_income": {"before": "25000.00", "after": "30000.00"},
        "postcode": {"before": "EX1 1AA", "after": "TR1 2HE"},
        "town": {"before": "Exeter", "after": "Truro"},
    }
    follow = client.get(response.headers["Location"])
    assert "Your changes have been saved" in follow.get_data(as_text=True)


def test_saving_without_a_change_writes_nothing_to_the_audit_log(as_role, users, db):
    org_a = users["org_a"]
    client = as_role("applicant")
    response = post(
        client, f"/organisations/{org_a.id}/edit", _edit_details(org_a) | {"postcode": "ex11aa"}
    )
    assert response.status_code == 302
    assert _events(db, "organisation.updated") == []
    assert "Nothing was changed" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_grants_officer_changes_any_organisation_and_is_named_in_the_log(as_role, users, db):
    org_b = users["org_b"]
    charity_number = org_b.charity_number
    details = _edit_details(org_b) | {
        "legal_type": "cic",
        "charity_number": "",
        "company_number": "123",
    }
    response = post(as_role("grants_officer"), f"/organisations/{org_b.id}/edit", details)
    assert response.status_code == 302, error_messages(response)
    [event] = _events(db, "organisation.updated", org_b.id)
    assert event.actor_id == users["grants_officer"].id
    assert event.actor_label == f"{users['grants_officer'].full_name} <grants.officer@example.org>"
    assert event.changes["legal_type"] == {"before": "registered_charity", "after": "cic"}
    assert event.changes["charity_number"] == {"before": charity_number, "after": None}
    assert event.changes["company_number"] == {"before": None, "after": "00000123"}


def test_a_change_with_a_mistake_saves_nothing(as_role, users, db):
    org_a = users["org_a"]
    response = post(
        as_role("applicant"),
        f"/organisations/{org_a.id}/edit",
        _edit_details(org_a) | {"name": "Renamed", "company_number": "SC1"},
    )
    assert response.status_code == 200
    assert error_messages(response) == [
        "Enter a company number in the correct format, like 01234567 or SC123456"
    ]
    db.session.refresh(org_a)
    assert org_a.name == "Organisation A"
    assert _events(db, "organisation.updated") == []


@pytest.mark.visible_text(allow=["<b>Bold</b>", "<script>alert(1)</script>", "<i>Sam</i>"])  # typed, shown as typed
def test_what_an_applicant_types_is_shown_as_text_not_run_as_html(as_role, users, db):
    org_a = users["org_a"]
    details = _edit_details(org_a) | {
        "name": "<b>Bold</b> Group",
        "address_line_2": "<script>alert(1)</script>",
        "contact_name": "<i>Sam</i>",
    }
    post(as_role("applicant"), f"/organisations/{org_a.id}/edit", details)
    shown = as_role("grants_officer").get(f"/organisations/{org_a.id}").get_data(as_text=True)
    assert (
        "<script>alert(1)</script>" not in shown
        and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    )
    assert "<i>Sam</i>" not in shown and "<b>Bold</b>" not in shown
    assert "1 High Street<br>&lt;script&gt;" in shown  # address lines still on separate lines
