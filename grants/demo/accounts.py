"""Demo data for trying the service: one account per role and two applicant organisations.

Idempotent: run it again and it adds only what is missing. Never run against production data.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from grants.extensions import db
from grants.interfaces.auth import accounts
from grants.interfaces.organisations import membership as organisations
from grants.models.accounts import Role
from grants.models.organisations import LegalType, Organisation

DEMO_PASSWORD = "tamar-bridge-lantern-2026"
# Demo staff sign in with a second factor like real staff: this authenticator-app key (add it to
# any authenticator app, or run `flask demo code` for the code of the moment). Never in production.
DEMO_TOTP_SECRET = "OPCCDEMOSTAFFTOTPKEYDEVONCORNWAL"


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    roles: frozenset[Role]
    organisation: str | None = None


DEMO_ORGANISATIONS = {
    "Tamar Valley Recovery Community": dict(
        legal_type=LegalType.CIO,
        charity_number="1187654",
        address_line_1="14 Fore Street",
        town="Plymouth",
        county="Devon",
        postcode="PL1 2AB",
        annual_income=Decimal("86500.00"),
        contact_name="Sam Trelawny",
        contact_email="applicant@example.org",
        contact_phone="01752 960 001",
    ),
    "Kernow Youth Diversion CIC": dict(
        legal_type=LegalType.CIC,
        company_number="09876543",
        address_line_1="Unit 3, Pydar Street",
        town="Truro",
        county="Cornwall",
        postcode="TR1 2AX",
        annual_income=Decimal("142000.00"),
        contact_name="Morwenna Pascoe",
        contact_email="applicant2@example.org",
    ),
}

DEMO_USERS = (
    DemoUser("applicant@example.org", "Sam Trelawny", frozenset({Role.APPLICANT}), "Tamar Valley Recovery Community"),
    DemoUser("applicant2@example.org", "Morwenna Pascoe", frozenset({Role.APPLICANT}), "Kernow Youth Diversion CIC"),
    DemoUser("panel@example.org", "Priya Panel", frozenset({Role.PANEL_MEMBER})),
    DemoUser("panel2@example.org", "Gwen Hocking", frozenset({Role.PANEL_MEMBER})),
    DemoUser("panel3@example.org", "Jago Rowe", frozenset({Role.PANEL_MEMBER})),
    DemoUser("panel4@example.org", "Tamsin Bray", frozenset({Role.PANEL_MEMBER})),
    DemoUser("officer@example.org", "Owen Officer", frozenset({Role.GRANTS_OFFICER})),
    DemoUser("finance@example.org", "Fiona Finance", frozenset({Role.FINANCE_OFFICER})),
    # A second finance officer: whoever approves a payment cannot also record it as paid.
    DemoUser("finance2@example.org", "Fraser Payne", frozenset({Role.FINANCE_OFFICER})),
    DemoUser("commissioner@example.org", "Chris Commissioner", frozenset({Role.COMMISSIONER})),
    DemoUser("admin@example.org", "Ada Admin", frozenset({Role.ADMIN})),
)


def seed_demo() -> list[DemoUser]:
    """Create what is missing; the caller commits. Returns the demo users."""
    for demo in DEMO_USERS:
        user = accounts.get_user_by_email(demo.email)
        if user is None:
            user = accounts.create_user(demo.email, demo.name, DEMO_PASSWORD, set(demo.roles))
        if user.is_staff and not user.totp_secret and not user.passkeys:
            user.totp_secret = DEMO_TOTP_SECRET
        if demo.organisation and user.organisation_id is None:
            existing = db.session.scalar(db.select(Organisation).filter_by(name=demo.organisation))
            if existing is None:
                details = {"name": demo.organisation, **DEMO_ORGANISATIONS[demo.organisation]}
                organisations.create_organisation(user, details)
            else:
                user.organisation = existing
    db.session.flush()
    return list(DEMO_USERS)
