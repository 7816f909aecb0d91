"""Partner organisations on a bid (consortium bids): the lead names them, invites their contacts, and
stays the one that submits; an accepted contact may open that one application and contribute."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.models.accounts import Role
from grants.models.applications import ApplicationPartner, ApplicationStatus
from grants.models.audit import AuditEvent
from grants.models.mail import OutboxMessage
from grants.models.organisations import hash_token
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, FundingRoundFactory
from tests.helpers import emailed_link, error_messages, page, post
from tests.visible_text import seen_text

VALID = {
    "name": "Cornwall Harm Reduction Network",
    "charity_number": "1 100 002",
    "company_number": "",
    "role": "Runs the outreach van two evenings a week.",
    "budget_share": "£1,500.50",
    "contact_name": "Morwenna Tregear",
    "contact_email": "Morwenna@Example.org",
}


@pytest.fixture
def draft(db, users):
    """A draft of organisation A asking for £5,000, to an open round."""
    return ApplicationFactory(funding_round=FundingRoundFactory(), organisation=users["org_a"],
                              amount_requested=Decimal("5000.00"))


@pytest.fixture
def lead(as_role):
    return as_role("applicant")


def _events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _add(client, application, **changes):
    return post(client, f"/applications/{application.id}/partners/add", {**VALID, **changes})


def _partner(db, application, **values) -> ApplicationPartner:
    values = {"name": "Penwith Food Bank", "role": "Referrals", "budget_share": Decimal("1000.00"), **values}
    partner = ApplicationPartner(application=application, **values)
    db.session.add(partner)
    db.session.flush()
    return partner


class TestNamingPartners:
    def test_the_task_list_offers_partners_as_an_optional_task(self, lead, draft, db):
        text = seen_text(lead.get(f"/applications/{draft.id}"))
        assert ("Partner organisations Optional: other organisations delivering the project with you "
                "Not yet started") in text
        _partner(db, draft)
        _partner(db, draft, name="Second partner")
        assert "Partner organisations Optional: other organisations delivering the project with you 2 partners" in \
            seen_text(lead.get(f"/applications/{draft.id}"))

    def test_a_lead_member_adds_a_partner(self, lead, draft, db, users):
        response = _add(lead, draft)
        assert response.status_code == 302
        [partner] = draft.partners
        assert partner.name == "Cornwall Harm Reduction Network"
        assert partner.charity_number == "1100002"  # normalised as the organisation form does
        assert partner.company_number is None
        assert partner.budget_share == Decimal("1500.50")
        assert partner.contact_email == "morwenna@example.org"
        text = seen_text(lead.get(response.headers["Location"]))
        assert "Cornwall Harm Reduction Network has been added as a partner" in text
        assert "Share of the budget £1,500.50 (30.0% of the amount you are asking for)" in text
        assert "Invitation Not invited" in text
        assert "Partners' shares together: £1,500.50 of the £5,000.00 you are asking for" in text
        [event] = _events(db, "application.partner_added")
        assert event.actor_id == users["applicant"].id
        assert event.changes["name"]["after"] == "Cornwall Harm Reduction Network"

    @pytest.mark.parametrize(("changes", "message"), [
        ({"name": " "}, "Enter the partner organisation's name"),
        ({"role": ""}, "Enter the partner's role on the project"),
        ({"role": "word " * 151}, "Role on the project must be 150 words or fewer"),
        ({"budget_share": ""}, "Enter the partner's share of the budget"),
        ({"budget_share": "-1"}, "Share of the budget must be £0 or more"),
        ({"budget_share": "10.505"}, "Share of the budget must not have more than 2 decimal places"),
        ({"budget_share": "lots"}, "Share of the budget must be a number, like 12500"),
        ({"charity_number": "12"}, None),
        ({"company_number": "ABC"}, None),
        ({"contact_email": "not-an-email"}, "Enter an email address in the correct format, like name@example.com"),
    ])
    def test_bad_answers_get_the_error_summary_and_change_nothing(self, lead, draft, db, changes, message):
        response = _add(lead, draft, **changes)
        assert response.status_code == 200
        errors = error_messages(response)
        assert len(errors) == 1
        if message is not None:
            assert errors == [message]
        assert seen_text(response).startswith("Error: Add a partner organisation")
        assert draft.partners == []
        assert _events(db, "application.partner_added") == []

    def test_a_partner_is_changed_and_the_change_audited(self, lead, draft, db):
        partner = _partner(db, draft)
        response = post(lead, f"/applications/{draft.id}/partners/{partner.id}/change",
                        {**VALID, "name": "Penwith Food Bank", "budget_share": "750"})
        assert response.status_code == 302
        assert partner.budget_share == Decimal("750.00")
        [event] = _events(db, "application.partner_changed")
        assert event.changes["budget_share"] == {"before": "1000.00", "after": "750.00"}

    def test_a_new_contact_address_ends_the_earlier_contacts_access(self, lead, draft, db, users, as_role):
        partner = _partner(db, draft, contact_email="old@example.org", user_id=users["applicant_b"].id,
                           accepted_at=utcnow(), token_hash=hash_token("t"))
        post(lead, f"/applications/{draft.id}/partners/{partner.id}/change",
             {**VALID, "contact_email": "new@example.org"})
        assert (partner.user_id, partner.accepted_at, partner.token_hash) == (None, None, None)
        assert as_role("applicant_b").get(f"/applications/{draft.id}").status_code == 404

    def test_removing_asks_first_then_removes(self, lead, draft, db):
        partner = _partner(db, draft)
        confirm = lead.get(f"/applications/{draft.id}/partners/{partner.id}/remove")
        assert "Are you sure you want to remove Penwith Food Bank as a partner?" in seen_text(confirm)
        assert draft.partners == [partner]
        response = post(lead, f"/applications/{draft.id}/partners/{partner.id}/remove")
        assert response.status_code == 302
        db.session.expire_all()
        assert draft.partners == []
        assert "Penwith Food Bank has been removed as a partner" in seen_text(lead.get(response.headers["Location"]))
        [event] = _events(db, "application.partner_removed")
        assert event.changes["name"] == {"before": "Penwith Food Bank", "after": None}

    def test_partners_cannot_change_once_submitted(self, lead, draft, db):
        partner = _partner(db, draft)
        draft.status = ApplicationStatus.SUBMITTED
        db.session.flush()
        text = seen_text(lead.get(f"/applications/{draft.id}/partners"))
        assert "Penwith Food Bank" in text and "its partner organisations can no longer be changed" in text
        assert "Change" not in text and "Add a partner organisation" not in text
        for url in (f"/applications/{draft.id}/partners/add", f"/applications/{draft.id}/partners/{partner.id}/change",
                    f"/applications/{draft.id}/partners/{partner.id}/remove"):
            response = post(lead, url, VALID)
            assert response.status_code == 302, url
        db.session.expire_all()
        assert [p.name for p in draft.partners] == ["Penwith Food Bank"]
        assert partner.budget_share == Decimal("1000.00")

    def test_shares_over_the_amount_asked_stop_submission(self, lead, draft, db):
        _partner(db, draft, budget_share=Decimal("3000.00"))
        _partner(db, draft, name="Second", budget_share=Decimal("2000.01"))
        text = seen_text(lead.get(f"/applications/{draft.id}/check"))
        assert "Partners' shares (£5,000.01) are more than the £5,000.00 you are asking for" in text
        partners_page = seen_text(lead.get(f"/applications/{draft.id}/partners"))
        assert "Partners' shares (£5,000.01) are more than the £5,000.00 you are asking for" in partners_page

    def test_shares_within_the_amount_asked_are_no_problem(self, lead, draft, db):
        _partner(db, draft, budget_share=Decimal("5000.00"))
        assert "Partners' shares" not in seen_text(lead.get(f"/applications/{draft.id}/check"))


class TestInvitations:
    def test_the_lead_invites_the_contact_by_email(self, lead, draft, db, users):
        partner = _partner(db, draft, contact_name="Morwenna Tregear", contact_email="morwenna@example.org")
        response = post(lead, f"/applications/{draft.id}/partners/{partner.id}/invite")
        assert response.status_code == 302
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "morwenna@example.org"))
        assert message.subject == "Organisation A has invited you to contribute to a grant application"
        assert "follow this link within 14 days:" in message.body
        token = emailed_link("morwenna@example.org", "/applications/partner-invitations/").rsplit("/", 1)[1]
        assert partner.token_hash == hash_token(token)
        assert timedelta(days=14) - timedelta(minutes=1) < partner.invite_expires_at - utcnow() <= timedelta(days=14)
        text = seen_text(lead.get(f"/applications/{draft.id}/partners"))
        assert "Invitation sent to morwenna@example.org" in text
        assert "Invited on" in text and "Invite Morwenna Tregear again" in text
        [event] = _events(db, "application.partner_invited")
        assert "token_hash" not in event.changes and partner.token_hash not in str(event.changes)

    def test_inviting_again_replaces_the_link(self, lead, draft, db, users, as_role):
        partner = _partner(db, draft, contact_email="applicant.b@example.org")
        post(lead, f"/applications/{draft.id}/partners/{partner.id}/invite")
        first = emailed_link("applicant.b@example.org", "/applications/partner-invitations/")
        post(lead, f"/applications/{draft.id}/partners/{partner.id}/invite")
        second = emailed_link("applicant.b@example.org", "/applications/partner-invitations/")
        assert first != second
        contact = as_role("applicant_b")
        assert contact.get(first).status_code == 404
        assert "This invitation link is not valid" in seen_text(contact.get(first))
        assert contact.get(second).status_code == 200

    def test_no_email_address_no_invitation(self, lead, draft, db):
        partner = _partner(db, draft)
        response = post(lead, f"/applications/{draft.id}/partners/{partner.id}/invite")
        text = seen_text(lead.get(response.headers["Location"]))
        assert "Add the email address of a contact at Penwith Food Bank before you invite them" in text
        assert db.session.scalar(select(OutboxMessage)) is None

    def test_a_contact_in_another_organisation_accepts(self, lead, draft, db, users, as_role):
        partner = _partner(db, draft, contact_email="applicant.b@example.org")
        post(lead, f"/applications/{draft.id}/partners/{partner.id}/invite")
        link = emailed_link("applicant.b@example.org", "/applications/partner-invitations/")
        contact = as_role("applicant_b")
        shown = seen_text(contact.get(link))
        assert "Contribute to Organisation A's application" in shown
        response = post(contact, link)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/applications/{draft.id}"
        assert partner.user_id == users["applicant_b"].id and partner.accepted_at is not None
        assert users["applicant_b"].organisation_id == users["org_b"].id  # still their own organisation's
        [event] = _events(db, "application.partner_accepted")
        assert event.actor_id == users["applicant_b"].id
        shown_to_lead = seen_text(lead.get(f"/applications/{draft.id}/partners"))
        assert f"Accepted by {users['applicant_b'].full_name} on" in shown_to_lead
        # The link, used, says so.
        again = contact.get(link)
        assert "This invitation has already been used" in seen_text(again)
        assert page(again).select_one("main form") is None

    def test_someone_without_an_account_registers_from_the_link(self, lead, draft, db, client):
        from tests.helpers import register

        partner = _partner(db, draft, contact_email="newcomer@example.org")
        post(lead, f"/applications/{draft.id}/partners/{partner.id}/invite")
        link = emailed_link("newcomer@example.org", "/applications/partner-invitations/")
        sign_in = client.get(link)
        assert sign_in.status_code == 302 and "/sign-in" in sign_in.headers["Location"]
        created = register(client, "New Comer", "newcomer@example.org", "a-long-enough-passphrase-1", next_path=link)
        assert created.headers["Location"] == link
        post(client, link)
        assert partner.user is not None and partner.user.email == "newcomer@example.org"
        assert partner.user.organisation_id is None
        dashboard = client.get("/applications")
        assert dashboard.status_code == 200
        text = seen_text(dashboard)
        assert "Bids you are a partner on" in text and draft.project_title in text and "Organisation A" in text

    @pytest.mark.parametrize(("setup", "problem"), [
        ({"invite_expires_at": -1}, "This invitation has expired. Ask Organisation A to invite you again"),
        ({"contact_email": "someone.else@example.org"},
         "This invitation was sent to a different email address. Sign in with that address to accept it"),
    ])
    def test_an_invitation_that_cannot_be_accepted_says_why(self, draft, db, users, as_role, setup, problem):
        expires = utcnow() + timedelta(days=setup.get("invite_expires_at", 14))
        partner = _partner(db, draft, contact_email=setup.get("contact_email", "applicant.b@example.org"),
                           token_hash=hash_token("the-token"), invited_at=utcnow(), invite_expires_at=expires)
        contact = as_role("applicant_b")
        response = post(contact, "/applications/partner-invitations/the-token")
        assert response.status_code == 200
        assert error_messages(response) == [problem]
        assert partner.user_id is None

    def test_a_member_of_the_lead_cannot_be_a_partner_contact(self, lead, draft, db, users):
        _partner(db, draft, contact_email="applicant.a@example.org", token_hash=hash_token("the-token"),
                 invited_at=utcnow(), invite_expires_at=utcnow() + timedelta(days=1))
        response = post(lead, "/applications/partner-invitations/the-token")
        assert error_messages(response) == ["You are already a member of Organisation A, which leads this bid"]


@pytest.fixture
def contact(db, users, draft, as_role):
    """Organisation B's applicant has accepted the invitation of a partner on organisation A's draft."""
    _partner(db, draft, contact_email="applicant.b@example.org", user_id=users["applicant_b"].id,
             accepted_at=utcnow(), token_hash=hash_token("used"))
    return as_role("applicant_b")


class TestPartnerContactAccess:
    def test_the_contact_opens_the_application_and_contributes(self, contact, draft, db):
        task_list = contact.get(f"/applications/{draft.id}")
        assert task_list.status_code == 200
        text = seen_text(task_list)
        assert "Organisation A (you are contributing as a partner)" in text
        assert "Partner organisations" not in text and "Check your answers before" not in text
        assert "one of its members will check the answers and submit it" in text
        links = [link.get_text(strip=True) for link in page(task_list).select("main a")]
        assert "Organisation details" in text and "Organisation details" not in links  # the lead's own record
        assert "Project summary and activities" in links
        response = post(contact, f"/applications/{draft.id}/sections/project",
                        {"title": "Outreach van", "summary": "Evening outreach.", "action-later": "1"})
        assert response.status_code == 302
        assert draft.project_title == "Outreach van"
        assert contact.get(f"/applications/{draft.id}/documents").status_code == 200

    @pytest.mark.parametrize(("method", "path"), [
        ("GET", "/check"),
        ("POST", "/submit"),
        ("GET", "/confirmation"),
        ("GET", "/withdraw"),
        ("POST", "/withdraw"),
        ("GET", "/partners"),
        ("GET", "/partners/add"),
        ("POST", "/partners/add"),
        ("GET", "/partners/{partner}/change"),
        ("POST", "/partners/{partner}/remove"),
        ("POST", "/partners/{partner}/invite"),
        ("GET", "/sections/organisation"),
        ("POST", "/sections/organisation"),
    ])
    def test_the_contact_cannot_act_for_the_lead(self, contact, draft, db, method, path):
        url = f"/applications/{draft.id}" + path.format(partner=draft.partners[0].id)
        response = contact.get(url) if method == "GET" else post(contact, url, VALID)
        assert response.status_code == 404
        assert draft.status is ApplicationStatus.DRAFT and len(draft.partners) == 1

    def test_the_contact_sees_no_other_application_of_the_lead(self, contact, draft, users):
        other = ApplicationFactory(organisation=users["org_a"])
        assert contact.get(f"/applications/{other.id}").status_code == 404
        assert contact.get(f"/applications/{other.id}/documents").status_code == 404

    def test_a_contact_not_yet_accepted_has_no_access(self, db, users, draft, as_role):
        _partner(db, draft, contact_email="applicant.b@example.org", user_id=None,
                 token_hash=hash_token("t"), invited_at=utcnow(), invite_expires_at=utcnow() + timedelta(days=1))
        assert as_role("applicant_b").get(f"/applications/{draft.id}").status_code == 404

    def test_removing_the_partner_ends_the_access(self, lead, contact, draft):
        post(lead, f"/applications/{draft.id}/partners/{draft.partners[0].id}/remove")
        assert contact.get(f"/applications/{draft.id}").status_code == 404

    def test_the_dashboard_lists_bids_the_user_is_a_partner_on(self, contact, draft):
        text = seen_text(contact.get("/applications"))
        assert "Bids you are a partner on" in text
        assert f"{draft.project_title} Organisation A" in text


    def test_the_home_page_leads_the_contact_to_the_bids(self, contact, draft):
        text = seen_text(contact.get("/home"))
        assert (f"See the bid you are a partner on {draft.project_title or 'Untitled project'} "
                "(led by Organisation A)") in text

    def test_the_outcome_reads_as_the_lead_s_application(self, contact, lead, draft, db):
        draft.status, draft.reference, draft.submitted_at = ApplicationStatus.SUCCESSFUL, "CGS-2026-0777", utcnow()
        draft.funding_round.decided_at = utcnow()
        db.session.flush()
        text = seen_text(contact.get(f"/applications/{draft.id}"))
        assert "Organisation A’s application has been successful" in text
        assert "Your application has been successful" not in text
        assert "Your application has been successful" in seen_text(lead.get(f"/applications/{draft.id}"))


def test_staff_cannot_be_invited(lead, draft, db, users):
    partner = _partner(db, draft, contact_email=users["grants_officer"].email)
    post(lead, f"/applications/{draft.id}/partners/{partner.id}/invite")
    assert partner.invited_at is None
    assert users["grants_officer"].has_role(Role.GRANTS_OFFICER)
