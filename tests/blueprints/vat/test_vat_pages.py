"""VAT as staff and grantees read it (issue 21): a round that records VAT shows each award, and the bid
it came from, with and without VAT in the round's order, with the VAT the organisation can recover; a
part award is split in the same proportions to the penny; a round that does not record VAT shows none."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from grants.extensions import db as _db
from grants.interfaces.awards import vat
from grants.models.awards import AwardStatus
from grants.models.rounds import VatDisplay
from grants.models.types import utcnow
from tests import custom_application_form as custom
from tests.factories import AwardFactory
from tests.helpers import page

# £1,200 of hall hire with £200 VAT the organisation cannot recover, £240 of equipment with £40 VAT it
# can, and £600 of wages with none: £2,040 in all, £240 of it VAT, £40 of that recoverable.
BUDGET = {"money": {"spend-0-category": ["venue"], "spend-0-description": ["Hall hire"], "spend-0-amount": ["1200"],
                    "spend-0-vat": ["200"], "spend-0-vat_recoverable": ["no"],
                    "spend-1-category": ["equipment"], "spend-1-description": ["Urn"], "spend-1-amount": ["240"],
                    "spend-1-vat": ["40"], "spend-1-vat_recoverable": ["yes"],
                    "spend-2-category": ["staff"], "spend-2-description": ["Worker"], "spend-2-amount": ["600"],
                    "spend-2-vat": ["0"], "ask": ["2040"]}}


def _award(users, amount="2040.00", display=VatDisplay.INCLUDING):
    award = AwardFactory(organisation=users["org_a"], status=AwardStatus.ACCEPTED, amount=Decimal(amount),
                         accepted_at=utcnow() - timedelta(days=2), accepted_name="Alex Contact",
                         accepted_position="Chair", created_by_id=users["grants_officer"].id,
                         officer_id=users["grants_officer"].id)
    award.funding_round.vat_display = display
    custom.answering(award.application, BUDGET)
    award.application.amount_requested = Decimal("2040.00")
    _db.session.flush()
    return award


def _row(response, key: str) -> str | None:
    for row in page(response).select(".govuk-summary-list__row"):
        if " ".join(row.select_one(".govuk-summary-list__key").get_text(" ").split()) == key:
            return " ".join(row.select_one(".govuk-summary-list__value").get_text(" ").split())
    return None


INCLUDING = ("£2,040.00 including VAT (£1,800.00 without VAT, VAT £240.00). £40.00 of the VAT is recoverable "
             "by the organisation")


def test_staff_and_the_grantee_read_the_award_with_and_without_vat(users, as_role):
    award = _award(users)
    assert _row(as_role("grants_officer").get(f"/awards/{award.id}"), "VAT") == INCLUDING
    assert _row(as_role("applicant").get(f"/grants/{award.id}"), "VAT") == INCLUDING
    assert _row(as_role("applicant").get(f"/grants/{award.id}/offer"), "VAT") == INCLUDING


def test_the_bid_shows_its_budget_with_and_without_vat_and_each_line_in_words(users, as_role):
    award = _award(users)
    response = as_role("grants_officer").get(f"/screening/applications/{award.application_id}")
    assert _row(response, "Budget and VAT") == INCLUDING
    text = " ".join(page(response).get_text(" ").split())
    assert "Venue hire – Hall hire – £1,200.00 – including £200.00 VAT – not recoverable" in text
    assert "Equipment – Urn – £240.00 – including £40.00 VAT – recoverable" in text
    assert "Staff – Worker – £600.00 – no VAT" in text


def test_a_round_can_lead_with_the_amount_without_vat(users, as_role):
    award = _award(users, display=VatDisplay.EXCLUDING)
    assert _row(as_role("grants_officer").get(f"/awards/{award.id}"), "VAT") == (
        "£1,800.00 without VAT (£2,040.00 including VAT, VAT £240.00). £40.00 of the VAT is recoverable by the "
        "organisation")


def test_a_part_award_is_split_in_the_bids_proportions_to_the_penny(users, as_role):
    award = _award(users, amount="1000.00")
    split = vat.of_award(award)
    # 240 × 1000 / 2040 = 117.647… and 40 × 1000 / 2040 = 19.607…
    assert split == vat.VatSplit(Decimal("1000.00"), Decimal("117.65"), Decimal("19.61"))
    assert split.without + split.vat == award.amount
    assert _row(as_role("grants_officer").get(f"/awards/{award.id}"), "VAT") == (
        "£1,000.00 including VAT (£882.35 without VAT, VAT £117.65). £19.61 of the VAT is recoverable by the "
        "organisation")


def test_a_round_that_does_not_record_vat_shows_none(users, as_role):
    award = _award(users, display=VatDisplay.NOT_ASKED)
    assert vat.of_award(award) is None
    assert _row(as_role("grants_officer").get(f"/awards/{award.id}"), "VAT") is None
    assert _row(as_role("applicant").get(f"/grants/{award.id}"), "VAT") is None


@pytest.mark.parametrize("amount", ["0.01", "333.33", "2039.99", "2040.00", "5000.00"])
def test_the_split_always_adds_up_and_the_recoverable_vat_is_within_the_vat(amount):
    whole = vat.VatSplit(Decimal("2040.00"), Decimal("240.00"), Decimal("40.00"))
    part = whole.scaled_to(Decimal(amount))
    assert part.without + part.vat == Decimal(amount)
    assert Decimal(0) <= part.recoverable <= part.vat
