"""A list's pagination written in Python (grants.pagination) gives the markup of macros/page.html's
``pagination`` (govukPagination with its items) character for character: every page of lists of one
to a few hundred pages, links that keep filters with characters to escape, and links url_for writes
another way."""

from __future__ import annotations

import pytest
from flask import render_template_string

from grants.interfaces.paging import Page
from grants.pagination import pagination

# macros/page.html's pagination as it was written with govukPagination, kept verbatim here so that the
# comparison stays with GOV.UK's macro should the page's macro hand its work to grants.pagination.
GOVUK = """{% macro pagination(results, endpoint, args={}) %}
  {% from "govuk_frontend_jinja/components/pagination/macro.html" import govukPagination %}
  {% if results.pages > 1 %}
    {% set items = [] %}
    {% for number in range(1, results.pages + 1) %}
      {% if number == 1 or number == results.pages or (number - results.page)|abs <= 2 %}
        {% do items.append({'number': number, 'href': url_for(endpoint, page=number, **args), 'current': number == results.page}) %}
      {% elif (number - results.page)|abs == 3 %}
        {% do items.append({'ellipsis': true}) %}
      {% endif %}
    {% endfor %}
    {{ govukPagination({
      'previous': {'href': url_for(endpoint, page=results.page - 1, **args)} if results.page > 1 else none,
      'next': {'href': url_for(endpoint, page=results.page + 1, **args)} if results.page < results.pages else none,
      'items': items,
    }) }}
  {% endif %}
{% endmacro %}"""  # noqa: E501
MACRO = GOVUK + "{{ pagination(results, endpoint, args) }}"
PAGES_MACRO = '{% from "macros/page.html" import pagination %}{{ pagination(results, endpoint, args) }}'
FILTERS = {"round_id": 7, "q": "O'Brien & <Sons> \"Trust\" 100%", "local_authority": "devon", "sort": "amount",
           "order": "desc"}


@pytest.fixture
def page(app):
    with app.test_request_context("/"):
        yield


def _both(results: Page, endpoint: str, args: dict) -> tuple[str, str]:
    return (render_template_string(MACRO, results=results, endpoint=endpoint, args=args),
            str(pagination(results, endpoint, args)))


@pytest.mark.parametrize("total", [0, 1, 25, 26, 50, 51, 100, 150, 175, 200, 226, 5_000])
@pytest.mark.parametrize("args", [FILTERS, {"round_id": 7}], ids=["filters", "no filters"])
def test_every_page_is_the_macros(page, total, args):
    per_page = 25
    for number in range(1, max(1, -(-total // per_page)) + 1):
        macro, python = _both(Page([], number, per_page, total), "screening.round_applications", args)
        assert python == macro, f"page {number} of {total}"


def test_the_links_keep_the_filters_escaped(page):
    html = str(pagination(Page([], 2, 25, 100), "screening.round_applications", FILTERS))
    assert ('href="/screening/rounds/7?page=3&amp;q=O&#39;Brien+%26+%3CSons%3E+%22Trust%22+100%25'
            '&amp;local_authority=devon&amp;sort=amount&amp;order=desc" rel="next"') in html
    assert "<Sons>" not in html


@pytest.mark.parametrize("endpoint, args", [
    ("admin.users", {}),  # no other arguments: "?page=1" ends the link
    ("screening.round_applications", {"round_id": 7, "_anchor": "results"}),  # url_for asked for each link
])
def test_links_written_otherwise_are_the_macros_too(page, endpoint, args):
    for number in (1, 4, 9):
        macro, python = _both(Page([], number, 10, 90), endpoint, args)
        assert python == macro


@pytest.mark.parametrize("number", [1, 2, 5, 8])
def test_the_pages_macro_is_the_same(page, number):
    """macros/page.html's pagination, which the other list pages call, writes the same."""
    results = Page([], number, 25, 200)
    assert render_template_string(PAGES_MACRO, results=results, endpoint="screening.round_applications",
                                  args=FILTERS) == str(pagination(results, "screening.round_applications", FILTERS))


def test_one_page_writes_nothing(page):
    assert pagination(Page([], 1, 25, 25), "admin.users") == ""
    assert render_template_string(MACRO, results=Page([], 1, 25, 25), endpoint="admin.users", args={}) == ""
