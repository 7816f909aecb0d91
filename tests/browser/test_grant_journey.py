"""Journey 3 in a real browser, on the demo's decided round: the grantee of Island Recovery Walks
accepts its offer; the demo applicant, whose Harbour Recovery Café grant is reporting, submits its
second monitoring return; finance approves the instalment the acceptance made due and records its
payment, and the grantee sees it paid."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.browser.person import Person

pytestmark = pytest.mark.browser

OFFERED = "Island Recovery Walks"  # offered by the demo, waiting for acceptance
GRANTEE = "scilly@example.org"  # Scilly Wellbeing Network's demo login
REPORTING = "Harbour Recovery Café"  # the demo applicant's grant: return 2 written, not yet submitted


def test_accept_report_approve_and_pay(new_page, axe, screenshot):
    grantee = Person(new_page(), axe)
    grantee.sign_in(GRANTEE)
    grantee.goto("/grants")
    grantee.follow(OFFERED)
    grant_url = grantee.page.url
    assert "Offered" in grantee.text()
    grantee.follow("Read the agreement and accept it")
    grantee.press("Accept the grant")  # nothing filled in: the error state
    assert "Enter your full name" in grantee.errors(), grantee.errors()
    grantee.page.get_by_label("Your full name").fill("Elowen Jenkins")
    grantee.page.get_by_label("Your position in the organisation").fill("Secretary")
    grantee.page.get_by_label(re.compile("I confirm I am authorised")).check()
    grantee.press("Accept the grant")
    assert "You have accepted the grant" in grantee.page.locator("body").inner_text()
    assert "Accepted" in grantee.page.locator("main .govuk-tag").first.inner_text()

    # The demo applicant submits the return it has been writing.
    reporter = Person(new_page(), axe)
    reporter.sign_in("applicant@example.org")
    reporter.goto("/grants")
    reporter.follow(REPORTING)
    reporter.follow("Return 2")
    reporter.follow("Check your answers")
    reporter.press("Submit return")
    assert "Monitoring return 2 has been submitted" in reporter.page.locator("body").inner_text()
    reporter.goto("/grants")
    reporter.follow(REPORTING)
    returns = reporter.page.locator("section[aria-labelledby=returns]")
    assert "Submitted" in returns.locator("tr", has_text="Return 2").inner_text()

    # Finance approves the instalment that acceptance made due; a second finance officer records its
    # payment, as the one who approved it may not.
    approver = Person(new_page(), axe)
    approver.sign_in("finance@example.org")
    approver.goto("/awards/payments")
    due = approver.page.locator("#due-instalments tr", has_text="Scilly Wellbeing Network")
    assert due.count() == 1, approver.text()
    approver.press("Approve", exact=False, scope=due)
    approved = approver.page.locator("#approved-instalments tr", has_text="Scilly Wellbeing Network")
    assert "Another finance officer records this payment: you approved it" in approved.inner_text()
    finance = Person(new_page(), axe)
    finance.sign_in("finance2@example.org")
    finance.goto("/awards/payments")
    approved = finance.page.locator("#approved-instalments tr", has_text="Scilly Wellbeing Network")
    with finance.page.expect_navigation():
        approved.get_by_role("link", name=re.compile("Record payment")).click()
    axe.check(finance.page)
    finance.press("Record payment")  # the error state
    assert "Enter the date the payment was made" in finance.errors(), finance.errors()
    today = datetime.now(ZoneInfo("Europe/London")).date()
    finance.fill({"paid_on": [str(today.day), str(today.month), str(today.year)], "reference": ["BACS-ISLAND-01"]})
    finance.press("Record payment")
    paid = finance.page.locator("#paid-instalments tr", has_text="BACS-ISLAND-01")
    assert "Scilly Wellbeing Network" in paid.inner_text()

    # The grantee sees the payment.
    grantee.goto(grant_url.removeprefix(re.match(r"https?://[^/]+", grant_url).group(0)))
    paid_tag = grantee.page.locator(".govuk-tag", has_text=re.compile(r"^\s*Paid\s*$"))
    payments = grantee.page.locator("main tr", has=paid_tag)
    assert payments.count() == 1, grantee.text()
    screenshot(grantee.page)
