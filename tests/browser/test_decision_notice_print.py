"""The public Decisions pages in Chromium: a visitor finds the demo's signed decision notice from
the footer, reads it (axe on every page), prints it on the letterhead without the service's
header, navigation and footer, and goes on to the grants made."""

from __future__ import annotations

import pytest

from tests.browser.person import Person

pytestmark = pytest.mark.browser

OFFICE = "Office of the Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly"


def test_a_visitor_reads_and_prints_a_signed_decision_notice(new_page, axe):
    visitor = Person(new_page(viewport={"width": 1280, "height": 900}), axe)
    visitor.goto("/")
    visitor.follow("Decisions and grants made")
    assert visitor.heading() == "Decisions"
    assert "Elected Local Policing Bodies (Specified Information) Order 2011" in visitor.text()
    title = visitor.page.locator("#decisions-list a").first.inner_text().strip()
    visitor.follow(title)
    page = visitor.page
    assert visitor.heading() == title
    number = page.locator(".govuk-caption-l").first.inner_text().removeprefix("Decision ").strip()
    text = visitor.text()
    for part in ("Summary", "Reasons for the decision", "Financial implications", "Legal basis",
                 "Conflicts of interest", "Grants awarded", "Section 9 of the Police Reform and Social Responsibility"):
        assert part in text, part

    letterhead = page.locator("#letterhead")
    assert not letterhead.is_visible()
    page.emulate_media(media="print")
    assert letterhead.is_visible()
    printed = " ".join(letterhead.inner_text().split())
    assert OFFICE in printed and f"Decision number {number}" in printed
    for chrome in (".govuk-service-navigation", ".govuk-template__header", ".govuk-footer", ".opcc-back-link",
                   ".opcc-no-print"):
        assert not page.locator(chrome).first.is_visible(), chrome
    assert letterhead.bounding_box()["y"] < page.locator("h1").bounding_box()["y"]
    assert page.pdf(format="A4").startswith(b"%PDF")
    page.emulate_media(media="screen")

    visitor.follow("See every grant made")
    assert visitor.heading() == "Grants made"
    assert page.locator("#grants-made tbody tr").count() >= 1
    assert f"Decision {number}" in visitor.text()
