"""The plan delivery view: for each commitment of the plan, the awards that serve it and their money,
recomputed from the rows of the test portfolio (see test_portfolio)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grants.interfaces.awards import portfolio, portfolio_awards
from grants.models.awards import AwardStatus
from grants.models.reference import PlanApproach
from tests.blueprints.awards.test_portfolio import (
    PORTFOLIO,
    _table,
    awards_in_db,
    build_award,
    catalogue,
    expected_money,
)
from tests.factories import FundingRoundFactory
from tests.helpers import page


@pytest.fixture
def rounds(db):
    return {
        "one": FundingRoundFactory(name="Round one", total_budget=Decimal("20000.00")),
        "two": FundingRoundFactory(name="Round two", total_budget=Decimal("10000.00")),
    }


@pytest.fixture
def built(db, rounds):
    return [build_award(db, rounds[spec.round], spec, number) for number, spec in enumerate(PORTFOLIO, start=1)]


def test_plan_delivery_counts_the_awards_serving_each_commitment(db, built, as_role):
    approaches = portfolio_awards.plan_delivery(portfolio.PortfolioFilter())
    assert [item.approach.code for item in approaches] == [code for code, _name in catalogue(PlanApproach)]
    serving = {delivery.commitment.code: delivery for item in approaches for delivery in item.commitments}
    awards = awards_in_db(db)
    for code, delivery in serving.items():
        expected = [a for a in awards if code in {c.code for c in a.commitments}]
        assert delivery.award_count == len(expected)
        assert delivery.awarded == sum((a.amount for a in expected), Decimal(0))
        assert delivery.paid == sum((expected_money([a])["paid"] for a in expected), Decimal(0))
    assert serving["prevention-1"].awarded == Decimal("5000.00")  # the withdrawn award is left out
    assert serving["prevention-1"].paid == Decimal("2500.00")
    prevention = approaches[0]
    # The accepted £4,000 award serves two commitments and counts once for the approach.
    assert (prevention.award_count, prevention.awarded, prevention.paid) == (2, Decimal("5000.00"), Decimal("2500.00"))

    soup = page(as_role("commissioner").get("/awards/plan-delivery"))
    table = _table(soup, "Commitments under Prevention and the awards that serve them")
    first = table.select("tbody tr")[0]
    assert [cell.get_text(" ", strip=True) for cell in first.select("td")] == [
        "2 awards serving this commitment", "£5,000.00", "£2,500.00"]
    assert "2 awards: £5,000.00 awarded, £2,500.00 paid." in soup.get_text()

    listed = page(as_role("commissioner").get(first.select_one("td a")["href"]))
    assert listed.h1.get_text(strip=True) == "Awards serving a commitment"
    rows = [[cell.get_text(strip=True) for cell in row.select("td")] for row in listed.select("tbody tr")]
    assert sorted(row[0] for row in rows) == ["CGS-2026-8001", "CGS-2026-8004"]
    assert {row[0]: (row[3], row[4]) for row in rows}["CGS-2026-8001"] == (
        money_text(next(a for a in awards if a.application.reference == "CGS-2026-8001").amount),
        money_text(expected_money([next(a for a in awards if a.application.reference == "CGS-2026-8001")])["paid"]))


def money_text(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def test_plan_delivery_follows_the_filters(db, rounds, built, as_role):
    client = as_role("grants_officer")
    soup = page(client.get(f"/awards/plan-delivery?round={rounds['one'].id}"))
    table = _table(soup, "Commitments under Prevention and the awards that serve them")
    link = table.select("tbody tr")[0].select_one("td a")
    assert link.get_text(" ", strip=True) == "1 award serving this commitment"
    assert "No awards" in table.select("tbody tr")[2].get_text()
    # The commitment's list keeps the filter, and its way back too.
    listed = page(client.get(link["href"]))
    assert [row.select("td")[0].get_text(strip=True) for row in listed.select("tbody tr")] == ["CGS-2026-8001"]
    assert f"round={rounds['one'].id}" in listed.select_one(".govuk-back-link")["href"]


def test_a_commitment_with_no_awards_in_scope_says_so(db, rounds, built, as_role):
    approaches = portfolio_awards.plan_delivery(portfolio.PortfolioFilter())
    idle = next(d.commitment for item in approaches for d in item.commitments if not d.award_count)
    soup = page(as_role("grants_officer").get(f"/awards/plan-delivery/commitments/{idle.id}"))
    assert "No awards holding money serve this commitment." in soup.get_text(" ", strip=True)


def test_an_unknown_commitment_or_page_is_not_found(db, built, as_role):
    client = as_role("grants_officer")
    assert client.get("/awards/plan-delivery/commitments/999999").status_code == 404
    approaches = portfolio_awards.plan_delivery(portfolio.PortfolioFilter())
    busy = next(d.commitment for item in approaches for d in item.commitments if d.award_count)
    assert client.get(f"/awards/plan-delivery/commitments/{busy.id}?page=2").status_code == 404


def test_the_commitments_list_pages_through_many_awards(db, rounds, as_role):
    specs = [spec for spec in PORTFOLIO
             if "prevention-1" in spec.commitments and spec.status is not AwardStatus.WITHDRAWN]
    for number in range(1, 53):
        build_award(db, rounds[specs[0].round], specs[0], number)
    approaches = portfolio_awards.plan_delivery(portfolio.PortfolioFilter())
    target = next(d for item in approaches for d in item.commitments if d.commitment.code == "prevention-1")
    assert target.award_count == 52
    client = as_role("grants_officer")
    first = page(client.get(f"/awards/plan-delivery/commitments/{target.commitment.id}"))
    second = page(client.get(f"/awards/plan-delivery/commitments/{target.commitment.id}?page=2"))
    assert len(first.select("tbody tr")) == 50 and len(second.select("tbody tr")) == 2
    seen = [row.select_one("td").get_text(strip=True) for soup in (first, second) for row in soup.select("tbody tr")]
    assert len(set(seen)) == 52


# Parts --------------------------------------------------------------------------------------------
