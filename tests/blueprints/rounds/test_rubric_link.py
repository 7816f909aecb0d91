"""A round names the rubric its panel will score with; it cannot be published without one."""

from __future__ import annotations

from grants.models.rounds import FundingRound
from tests.factories import FundingRoundFactory, RubricFactory
from tests.helpers import page, post


def test_a_draft_without_a_rubric_cannot_be_published(officer, db):
    funding_round = FundingRoundFactory(published_at=None, rubric=None)
    response = post(officer, f"/rounds/{funding_round.id}/publish", follow_redirects=True)
    assert "Choose the scoring rubric before you publish the round" in response.get_data(as_text=True)
    assert db.session.get(FundingRound, funding_round.id).published_at is None


def test_the_rubric_is_chosen_on_the_edit_page_and_shown(officer, db):
    funding_round = FundingRoundFactory(published_at=None, rubric=None)
    rubric = RubricFactory(name="Community grants rubric")
    edit = page(officer.get(f"/rounds/{funding_round.id}/edit"))
    options = {o.get_text(strip=True): o["value"] for o in edit.select('select[name="rubric"] option')}
    assert options["Choose later"] == ""
    assert options["Community grants rubric (version 1)"] == str(rubric.id)
    from tests.blueprints.rounds.test_changing import _edit_form

    form = _edit_form(officer, funding_round) | {"rubric": str(rubric.id)}
    assert post(officer, f"/rounds/{funding_round.id}/edit", form).status_code == 302
    assert db.session.get(FundingRound, funding_round.id).rubric_id == rubric.id
    manage_page = officer.get(f"/rounds/manage/{funding_round.id}").get_data(as_text=True)
    assert "Community grants rubric (version 1)" in manage_page
    assert post(officer, f"/rounds/{funding_round.id}/publish").status_code == 302
    assert db.session.get(FundingRound, funding_round.id).published_at is not None


def test_a_rubric_that_is_not_offered_is_refused(officer, db):
    funding_round = FundingRoundFactory(published_at=None, rubric=None)
    from tests.blueprints.rounds.test_changing import _edit_form

    form = _edit_form(officer, funding_round) | {"rubric": "999999"}
    response = post(officer, f"/rounds/{funding_round.id}/edit", form)
    assert "Select a scoring rubric from the list" in response.get_data(as_text=True)
    assert db.session.get(FundingRound, funding_round.id).rubric_id is None
