"""The officers' application list has its rows written in Python (``table_cells.application_rows``) for
speed; it must write exactly what the Jinja rows it replaced wrote, markup, spacing and escaping alike.
The old rows are kept here, verbatim, and both are rendered from the same values: every status, a
missing title, amount and submission time, and text that must be escaped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

from grants.blueprints.screening import table_cells
from grants.interfaces.screening.applications import VISIBLE_STATUSES, ListedApplication
from grants.models.applications import ApplicationStatus

AWKWARD = "O'Brien & <Sons> \"Trust\""  # every character autoescape changes

# The rows as screening/round.html wrote them, a url_for, two filters and the tag macro a row.
OLD_ROWS = """{% from "macros/components.html" import tag %}
  <tbody class="govuk-table__body">
  {% for application in results.items %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{{ url_for('screening.application', application_id=application.id) }}">{{ application.reference }}</a></td>
      <td class="govuk-table__cell">{{ application.organisation.name }}</td>
      <td class="govuk-table__cell">{{ application.project_title or '' }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ application.amount_requested | money }}</td>
      <td class="govuk-table__cell">{{ application.submitted_at | london_datetime }}</td>
      <td class="govuk-table__cell">{{ tag(application.status.label, application.status.tag_colour) }}</td>
    </tr>
  {% endfor %}
  </tbody>
"""  # noqa: E501

# How screening/round.html now makes each status's tag once and hands the rows to Python.
NEW_ROWS = """{% from "macros/components.html" import tag %}
  <tbody class="govuk-table__body">
  {# The rows are written by table_cells.application_rows, with the tag macro's tag for each status
      on the page and the link to an application split where its id goes. #}
  {% set status_tags = {} %}
  {% for application in results.items if application.status not in status_tags %}{% do status_tags.update({application.status: tag(application.status.label, application.status.tag_colour)}) %}{% endfor %}
{{ application_rows(results.items, link_around_id('screening.application', 'application_id'), status_tags) }}
  </tbody>
"""  # noqa: E501


def _template_text(app) -> str:
    """The rows' part of screening/round.html as it is now, from its tbody to the end of the tbody."""
    source = app.jinja_env.loader.get_source(app.jinja_env, "screening/round.html")[0]
    start = source.index('  <tbody class="govuk-table__body">')
    return source[start:source.index("  </tbody>\n", start) + len("  </tbody>\n")]


@dataclass(frozen=True)
class _Both:
    """A row's values as the old rows read them (``organisation.name``) and as the new ones do."""

    listed: ListedApplication

    def __getattr__(self, name):
        if name == "organisation":
            return SimpleNamespace(name=self.listed.organisation_name)
        return getattr(self.listed, name)


def _applications() -> list[_Both]:
    def row(number, status, **changes):
        values = {"id": 100 + number, "reference": f"CGS-2026-{number:04d}", "organisation_name": f"Bidder {number}",
                  "project_title": f"Project {number}", "amount_requested": Decimal("1234.50"),
                  "submitted_at": datetime(2026, 6, number, 8 + number, 7 * number % 60, tzinfo=UTC), "status": status}
        return _Both(ListedApplication(**{**values, **changes}))

    rows = [row(number, status) for number, status in enumerate(VISIBLE_STATUSES, start=1)]
    rows += [
        row(11, ApplicationStatus.SUBMITTED, project_title=None, amount_requested=None, submitted_at=None),
        row(12, ApplicationStatus.UNDER_ASSESSMENT, organisation_name=AWKWARD, project_title=AWKWARD,
            reference=AWKWARD, amount_requested=Decimal("0.99")),
        row(13, ApplicationStatus.SUBMITTED, amount_requested=Decimal("250000"),
            submitted_at=datetime(2026, 1, 31, 12, 0, tzinfo=UTC)),  # midday, in winter
        row(14, ApplicationStatus.SUBMITTED, project_title=""),
    ]
    return rows


def _render(app, source: str, items) -> str:
    with app.test_request_context("/screening"):
        return app.jinja_env.from_string(source).render(results=SimpleNamespace(items=items),
                                                        application_rows=table_cells.application_rows)


def test_the_rows_are_the_old_template_rows(app):
    items = _applications()
    assert {item.status for item in items} == set(VISIBLE_STATUSES)
    old = _render(app, OLD_ROWS, items)
    new = _render(app, NEW_ROWS, items)
    assert new == old
    assert "O&#39;Brien &amp; &lt;Sons&gt; &#34;Trust&#34;" in new
    assert 'href="/screening/applications/112"' in new


def test_the_page_writes_its_rows_as_this_test_does(app):
    """NEW_ROWS is the page's own text, so that the comparison above is of what the page writes."""
    assert _template_text(app) == NEW_ROWS.split("\n", 1)[1]

