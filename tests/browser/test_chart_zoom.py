"""The co-commissioning charts at 400% zoom, in Chromium (issue 18, finding 13).

A 1280-pixel-wide screen zoomed to 400% lays a page out 320 CSS pixels wide, with four device
pixels to each CSS pixel; Playwright emulates exactly that with a 320-pixel viewport and a device
scale factor of 4. Zoom enlarges every CSS pixel alike, so what matters is whether a chart's text
keeps its size relative to the page's. The criterion: each chart label's rendered font size (its
font size in the SVG's units times the units' scale to CSS pixels, from getScreenCTM) is at least
the computed font size of the page's body text. A reader who zoomed until body text was big enough
to read can then read the charts too, at any zoom. (Before the fix a chart shrank to the 320-pixel
column and its text came out at about 6 CSS pixels, against 19 for body text.)

Also, with the font the browser really used: every label's box (getBBox) lies inside its chart's
view box and none overlaps another; a chart wider than the screen scrolls inside its own box,
which is a keyboard stop named by the figure's caption, and never makes the page scroll sideways;
and axe-core finds nothing serious on each page at this size.
"""

from __future__ import annotations

from itertools import combinations

import pytest

from tests.browser.person import Person

pytestmark = pytest.mark.browser

HYBRID = "All five PCCs, hybrid split (25% need, 75% caseload)"
PAIR = "Devon and Cornwall, Dorset, and Wiltshire and Swindon: population split"

MEASURE = """(svg) => {
  const box = svg.viewBox.baseVal;
  const wrapper = svg.closest('.opcc-chart-wrapper');
  return {
    id: svg.id,
    width: box.width,
    height: box.height,
    texts: [...svg.querySelectorAll('text')].map((text) => {
      const ctm = text.getScreenCTM();
      const bbox = text.getBBox();
      return {
        text: text.textContent,
        size: parseFloat(text.getAttribute('font-size')) * Math.hypot(ctm.a, ctm.b),
        box: [bbox.x, bbox.y, bbox.x + bbox.width, bbox.y + bbox.height],
      };
    }),
    scrolls: wrapper.scrollWidth > wrapper.clientWidth,
    wrapperRight: wrapper.getBoundingClientRect().right,
    tabIndex: wrapper.tabIndex,
    label: document.getElementById(wrapper.getAttribute('aria-labelledby')).textContent.trim(),
  };
}"""
BODY_TEXT = "() => parseFloat(getComputedStyle(document.querySelector('main p.govuk-body')).fontSize)"


def _check_charts(page) -> int:
    body = page.evaluate(BODY_TEXT)
    width = page.evaluate("() => window.innerWidth")
    assert width == 320
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    charts = [svg.evaluate(MEASURE) for svg in page.locator("svg.opcc-chart").all()]
    assert charts, (page.url, page.locator("main").inner_text()[:400])
    for chart in charts:
        assert chart["texts"], chart["id"]
        for text in chart["texts"]:
            assert text["size"] >= body - 0.01, (chart["id"], text["text"], text["size"], body)
            left, top, right, bottom = text["box"]
            assert left >= 0 and top >= 0 and right <= chart["width"] and bottom <= chart["height"], (
                chart["id"], text["text"], text["box"], chart["width"], chart["height"])
        for first, second in combinations(chart["texts"], 2):
            a, b = first["box"], second["box"]
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (
                chart["id"], first["text"], second["text"])
        # Wider than the screen: it scrolls in its own box, which the keyboard can reach.
        assert chart["scrolls"] and chart["wrapperRight"] <= width + 0.5 and chart["tabIndex"] == 0, chart["id"]
        assert chart["label"], chart["id"]
    return len(charts)


def test_chart_text_is_as_big_as_body_text_at_400_percent_zoom(new_page, axe, screenshot):
    commissioner = Person(new_page(viewport={"width": 320, "height": 256}, device_scale_factor=4), axe)
    commissioner.sign_in("commissioner@example.org")
    commissioner.goto("/co-commissioning")
    commissioner.follow(HYBRID)
    assert _check_charts(commissioner.page) == 2
    screenshot(commissioner.page, "-scenario")
    scenario_url = commissioner.page.url

    commissioner.goto(scenario_url.split("?")[0] + "/sensitivity")  # its first view: the scale from 50% to 100%
    assert _check_charts(commissioner.page) == 1
    labels = commissioner.page.locator("svg#sensitivity-chart text").all_text_contents()
    assert "100.0%" in labels  # the label the issue found cut off
    screenshot(commissioner.page, "-sensitivity")

    commissioner.goto("/co-commissioning")
    for name in (HYBRID, PAIR):
        commissioner.page.get_by_label(f"Compare {name}").check()
    commissioner.press("Compare selected scenarios")
    assert _check_charts(commissioner.page) == 2
    screenshot(commissioner.page, "-compare")
