"""Paying on claims in Chromium, on the demo (axe on every page): the officer accepts Torbay Families
Together's waiting claim, finance sees it in the queue as a claim; the grantee reads its claims, starts a
new one and is told what is missing when it saves it empty (saved as typed, as an application is)."""

from __future__ import annotations

import pytest

from tests.browser.person import Person

pytestmark = pytest.mark.browser

GRANT = "Family Breakfast Club"  # grants/demo/claims.py


def test_a_claim_is_checked_then_paid_like_any_instalment(new_page, axe):
    officer = Person(new_page(), axe)
    officer.sign_in("officer@example.org")
    officer.goto("/awards")
    officer.follow("Claims")  # the menu's list of claims across awards, those waiting first
    assert officer.heading() == "Claims"
    waiting = officer.page.locator("tbody tr").first
    assert "Torbay Families Together" in waiting.inner_text() and "Submitted" in waiting.inner_text()
    officer.follow("Claim 2", exact=False)
    assert officer.heading() == "Claim 2 of £600.00"
    officer.press("Save decision")  # no decision: the error state
    assert officer.errors(), "the decision is asked for"
    officer.page.get_by_label("Accept: the claim is paid as claimed").check()
    officer.press("Save decision")
    assert "Accepted" in officer.text()
    officer.sign_out()

    finance = Person(new_page(), axe)
    finance.sign_in("finance@example.org")
    finance.goto("/awards/payments")
    due = finance.page.locator("#due-instalments tr", has_text="Torbay Families Together")
    assert "Claim 2" in due.inner_text()
    finance.sign_out()

    grantee = Person(new_page(), axe)
    grantee.sign_in("torbay@example.org")
    grantee.goto("/grants")
    grantee.follow(GRANT, exact=False)
    grantee.press("Make a claim")
    assert grantee.heading().startswith("Claim 3")
    grantee.press("Save and continue")  # nothing entered: saved as typed, the check page says what is missing
    assert grantee.heading() == "Check your claim before you submit it"
    text = grantee.text()
    for missing in ("You cannot submit this claim yet", "Enter the spend on at least one budget line",
                    "Upload at least one piece of evidence of the spend, such as a receipt or an invoice"):
        assert missing in text, missing
