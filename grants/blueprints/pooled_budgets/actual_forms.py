"""Forms for a pooled-budget year: the grid of monthly actuals and forecasts, and closing the year."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from grants.forms import GovForm, MoneyField, submit
from grants.interfaces.pooled_budgets.figures import FigureRow, YearFigures, input_name


class FiguresForm(GovForm):
    """The CSRF token and the button: the grid's inputs, one per line, month and kind, are named
    ``actual-<line>-<month>``, ``forecast-<line>-<month>`` and ``version-<line>-<month>`` and read by
    ``figure_rows``, since their number depends on the agreement."""

    submit = submit("Save figures")


def figure_rows(formdata: MultiDict, figures: YearFigures) -> list[FigureRow]:
    """A row for each line and month whose inputs the form sent (a month not sent is left as it is)."""
    rows = []
    for item in figures.lines:
        for cell in item.months:
            actual = formdata.get(input_name("actual", item.line.id, cell.month))
            forecast = formdata.get(input_name("forecast", item.line.id, cell.month))
            if actual is None and forecast is None:
                continue
            version = formdata.get(input_name("version", item.line.id, cell.month), "")
            # A missing or altered version cannot match any row's, so the save is refused as stale.
            rows.append(FigureRow(item.line.id, cell.month, actual, forecast,
                                  int(version) if version.isdigit() else -1))
    return rows


class CloseYearForm(GovForm):
    carry_forward = MoneyField("Underspend to carry forward to next year (optional)",
                               name_for_errors="The amount to carry forward")
    submit = submit("Close the year")
