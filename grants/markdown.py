"""Markdown written by staff (a round's description and guidance), rendered safely for the public.

Raw HTML is not rendered but shown as typed; links may only use web, email and phone addresses (or
point within the site); images are off, since the Content Security Policy would block others' images
and a remote image is a way to track readers. Headings start at level 2 because the page has its own
``<h1>``, and elements get GOV.UK Frontend classes so the text looks like the rest of the page.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markupsafe import Markup

# Schemes a link may use; a link without a scheme (a path or "#anchor") is always allowed.
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
# Browsers ignore these inside a scheme ("java\tscript:"), so they are removed before the check.
_IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]+")

_CLASSES = {
    "paragraph_open": "govuk-body",
    "bullet_list_open": "govuk-list govuk-list--bullet",
    "ordered_list_open": "govuk-list govuk-list--number",
    "link_open": "govuk-link",
    "table_open": "govuk-table",
    "thead_open": "govuk-table__head",
    "tbody_open": "govuk-table__body",
    "tr_open": "govuk-table__row",
    "th_open": "govuk-table__header",
    "td_open": "govuk-table__cell",
    "blockquote_open": "govuk-inset-text",
    "hr": "govuk-section-break govuk-section-break--m govuk-section-break--visible",
}
# Markdown heading level -> (HTML tag, GOV.UK class): "#" and "##" both become <h2>.
_HEADINGS = {
    "h1": ("h2", "govuk-heading-m"),
    "h2": ("h2", "govuk-heading-m"),
    "h3": ("h3", "govuk-heading-s"),
}


def link_is_safe(url: str) -> bool:
    """Whether a link to ``url`` may be shown: a path or anchor, or an allowed scheme."""
    cleaned = _IGNORED_BY_BROWSERS.sub("", url)
    match = _SCHEME.match(cleaned)
    return match is None or match.group(1).lower() in ALLOWED_SCHEMES


def _govuk_classes(state) -> None:
    """A core rule: give block and inline tokens their GOV.UK classes and heading levels."""
    for token in state.tokens:
        _style(token)
        for child in token.children or ():
            _style(child)


def _style(token) -> None:
    if token.type in {"heading_open", "heading_close"}:
        token.tag, css = _HEADINGS.get(token.tag, ("h4", "govuk-heading-s"))
        if token.type == "heading_open":
            token.attrSet("class", css)
        return
    if css_class := _CLASSES.get(token.type):
        token.attrSet("class", css_class)


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable(["table", "strikethrough"])
    parser.disable("image")
    parser.validateLink = link_is_safe  # type: ignore[method-assign]
    parser.core.ruler.push("govuk_classes", _govuk_classes)
    return parser


_PARSER = _parser()


def render_markdown(text: str | None) -> Markup:
    """``text`` as safe HTML; empty for no text."""
    if not text:
        return Markup("")
    return Markup(_PARSER.render(text))
