"""The organisations service (grants/interfaces/organisations/membership.py)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from grants.interfaces.applications.submission import start_application
from grants.interfaces.organisations.membership import create_organisation
from grants.models.accounts import User
from grants.models.organisations import LegalType
from tests.factories import FundingRoundFactory, UserFactory

DETAILS = {
    "name": "Tamar Valley Recovery Café",
    "legal_type": LegalType.REGISTERED_CHARITY,
    "charity_number": "1190001",
    "address_line_1": "2 Quay Road",
    "town": "Gunnislake",
    "postcode": "PL18 9AA",
    "annual_income": Decimal("18000.00"),
    "contact_name": "Sam Founder",
    "contact_email": "sam@tamar.example.org",
}


def test_the_founder_belongs_to_the_new_organisation_as_soon_as_it_is_set_up(db):
    founder = UserFactory()
    organisation = create_organisation(founder, dict(DETAILS))
    # Read at once, without a flush in between: the next step (starting an application) looks for the
    # organisation's existing applications by this id, and would look for none with an unset one.
    assert founder.organisation_id == organisation.id
    with db.session.no_autoflush:
        stored = db.session.scalar(select(User.organisation_id).where(User.id == founder.id))
    assert stored == organisation.id


def test_an_application_started_straight_after_set_up_is_the_new_organisations(db):
    founder = UserFactory()
    funding_round = FundingRoundFactory()
    organisation = create_organisation(founder, dict(DETAILS))
    application = start_application(funding_round, founder)
    assert application.organisation_id == organisation.id
    assert start_application(funding_round, founder) is application
