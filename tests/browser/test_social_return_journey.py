"""Journey 6 in a real browser: the social-return calculator. Enter the inputs, read the result,
follow the shareable link in another browser (another person), get the same figures."""

from __future__ import annotations

import re

import pytest

from tests.browser.person import Person

pytestmark = pytest.mark.browser

INPUTS = {"clients-opiate": "1200", "completions-opiate": "300", "clients-alcohol": "900",
          "completions-alcohol": "420", "cost": "2,400,000", "seed": "2026"}


def _figures(person: Person) -> list[str]:
    """Every money figure and return per pound on the page, in order."""
    return re.findall(r"£[\d,]+(?:\.\d+)?", person.text())


def test_estimate_and_share_the_social_return(new_page, axe, screenshot):
    commissioner = Person(new_page(), axe)
    commissioner.sign_in("commissioner@example.org")
    commissioner.goto("/social-return")

    # A mistake first: more completions than clients.
    commissioner.fill({"clients-opiate": ["100"], "completions-opiate": ["250"]})
    commissioner.press("Calculate")
    assert commissioner.errors()

    commissioner.fill({"clients-opiate": [""], "completions-opiate": [""]})
    commissioner.fill({name: [value] for name, value in INPUTS.items()})
    commissioner.page.get_by_label("Total cost of treatment").check()
    commissioner.press("Calculate")
    assert not commissioner.errors(), commissioner.errors()
    result = _figures(commissioner)
    assert len(result) > 3, commissioner.text()
    shared = commissioner.page.url
    assert "clients-opiate=1200" in shared  # the form is a GET: the address is the estimate

    # Someone else follows the link and sees the same figures.
    finance = Person(new_page(), axe)
    finance.sign_in("finance@example.org")
    finance.goto(shared.removeprefix(re.match(r"https?://[^/]+", shared).group(0)))
    assert _figures(finance) == result
    screenshot(finance.page)


def test_the_preset_leads_to_why_its_figure_differs_from_the_plans(new_page, axe, screenshot):
    commissioner = Person(new_page(), axe)
    commissioner.sign_in("commissioner@example.org")
    commissioner.goto("/social-return")
    commissioner.follow("See the Devon and Cornwall preset beside the plan’s reported figure")
    commissioner.follow("Why the model’s figure differs from the plan’s, step by step")
    assert commissioner.heading() == "Why the model’s figure differs from the plan’s £59,478,661"
    assert commissioner.page.get_by_role("img", name="Waterfall chart from the model’s figure to the plan’s, "
                                         "one bar per step").count() == 1
    assert "Not explained by published inputs" in commissioner.text()
    screenshot(commissioner.page)
