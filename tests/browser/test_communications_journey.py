"""Issue 23's pages in Chromium on the demo, with axe on each: the thread on an award, written to by
the grants officer and answered by the organisation; a message to every panel member of a round,
checked and sent; the late panel member on the round's page; an administrator's edit of an email
template, refused for an unknown placeholder, previewed and saved; and the 360Giving spreadsheet made
in the background and downloaded."""

from __future__ import annotations

import time

import pytest

from tests.browser.person import Person

pytestmark = pytest.mark.browser

ROUND = "Commissioners Grant 2026: young people and county lines"


def test_the_officer_and_the_organisation_write_in_the_thread(new_page, axe):
    officer = Person(new_page(), axe, typed=("Could you send the volunteers' rota?",))
    officer.sign_in("officer@example.org")
    officer.goto("/messages/")
    assert officer.heading() == "Messages"
    officer.follow("CGS-2026-0001", exact=False)
    assert "Harbour Recovery Café" in officer.text()
    officer.page.get_by_label("Your message", exact=True).fill("Could you send the volunteers' rota?")
    officer.press("Send message")
    assert "Could you send the volunteers' rota?" in officer.text()
    officer.sign_out()

    applicant = Person(new_page(), axe, typed=("Could you send the volunteers' rota?", "Here it is."))
    applicant.sign_in("applicant@example.org")
    applicant.goto("/grants")
    applicant.follow("Harbour Recovery Café", exact=False)
    applicant.follow("Messages", exact=False)
    assert "Could you send the volunteers' rota?" in applicant.text()
    applicant.page.get_by_label("Your message", exact=True).fill("Here it is.")
    applicant.press("Send message")
    assert "Here it is." in applicant.text()


def test_a_message_to_the_panel_is_checked_then_sent_and_the_late_member_is_shown(new_page, axe):
    officer = Person(new_page(), axe, typed=("Scores due", "Please finish your scoring this week."))
    officer.sign_in("officer@example.org")
    officer.goto("/messages/bulk")
    officer.follow("Write a message")
    officer.page.get_by_label("Every panel member").check()
    officer.page.locator("select[name=round_for_round_panel]").select_option(label=ROUND)
    officer.page.get_by_label("Subject").fill("Scores due")
    officer.page.get_by_label("Message", exact=True).fill("Please finish your scoring this week.")
    officer.press("Continue")
    assert officer.heading() == "Check your message before sending"
    assert "Please finish your scoring this week." in officer.text()
    officer.press("Send message")
    assert "panel@example.org" in officer.text()

    officer.goto("/panel/rounds")
    officer.follow(ROUND, exact=False)
    late = officer.page.locator("#late").inner_text()
    assert "Priya Panel" in late


def test_an_administrator_changes_an_email(new_page, axe):
    admin = Person(new_page(), axe, typed=("((aplicant name))", "Dear ((contact name)), we have it."))
    admin.sign_in("admin@example.org")
    admin.goto("/admin/emails")
    admin.follow("Application received")
    assert "Filled in with a real record" in admin.text()
    admin.follow("Change this email")
    admin.page.get_by_label("Message", exact=True).fill("Dear ((aplicant name)),")
    admin.press("Save")
    assert admin.errors() == [
        "Body uses ((aplicant name)), which this email does not know. Use only the placeholders listed"]
    admin.page.get_by_label("Message", exact=True).fill("Dear ((contact name)), we have it.")
    admin.press("Preview")
    assert "we have it." in admin.page.locator(".opcc-email-preview").inner_text()
    admin.press("Save")
    assert "Saved version 1" in admin.page.locator(".govuk-notification-banner").inner_text()


def test_the_360giving_spreadsheet_is_made_in_the_background(new_page, axe):
    officer = Person(new_page(), axe)
    officer.sign_in("officer@example.org")
    officer.goto("/awards/open-data")
    officer.press("Make the spreadsheet (xlsx)")
    for _ in range(40):  # the job runs in a thread of the server: a moment
        if "Your file is ready" in officer.text():
            break
        time.sleep(0.25)
        officer.follow("Check whether it is ready")
    assert "Your file is ready" in officer.text()
    with officer.page.expect_download() as download:
        officer.page.get_by_role("link", name="Download 360giving-", exact=False).click()
    assert download.value.suggested_filename.endswith(".xlsx")
