"""The plan delivery view: for each commitment of the plan, the awards that serve it and their money,
recomputed from the rows of the test portfolio (see test_portfolio)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grants.interfaces.awards import portfolio, portfolio_awards
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


def test_plan_delivery_lists_the_awards_serving_each_commitment(db, built, as_role):
    approaches = portfolio_awards.plan_delivery(portfolio.PortfolioFilter())
    assert [item.approach.code for item in approaches] == [code for code, _name in catalogue(PlanApproach)]
    serving = {delivery.commitment.code: delivery for item in approaches for delivery in item.commitments}
    awards = awards_in_db(db)
    for code, delivery in serving.items():
        expected = [a for a in awards if code in {c.code for c in a.commitments}]
        assert sorted(a.id for a, _paid in delivery.awards) == sorted(a.id for a in expected)
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
    assert [cell.get_text(strip=True) for cell in first.select("td")][1:] == ["£5,000.00", "£2,500.00"]
    assert {a.get_text(strip=True) for a in first.select("td a")} == {"CGS-2026-8001", "CGS-2026-8004"}
    assert "2 awards: £5,000.00 awarded, £2,500.00 paid." in soup.get_text()


def test_plan_delivery_follows_the_filters(db, rounds, built, as_role):
    soup = page(as_role("grants_officer").get(f"/awards/plan-delivery?round={rounds['one'].id}"))
    table = _table(soup, "Commitments under Prevention and the awards that serve them")
    assert {a.get_text(strip=True) for a in table.select("tbody tr")[0].select("td a")} == {"CGS-2026-8001"}
    assert "No awards" in table.select("tbody tr")[2].get_text()


# Parts --------------------------------------------------------------------------------------------
