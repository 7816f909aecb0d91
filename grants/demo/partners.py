"""A demo consortium bid: the demo applicant's funded café (the decided round's "Harbour Recovery
Café", led by Tamar Valley Recovery Community) names two partner organisations. One partner's contact
was invited and accepted, with a demo login of her own (partner@example.org, no organisation of her
own); the other's contact was named but never invited. The partners show on the award, the offer
letter and the 360Giving data.

Idempotent: an application that has partners already is left alone. Seeded after the awards (the
award is the bid's). Never run against production data.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from grants import audit
from grants.demo.accounts import DEMO_PASSWORD
from grants.extensions import db
from grants.interfaces.auth import accounts
from grants.models.accounts import Role, User
from grants.models.applications import Application, ApplicationPartner
from grants.models.organisations import Organisation

LEAD_ORGANISATION = "Tamar Valley Recovery Community"
PROJECT = "Harbour Recovery Café"
PARTNER_EMAIL = "partner@example.org"
PARTNER_NAME = "Jenna Rowse"
# (name, charity number, company number, role, share of the £3,600 asked, contact name, contact email,
# invited and accepted)
PARTNERS = (
    ("Plymouth Harm Reduction Hub", "1187654", None,
     "Trains the café's peer mentors in naloxone and harm reduction, and runs a drop-in clinic at the "
     "café once a month.", Decimal("900.00"), PARTNER_NAME, PARTNER_EMAIL, True),
    ("Stonehouse Families Together CIC", None, "12345678",
     "Runs the family drop-in sessions and refers families to the café.", Decimal("600.00"),
     "Tom Pengelly", "stonehouse@example.org", False),
)


def demo_partner_login() -> tuple[str, str]:
    """(email, what the login is) for the printed list of demo logins."""
    return PARTNER_EMAIL, f"partner contact on {LEAD_ORGANISATION}'s bid"


def seed_partners() -> None:
    """The consortium bid's partners, unless it has some already; the caller commits."""
    application = db.session.scalar(
        select(Application).join(Organisation, Organisation.id == Application.organisation_id)
        .where(Application.project_title == PROJECT, Organisation.name == LEAD_ORGANISATION)
        .order_by(Application.id)
    )
    if application is None or application.partners:
        return
    lead = db.session.scalar(
        select(User).where(User.organisation_id == application.organisation_id)
        .order_by(User.id)
    )
    contact = accounts.get_user_by_email(PARTNER_EMAIL) or accounts.create_user(
        PARTNER_EMAIL, PARTNER_NAME, DEMO_PASSWORD, {Role.APPLICANT})
    # Named, invited and accepted while the bid was a draft: a day and two days after it started.
    invited_at = application.created_at + timedelta(days=1)
    for position, (name, charity, company, role, share, contact_name, email, accepted) in enumerate(PARTNERS):
        partner = ApplicationPartner(
            position=position, name=name, charity_number=charity, company_number=company, role=role,
            budget_share=share, contact_name=contact_name, contact_email=email,
            created_at=application.created_at,
        )
        if accepted:
            partner.invited_at = invited_at
            partner.invite_expires_at = invited_at + timedelta(days=14)
            partner.invited_by_id = lead.id if lead is not None else None
            partner.user_id = contact.id
            partner.accepted_at = invited_at + timedelta(days=1)
        application.partners.append(partner)
        db.session.flush()
        audit.record("application.partner_added", partner,
                     f"{name} named as a partner on application {application.id} (demo data)",
                     changes=audit.diff({}, audit.snapshot(partner)))
