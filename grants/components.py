"""GOV.UK components written in Python, for the components a page repeats many times.

A Jinja macro builds its markup a piece at a time (each ``{{ }}`` a lookup, a filter, an escape): an
application page's nine summary cards of about ten rows cost a few milliseconds that way. These give
the same markup, character for character, as govuk-frontend-jinja's macro for the same parameters
(tests/test_component_macros.py renders both and compares); grants/templates/macros/components.html
wraps them, so a template imports them like the other hand-written components.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2.filters import do_indent
from markupsafe import Markup, escape

_MISSING = object()


def _shown(value: Any) -> Markup:
    """``{{ value }}`` as Jinja writes it with autoescape: escaped, "None" for None."""
    return escape(value)


def _cell(part: Mapping[str, Any] | None, card: bool, html_indent: int) -> Markup:
    """A row's key or value: its ``html`` as given (trimmed, and indented to the list's depth), else its
    ``text`` escaped (indented inside a card), else nothing."""
    part = part or {}
    html = part.get("html")
    if html:
        return Markup(do_indent(Markup(html).strip(), html_indent))
    text = part.get("text", _MISSING)
    if text is _MISSING:
        return Markup("")
    if card:
        return escape(do_indent(text if isinstance(text, Markup) else str(text), 4))
    return _shown(text)


def summary_list(params: Mapping[str, Any]) -> Markup:
    """govukSummaryList: rows of a key and a value (each ``text`` or ``html``), with no actions of their
    own, as a card when ``card`` is given (its title's ``text`` and ``headingLevel``, and at most one
    action: ``href``, ``text``, ``visuallyHiddenText``)."""
    card = params.get("card")
    in_card = bool(card)
    pad = "    " if card else ""
    html_indent = 10 if card else 6
    parts = ['<dl class="govuk-summary-list">\n']
    for row in params.get("rows") or ():
        if not row:
            continue
        parts += [
            pad, '  <div class="govuk-summary-list__row">\n',
            pad, '    <dt class="govuk-summary-list__key">\n',
            pad, "      ", _cell(row.get("key"), in_card, html_indent), "\n",
            pad, "    </dt>\n",
            pad, '    <dd class="govuk-summary-list__value">\n',
            pad, "      ", _cell(row.get("value"), in_card, html_indent), "\n",
            pad, "    </dd>\n",
            pad, "  </div>\n",
        ]
    parts += [pad, "</dl>"]
    listed = "".join(parts)
    if not card:
        return Markup(listed)
    title = card.get("title") or {}
    title_text = escape(title.get("text", ""))
    level = escape(title.get("headingLevel") or 2)
    actions = card.get("actions")
    items = actions.get("items") if actions else None
    action = items[0] if items else None
    out = [
        '<div class="govuk-summary-card">\n',
        '  <div class="govuk-summary-card__title-wrapper">\n',
        f'    <h{level} class="govuk-summary-card__title">\n',
        f"      {title_text}\n",
        f"    </h{level}>\n",
    ]
    if action:
        hidden = action.get("visuallyHiddenText")
        out += [
            '    <div class="govuk-summary-card__actions">\n',
            f'      <a class="govuk-link" href="{escape(action.get("href", ""))}">{escape(action.get("text", ""))}'
            f'<span class="govuk-visually-hidden">{" " + escape(hidden) if hidden else ""} ({title_text})</span></a>\n',
            "    </div>\n",
        ]
    out += [
        "  </div>\n",
        "\n",
        '  <div class="govuk-summary-card__content">\n',
        f"    {listed}\n",
        "  </div>\n",
        "</div>\n",
    ]
    return Markup("".join(out))
