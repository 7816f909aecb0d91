"""The officers' application list's rows written in Python (screening/round.html). A Jinja template
hands each piece of a row up through every enclosing block (seven generators on this page), and each
row had a url_for, two filters and the tag macro: 25 rows cost more than the rest of the page. Here
the rows are one piece, exactly what the template's rows wrote (the same markup and spacing), every
value escaped as autoescape did (tests/blueprints/screening/test_table_cells.py holds them to the old
rows)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from markupsafe import Markup, escape

from grants.formatting import london_datetime, money
from grants.interfaces.screening.applications import ListedApplication
from grants.models.applications import ApplicationStatus

CELL = '      <td class="govuk-table__cell">'


def application_rows(applications: Iterable[ListedApplication], application_link: Sequence[str],
                     status_tags: Mapping[ApplicationStatus, Markup]) -> Markup:
    """The list's rows, without the last newline. ``application_link`` is an application's link as the
    text either side of its id (grants.links.link_around_id); ``status_tags`` each status's tag (the
    tag macro's, so that its markup stays the macro's)."""
    before, after = escape(application_link[0]), escape(application_link[1])
    rows = []
    for application in applications:
        rows.append(
            '    <tr class="govuk-table__row">\n'
            f'{CELL}<a class="govuk-link" href="{before}{escape(application.id)}{after}">'
            f"{escape(application.reference)}</a></td>\n"
            f"{CELL}{escape(application.organisation_name)}</td>\n"
            f"{CELL}{escape(application.project_title or '')}</td>\n"
            '      <td class="govuk-table__cell govuk-table__cell--numeric">'
            f"{escape(money(application.amount_requested))}</td>\n"
            f"{CELL}{escape(london_datetime(application.submitted_at))}</td>\n"
            f"{CELL}{status_tags[application.status]}</td>\n"
            "    </tr>"
        )
    return Markup("\n".join(rows))
