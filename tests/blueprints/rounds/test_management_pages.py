"""The grants officers' list of rounds and a round's management page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from grants.models.types import utcnow
from tests.factories import ApplicationFactory, FundingRoundFactory
from tests.helpers import page


def _rows(response) -> list[list[str]]:
    return [
        [" ".join(cell.get_text(" ").split()) for cell in row.select("td")]
        for row in page(response).select("tbody tr")
    ]


def test_the_list_shows_every_round_with_its_state_dates_budget_and_applications(officer, db):
    now = utcnow()
    open_round = FundingRoundFactory(
        name="Open",
        opens_at=datetime(2020, 1, 6, 9, 0, tzinfo=UTC),
        closes_at=datetime(2099, 6, 1, 11, 0, tzinfo=UTC),
    )
    ApplicationFactory.create_batch(2, funding_round=open_round)
    FundingRoundFactory(name="Draft", published_at=None, opens_at=now + timedelta(days=5))
    FundingRoundFactory(
        name="Scheduled", opens_at=now + timedelta(days=3), closes_at=now + timedelta(days=9)
    )
    FundingRoundFactory(
        name="Closed", opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1)
    )
    FundingRoundFactory(
        name="Decided",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=60),
        decided_at=now - timedelta(days=1),
    )

    rows = _rows(officer.get("/rounds/manage"))
    assert [(row[0], row[1]) for row in rows] == [
        ("Draft", "Draft"),
        ("Scheduled", "Scheduled"),
        ("Closed", "Closed"),
        ("Decided", "Decided"),
        ("Open", "Open"),
    ]
    assert rows[-1][2:] == ["6 January 2020 at 9am", "1 June 2099 at midday", "£200,000", "2"]
    assert rows[0][-1] == "0"


def test_officers_see_a_create_button_and_administrators_do_not(officer, admin):
    assert (
        page(officer.get("/rounds/manage")).select_one('a[href="/rounds/manage/new"]') is not None
    )
    assert page(admin.get("/rounds/manage")).select_one('a[href="/rounds/manage/new"]') is None


def test_the_navigation_leads_staff_to_the_list(officer, admin, as_role):
    for client in (officer, admin):
        link = page(client.get("/rounds/manage")).select_one(
            '.govuk-service-navigation a[href="/rounds/manage"]'
        )
        assert link.get_text(strip=True) == "Funding rounds"
        assert link.find_parent("li")["class"].count("govuk-service-navigation__item--active") == 1
    assert (
        page(as_role("applicant").get("/home")).select_one(
            '.govuk-service-navigation a[href="/rounds/manage"]'
        )
        is None
    )


def test_a_drafts_page_offers_publish_change_and_delete(officer, db):
    funding_round = FundingRoundFactory(published_at=None, guidance="Some *guidance*")
    soup = page(officer.get(f"/rounds/manage/{funding_round.id}"))
    assert soup.select_one(f'form[action="/rounds/{funding_round.id}/publish"]') is not None
    assert soup.select_one(f'a[href="/rounds/{funding_round.id}/edit"]') is not None
    assert soup.select_one(f'a[href="/rounds/{funding_round.id}/delete"]') is not None
    assert soup.select_one("main em").get_text() == "guidance"


def test_an_open_rounds_page_offers_extension_not_publishing_or_rule_changes(officer, db):
    funding_round = FundingRoundFactory()
    ApplicationFactory(funding_round=funding_round)
    soup = page(officer.get(f"/rounds/manage/{funding_round.id}"))
    assert soup.select_one(f'form[action="/rounds/{funding_round.id}/publish"]') is None
    assert soup.select_one(f'a[href="/rounds/{funding_round.id}/extend"]') is not None
    assert (
        soup.select_one(f'a[href="/rounds/{funding_round.id}/delete"]') is None
    )  # it has an application
    assert soup.select_one(f'a[href="/rounds/{funding_round.id}/override"]') is None


def test_an_administrator_is_offered_the_override(admin, db):
    funding_round = FundingRoundFactory()
    soup = page(admin.get(f"/rounds/manage/{funding_round.id}"))
    assert soup.select_one(f'a[href="/rounds/{funding_round.id}/override"]') is not None
    assert soup.select_one(f'a[href="/rounds/{funding_round.id}/edit"]') is None


@pytest.mark.parametrize("role", ["applicant", "panel_member", "finance_officer", "commissioner"])
def test_other_roles_cannot_see_the_management_pages(as_role, role):
    funding_round = FundingRoundFactory()
    assert as_role(role).get("/rounds/manage").status_code == 403
    assert as_role(role).get(f"/rounds/manage/{funding_round.id}").status_code == 403
