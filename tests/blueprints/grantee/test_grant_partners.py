"""The grant page names the partner organisations the grantee's consortium bid named: the lead reads
who shares the work and the budget, and whether each partner's contact has accepted the invitation."""

from __future__ import annotations

from decimal import Decimal

from grants.extensions import db as _db
from grants.models.applications import ApplicationPartner
from grants.models.types import utcnow
from tests.visible_text import seen_text


def test_the_grant_page_names_the_partners_with_their_roles_shares_and_contacts(grantee, offered):
    offered.application.amount_requested = Decimal("4000.00")
    offered.application.partners.extend([
        ApplicationPartner(name="Plymouth Harm Reduction Hub", charity_number="1187654", role="Naloxone training",
                           budget_share=Decimal("1000.00"), contact_name="Jenna Rowse",
                           contact_email="jenna@example.org", invited_at=utcnow(), accepted_at=utcnow(), position=0),
        ApplicationPartner(name="Friends of the Hoe", role="Volunteers", budget_share=Decimal("400.00"), position=1),
    ])
    _db.session.flush()

    shown = seen_text(grantee.get(f"/grants/{offered.id}"))

    assert (f"Partner organisations This is a consortium bid. {offered.organisation.name} leads it and is "
            "accountable for the grant; 2 partner organisations will share the work and the budget.") in shown
    assert ("Plymouth Harm Reduction Hub Charity number 1187654 Naloxone training £1,000.00 25.0% of the amount "
            "asked Jenna Rowse jenna@example.org Accepted by Jenna Rowse on") in shown
    assert "Friends of the Hoe Volunteers £400.00 10.0% of the amount asked No contact given Not invited" in shown


def test_a_grant_without_partners_says_nothing_of_them(grantee, offered):
    assert "Partner organisations" not in seen_text(grantee.get(f"/grants/{offered.id}"))


def test_a_partners_contact_is_told_the_lead_organisation_holds_the_grant(as_role, offered, users):
    contact = users["applicant_no_org"]
    offered.application.partners.append(ApplicationPartner(
        name="Friends of the Hoe", role="Volunteers", contact_name=contact.full_name, contact_email=contact.email,
        user_id=contact.id, invited_at=utcnow(), accepted_at=utcnow()))
    _db.session.flush()

    shown = seen_text(as_role("applicant_no_org").get("/grants"))

    assert ("Bids you are a partner on You are the contact of a partner organisation on 1 bid that another "
            "organisation leads. If a bid is successful, the grant is offered to the lead organisation") in shown
    assert offered.application.reference not in shown


def test_someone_who_is_no_partners_contact_is_told_nothing_of_partner_bids(as_role, offered):
    assert "Bids you are a partner on" not in seen_text(as_role("applicant_no_org").get("/grants"))
