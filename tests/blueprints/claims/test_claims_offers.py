"""Offers on a round that pays on claims (issue 21): no instalment schedule is asked for or made, and
the agreement says how the grant is paid."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.extensions import db as _db
from grants.models.awards import Award
from grants.models.claims import PaymentBasis
from tests.blueprints.awards.test_offers import approach, decided_round, offer_data, officer, successful  # noqa: F401
from tests.helpers import error_messages, page, post

BLANK_SCHEDULE = {f"instalments-{row}-{name}": "" for row in range(2) for name in ("amount", "trigger")} | {
    f"instalments-{row}-due_date": ["", "", ""] for row in range(2)}


@pytest.fixture
def claims_round(decided_round):  # noqa: F811
    decided_round.payment_basis = PaymentBasis.CLAIMS
    decided_round.claim_tolerance_percent = Decimal("10.00")
    _db.session.flush()
    return decided_round


def test_the_offer_form_asks_for_no_schedule_on_a_claims_round(officer, successful, claims_round):  # noqa: F811
    html = page(officer.get(f"/awards/new/{successful.id}"))
    assert html.select_one("#instalments-0-amount") is None
    text = " ".join(html.get_text(" ").split())
    assert "Payment on claims" in text and "each line’s budget plus 10.00%" in text


def test_an_offer_on_a_claims_round_has_no_instalments_and_its_letter_says_it_is_paid_on_claims(
        officer, users, successful, approach, claims_round):  # noqa: F811
    response = post(officer, f"/awards/new/{successful.id}", offer_data(users, approach, **BLANK_SCHEDULE))
    assert response.status_code == 302, error_messages(response)
    award = _db.session.scalars(select(Award)).one()
    assert award.instalments == [] and award.amount == Decimal("4000.00")
    letter = " ".join(page(officer.get(f"/awards/{award.id}/offer-letter")).get_text(" ").split())
    assert "The grant is paid on claims of spend, with evidence of the spend" in letter
    assert "up to £4,000.00 in all" in letter and "its budget plus 10.00%" in letter
    assert "The grant is paid in these instalments" not in letter
    shown = " ".join(page(officer.get(f"/awards/{award.id}")).get_text(" ").split())
    assert "No claim has been accepted for payment yet: this grant is paid on claims." in shown


def test_a_schedule_sent_for_a_claims_round_is_refused(officer, users, successful, approach, claims_round):  # noqa: F811
    response = post(officer, f"/awards/new/{successful.id}", offer_data(users, approach))
    assert "This round pays grants on claims of spend, so the offer has no payment schedule: leave the " \
           "instalments empty" in error_messages(response)
    assert _db.session.scalars(select(Award)).first() is None


def test_a_schedule_round_still_needs_its_schedule(officer, users, successful, approach):  # noqa: F811
    response = post(officer, f"/awards/new/{successful.id}", offer_data(users, approach, **BLANK_SCHEDULE))
    assert "Add at least one instalment to the payment schedule" in error_messages(response)
