"""Organisation A's grant offer, for the grantee's pages: ``offered`` (£4,000 from the award
factory, with the grants officer responsible) and the clients of the people involved."""

from __future__ import annotations

import pytest

from tests.factories import AwardFactory


@pytest.fixture
def offered(users):
    return AwardFactory(organisation=users["org_a"], officer_id=users["grants_officer"].id,
                        standard_conditions=["purpose", "monitoring"], special_conditions="Send photos")


@pytest.fixture
def grantee(as_role):
    """Organisation A's applicant."""
    return as_role("applicant")


@pytest.fixture
def officer(as_role):
    return as_role("grants_officer")
