"""Payment controls in Chromium, on the demo (axe on every page): a grantee's change of bank details
waits masked until a finance officer records the call-back that verifies it; a second finance officer
marks the demo's payment run paid (the one who approved its payment may not) after checking its
files are there; an administrator changes the hold after a change of bank details in the office
settings; the portfolio shows the money back."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.browser.person import Person

pytestmark = pytest.mark.browser


def test_bank_details_are_verified_by_call_back_and_a_run_is_paid_by_a_second_officer(new_page, axe):
    grantee = Person(new_page(), axe)
    grantee.sign_in("pastors@example.org")
    grantee.goto("/grants")
    grantee.follow("bank details")
    assert grantee.heading() == "Bank details"
    text = grantee.text()
    assert "Change waiting to be checked" in text and "••••3847" in text and "10293847" not in text
    grantee.press("Send for checking")  # nothing filled in: the error state
    assert grantee.errors() == ["Enter the name on the account", "Enter the sort code", "Enter the account number"]
    grantee.sign_out()

    finance = Person(new_page(), axe)
    finance.sign_in("finance@example.org")
    finance.follow("Bank details")
    finance.follow("Exeter Street Pastors", exact=False)
    assert finance.heading() == "Check new bank details"
    assert "30-98-97" in finance.text() and "10293847" in finance.text()  # read back on the call
    finance.press("Record the call")
    assert "Select whether the contact confirmed the new bank details" in finance.errors()
    finance.fill({"outcome": ["confirmed"], "callback_contact": ["David Okafor, coordinator"],
                  "callback_phone": ["01392 000 000"],
                  "callback_note": ["Confirmed the change and read back the new sort code and account number"]})
    finance.press("Record the call")
    assert "Bank details of Exeter Street Pastors verified: payments now go to them" in finance.text()
    assert "No bank details are waiting for verification." in finance.text()

    # The demo's run holds a payment finance@ approved: finance2@ marks it paid.
    finance.goto("/awards/payment-runs")
    run = finance.page.locator("main table tbody tr").first.locator("th").inner_text().strip()
    finance.follow(run)
    assert "Bacs payment file (Standard 18 records) for " + run in finance.text()
    finance.sign_out()

    payer = Person(new_page(), axe)
    payer.sign_in("finance2@example.org")
    payer.goto("/awards/payment-runs")
    payer.follow(run)
    payer.press("Mark every payment in the run as paid")  # no date: the error state
    assert payer.errors() == ["Enter the date the run was paid"]
    today = datetime.now(ZoneInfo("Europe/London")).date()
    payer.fill({"paid_on": [str(today.day), str(today.month), str(today.year)]})
    payer.press("Mark every payment in the run as paid")
    assert re.search(rf"Payment run {run}: 1 payment recorded as paid", payer.text()), payer.text()
    assert "Status Paid" in " ".join(payer.text().split())
    payer.goto("/awards/dashboard")
    assert payer.page.locator("caption", has_text="Money back by round").count() == 1
    payer.sign_out()

    admin = Person(new_page(), axe, typed=("21",))
    admin.sign_in("admin@example.org")
    admin.follow("Settings")
    assert admin.heading() == "Office settings"
    admin.page.get_by_label("Days a change of bank details needs a second approval").fill("400")
    admin.press("Save settings")
    assert admin.errors() == ["Days a change of bank details needs a second approval must be a whole number from 0 "
                              "to 365"]
    admin.page.get_by_label("Days a change of bank details needs a second approval").fill("21")
    admin.press("Save settings")
    assert "Settings saved" in admin.page.locator("body").inner_text()
