"""Officers' variation pages over HTTP: asking for a change, reading it, approving and rejecting it,
the emails, and the variations section of the staff award page."""

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


@pytest.fixture
def requested(award, users):
    """Organisation A asks for £5,000."""
    return variations.request_variation(award, VariationKind.AMOUNT, {"amount": Decimal("5000.00")},
                                        "Demand has doubled", users["applicant"], by_grantee=True)


def new_url(award):
    return f"/awards/{award.id}/variations/new"


def variation_url(award, variation):
    return f"/awards/{award.id}/variations/{variation.id}"


def day_month_year(day) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def flashed(response) -> str:
    banner = page(response).select_one(".govuk-notification-banner")
    return " ".join(banner.get_text().split()) if banner else ""


def outbox():
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


# Asking ------------------------------------------------------------------------------------------

def test_an_officer_asks_for_a_change_of_dates(as_role, award):
    client = as_role("grants_officer")
    response = client.get(new_url(award))
    assert response.status_code == 200
    assert page(response).select_one("h1").get_text(strip=True) == "Ask for a change to the award"
    end = award.end_date.replace(year=award.end_date.year + 1)
    response = post(client, new_url(award), {
        "kind": "dates", "start_date": day_month_year(award.start_date), "end_date": day_month_year(end),
        "amount": "not looked at", "reason": "The venue opens late",
    })
    assert response.status_code == 302, error_messages(response)
    (variation,) = award.variations
    assert response.headers["Location"] == variation_url(award, variation)
    assert variation.kind is VariationKind.DATES and not variation.requested_by_grantee
    assert variation.proposed["end_date"] == end.isoformat()
    assert award.end_date != end  # not until approved


@pytest.mark.parametrize("data, expected", [
    ({"reason": "Because"}, ["Select what is to change"]),
    ({"kind": "amount", "reason": ""}, ["Enter the new amount of the award", "Enter the reason for the change"]),
    ({"kind": "amount", "amount": "lots", "reason": "x"}, ["New amount must be a number, like 12500"]),
    ({"kind": "amount", "amount": "4000", "reason": "x"},
     ["New amount must be different from the current award of £4,000.00"]),
    ({"kind": "dates", "start_date": ["1", "2", "2027"], "end_date": ["1", "1", "2027"], "reason": "x"},
     ["End date must be after the start date"]),
    ({"kind": "activities", "reason": "x"}, ["Describe the activities as they would be after the change"]),
])
def test_bad_requests_are_shown_in_the_error_summary(as_role, award, data, expected):
    response = post(as_role("grants_officer"), new_url(award), data)
    assert response.status_code == 200
    assert error_messages(response) == expected
    assert not award.variations


def test_an_open_variation_of_the_kind_blocks_another(as_role, award, requested):
    response = post(as_role("grants_officer"), new_url(award), {"kind": "amount", "amount": "4500", "reason": "x"})
    assert error_messages(response) == ["There is already a change of amount waiting for a decision: it must be "
                                        "decided before another is asked for"]
    assert len(award.variations) == 1


def test_an_offer_not_accepted_cannot_be_varied(as_role, users):
    offered = AwardFactory(organisation=users["org_a"])
    client = as_role("grants_officer")
    assert "Only an accepted award can be varied" in client.get(new_url(offered)).get_data(as_text=True)
    response = post(client, new_url(offered), {"kind": "amount", "amount": "4500", "reason": "x"})
    assert response.status_code == 200 and not offered.variations


# Deciding ----------------------------------------------------------------------------------------

def test_approving_changes_the_award_and_emails_the_grantee(as_role, award, requested, users):
    client = as_role("grants_officer")
    response = client.get(variation_url(award, requested))
    assert response.status_code == 200
    cells = [td.get_text(strip=True) for td in page(response).select("table td")]
    assert cells == ["£4,000.00", "£5,000.00"]
    response = post(client, variation_url(award, requested), {"decision": "approve"}, follow_redirects=True)
    assert "Change of amount approved" in flashed(response)
    assert requested.status is VariationStatus.APPROVED
    assert award.amount == Decimal("5000.00")
    assert sum(i.amount for i in award.instalments) == Decimal("5000.00")
    message = outbox()[0]
    assert message.subject == f"Your request to change grant {award.application.reference}: approved"
    assert "has been approved" in message.body and "£4,000.00 → £5,000.00" in message.body
    assert f"/grants/{award.id}/variations/{requested.id}" in message.body


def test_the_grantee_who_asked_is_emailed_as_well_as_the_contact(as_role, award, requested, users):
    post(as_role("grants_officer"), variation_url(award, requested), {"decision": "reject", "decision_reason": "No"})
    assert sorted(m.recipient for m in outbox()) == sorted({award.organisation.contact_email,
                                                            users["applicant"].email})
    assert all("has been rejected" in m.body and "Reason: No" in m.body for m in outbox())


def test_rejecting_needs_a_reason(as_role, award, requested):
    response = post(as_role("grants_officer"), variation_url(award, requested), {"decision": "reject"})
    assert error_messages(response) == ["Enter the reason for rejecting the variation"]
    assert requested.status is VariationStatus.REQUESTED and not outbox()


def test_a_decision_is_needed(as_role, award, requested):
    response = post(as_role("grants_officer"), variation_url(award, requested), {})
    assert error_messages(response) == ["Select whether to approve or reject the variation"]


def test_an_increase_beyond_the_budget_is_shown_and_nothing_changes(as_role, award, requested):
    award.funding_round.total_budget = Decimal("4500.00")
    db.session.flush()
    response = post(as_role("grants_officer"), variation_url(award, requested), {"decision": "approve"})
    assert response.status_code == 200
    assert error_messages(response) == ["The round has £4,500.00 left of its £4,500.00 budget: an award of "
                                        "£5,000.00 would go over it by £500.00"]
    assert requested.status is VariationStatus.REQUESTED
    assert award.amount == Decimal("4000.00") and not outbox()


def test_a_second_decision_is_refused(as_role, award, requested):
    client = as_role("grants_officer")
    post(client, variation_url(award, requested), {"decision": "approve"}, follow_redirects=True)
    response = post(client, variation_url(award, requested), {"decision": "reject", "decision_reason": "Oops"},
                    follow_redirects=True)
    assert "This variation has already been approved" in flashed(response)
    assert requested.status is VariationStatus.APPROVED and award.amount == Decimal("5000.00")
    assert len(outbox()) >= 1 and all("approved" in m.subject for m in outbox())


# Who may do what ---------------------------------------------------------------------------------

def test_other_staff_read_but_cannot_decide(as_role, award, requested):
    for role in ("finance_officer", "commissioner", "admin"):
        client = as_role(role)
        response = client.get(variation_url(award, requested))
        assert response.status_code == 200
        assert page(response).select_one(f"form[action$='/variations/{requested.id:d}']") is None
        assert post(client, variation_url(award, requested), {"decision": "approve"}).status_code == 403
        assert client.get(new_url(award)).status_code == 403
    assert requested.status is VariationStatus.REQUESTED


def test_grantees_cannot_open_the_staff_pages(as_role, award, requested):
    client = as_role("applicant")
    assert client.get(variation_url(award, requested)).status_code == 403
    assert post(client, variation_url(award, requested), {"decision": "approve"}).status_code == 403


def test_a_variation_of_another_award_is_not_found(as_role, award, requested, users):
    other = AwardFactory(organisation=users["org_b"], status=AwardStatus.ACCEPTED, accepted_at=utcnow())
    client = as_role("grants_officer")
    assert client.get(f"/awards/{other.id}/variations/{requested.id}").status_code == 404
    assert client.get(f"/awards/{award.id}/variations/999999").status_code == 404


# The award page's section ------------------------------------------------------------------------

def test_the_award_page_lists_variations_and_the_agreed_activities(as_role, award, requested, users):
    activities = variations.request_variation(award, VariationKind.ACTIVITIES, {"activities": "Weekly café\nWalks"},
                                              "More demand", users["grants_officer"], by_grantee=False)
    variations.decide_variation(activities, True, "", users["grants_officer"])
    db.session.flush()
    response = as_role("grants_officer").get(f"/awards/{award.id}")
    assert response.status_code == 200
    section = page(response).select_one("section[aria-labelledby=variations]")
    assert "Weekly café" in section.get_text() and "Walks" in section.get_text()
    rows = [" ".join(tr.get_text().split()) for tr in section.select("tbody tr")]
    assert len(rows) == 2 and "Waiting for a decision" in rows[1] and "Approved" in rows[0]
    assert section.select_one(f"a[href='/awards/{award.id}/variations/new']") is not None
    # Staff who cannot vary the award are not offered the button.
    finance = page(as_role("finance_officer").get(f"/awards/{award.id}")).select_one(
        "section[aria-labelledby=variations]")
    assert finance.select_one(f"a[href='/awards/{award.id}/variations/new']") is None

