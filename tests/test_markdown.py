"""Markdown from staff, rendered safely: no raw HTML, no script links, GOV.UK styles."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from grants.markdown import link_is_safe, render_markdown


def test_markdown_becomes_govuk_styled_html():
    html = render_markdown(
        "# Title\n\nSome **bold** text.\n\n- one\n- two\n\n1. first\n\n### Small"
    )
    assert isinstance(html, Markup)
    assert '<h2 class="govuk-heading-m">Title</h2>' in html  # the page has its own <h1>
    assert '<p class="govuk-body">Some <strong>bold</strong> text.</p>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert '<ol class="govuk-list govuk-list--number">' in html
    assert '<h3 class="govuk-heading-s">Small</h3>' in html


@pytest.mark.parametrize("text", ["", None])
def test_no_text_renders_nothing(text):
    assert render_markdown(text) == ""


@pytest.mark.parametrize(
    "text, escaped",
    [
        ("<script>alert('x')</script>", "&lt;script&gt;alert('x')&lt;/script&gt;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        (
            '<a href="https://evil.example">hi</a>',
            "&lt;a href=&quot;https://evil.example&quot;&gt;hi&lt;/a&gt;",
        ),
        ("<div>\nblock html\n</div>", "&lt;div&gt;"),
        ("<!-- comment -->", "&lt;!-- comment --&gt;"),
        ('<iframe src="https://evil.example"></iframe>', "&lt;iframe"),
    ],
)
def test_raw_html_is_shown_as_text(text, escaped):
    html = render_markdown(text)
    assert escaped in html
    assert (
        "<script" not in html
        and "<img" not in html
        and "<iframe" not in html
        and "<div" not in html
    )


@pytest.mark.parametrize(
    "text",
    [
        "[click](javascript:alert(1))",
        "[click](JavaScript:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[click](  javascript:alert(1))",
        "<javascript:alert(1)>",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](file:///etc/passwd)",
        '[click][ref]\n\n[ref]: javascript:alert(1) "title"',
    ],
)
def test_links_with_dangerous_schemes_are_not_links(text):
    html = render_markdown(text)
    assert "href" not in html
    assert "<a" not in html


def test_images_are_not_rendered():
    html = render_markdown("![tracker](https://evil.example/pixel.png)")
    assert "<img" not in html


@pytest.mark.parametrize(
    "url",
    [
        "https://www.gov.uk",
        "http://example.org",
        "mailto:grants@opcc.example.org",
        "tel:+441632960001",
        "/rounds",
        "#guidance",
        "guidance.pdf",
    ],
)
def test_safe_links_are_kept_and_styled(url):
    html = render_markdown(f"[link]({url})")
    assert f'href="{url}"' in html
    assert 'class="govuk-link"' in html


@pytest.mark.parametrize(
    "url, safe",
    [
        ("https://example.org", True),
        ("/path?q=1", True),
        ("javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        (" JAVASCRIPT:alert(1)", False),
        ("\x01javascript:alert(1)", False),
        ("data:image/png;base64,xx", False),
        ("ftp://example.org", False),
    ],
)
def test_link_is_safe(url, safe):
    assert link_is_safe(url) is safe


def test_the_markdown_filter_is_registered(app):
    with app.app_context():
        template = app.jinja_env.from_string("{{ text | markdown }}")
        assert template.render(text="<b>hi</b> **there**") == (
            '<p class="govuk-body">&lt;b&gt;hi&lt;/b&gt; <strong>there</strong></p>\n'
        )
