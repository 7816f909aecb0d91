"""The chart of a pooled budget's year: each month's budget, actual spend and forecast, drawn as an
accessible SVG with a table of the same figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grants.modelling import pooled
from grants.models.pooled_budgets import MonthlyFigure
from tests.factories import make_agreement
from tests.helpers import page

YEAR = 2024


@pytest.fixture
def year_page(db, users, as_role):
    """2024-25: community treatment spent £6,000 in April and recovery support forecasts £3,000 for
    April (no actual); nothing else entered."""
    agreement = make_agreement(start_year=YEAR, years=1)
    community, recovery = agreement.lines
    db.session.add_all([
        MonthlyFigure(line_id=community.id, year=YEAR, month=1, actual=Decimal("6000.00")),
        MonthlyFigure(line_id=recovery.id, year=YEAR, month=1, forecast=Decimal("3000.00")),
    ])
    db.session.flush()
    response = as_role("commissioner").get(f"/pooled-budgets/{agreement.id}/years/{YEAR}")
    assert response.status_code == 200
    return page(response)


def contrast(colour: str) -> float:
    """The contrast ratio of ``colour`` (#rrggbb) against white (WCAG 2)."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


def test_the_table_beside_the_chart_gives_each_months_figures(year_page):
    rows = {row.th.get_text(strip=True): [td.get_text(" ", strip=True) for td in row.select("td")]
            for row in year_page.select("#budget-chart-table tbody tr")}
    assert list(rows)[0] == "April 2024" and list(rows)[-1] == "March 2025" and len(rows) == 12
    april_budget = pooled.monthly_budget(6_000_000)[0] + pooled.monthly_budget(4_000_000)[0]
    assert rows["April 2024"] == [pooled.pounds(april_budget), "£6,000.00", "£3,000.00"]
    assert rows["May 2024"][1:] == ["None entered –"] * 2
    headers = [th.get_text(strip=True) for th in year_page.select("#budget-chart-table thead th")]
    assert headers == ["Month", "Budget", "Actual spend", "Forecast, no actual yet"]


def test_the_chart_is_an_image_with_a_title_and_summary_sized_in_em(year_page):
    svg = year_page.select_one("svg#budget-chart")
    assert svg["role"] == "img"
    assert svg["aria-labelledby"] == "budget-chart-title budget-chart-desc"
    assert svg.title.get_text().startswith("Bar chart of each month’s budget, actual spend and forecast spend")
    desc = svg.desc.get_text()
    assert "The budget for 2024-25 is £100,000.00." in desc
    assert "Actual spend of £6,000.00 has been entered for 1 of the 12 months" in desc
    assert svg["width"].endswith("em") and svg["height"].endswith("em")
    assert [text["font-size"] for text in svg.select("text")] == ["16"] * len(svg.select("text"))
    labels = [text.get_text() for text in svg.select("text")]
    assert "Apr" in labels and "Mar" in labels


def test_each_series_is_told_apart_without_colour_and_bars_are_to_scale(year_page):
    series = year_page.select("svg#budget-chart g.opcc-chart__series")
    assert [len(group.select("rect")) for group in series] == [12, 1, 1]
    budget_april, actual, forecast = series[0].select("rect")[0], series[1].rect, series[2].rect
    # The actual and forecast bars are hatched (a pattern), the budget bar solid; all outlined.
    assert budget_april["fill"].startswith("#")
    assert actual["fill"].startswith("url(#budget-chart-hatch-1") and forecast["fill"].startswith(
        "url(#budget-chart-hatch-2")
    for bar in (budget_april, actual, forecast):
        assert contrast(bar["stroke"]) >= 3
    april_budget = pooled.monthly_budget(6_000_000)[0] + pooled.monthly_budget(4_000_000)[0]
    assert float(actual["height"]) / float(budget_april["height"]) == pytest.approx(600_000 / april_budget, abs=0.01)
    legend = [item.get_text(strip=True) for item in year_page.select("#budget-chart-legend li")]
    assert legend == ["Budget", "Actual spend", "Forecast, no actual yet"]
