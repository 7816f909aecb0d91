"""The grantee asks for a change to their grant and follows it; other organisations and staff are kept out."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.interfaces.awards import variations
from grants.models.awards import AwardStatus, InstalmentStatus, VariationKind, VariationStatus
from grants.models.mail import OutboxMessage
from grants.models.types import utcnow
from tests.factories import AwardFactory
from tests.helpers import error_messages, page, post


@pytest.fixture
def award(db, users):
    award = AwardFactory(organisation=users["org_a"], status=AwardStatus.ACCEPTED, accepted_at=utcnow(),
                         accepted_name="Alex Contact", accepted_position="Chair", officer_id=users["grants_officer"].id)
    award.instalments[0].status = InstalmentStatus.DUE
    db.session.flush()
    return award


def new_url(award):
    return f"/grants/{award.id}/variations/new"


def outbox():
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_grantee_asks_for_more_money_and_the_officer_is_emailed(as_role, award, users):
    client = as_role("applicant")
    response = client.get(new_url(award))
    assert response.status_code == 200
    assert page(response).select_one("h1").get_text(strip=True) == "Ask for a change to your grant"
    response = post(client, new_url(award), {"kind": "amount", "amount": "£4,750", "reason": "Twice the demand"})
    assert response.status_code == 302
    (variation,) = award.variations
    assert response.headers["Location"] == f"/grants/{award.id}/variations/{variation.id}"
    assert variation.requested_by_grantee and variation.requested_by_id == users["applicant"].id
    assert variation.proposed == {"amount": "4750.00"} and award.amount == Decimal("4000.00")
    (message,) = outbox()
    assert message.recipient == users["grants_officer"].email
    assert message.subject == f"Organisation A asks for a change to {award.application.reference}"
    assert "Amount: £4,000.00 → £4,750.00" in message.body and "Twice the demand" in message.body
    assert f"/awards/{award.id}/variations/{variation.id}" in message.body


def test_a_grantee_asks_for_different_activities(as_role, award):
    response = post(as_role("applicant"), new_url(award), {
        "kind": "activities", "activities": "Evening sessions instead of mornings", "reason": "Volunteers work days"})
    assert response.status_code == 302
    assert award.variations[0].proposed == {"activities": "Evening sessions instead of mornings"}


def test_with_no_officer_responsible_nobody_is_emailed(as_role, award):
    award.officer_id = None
    db.session.flush()
    post(as_role("applicant"), new_url(award), {"kind": "amount", "amount": "4500", "reason": "More"})
    assert len(award.variations) == 1 and not outbox()


def test_mistakes_are_shown_and_nothing_is_asked(as_role, award):
    response = post(as_role("applicant"), new_url(award), {"kind": "dates", "start_date": ["31", "2", "2027"],
                                                          "end_date": ["", "", ""], "reason": "x"})
    assert error_messages(response) == ["Start date must be a real date", "Enter the new end date"]
    assert not award.variations and not outbox()


def test_the_grantee_follows_the_decision_without_staff_names(as_role, award, users):
    variation = variations.request_variation(award, VariationKind.AMOUNT, {"amount": Decimal("4500.00")}, "More",
                                             users["applicant"], by_grantee=True)
    variations.decide_variation(variation, False, "No money left in the round", users["grants_officer"])
    db.session.flush()
    response = as_role("applicant").get(f"/grants/{award.id}/variations/{variation.id}")
    assert response.status_code == 200
    text = page(response).get_text()
    assert "Rejected" in text and "No money left in the round" in text and "Your grant stays as it was" in text
    assert users["grants_officer"].full_name not in text
    section = page(as_role("applicant").get(f"/grants/{award.id}")).select_one("section[aria-labelledby=variations]")
    assert "Change of amount" in section.get_text() and "Rejected" in section.get_text()


def test_an_offer_not_yet_accepted_cannot_be_varied(as_role, users):
    offered = AwardFactory(organisation=users["org_a"])
    client = as_role("applicant")
    assert "once you have accepted the grant offer" in client.get(new_url(offered)).get_data(as_text=True)
    response = post(client, new_url(offered), {"kind": "amount", "amount": "4500", "reason": "More"})
    assert response.status_code == 200 and not offered.variations


def test_another_organisations_grant_is_not_found(as_role, award, users):
    variation = variations.request_variation(award, VariationKind.AMOUNT, {"amount": Decimal("4500.00")}, "More",
                                             users["applicant"], by_grantee=True)
    db.session.flush()
    client = as_role("applicant_b")
    assert client.get(new_url(award)).status_code == 404
    assert post(client, new_url(award), {"kind": "amount", "amount": "9000", "reason": "Mine now"}).status_code == 404
    assert client.get(f"/grants/{award.id}/variations/{variation.id}").status_code == 404
    assert len(award.variations) == 1


def test_a_variation_of_another_grant_is_not_found(as_role, award, users):
    other = AwardFactory(organisation=users["org_b"], status=AwardStatus.ACCEPTED, accepted_at=utcnow())
    variation = variations.request_variation(other, VariationKind.AMOUNT, {"amount": Decimal("4500.00")}, "More",
                                             users["applicant_b"], by_grantee=True)
    db.session.flush()
    assert as_role("applicant").get(f"/grants/{award.id}/variations/{variation.id}").status_code == 404


def test_staff_use_their_own_pages(as_role, award):
    for role in ("grants_officer", "finance_officer", "commissioner", "admin", "panel_member"):
        assert as_role(role).get(new_url(award)).status_code == 403
    assert all(v.status is VariationStatus.REQUESTED for v in award.variations)
