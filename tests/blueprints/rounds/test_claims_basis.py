"""Paying on claim (issue 21): the round's payment basis and tolerance, set with the money rules."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from grants.models.claims import PaymentBasis
from grants.models.rounds import FundingRound
from tests.helpers import error_messages, page, post


def _only_round(db) -> FundingRound:
    return db.session.scalars(select(FundingRound)).one()


def test_a_round_pays_on_a_schedule_unless_the_officer_chooses_claims(officer, round_form, db):
    response = post(officer, "/rounds/manage/new", round_form())
    assert response.status_code == 302, error_messages(response)
    funding_round = _only_round(db)
    assert funding_round.payment_basis is PaymentBasis.SCHEDULE
    assert funding_round.claim_tolerance_percent == Decimal("10.00")


def test_an_officer_chooses_claims_with_a_tolerance_and_the_manage_page_says_so(officer, round_form, db, events):
    response = post(officer, "/rounds/manage/new",
                    round_form(payment_basis="claims", claim_tolerance_percent="12.5%"))
    assert response.status_code == 302, error_messages(response)
    funding_round = _only_round(db)
    assert funding_round.payment_basis is PaymentBasis.CLAIMS
    assert funding_round.claim_tolerance_percent == Decimal("12.50")
    created = events("round.created")[-1]
    assert created.changes["payment_basis"]["after"] == "claims"
    text = page(officer.get(f"/rounds/manage/{funding_round.id}")).get_text(" ")
    assert "On claims of spend, with evidence, up to 12.50% over a budget line" in " ".join(text.split())


def test_a_claims_round_needs_a_tolerance_from_0_to_100_percent(officer, round_form, db):
    for typed, message in (("", "Enter the tolerance on each budget line, as a percentage, like 10"),
                           ("101", "Tolerance must be between 0% and 100%"),
                           ("-1", "Tolerance must be between 0% and 100%"),
                           ("ten", "Tolerance must be a number, like 12.5")):
        response = post(officer, "/rounds/manage/new", round_form(payment_basis="claims",
                                                                  claim_tolerance_percent=typed))
        assert response.status_code == 200
        assert message in error_messages(response)
        assert f'value="{typed}"' in response.get_data(as_text=True)  # what was typed is shown back
    assert db.session.scalars(select(FundingRound)).first() is None


def test_a_made_up_payment_basis_is_refused(officer, round_form):
    response = post(officer, "/rounds/manage/new", round_form(payment_basis="cash"))
    assert "Select how grants are paid" in error_messages(response)
