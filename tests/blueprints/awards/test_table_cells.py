"""The portfolio dashboard's tables have their rows written in Python (``table_cells``) for speed;
each must write exactly what the Jinja it replaced wrote, markup, spacing and escaping alike. The
old macros and rows are kept here, verbatim, and both are rendered from the same values: labels and
names that must be escaped or cut short, negative, zero and large amounts, bars of every length and
none, tables with no rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from grants.blueprints.awards import table_cells
from grants.interfaces.awards.portfolio import Money, RoundBudget, Share

AWKWARD = "O'Brien & <Sons> \"Trust\""  # every character autoescape changes

# awards/portfolio_macros.html's money tables, bar chart and breakdown as they were, a macro a row.
OLD_MACROS = """
{% macro money_table(caption, first_heading, rows, total) %}
<div class="opcc-table-wrapper">
<table class="govuk-table govuk-table--small-text-until-tablet">
  <caption class="govuk-table__caption govuk-table__caption--m">{{ caption }}</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row">
    <th scope="col" class="govuk-table__header">{{ first_heading }}</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Awards</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Awarded</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Awaiting acceptance</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Committed</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Paid</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Remaining to pay</th>
  </tr></thead>
  <tbody class="govuk-table__body">
  {% for label, figures in rows %}
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header">{{ label }}</th>
      {{ money_cells(figures) }}
    </tr>
  {% endfor %}
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header">Total</th>
      {{ money_cells(total, bold=true) }}
    </tr>
  </tbody>
</table>
</div>
{% endmacro %}

{% macro money_back_table(caption, first_heading, rows, total) %}
<div class="opcc-table-wrapper">
<table class="govuk-table govuk-table--small-text-until-tablet">
  <caption class="govuk-table__caption govuk-table__caption--s">{{ caption }}</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row">
    <th scope="col" class="govuk-table__header">{{ first_heading }}</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Paid</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Repaid</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Net paid</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Underspend</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Waived</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Still owed</th>
  </tr></thead>
  <tbody class="govuk-table__body">
  {% for label, figures in rows %}
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header">{{ label }}</th>
      {{ money_back_cells(figures) }}
    </tr>
  {% endfor %}
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header">Total</th>
      {{ money_back_cells(total, bold=true) }}
    </tr>
  </tbody>
</table>
</div>
{% endmacro %}

{% macro money_back_cells(figures, bold=false) %}
  {% for value in [figures.paid, figures.repaid, figures.net_paid, figures.underspend, figures.waived, figures.owed] %}
    <td class="govuk-table__cell govuk-table__cell--numeric">{% if bold %}<strong>{{ value | money }}</strong>{% else %}{{ value | money }}{% endif %}</td>
  {% endfor %}
{% endmacro %}

{% macro money_cells(figures, bold=false) %}
  {% for value in [figures.awarded, figures.offered, figures.committed, figures.paid, figures.remaining] %}
    {% if loop.first %}<td class="govuk-table__cell govuk-table__cell--numeric">{% if bold %}<strong>{{ figures.awards }}</strong>{% else %}{{ figures.awards }}{% endif %}</td>{% endif %}
    <td class="govuk-table__cell govuk-table__cell--numeric">{% if bold %}<strong>{{ value | money }}</strong>{% else %}{{ value | money }}{% endif %}</td>
  {% endfor %}
{% endmacro %}

{% macro breakdown(id, heading, caption, first_heading, rows, chart=true) %}
<h3 class="govuk-heading-s" id="{{ id }}">{{ heading }}</h3>
<div class="govuk-grid-row">
  <div class="{{ 'govuk-grid-column-one-half' if chart else 'govuk-grid-column-full' }}">
    <div class="opcc-table-wrapper">
    <table class="govuk-table govuk-table--small-text-until-tablet">
      <caption class="govuk-table__caption govuk-visually-hidden">{{ caption }}</caption>
      <thead class="govuk-table__head"><tr class="govuk-table__row">
        <th scope="col" class="govuk-table__header">{{ first_heading }}</th>
        <th scope="col" class="govuk-table__header govuk-table__header--numeric">Awards</th>
        <th scope="col" class="govuk-table__header govuk-table__header--numeric">Awarded</th>
      </tr></thead>
      <tbody class="govuk-table__body">
      {% for row in rows %}
        <tr class="govuk-table__row">
          <th scope="row" class="govuk-table__header govuk-!-font-weight-regular">{{ row.name }}</th>
          <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.awards }}</td>
          <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.amount | money }}</td>
        </tr>
      {% endfor %}
        <tr class="govuk-table__row">
          <th scope="row" class="govuk-table__header">Total awarded</th>
          <td class="govuk-table__cell govuk-table__cell--numeric"></td>
          <td class="govuk-table__cell govuk-table__cell--numeric"><strong>{{ rows | sum(attribute='amount') | money }}</strong></td>
        </tr>
      </tbody>
    </table>
    </div>
  </div>
  {% if chart %}
  <div class="govuk-grid-column-one-half">{{ bar_chart(id ~ '-chart', caption, rows) }}</div>
  {% endif %}
</div>
{% endmacro %}

{% macro bar_chart(id, caption, rows) %}
{% set label_width, bar_space, row_height = 150, 290, 34 %}
{% set maximum = rows | map(attribute='amount') | max if rows else 0 %}
<svg class="opcc-bar-chart" id="{{ id }}" role="img" aria-labelledby="{{ id }}-title" viewBox="0 0 600 {{ rows | length * row_height + 4 }}" width="100%" preserveAspectRatio="xMinYMin meet" focusable="false">
  <title id="{{ id }}-title">Bar chart of the {{ caption[:1] | lower }}{{ caption[1:] }}. The table gives the same figures.</title>
  {% for row in rows %}
    {% set y = loop.index0 * row_height %}
    {% set width = ((row.amount / maximum * bar_space) | float | round(1)) if maximum else 0 %}
    <text x="{{ label_width - 8 }}" y="{{ y + 22 }}" text-anchor="end" font-size="15" fill="#0b0c0c">{{ row.name | truncate(22, true, '…', 0) }}</text>
    <rect x="{{ label_width }}" y="{{ y + 6 }}" width="{{ width }}" height="22" fill="#1d70b8"></rect>
    <text x="{{ label_width + width + 6 }}" y="{{ y + 22 }}" font-size="15" fill="#0b0c0c">{{ row.amount | money(false) }}</text>
  {% endfor %}
</svg>
{% endmacro %}
"""  # noqa: E501

NEW_MACROS = '{% from "awards/portfolio_macros.html" import money_table, money_back_table, breakdown %}'

# The round budgets rows as awards/portfolio.html wrote them.
OLD_BUDGET_ROWS = """  <tbody class="govuk-table__body">
  {% for row in budgets %}
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header">{{ row.funding_round.name }}</th>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.budget | money }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.awarded | money }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.headroom | money }}</td>
    </tr>
  {% else %}
    <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="4">No round has awards yet.</td></tr>
  {% endfor %}
  </tbody>
"""

NEW_BUDGET_ROWS = """  <tbody class="govuk-table__body">
{{ cells.budget_rows(budgets) }}
  </tbody>
"""


def _render(app, source: str, **values) -> str:
    # A line after, as in the pages (a template's own last newline is dropped); not the blank lines
    # between the old macros' definitions.
    with app.test_request_context("/awards/dashboard"):
        return app.jinja_env.from_string(source + "</main>\n").render(cells=table_cells, **values).lstrip("\n")


def _money(number: int) -> Money:
    """Figures that differ in every column, some negative (net paid below nothing), some zero."""
    step = Decimal(number) * Decimal("1234.56")
    return Money(awards=number, awarded=step * 3, offered=step if number % 2 else Decimal("0.00"),
                 committed=step * 2, paid=step, remaining=step - Decimal("0.01"),
                 repaid=step * 2 if number % 3 == 0 else Decimal("0.00"), underspend=Decimal("0.99") * number,
                 waived=Decimal("12.30"), owed=Decimal("1000000.00") * number)


MONEY_ROWS = [
    [],
    [("Round one", _money(1))],
    [("Round one", _money(1)), (AWKWARD, _money(3)), ("2026-27", Money()), ("Round 4", _money(12))],
]


@pytest.mark.parametrize("rows", MONEY_ROWS)
@pytest.mark.parametrize("macro", ["money_table", "money_back_table"])
def test_money_tables_are_the_old_macros(app, rows, macro):
    total = sum((figures for _label, figures in rows), Money())
    call = "{{ %s(caption, heading, rows, total%s) }}"
    values = {"caption": "By round & year", "heading": "Round", "rows": rows, "total": total}
    old = _render(app, OLD_MACROS + call % (macro, ""), **values)
    new = _render(app, NEW_MACROS + call % (macro, ", cells"), **values)
    assert new == old
    if rows:
        assert "<strong>" in new and ("O&#39;Brien &amp; &lt;Sons&gt;" in new) is (len(rows) > 1)


@dataclass
class _Round:
    name: str


BUDGETS = [
    [],
    [RoundBudget(_Round("Round one"), Decimal("20000.00"), Decimal("0.00"))],
    [RoundBudget(_Round("Round one"), Decimal("20000.00"), Decimal("12345.67")),
     RoundBudget(_Round(AWKWARD), Decimal("1000.00"), Decimal("1500.01"))],  # over budget: negative headroom
]


@pytest.mark.parametrize("budgets", BUDGETS)
def test_budget_rows_are_the_old_template_rows(app, budgets):
    old = _render(app, OLD_BUDGET_ROWS, budgets=budgets)
    new = _render(app, NEW_BUDGET_ROWS, budgets=budgets)
    assert new == old
    assert ("No round has awards yet." in new) is (not budgets)


def _share(name: str, awards: int, amount: str) -> Share:
    return Share(name.lower()[:10], name, awards, Decimal(amount))


SHARES = [
    [],
    [_share("Cornwall", 0, "0.00"), _share("Devon", 0, "0.00")],  # no money: bars of no width
    [_share("Cornwall", 1, "1333.34"), _share("Isles of Scilly", 2, "500.00"), _share("Devon", 1, "3000.00"),
     _share("Plymouth", 2, "1833.33"), _share("Torbay", 0, "0.00"), Share("", "Not recorded", 1, Decimal("0.01"))],
    # Names of 21, 22 and 23 characters, and more (cut to 21 and an ellipsis); amounts whose share of the
    # largest is no short decimal; pence rounded away on the chart.
    [_share("Reduce drug-related cr", 3, "777.77"), _share("Reduce drug-related cri", 1, "333.33"),
     _share("Reduce drug use", 2, "999.99"), _share("Reduce drug-related crime and disorder", 1, "0.50"),
     _share(AWKWARD, 5, "123456.78"), _share("A" * 21, 1, "1.00")],
]


@pytest.mark.parametrize("rows", SHARES)
@pytest.mark.parametrize("chart", [True, False])
def test_breakdowns_and_bar_charts_are_the_old_macros(app, rows, chart):
    call = "{{ breakdown('by-area', 'By area', 'Money awarded by area', 'Area', rows%s, chart=chart) }}"
    old = _render(app, OLD_MACROS + call % "", rows=rows, chart=chart)
    new = _render(app, NEW_MACROS + call % ", cells", rows=rows, chart=chart)
    assert new == old
    assert ("<svg" in new) is chart


def test_a_cut_label_keeps_21_characters_and_an_ellipsis(app):
    bars = table_cells.bar_chart_bars([_share("Reduce drug-related crime", 1, "1.00")])
    assert ">Reduce drug-related c…</text>" in bars
    assert 'width="290.0"' in bars and 'x="446.0"' in bars
