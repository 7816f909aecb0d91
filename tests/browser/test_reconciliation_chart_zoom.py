"""The reconciliation page's waterfall chart at 400% zoom, in Chromium: the same checks as the
co-commissioning charts (tests/browser/test_chart_zoom.py): labels as big as body text, inside the
chart and clear of each other, the chart scrolling in its own focusable box named by its caption."""

from __future__ import annotations

import pytest

from tests.browser.person import Person
from tests.browser.test_chart_zoom import _check_charts

pytestmark = pytest.mark.browser


def test_the_waterfall_chart_reads_at_400_percent_zoom(new_page, axe, screenshot):
    commissioner = Person(new_page(viewport={"width": 320, "height": 256}, device_scale_factor=4), axe)
    commissioner.sign_in("commissioner@example.org")
    commissioner.goto("/social-return/reconciliation")
    assert _check_charts(commissioner.page) == 1
    labels = commissioner.page.locator("svg#waterfall-chart text").all_text_contents()
    assert "Not explained by published inputs" in labels
    screenshot(commissioner.page)
