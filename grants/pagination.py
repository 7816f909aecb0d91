"""A list page's pagination written in Python: the markup of macros/page.html's ``pagination`` (which
hands govukPagination its items) character for character. The macro took about a millisecond a page:
govukPagination builds each link in a macro of its own and imports its helpers afresh, and the page
made a url_for a link. Here the links are one url_for with the page number put in
(tests/test_pagination.py renders both and compares)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import url_for
from markupsafe import Markup, escape

from grants.interfaces.paging import Page

PREVIOUS = (
    '  <div class="govuk-pagination__prev">\n'
    '    <a class="govuk-link govuk-pagination__link" href="{href}" rel="prev">\n'
    '    <svg class="govuk-pagination__icon govuk-pagination__icon--prev" xmlns="http://www.w3.org/2000/svg"'
    ' height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13">\n'
    '        <path d="m6.5938-0.0078125-6.7266 6.7266 6.7441 6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931'
    '-4.293-1.414-1.414z"></path>\n'
    "      </svg>\n"
    '      <span class="govuk-pagination__link-title">\n'
    '        Previous<span class="govuk-visually-hidden"> page</span>\n'
    "      </span>\n"
    "    </a>\n"
    "  </div>\n"
)
NEXT = (
    '  <div class="govuk-pagination__next">\n'
    '    <a class="govuk-link govuk-pagination__link" href="{href}" rel="next">\n'
    '      <span class="govuk-pagination__link-title">\n'
    '        Next<span class="govuk-visually-hidden"> page</span>\n'
    "      </span>\n"
    '    <svg class="govuk-pagination__icon govuk-pagination__icon--next" xmlns="http://www.w3.org/2000/svg"'
    ' height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13">\n'
    '        <path d="m8.107-0.0078125-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441'
    '-6.4062-6.7246-6.7266z"></path>\n'
    "      </svg>\n"
    "    </a>\n"
    "  </div>\n"
)
ITEM = (
    '      <li class="govuk-pagination__item{current_class}">\n'
    '      <a class="govuk-link govuk-pagination__link" href="{href}" aria-label="Page {number}"{current}>\n'
    "        {number}\n"
    "      </a>\n"
    "    </li>\n"
)
ELLIPSIS = (
    '      <li class="govuk-pagination__item govuk-pagination__item--ellipsis">\n'
    "      &ctdot;\n"
    "    </li>\n"
)


def pagination(results: Page, endpoint: str, args: Mapping[str, Any] | None = None) -> Markup:
    """Links to the pages of ``results`` (none when there is one page): the first and last, the two
    either side of the current one, an ellipsis for a gap, previous and next. ``args`` are the other
    arguments of each page's ``url_for(endpoint, page=number, **args)`` (the filters it keeps)."""
    pages, current = results.pages, results.page
    if pages <= 1:
        return Markup("")
    link = _page_link(endpoint, dict(args or {}))
    parts = ['    <nav class="govuk-pagination" aria-label="Pagination">\n']
    if current > 1:
        parts.append(PREVIOUS.format(href=link(current - 1)))
    parts.append('  <ul class="govuk-pagination__list">\n')
    # The numbers the macro looked at that write something (it looked at every page's).
    for number in sorted({1, pages, *range(max(1, current - 3), min(pages, current + 3) + 1)}):
        distance = abs(number - current)
        if number == 1 or number == pages or distance <= 2:
            here = number == current
            parts.append(ITEM.format(
                current_class=" govuk-pagination__item--current" if here else "", href=link(number), number=number,
                current=' aria-current="page"' if here else ""))
        elif distance == 3:
            parts.append(ELLIPSIS)
    parts.append("  </ul>\n")
    if current < pages:
        parts.append(NEXT.format(href=link(current + 1)))
    parts.append("</nav>\n\n")
    return Markup("".join(parts))


def _page_link(endpoint: str, args: dict[str, Any]) -> Callable[[int], Markup]:
    """A page's link, escaped for an attribute: ``url_for`` once, the number put in where page 1's is.
    url_for writes ``page`` first of the query's arguments (in the order given); a link it writes
    otherwise (a page in the path, an anchor) is asked of url_for each time."""
    first = url_for(endpoint, page=1, **args)
    before, marker, after = first.partition("?page=1")
    if marker and (not after or after.startswith("&")):
        before_text, after_text = escape(before), escape(after)
        return lambda number: Markup(f"{before_text}?page={number}{after_text}")
    return lambda number: escape(url_for(endpoint, page=number, **args))
