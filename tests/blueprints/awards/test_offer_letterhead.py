"""The offer letter carries the OPCC's letterhead for printing: who it is from, the date of the offer,
our reference and the grantee's address (shown in print only; tests/browser/test_offer_letter_print.py
prints it)."""

from __future__ import annotations

import pytest

from grants.formatting import long_date
from tests.factories import AwardFactory
from tests.helpers import page

OFFICE = "Office of the Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly"


@pytest.fixture
def award(db, users):
    return AwardFactory(organisation=users["org_a"])


def letterhead(response) -> dict:
    head = page(response).select_one("main #letterhead")
    return {
        "office": head.select_one(".opcc-letterhead__office").get_text(strip=True),
        "details": {dt.get_text(strip=True): dt.find_next("dd").get_text(strip=True) for dt in head.select("dt")},
        "to": [line.strip() for line in head.select_one("address").get_text("\n").split("\n") if line.strip()],
    }


def test_the_staff_offer_letter_has_the_letterhead(as_role, award):
    found = letterhead(as_role("grants_officer").get(f"/awards/{award.id}/offer-letter"))
    assert found["office"] == OFFICE
    assert found["details"] == {"Date": long_date(award.offered_at), "Our reference": award.application.reference,
                                "Grant number": str(award.id)}
    organisation = award.organisation
    assert found["to"][:3] == [organisation.contact_name, "Organisation A", organisation.address_line_1]
    assert found["to"][-1] == organisation.postcode


def test_the_grantees_offer_has_the_letterhead(as_role, award):
    found = letterhead(as_role("applicant").get(f"/grants/{award.id}/offer"))
    assert found["office"] == OFFICE
    assert found["details"]["Our reference"] == award.application.reference
