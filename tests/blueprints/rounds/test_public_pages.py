"""The public list of rounds and a round's page: open and scheduled rounds only, safe Markdown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from grants.models.types import utcnow
from tests.factories import FundingRoundFactory
from tests.helpers import page


def _names(soup, heading: str) -> list[str]:
    """The round names listed under a heading of the public list."""
    h2 = next(h for h in soup.select("main h2") if h.get_text(strip=True) == heading)
    names = []
    for sibling in h2.find_next_siblings():
        if sibling.name == "h2":
            break
        names += [a.get_text(strip=True) for a in sibling.select(".govuk-summary-card__title a")]
    return names


def test_the_public_list_shows_open_and_opening_soon_rounds_only(client, db):
    now = utcnow()
    FundingRoundFactory(name="Open round", closes_at=datetime(2099, 1, 29, 12, 0, tzinfo=UTC))
    FundingRoundFactory(
        name="Opening round", opens_at=now + timedelta(days=3), closes_at=now + timedelta(days=40)
    )
    FundingRoundFactory(name="Draft round", published_at=None)
    FundingRoundFactory(
        name="Closed round", opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=1)
    )
    FundingRoundFactory(name="Decided round", closes_at=now - timedelta(days=1), decided_at=now)

    response = client.get("/rounds")
    assert response.status_code == 200
    soup = page(response)
    assert _names(soup, "Open now") == ["Open round"]
    assert _names(soup, "Opening soon") == ["Opening round"]
    text = soup.get_text(" ")
    assert "Draft round" not in text and "Closed round" not in text and "Decided round" not in text
    card = " ".join(soup.select_one(".govuk-summary-card").get_text(" ").split())
    assert "Closes 29 January 2099 at midday" in card
    assert "Grants £1,000 to £5,000" in card
    assert "Total budget £200,000" in card


def test_closing_times_are_shown_in_uk_summer_time(client, db):
    FundingRoundFactory(name="Summer round", closes_at=datetime(2099, 7, 1, 16, 0, tzinfo=UTC))
    assert "1 July 2099 at 5pm" in client.get("/rounds").get_data(as_text=True)


def test_with_no_rounds_the_list_says_so(client):
    assert "No rounds are open at the moment." in client.get("/rounds").get_data(as_text=True)


def test_a_rounds_page_shows_its_description_guidance_and_who_can_apply(client, db):
    funding_round = FundingRoundFactory(
        description="## What we fund\n\nProjects that **divert** young people.",
        guidance="Read the [plan](https://example.org/plan) first.",
        max_annual_income=250000,
    )
    soup = page(client.get(f"/rounds/{funding_round.id}"))
    assert soup.h1.get_text(strip=True) == funding_round.name
    main = soup.select_one("main")
    assert main.select_one("h2.govuk-heading-m").get_text() == "What we fund"
    assert main.select_one("strong").get_text() == "divert"
    assert main.select_one('a[href="https://example.org/plan"]')["class"] == ["govuk-link"]
    text = " ".join(main.get_text(" ").split())
    assert "Registered charity" in text and "Faith group" in text
    assert (
        "The work must take place in Devon, Cornwall, Plymouth, Torbay or the Isles of Scilly."
        in text
    )
    assert "annual income must be £250,000 or less" in text
    assert "between £1,000 and £5,000, for a project lasting up to 12 months" in text
    assert soup.select_one(f'a[href="/rounds/{funding_round.id}/eligibility"]') is not None


def test_a_round_for_part_of_the_area_names_it(client, db):
    funding_round = FundingRoundFactory()
    funding_round.local_authorities = [
        la for la in funding_round.local_authorities if la.name in {"Plymouth", "Torbay"}
    ]
    db.session.flush()
    text = " ".join(page(client.get(f"/rounds/{funding_round.id}")).get_text(" ").split())
    assert "The work must take place in Plymouth or Torbay." in text


@pytest.mark.parametrize(
    "field",
    ["description", "guidance"],
)
@pytest.mark.visible_text(allow=['<script>alert("x")</script>', "<img src=x onerror=alert(1)>"])  # shown as typed
def test_markdown_on_a_rounds_page_cannot_run_script_or_add_html(client, db, field):
    funding_round = FundingRoundFactory(
        **{
            field: '<script>alert("x")</script>\n\n[Click me](javascript:alert(1))\n\n'
            "<img src=x onerror=alert(1)>"
        }
    )
    response = client.get(f"/rounds/{funding_round.id}")
    html = response.get_data(as_text=True)
    main = page(response).select_one("main")
    assert main.select("script") == [] and main.select("img") == []
    assert not any(a["href"].lower().startswith("javascript") for a in main.select("a[href]"))
    assert "&lt;script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_closed_round_says_so_and_offers_no_eligibility_check(client, db):
    funding_round = FundingRoundFactory(
        opens_at=datetime(2020, 1, 1, tzinfo=UTC), closes_at=datetime(2020, 3, 1, 12, 0, tzinfo=UTC)
    )
    soup = page(client.get(f"/rounds/{funding_round.id}"))
    assert "This round closed on 1 March 2020 at midday" in soup.get_text()
    assert soup.select_one(f'a[href="/rounds/{funding_round.id}/eligibility"]') is None


@pytest.mark.parametrize("path", ["/rounds/{id}", "/rounds/{id}/eligibility"])
@pytest.mark.parametrize(
    "who",
    [None, "applicant", "applicant_no_org", "panel_member", "commissioner", "finance_officer"],
)
def test_a_draft_round_is_not_found_by_the_public_or_applicants(client, as_role, db, path, who):
    funding_round = FundingRoundFactory(published_at=None, name="Secret draft")
    visitor = client if who is None else as_role(who)
    assert visitor.get(path.format(id=funding_round.id)).status_code == 404


def test_a_draft_round_is_not_found_when_answering_its_eligibility_questions(client, db):
    from tests.helpers import post

    funding_round = FundingRoundFactory(published_at=None)
    assert (
        post(client, f"/rounds/{funding_round.id}/eligibility", {"legal_type": "cic"}).status_code
        == 404
    )


@pytest.mark.parametrize("role", ["grants_officer", "admin"])
def test_staff_who_run_rounds_can_preview_a_draft(as_role, db, role):
    funding_round = FundingRoundFactory(published_at=None)
    response = as_role(role).get(f"/rounds/{funding_round.id}")
    assert response.status_code == 200
    assert "This round is a draft" in response.get_data(as_text=True)


def test_a_round_that_does_not_exist_is_not_found(client):
    assert client.get("/rounds/999999").status_code == 404
    assert client.get("/rounds/999999/eligibility").status_code == 404
