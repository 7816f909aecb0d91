"""The grant offer letter printed (or saved as a PDF) from Chromium: on the OPCC's letterhead, without
the service's header, navigation and footer (issue 18, finding 9)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.person import Person

pytestmark = pytest.mark.browser

OFFICE = "Office of the Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly"


def test_the_offer_letter_prints_on_the_letterhead_without_the_sites_navigation(new_page, axe):
    officer = Person(new_page(viewport={"width": 1280, "height": 900}), axe)
    officer.sign_in("officer@example.org")
    officer.goto("/awards")
    first_award = officer.page.locator("#awards-table tbody th a").first
    reference = first_award.locator("xpath=..").locator(".govuk-body-s").inner_text().strip()
    award_path = urlsplit(first_award.get_attribute("href")).path
    officer.goto(f"{award_path}/offer-letter")
    page = officer.page
    letterhead = page.locator("#letterhead")
    navigation = page.locator(".govuk-service-navigation")

    # On screen: the service's header and navigation, no letterhead.
    assert navigation.is_visible() and page.locator(".govuk-template__header").is_visible()
    assert not letterhead.is_visible()

    page.emulate_media(media="print")
    assert letterhead.is_visible()
    printed = letterhead.inner_text()
    assert OFFICE in printed
    assert f"Our reference\n{reference}" in printed or f"Our reference {reference}" in " ".join(printed.split())
    assert "Date" in printed
    for chrome in (".govuk-service-navigation", ".govuk-template__header", ".govuk-footer", ".opcc-back-link"):
        assert not page.locator(chrome).is_visible(), chrome
    # The letterhead comes first on the printed page, above the letter's heading.
    assert letterhead.bounding_box()["y"] < page.locator("h1").bounding_box()["y"]
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
