"""Due diligence in Chromium, on the demo (axe on every page): an officer finds the late bid held from
the panel, is refused when passing it, reads the register check's warning, marks the insurance met and
the register check not met, and the bid stays held, naming what is left; an administrator reads which
register extracts the checks use."""

from __future__ import annotations

import pytest

from tests.browser.person import Person

pytestmark = pytest.mark.browser

ROUND = "Commissioners Grant 2026: young people and county lines"
BID = "Penzance Late Kitchen"  # grants/demo/due_diligence.py
NOTE = "Companies House lists a proposal to strike the company off; we have asked the directors why."


def test_an_officer_works_through_a_held_bid(new_page, axe):
    officer = Person(new_page(), axe, typed=(NOTE,))
    officer.sign_in("officer@example.org")
    officer.goto("/screening")
    officer.follow(ROUND)
    reference = officer.page.locator("tr", has_text=BID).locator("td, th").first.inner_text().strip()
    officer.follow(reference)
    held = " ".join(officer.page.locator("#held-by-due-diligence").inner_text().split())
    assert "Insurance (not met) and Register checks (not marked)" in held

    officer.page.get_by_label("Eligible: send to the panel for assessment").check()
    officer.press("Save screening decision")
    assert "cannot go to the panel" in officer.text() and "Nothing was changed" in officer.text()
    assert "Submitted" in officer.text()

    officer.follow("See the due diligence and register checks")
    assert officer.heading() == "Due diligence"
    assert "Proposal to strike off" in officer.text()
    assert "Checked against the Companies House basic company data of 1 December 2026" in officer.text()

    officer.follow("Change Insurance")
    officer.page.get_by_label("Met", exact=True).check()
    officer.press("Save finding")
    assert f"“Insurance” marked met for {reference}" in officer.text()

    officer.follow("Mark Register checks")
    assert "What the registers say" in officer.text()
    officer.page.get_by_label("Met", exact=True).check()
    officer.press("Save finding")
    assert any("Register checks cannot be marked met: Proposal to strike off" in error for error in officer.errors())
    officer.page.get_by_label("Not met", exact=True).check()
    officer.page.get_by_label("Note").fill(NOTE)
    officer.press("Save finding")
    assert NOTE in officer.text()

    officer.follow(f"Back to {reference}")
    held = " ".join(officer.page.locator("#held-by-due-diligence").inner_text().split())
    assert held.endswith("Register checks (not met). Due diligence")
    officer.sign_out()

    admin = Person(new_page(), axe)
    admin.sign_in("admin@example.org")
    admin.goto("/home")
    admin.follow("Registers")
    assert admin.heading() == "Registers"
    assert "publicextract.charity.txt" in admin.text()
    assert "BasicCompanyDataAsOneFile-2026-12-01.csv" in admin.text()
