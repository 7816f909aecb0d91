"""Table rows written in Python for the portfolio dashboard (awards/portfolio.html): its money
tables (a row per round and per financial year, twice), round budgets, breakdowns and bar charts.
A Jinja template hands each piece of a row up through every enclosing block and macro, so these
tables' few hundred cells cost more than the rest of the page; here a table's rows are one piece.
Each writes exactly what the template it replaced wrote (the same markup and spacing, odd as some
of it is), escaping every value as the template's autoescape did: the old rows are kept in
tests/blueprints/awards/test_table_cells.py, which holds these to them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from markupsafe import Markup, escape

from grants.formatting import money
from grants.interfaces.awards.portfolio import Money, RoundBudget, Share

NUMERIC = '<td class="govuk-table__cell govuk-table__cell--numeric">'
ROW = '    <tr class="govuk-table__row">\n'


def _pounds(value: Decimal) -> str:
    """The money filter's £1,234.50 (grants.formatting.money) of a Decimal, without the filter's
    conversion of its argument: these tables write some 600 amounts a view. The parity tests hold
    the two to each other, negative amounts too."""
    return f"£{value:,.2f}" if value >= 0 else f"-£{-value:,.2f}"


def _money_cells(figures: Money, bold: bool) -> str:
    """The money_cells macro's cells: the count of awards, then awarded, awaiting acceptance,
    committed, paid and remaining to pay."""
    values = (figures.awarded, figures.offered, figures.committed, figures.paid, figures.remaining)
    if bold:
        return (f"{NUMERIC}<strong>{figures.awards}</strong></td>"
                + "".join(f"    {NUMERIC}<strong>{_pounds(value)}</strong></td>\n" for value in values))
    return f"{NUMERIC}{figures.awards}</td>" + "".join(f"    {NUMERIC}{_pounds(value)}</td>\n" for value in values)


def _money_back_cells(figures: Money, bold: bool) -> str:
    """The money_back_cells macro's cells: paid, repaid, net paid, underspend, waived, still owed."""
    values = (figures.paid, figures.repaid, figures.net_paid, figures.underspend, figures.waived, figures.owed)
    if bold:
        return "".join(f"    {NUMERIC}<strong>{_pounds(value)}</strong></td>\n" for value in values)
    return "".join(f"    {NUMERIC}{_pounds(value)}</td>\n" for value in values)


def _figure_rows(rows: Iterable[tuple[str, Money]], total: Money, cells) -> Markup:
    lines = [
        f'{ROW}      <th scope="row" class="govuk-table__header">{escape(label)}</th>\n'
        f"      {cells(figures, False)}\n    </tr>\n"
        for label, figures in rows
    ]
    lines.append(f'{ROW}      <th scope="row" class="govuk-table__header">Total</th>\n'
                 f"      {cells(total, True)}\n    </tr>")
    return Markup("".join(lines))


def money_rows(rows: Iterable[tuple[str, Money]], total: Money) -> Markup:
    """The rows of a money table (the money_table macro's body), a row per (label, figures) and the
    total, without the last newline."""
    return _figure_rows(rows, total, _money_cells)


def money_back_rows(rows: Iterable[tuple[str, Money]], total: Money) -> Markup:
    """The rows of a money back table (the money_back_table macro's body), as ``money_rows``."""
    return _figure_rows(rows, total, _money_back_cells)


def budget_rows(budgets: Sequence[RoundBudget]) -> Markup:
    """The round budgets table's rows (or its row saying there are none), without the last newline."""
    if not budgets:
        return Markup('    <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="4">'
                      "No round has awards yet.</td></tr>")
    return Markup("\n".join(
        f'{ROW}      <th scope="row" class="govuk-table__header">{escape(row.funding_round.name)}</th>\n'
        f"      {NUMERIC}{_pounds(row.budget)}</td>\n"
        f"      {NUMERIC}{_pounds(row.awarded)}</td>\n"
        f"      {NUMERIC}{_pounds(row.headroom)}</td>\n"
        "    </tr>"
        for row in budgets
    ))


def breakdown_rows(rows: Sequence[Share]) -> Markup:
    """A breakdown table's rows (the breakdown macro's), a row per code and the total awarded, without
    the last newline."""
    lines = [
        '        <tr class="govuk-table__row">\n'
        '          <th scope="row" class="govuk-table__header govuk-!-font-weight-regular">'
        f"{escape(row.name)}</th>\n"
        f"          {NUMERIC}{row.awards}</td>\n"
        f"          {NUMERIC}{money(row.amount)}</td>\n"
        "        </tr>\n"
        for row in rows
    ]
    # Jinja's sum filter starts from 0: no rows make £0.00.
    total = sum((row.amount for row in rows), Decimal(0))
    lines.append('        <tr class="govuk-table__row">\n'
                 '          <th scope="row" class="govuk-table__header">Total awarded</th>\n'
                 f"          {NUMERIC}</td>\n"
                 f"          {NUMERIC}<strong>{money(total)}</strong></td>\n"
                 "        </tr>")
    return Markup("".join(lines))


# The bar chart's layout, in SVG units: the labels' width, the longest bar, a row's height.
LABEL_WIDTH, BAR_SPACE, ROW_HEIGHT = 150, 290, 34
LABEL_LENGTH = 22  # characters of a label, the last an ellipsis when it is cut


def _label(name: str) -> str:
    """Jinja's truncate(22, true, '…', 0): the name, or its first 21 characters and an ellipsis."""
    return name if len(name) <= LABEL_LENGTH else name[:LABEL_LENGTH - 1] + "…"


def bar_chart_bars(rows: Sequence[Share]) -> Markup:
    """A bar chart's labels, bars and amounts (the bar_chart macro's, inside its svg), a bar per row
    scaled to the largest amount, each line ending in a newline (none for no rows)."""
    maximum = max(row.amount for row in rows) if rows else 0
    bars = []
    for index, row in enumerate(rows):
        y = index * ROW_HEIGHT
        # As the macro: the share of the largest, as a float, rounded to a tenth of a unit.
        width = round(float(row.amount / maximum * BAR_SPACE), 1) if maximum else 0
        bars.append(
            f'    <text x="{LABEL_WIDTH - 8}" y="{y + 22}" text-anchor="end" font-size="15" fill="#0b0c0c">'
            f"{escape(_label(row.name))}</text>\n"
            f'    <rect x="{LABEL_WIDTH}" y="{y + 6}" width="{width}" height="22" fill="#1d70b8"></rect>\n'
            f'    <text x="{LABEL_WIDTH + width + 6}" y="{y + 22}" font-size="15" fill="#0b0c0c">'
            f"{money(row.amount, False)}</text>\n")
    return Markup("".join(bars))
