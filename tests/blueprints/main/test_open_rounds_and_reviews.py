"""The start page lists the rounds open now, with their closing dates and where to start; the
grants officer's home page lists the monitoring returns waiting for their review."""

from __future__ import annotations

from datetime import timedelta

from grants.formatting import london_datetime
from grants.models.awards import AwardStatus, ReturnStatus
from grants.models.types import utcnow
from tests.factories import AwardFactory, FundingRoundFactory
from tests.helpers import page


def _main(response) -> str:
    return " ".join(page(response).select_one("main").get_text(" ").split())


def test_the_start_page_lists_the_open_rounds_closing_soonest_first(client, db):
    later = FundingRoundFactory(name="Safer Streets Fund", closes_at=utcnow() + timedelta(days=40))
    sooner = FundingRoundFactory(name="Recovery Communities Fund", closes_at=utcnow() + timedelta(days=9))
    FundingRoundFactory(name="Draft Fund", published_at=None)
    FundingRoundFactory(name="Closed Fund", opens_at=utcnow() - timedelta(days=30),
                        closes_at=utcnow() - timedelta(days=1))
    response = client.get("/")
    text = _main(response)
    assert f"Recovery Communities Fund Closes {london_datetime(sooner.closes_at)} (UK time)" in text
    assert f"Safer Streets Fund Closes {london_datetime(later.closes_at)} (UK time)" in text
    assert text.index("Recovery Communities Fund") < text.index("Safer Streets Fund")
    assert "Draft Fund" not in text and "Closed Fund" not in text
    starts = {" ".join(a.get_text(" ").split()): a["href"] for a in page(response).select("main a.govuk-button")}
    assert starts == {
        "Check if you can apply to Recovery Communities Fund": f"/rounds/{sooner.id}/eligibility",
        "Check if you can apply to Safer Streets Fund": f"/rounds/{later.id}/eligibility",
    }


def test_the_start_page_says_when_no_round_is_open(client, db):
    text = _main(client.get("/"))
    assert "No rounds are open at the moment" in text
    assert "Start now" in text


def test_the_officer_home_lists_returns_waiting_for_review(as_role, users, db):
    waiting = AwardFactory(status=AwardStatus.ACCEPTED, accepted_at=utcnow() - timedelta(days=20))
    waiting.application.project_title = "Bodmin Family Recovery Café"
    sent = waiting.returns[0]
    sent.status, sent.submitted_at = ReturnStatus.SUBMITTED, utcnow() - timedelta(days=2)
    reviewed = AwardFactory(status=AwardStatus.ACCEPTED, accepted_at=utcnow() - timedelta(days=20))
    reviewed.returns[0].status = ReturnStatus.ACCEPTED  # reviewed already: not listed
    db.session.flush()
    response = as_role("grants_officer").get("/home")
    soup = page(response)
    links = {" ".join(a.get_text(" ").split()): a["href"] for a in soup.select("main li a")}
    name = waiting.organisation.name
    assert links[f"Review monitoring return 1 from {name}"] == f"/awards/{waiting.id}/returns/{sent.id}"
    assert not any(reviewed.organisation.name in text for text in links)
    assert f"Bodmin Family Recovery Café, sent {london_datetime(sent.submitted_at)}" in _main(response)


def test_the_start_page_reads_the_open_rounds_without_their_lists(client, db):
    """The list shows names, dates and awards: one statement for the rounds, none for each round's areas,
    approaches, strands, outcomes, legal types or rubric (six more statements on every visit)."""
    from tests.helpers import counting_statements

    for days in (9, 20, 40):
        FundingRoundFactory(closes_at=utcnow() + timedelta(days=days))
    db.session.expire_all()
    with counting_statements() as statements:
        response = client.get("/")
    assert response.status_code == 200
    read = [" ".join(statement.split()) for statement in statements]
    assert [s for s in read if "FROM funding_rounds" in s.split(" WHERE")[0]], read
    lists = ("round_local_authorities", "round_approaches", "round_adder_strands", "round_outcomes",
             "round_legal_types", "rubrics")
    assert [s for s in read if any(f"FROM {name} " in s or f"JOIN {name} " in s for name in lists)] == []
