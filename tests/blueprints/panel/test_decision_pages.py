"""The recommendation page, the commissioner's approval page, the feedback page, and the
applicant's view of the outcome."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.extensions import db as _db
from grants.models.accounts import Role
from grants.models.applications import ApplicationStatus
from grants.models.mail import OutboxMessage
from grants.models.panel import FundingDecision, FundingRecommendationRecord
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, FundingRoundFactory, UserFactory
from tests.helpers import error_messages, page, post

S = ApplicationStatus
RULES = {"quality_threshold": "0", "objective": "total_score", "max_share": ""}


@pytest.fixture
def scored(panel, bids, submit_scores):
    """Panel member A's scores: bid 1 (£4,000) 4, bid 2 (£3,000) 3, bid 3 (£5,000) 2."""
    for bid, score in zip(bids, (4, 3, 2), strict=True):
        submit_scores(panel[0], bid, fit=score, value=score)
    return bids


@pytest.fixture
def officer(as_role):
    return as_role("grants_officer")


@pytest.fixture
def commissioner(as_role):
    return as_role("commissioner")


def _text(response) -> str:
    return " ".join(page(response).select_one("main").get_text(" ").split())


def _run(client, funding_round, **data):
    return post(client, f"/panel/rounds/{funding_round.id}/recommendation/run", {**RULES, **data})


def _records() -> list[FundingRecommendationRecord]:
    return list(_db.session.scalars(select(FundingRecommendationRecord)))


def _bid_rows(response) -> list[list[str]]:
    table = page(response).select_one("table#bids")
    return [[" ".join(cell.get_text(" ").split()) for cell in row.select("td")] for row in table.select("tbody tr")]


def _approve(client, funding_round, funded, reason="", recommendation_id=None):
    if recommendation_id is None:
        recommendation_id = _records()[-1].id
    return post(client, f"/panel/rounds/{funding_round.id}/decision",
                {"funded": [str(bid.id) for bid in funded], "reason": reason, "recommendation_id": recommendation_id})


# The recommendation ------------------------------------------------------------------------------

def test_an_officer_runs_the_recommendation_and_sees_each_bid(officer, panel_round, scored):
    before = officer.get(f"/panel/rounds/{panel_round.id}/recommendation")
    assert before.status_code == 200
    assert "3 of 3 bids have fewer than 3 submitted score sheets" in _text(before)
    assert "No recommendation has been run for this round yet" in _text(before)

    response = _run(officer, panel_round)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/panel/rounds/{panel_round.id}/recommendation#result"
    shown = officer.get(response.headers["Location"])
    text = _text(shown)
    assert "Found: the best set of bids within the rules" in text
    assert "When it was run, 3 bids had fewer than 3 submitted score sheets" in text
    assert "The recommendation funds the same bids as rank order" in text
    rows = _bid_rows(shown)
    assert [row[:7] for row in rows] == [
        ["1", "CGS-2026-0001", "Bidder 1", "£4,000", "4.00", "Yes", "Yes"],
        ["2", "CGS-2026-0002", "Bidder 2", "£3,000", "3.00", "Yes", "Yes"],
        ["3", "CGS-2026-0003", "Bidder 3", "£5,000", "2.00", "No", "No"],
    ]
    assert "£3,000 is left after the recommended bids" in rows[2][7]
    # The form keeps the rules last used.
    assert page(shown).select_one("#quality_threshold")["value"] == "0"


def test_rules_from_the_form_reach_the_recommendation(officer, panel_round, scored):
    area = scored[2].local_authorities[0]
    response = _run(officer, panel_round, quality_threshold="1.5", objective="score_weighted_spend", max_share="60",
                    **{f"minimum_area_{area.code.replace('-', '_')}_spend": "£1,000",
                       f"minimum_area_{area.code.replace('-', '_')}_count": "1"})
    assert response.status_code == 302
    [record] = _records()
    assert record.rules["quality_threshold"] == "1.5"
    assert record.rules["objective"] == "score_weighted_spend"
    assert record.rules["max_organisation_share"] == "60"
    assert record.rules["minimums"] == [
        {"kind": "area", "code": area.code, "name": area.name, "spend_pence": 100_000, "count": 1}]
    assert "CGS-2026-0003" in record.result["optimum"]["references"]
    shown = officer.get(f"/panel/rounds/{panel_round.id}/recommendation")
    assert f"{area.name}: at least £1,000 spend and 1 bid" in _text(shown)


@pytest.mark.parametrize("data, message", [
    ({"quality_threshold": ""}, "Enter the quality threshold, or 0 for none"),
    ({"quality_threshold": "-1"}, "Quality threshold must be 0 or more"),
    ({"quality_threshold": "good"}, "Quality threshold must be a number, like 2.5"),
    ({"quality_threshold": "4.5"}, "Quality threshold must be 4 or less, the top of the rubric's scale"),
    ({"quality_threshold": "2.555"}, "Quality threshold must not have more than 2 decimal places"),
    ({"objective": "cheapest"}, "Select what the recommendation should aim for"),
    ({"max_share": "150"}, "Maximum share must be 100% or less"),
    ({"max_share": "0"}, "Maximum share must be more than 0%"),
    ({"max_share": "a quarter"}, "Maximum share must be a number, like 25"),
    ({"minimum_area_cornwall_spend": "-5"}, "Minimum spend for Cornwall must be £0 or more"),
    ({"minimum_area_cornwall_spend": "lots"}, "Minimum spend for Cornwall must be a number, like 12500"),
    ({"minimum_approach_prevention_count": "-2"}, "Minimum number of bids for Prevention must be 0 or more"),
    ({"minimum_approach_prevention_count": "1.5"},
     "Minimum number of bids for Prevention must be a whole number, like 40"),
])
def test_rules_that_are_not_valid_are_explained(officer, panel_round, scored, data, message):
    response = _run(officer, panel_round, **data)
    assert response.status_code == 200
    assert error_messages(response) == [message]
    assert page(response).title.get_text().startswith("Error:")
    assert _records() == []


def test_rules_that_cannot_be_met_say_which(officer, panel_round, scored):
    area = scored[0].local_authorities[0]
    response = _run(officer, panel_round, **{f"minimum_area_{area.code.replace('-', '_')}_count": "2"})
    assert response.status_code == 302
    text = _text(officer.get(response.headers["Location"]))
    assert "The rules cannot all be met" in text
    assert f"The minimum of 2 bids for {area.name} cannot be met: only 1 eligible bid counts towards it" in text


def test_staff_read_the_recommendation_but_only_officers_run_it(as_role, panel_round, scored):
    assert _run(as_role("grants_officer"), panel_round).status_code == 302
    for role in ("commissioner", "admin"):
        client = as_role(role)
        response = client.get(f"/panel/rounds/{panel_round.id}/recommendation")
        assert response.status_code == 200
        assert page(response).select_one("#run-recommendation") is None
        assert _bid_rows(response)
        assert _run(client, panel_round).status_code == 403
    for role in ("panel_member", "applicant", "finance_officer"):
        assert as_role(role).get(f"/panel/rounds/{panel_round.id}/recommendation").status_code == 403
    assert len(_records()) == 1


def test_the_recommendation_cannot_be_run_while_the_round_is_open(officer, bids):
    open_round = bids[0].funding_round
    open_round.closes_at = utcnow().replace(year=utcnow().year + 1)
    _db.session.flush()
    response = _run(officer, open_round)
    assert response.status_code == 302
    text = _text(officer.get(response.headers["Location"]))
    assert "The recommendation can be run once the round has closed" in text
    assert _records() == []


# Approval ----------------------------------------------------------------------------------------

def test_the_commissioner_approves_the_recommendation(officer, commissioner, users, panel_round, scored):
    _run(officer, panel_round)
    response = commissioner.get(f"/panel/rounds/{panel_round.id}/decision")
    assert response.status_code == 200
    boxes = {box["value"]: box.has_attr("checked") for box in page(response).select("input[name=funded]")}
    assert boxes == {str(scored[0].id): True, str(scored[1].id): True, str(scored[2].id): False}
    assert page(response).select_one("#approve").get_text(strip=True) == "Approve funding decisions"

    response = _approve(commissioner, panel_round, scored[:2])
    assert response.status_code == 302
    assert response.headers["Location"] == f"/panel/rounds/{panel_round.id}/decision"
    for bid in scored:
        _db.session.refresh(bid)
    assert [bid.status for bid in scored] == [S.SUCCESSFUL, S.SUCCESSFUL, S.UNSUCCESSFUL]
    text = _text(commissioner.get(response.headers["Location"]))
    assert f"Approved by {users['commissioner'].full_name}" in text
    assert "No: the recommended bids were funded" in text
    assert "2, asking for £7,000 of the £10,000 budget" in text


@pytest.mark.visible_text(allow=["<b>", "</b>"])  # typed to prove it is escaped
def test_changing_the_recommendation_needs_a_reason_and_is_shown(officer, commissioner, panel_round, scored):
    _run(officer, panel_round)
    response = _approve(commissioner, panel_round, [scored[0], scored[2]])
    assert response.status_code == 200
    assert error_messages(response) == ["Give the reason for changing the recommendation"]
    assert _db.session.scalar(select(FundingDecision)) is None

    response = _approve(commissioner, panel_round, [scored[0], scored[2]], reason="Bidder 3 <b>reaches</b> Torpoint")
    assert response.status_code == 302
    shown = commissioner.get(response.headers["Location"])
    text = _text(shown)
    assert "Funded, not recommended: CGS-2026-0003 (Bidder 3, £5,000)" in text
    assert "Recommended, not funded: CGS-2026-0002 (Bidder 2, £3,000)" in text
    assert "Bidder 3 <b>reaches</b> Torpoint" in text  # the text, escaped
    assert "<b>reaches</b>" not in shown.get_data(as_text=True)


def test_a_selection_over_the_budget_shows_the_amount_over(officer, commissioner, panel_round, scored):
    _run(officer, panel_round)
    response = _approve(commissioner, panel_round, scored, reason="All of them")
    assert response.status_code == 200
    assert error_messages(response) == [
        "The bids you selected ask for £12,000: that is £2,000 over the £10,000 budget"]
    assert page(response).select_one(".govuk-error-summary a")["href"] == "#funded"
    for bid in scored:
        _db.session.refresh(bid)
        assert bid.status is S.UNDER_ASSESSMENT


def test_approving_an_older_recommendation_is_refused(officer, commissioner, panel_round, scored):
    _run(officer, panel_round)
    seen = _records()[-1].id
    _run(officer, panel_round, quality_threshold="3.5")
    response = _approve(commissioner, panel_round, scored[:2], recommendation_id=seen)
    assert response.status_code == 200
    assert error_messages(response) == [
        "A newer recommendation has been run since you opened this page: check it and approve again"]


def test_without_a_recommendation_there_is_nothing_to_approve(commissioner, panel_round, scored):
    response = commissioner.get(f"/panel/rounds/{panel_round.id}/decision")
    assert response.status_code == 200
    assert "There is no funding recommendation to approve yet" in _text(response)
    assert page(response).select_one("#approve") is None


@pytest.mark.parametrize("role", ["grants_officer", "panel_member", "admin", "applicant"])
def test_only_the_commissioner_approves(as_role, officer, panel_round, scored, role):
    _run(officer, panel_round)
    client = as_role(role)
    assert client.get(f"/panel/rounds/{panel_round.id}/decision").status_code == 403
    assert _approve(client, panel_round, scored[:2]).status_code == 403
    assert _db.session.scalar(select(FundingDecision)) is None


# Feedback ----------------------------------------------------------------------------------------

@pytest.fixture
def decided(officer, commissioner, panel_round, scored):
    _run(officer, panel_round)
    assert _approve(commissioner, panel_round, scored[:2]).status_code == 302
    for bid in scored:
        _db.session.refresh(bid)
    return scored


def _feedback_url(bid) -> str:
    return f"/panel/rounds/{bid.round_id}/bids/{bid.id}/feedback"


def _applicant_of(bid, as_user):
    return as_user(UserFactory(organisation=bid.organisation, roles=[Role.APPLICANT]))


def test_published_feedback_is_what_the_applicant_sees(officer, as_user, decided, panel):
    bid = decided[2]
    applicant = _applicant_of(bid, as_user)
    before = _text(applicant.get(f"/applications/{bid.id}"))
    assert "Your application has not been successful this time" in before
    assert "Feedback on your application will appear here" in before

    form = officer.get(_feedback_url(bid))
    assert form.status_code == 200
    assert "Do not name panel members" in _text(form)
    response = post(officer, _feedback_url(bid), {"feedback": "A clear plan.\nThe costs were high for its reach."})
    assert response.status_code == 302
    [message] = _db.session.scalars(select(OutboxMessage).where(OutboxMessage.subject.contains("outcome"))).all()
    assert message.recipient == bid.organisation.contact_email

    shown = applicant.get(f"/applications/{bid.id}")
    text = _text(shown)
    assert "Feedback from the grants team" in text
    assert "A clear plan. The costs were high for its reach." in text
    assert "A clear plan.<br>The costs were high" in shown.get_data(as_text=True)
    for member in panel:
        assert member.full_name not in text
    assert "2.00" not in text and "Rank" not in text


def test_another_organisation_cannot_see_the_feedback(officer, as_role, decided):
    post(officer, _feedback_url(decided[0]), {"feedback": "Well done"})
    assert as_role("applicant").get(f"/applications/{decided[0].id}").status_code == 404


@pytest.mark.visible_text(allow=["<script>", "</script>"])  # typed to prove it is escaped
def test_feedback_is_escaped(officer, as_user, decided):
    bid = decided[0]
    post(officer, _feedback_url(bid), {"feedback": "<script>alert('x')</script> & more"})
    html = _applicant_of(bid, as_user).get(f"/applications/{bid.id}").get_data(as_text=True)
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in html
    assert "Your application has been successful" in html


@pytest.mark.parametrize("text, message", [
    ("", "Enter the feedback for the applicant"),
    ("Panel Member B liked it", "Feedback must not name panel members: remove Panel Member B"),
    ("x" * 5001, "Feedback must be 5,000 characters or fewer"),
])
def test_feedback_that_cannot_be_published_is_explained(officer, decided, panel, seat, text, message):
    seat(panel[1])
    response = post(officer, _feedback_url(decided[0]), {"feedback": text})
    assert response.status_code == 200
    assert error_messages(response) == [message]
    _db.session.refresh(decided[0])
    assert decided[0].feedback is None


def test_feedback_can_be_updated(officer, decided):
    bid = decided[0]
    post(officer, _feedback_url(bid), {"feedback": "First"})
    form = officer.get(_feedback_url(bid))
    assert page(form).select_one("#feedback").get_text() == "First"
    assert page(form).select_one("#publish").get_text(strip=True) == "Publish updated feedback"
    assert post(officer, _feedback_url(bid), {"feedback": "Second"}).status_code == 302
    _db.session.refresh(bid)
    assert bid.feedback == "Second"


def test_feedback_waits_for_the_decision(officer, panel_round, scored):
    response = officer.get(_feedback_url(scored[0]))
    assert response.status_code == 200
    assert "Feedback can be published once the commissioner has approved" in _text(response)
    assert post(officer, _feedback_url(scored[0]), {"feedback": "Too soon"}).status_code == 200
    _db.session.refresh(scored[0])
    assert scored[0].feedback is None


def test_another_rounds_bid_is_not_found(officer, as_role, panel_round, decided):
    other = ApplicationFactory(funding_round=FundingRoundFactory(), status=S.SUCCESSFUL, reference="CGS-2026-0999",
                               amount_requested=Decimal("1000.00"), submitted_at=utcnow())
    assert officer.get(f"/panel/rounds/{panel_round.id}/bids/{other.id}/feedback").status_code == 404
    assert post(officer, f"/panel/rounds/{panel_round.id}/bids/{other.id}/feedback",
                {"feedback": "No"}).status_code == 404
    for role in ("commissioner", "panel_member", "admin"):
        assert as_role(role).get(_feedback_url(decided[0])).status_code == 403
