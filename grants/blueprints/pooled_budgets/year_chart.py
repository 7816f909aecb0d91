"""The chart of a pooled budget's year: each month's budget beside what was spent (actuals) and what
is forecast where no actual is in yet, over every budget line. Drawn on the server with the
co-commissioning charts' geometry (grants/blueprints/cocommissioning/charts.py), so it looks and
reads like them: text in em, colours of 3:1 or more, each series hatched its own way as well as
coloured, a title and summary for screen readers, and a table of the same figures beside it."""

from __future__ import annotations

from dataclasses import dataclass

from grants.blueprints.cocommissioning import charts
from grants.interfaces.pooled_budgets.agreements import pence
from grants.interfaces.pooled_budgets.figures import YearFigures
from grants.modelling.pooled import MONTHS, pounds
from grants.models.pooled_budgets import month_start

SERIES = ("Budget", "Actual spend", "Forecast, no actual yet")


@dataclass(frozen=True)
class MonthTotals:
    label: str  # "April 2026"
    short: str  # "Apr", under the bars
    budget_pence: int
    actual_pence: int | None  # None: no line has an actual for the month
    forecast_pence: int | None  # the forecasts of lines with no actual; None when there are none


@dataclass(frozen=True)
class YearChart:
    months: list[MonthTotals]
    chart: charts.BarChart
    names: tuple[str, ...]
    summary: str


def month_totals(figures: YearFigures) -> list[MonthTotals]:
    """Each month's budget, actuals and outstanding forecasts, added up over the budget lines."""
    totals = []
    for month in range(1, MONTHS + 1):
        cells = [line.months[month - 1] for line in figures.lines]
        actuals = [pence(cell.actual) for cell in cells if cell.actual is not None]
        forecasts = [pence(cell.forecast) for cell in cells if cell.actual is None and cell.forecast is not None]
        start = month_start(figures.year, month)
        totals.append(MonthTotals(f"{start:%B %Y}", f"{start:%b}", sum(cell.budget_pence for cell in cells),
                                  sum(actuals) if actuals else None, sum(forecasts) if forecasts else None))
    return totals


def year_chart(figures: YearFigures) -> YearChart:
    months = month_totals(figures)
    chart = charts.bar_chart(
        [month.short for month in months],
        [[month.budget_pence for month in months], [month.actual_pence for month in months],
         [month.forecast_pence for month in months]],
        width=880,
    )
    totals = figures.totals
    entered = sum(1 for month in months if month.actual_pence is not None)
    if totals.variance_pence > 0:
        against = f"{pounds(totals.variance_pence)} over budget"
    elif totals.variance_pence < 0:
        against = f"{pounds(-totals.variance_pence)} under budget"
    else:
        against = "exactly on budget"
    summary = (f"The budget for {figures.label} is {pounds(totals.budget_pence)}. "
               f"Actual spend of {pounds(totals.actual_pence)} has been entered for {entered} of the "
               f"{MONTHS} months; with the forecasts for the rest, the year is expected to end "
               f"{against}, at {pounds(totals.outturn_pence)}.")
    return YearChart(months, chart, SERIES, summary)
