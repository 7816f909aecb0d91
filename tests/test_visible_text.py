"""The suite's reader of pages (tests/visible_text.py) reads what a person sees and hears, and nothing
else, however the markup nests."""

from __future__ import annotations

from tests.visible_text import problems, seen_text, visible_strings

PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Your grant &ndash; PCC Grants</title><style>p { color: red }</style>
<script>var x = null;</script></head>
<body>
<!-- None of this comment is shown -->
<header><a href="/" aria-label="PCC Grants home"><img src="/logo.png" alt="OPCC logo"></a></header>
<main>
  <h1 title="Heading">Award CGS-1</h1>
  <div hidden><p>Hidden None</p><img alt="hidden image"></div>
  <input type="hidden" name="csrf_token" value="None" aria-label="not read">
  <input type="text" name="name" value="typed None" placeholder="Your name">
  <textarea name="story" aria-label="Your story">typed &lt;br&gt; None</textarea>
  <template><p>Stencil undefined</p></template>
  <p>Line one<br>line two</p>
  <svg role="img"><title>Bar chart</title><rect x="1" y="2"/></svg>
  <p>After &amp; before</p></span>
</main></body></html>"""


def test_it_reads_the_title_first_then_text_and_read_out_attributes_in_page_order():
    assert visible_strings(PAGE) == [
        "Your grant – PCC Grants",
        "PCC Grants home", "OPCC logo",
        "Heading", "Award CGS-1",
        "Your name",
        "Your story",
        "Line one", "line two",
        "Bar chart",
        "After & before",
    ]


def test_what_is_hidden_typed_or_a_script_is_not_read():
    text = seen_text(PAGE)
    for unseen in ("Hidden None", "hidden image", "not read", "typed", "Stencil", "var x", "color: red",
                   "comment"):
        assert unseen not in text
    assert problems(PAGE) == []


def test_the_end_of_a_hidden_part_is_found_past_unclosed_and_stray_tags():
    html = "<div hidden><p>Not shown<span>None</div><p>Shown</p></em><div><p>Also shown</div>"
    assert visible_strings(html) == ["Shown", "Also shown"]


def test_a_self_closed_hidden_element_hides_only_itself():
    assert visible_strings('<div><span hidden/>Seen</div>') == ["Seen"]


def test_markup_shown_as_text_and_an_escaped_entity_are_found():
    found = problems("<p>Reason: &lt;br&gt; given</p><p>Fish &amp;amp; chips</p>")
    assert [problem.split(":")[0] for problem in found] == ["markup shown as text", "an entity shown as text"]
