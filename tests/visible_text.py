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
from html.parser import HTMLParser

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


# Elements with no end tag: they hold nothing, so they never open a part of the page.
VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                  "track", "wbr", "basefont", "bgsound", "command", "frame", "image", "isindex", "keygen",
                  "menuitem", "nextid", "spacer"))


class _Reader(HTMLParser):
    """Reads a page in one pass, as a person would: what ``visible_strings`` says, in the page's order.

    An element that is never shown (``UNSEEN``, or with the ``hidden`` attribute) is skipped with all it
    holds, attributes included; a textarea's own attributes are read, not what was typed into it. An end
    tag closes the nearest open element of its name, and one that closes nothing is ignored (as
    BeautifulSoup's html.parser tree does, which this replaces: it read every page the suite's client
    was given at three times the cost)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.title: list[str] | None = None  # the first <title>'s text, shown first
        self.title_depth = -1
        self.open: list[str] = []
        self.skip_from = -1  # depth of the unseen element being skipped, -1 when none
        self.typed_from = -1  # depth of the textarea being read, -1 when none

    def _enter(self, tag: str, attrs: list[tuple[str, str | None]], void: bool) -> None:
        if tag == "title" and self.title is None and not void:
            self.title, self.title_depth = [], len(self.open)
        if self.skip_from < 0:
            unseen = tag in UNSEEN or any(name == "hidden" for name, _value in attrs) or (
                tag == "input" and any(name == "type" and value == "hidden" for name, value in attrs))
            if unseen:
                if not void:
                    self.skip_from = len(self.open)
            else:
                for name in READ_ATTRIBUTES:
                    value = next((value for key, value in attrs if key == name), None)
                    if isinstance(value, str) and value.strip():
                        self.texts.append(value)
                if tag == "textarea" and not void and self.typed_from < 0:
                    self.typed_from = len(self.open)
        if not void:
            self.open.append(tag)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._enter(tag, attrs, tag in VOID)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._enter(tag, attrs, True)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.open:
            return
        depth = len(self.open) - 1 - self.open[::-1].index(tag)
        del self.open[depth:]
        if self.skip_from >= depth:
            self.skip_from = -1
        if self.typed_from >= depth:
            self.typed_from = -1
        if self.title_depth >= depth:
            self.title_depth = -2  # the first title is read

    def handle_data(self, data: str) -> None:
        if self.title is not None and self.title_depth >= 0:
            self.title.append(data)
        if self.skip_from < 0 and self.typed_from < 0 and data.strip():
            self.texts.append(data)


def visible_strings(html: str) -> list[str]:
    """The texts of ``html`` a person sees or hears: the page's title, its text nodes and the
    read-out attributes. Leaves out what the person typed into the form's controls."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    title = ["".join(reader.title)] if reader.title is not None else []
    return title + reader.texts


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
