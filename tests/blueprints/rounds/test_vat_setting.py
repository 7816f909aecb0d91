"""VAT (issue 21): whether a round's budget lines record VAT, and which figure its pages show first, is
set with the money rules, shown on the round's page, audited and frozen once the round opens."""

from __future__ import annotations

from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import select

from grants.models.rounds import FundingRound, VatDisplay
from tests.blueprints.rounds.test_changing import _edit_form, _scheduled_round
from tests.blueprints.rounds.test_override import _override_form
from tests.factories import FundingRoundFactory
from tests.helpers import error_messages, page, post


def _only_round(db) -> FundingRound:
    return db.session.scalars(select(FundingRound)).one()


def test_a_new_round_does_not_record_vat_unless_the_officer_says_so(officer, round_form, db):
    response = post(officer, "/rounds/manage/new", round_form())
    assert response.status_code == 302, error_messages(response)
    assert _only_round(db).vat_display is VatDisplay.NOT_ASKED


def test_an_officer_chooses_to_record_vat_and_the_round_page_says_how_amounts_are_shown(officer, round_form, db,
                                                                                       events):
    response = post(officer, "/rounds/manage/new", round_form(vat_display="excluding"))
    assert response.status_code == 302, error_messages(response)
    funding_round = _only_round(db)
    assert funding_round.vat_display is VatDisplay.EXCLUDING
    assert events("round.created")[-1].changes["vat_display"]["after"] == "excluding"
    text = " ".join(page(officer.get(f"/rounds/manage/{funding_round.id}")).get_text(" ").split())
    assert "VAT Amounts shown without VAT, with the amount including VAT beside" in text


def test_a_made_up_choice_is_refused(officer, round_form, db):
    response = post(officer, "/rounds/manage/new", round_form(vat_display="sometimes"))
    assert response.status_code == 200
    assert "Select whether budget lines record VAT" in error_messages(response)
    assert db.session.scalars(select(FundingRound)).first() is None


def test_once_the_round_opens_the_vat_setting_is_not_offered_and_a_stale_change_is_refused(officer, db, events):
    funding_round = _scheduled_round(opens_in=timedelta(minutes=5))
    stale = _edit_form(officer, funding_round) | {"vat_display": "including"}
    assert stale.get("vat_display") == "including"
    with freeze_time(funding_round.opens_at + timedelta(minutes=1)):
        assert page(officer.get(f"/rounds/{funding_round.id}/edit")).select("[name=vat_display]") == []
        response = post(officer, f"/rounds/{funding_round.id}/edit", stale)
    assert response.status_code == 200
    assert error_messages(response)[0].startswith("This round opened while you were editing")
    db.session.refresh(funding_round)
    assert funding_round.vat_display is VatDisplay.NOT_ASKED
    assert events("round.updated") == []


def test_an_administrator_can_change_it_after_opening_giving_a_reason(admin, db, events):
    funding_round = FundingRoundFactory()
    assert funding_round.rules_frozen()
    form = _override_form(admin, funding_round) | {"vat_display": "including",
                                                   "reason": "Bidders asked to show VAT they cannot recover."}
    response = post(admin, f"/rounds/{funding_round.id}/override", form)
    assert response.status_code == 302, error_messages(response)
    db.session.refresh(funding_round)
    assert funding_round.vat_display is VatDisplay.INCLUDING
    [event] = events("round.rules_overridden")
    assert event.changes["vat_display"] == {"before": "not_asked", "after": "including"}
