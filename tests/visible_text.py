"""What a person sees on a page, and the faults in it that no one meant to show.

``problems(html)`` reads a page as a person would (its text, and the few attributes that are read
out or shown: ``title``, ``aria-label``, ``alt``, ``placeholder``) and returns what looks like the
program talking rather than the service: markup shown as text (``<br>`` escaped on its way out),
``None``/``null``/``undefined``/``NaN``, a Python repr (``Decimal('1.00')``, ``<Award 3>``, an enum's
``Kind.NAME``), and dates in ISO form (``2026-03-31``) where a person should read "31 March 2026".

What a person typed and sees again in a form's controls (a textarea's text, an input's value) is not
read: the test may have typed anything there. A test that stores such words and expects them shown
as typed elsewhere says so with ``@pytest.mark.visible_text(allow=["None"])``; a test that types
arbitrary text everywhere turns the check off with ``@pytest.mark.visible_text(typed=True)``.

tests/conftest.py runs this on every HTML page the Flask test client is given; tests/browser/person.py
runs ``problems_in_text`` on the text of every page a journey's person sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

# Elements whose content is never shown (a <template> is a script's stencil), and the attributes
# a person reads or hears.
UNSEEN = ("script", "style", "template", "head")
READ_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")

CHECKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # A tag escaped on its way out: the page says "<br>" or "<strong>" where it meant a line break.
    ("markup shown as text", re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>|</?(?:a|br|p|strong|span|div)\b")),
    # Escaped twice: "&amp;" or "&lt;" on the screen.
    ("an entity shown as text", re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,5}|#x[0-9a-fA-F]{2,4});")),
    # Python's None, JavaScript's null, undefined and NaN; a word in quotes is one to type
    # ('enter “None” if there are none').
    ("a missing value", re.compile(r"(?<![\w.\-“\"])(?:None|null|undefined|NaN)(?![\w\-”\"])")),
    ("a Python repr", re.compile(
        r"Decimal\(|datetime\.(?:date|datetime|time|timedelta)\(|\[<|\{'|\['|<[A-Z]\w+ (?:\d+|id=)|"
        r"<[a-z_]+\.[\w.]+[ >]|\b[A-Z][a-z]+[A-Za-z]*\.[A-Z][A-Z_]+\b"
    )),
    ("a date in ISO form", re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")),
)

# The words as English: "None" starting a phrase ("None of these apply", "None sent") and a
# statistic that "is undefined". A Python None stands alone ("Organisation: None") or before a
# number or a capital; JavaScript's undefined stands where a value should be.
ENGLISH = {"None": re.compile(r"None [a-z]"), "undefined": re.compile(r"(?<=\bis )undefined|(?<=\bare )undefined")}


def visible_strings(html: str) -> list[str]:
    """The texts of ``html`` a person sees or hears: the page's title, its text nodes and the
    read-out attributes. Leaves out what the person typed into the form's controls."""
    soup = BeautifulSoup(html, "html.parser")
    title = soup.find("title")
    texts: list[str] = [title.get_text()] if title is not None else []
    for tag in soup.find_all(UNSEEN):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        if tag.has_attr("hidden") or (tag.name == "input" and tag.get("type") == "hidden"):
            tag.decompose()
        elif tag.name == "textarea":
            tag.clear()  # what the person typed, shown back to them
    for node in soup.descendants:
        if isinstance(node, Comment) or not isinstance(node, NavigableString | Tag):
            continue
        if isinstance(node, Tag):
            for name in READ_ATTRIBUTES:
                value = node.get(name)
                if isinstance(value, str) and value.strip():
                    texts.append(value)
        elif type(node) is NavigableString and node.strip():
            texts.append(str(node))
    return texts


def problems_in_text(texts: Iterable[str], allow: Iterable[str] = ()) -> list[str]:
    """The faults in these visible texts, as "what: 'the words around it'"; ``allow`` lists what a
    test typed and expects shown as typed (a fault inside one of those is not reported)."""
    found: list[str] = []
    for text in texts:
        typed = [(m.start(), m.end()) for words in allow if words for m in re.finditer(re.escape(words), text)]
        for what, pattern in CHECKS:
            for match in pattern.finditer(text):
                if any(start <= match.start() and match.end() <= end for start, end in typed):
                    continue
                english = ENGLISH.get(match.group(0))
                if english and english.match(text, match.start()):
                    continue
                start, end = max(0, match.start() - 40), min(len(text), match.end() + 40)
                found.append(f"{what}: {' '.join(text[start:end].split())!r}")
                break  # one report per text and kind of fault
    return list(dict.fromkeys(found))


def seen_text(response_or_html) -> str:
    """The visible text of a page (a test client's response or its HTML), as one line of words."""
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.get_data(as_text=True)
    return " ".join(" ".join(visible_strings(html)).split())


def problems(html: str, allow: Iterable[str] = ()) -> list[str]:
    """The faults a person would see on the page ``html`` (see the module's docstring)."""
    return problems_in_text(visible_strings(html), allow)
