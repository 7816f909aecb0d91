"""A first-time applicant in a real browser: from the start page's open round to a submitted
application, answering the eligibility questions once. What they read at each step: the round and
when it closes, that they can apply, the organisation form already holding their type, income and
contact, the application started for them, and the next step on each list."""

from __future__ import annotations

import re
from datetime import time

import pytest
from sqlalchemy import select

from grants.formatting import LONDON, london_datetime
from grants.models.rounds import FundingRound
from tests.blueprints.applications.answers import VALID
from tests.browser.inbox import Inbox
from tests.browser.person import Person, pdf_bytes
from tests.browser.test_applicant_journey import DOCUMENTS, ROUND, SECTIONS, answer, answer_subsidy_control

pytestmark = pytest.mark.browser

NAME, EMAIL, PASSWORD = "Demelza Rowe", "demelza@newquay-recovery.example.org", "puffin-harbour-lantern"
ORGANISATION = "Newquay Recovery Circle"


def _closes(served_db) -> str:
    """The demo's one-stage round's closing time as the pages write it, read from the served database
    (the demo set it 30 days from the day it was seeded, which is not today when a run passes midnight)."""
    with served_db.connect() as connection:
        # UTCDateTime reads it back in UTC, on SQLite as on PostgreSQL
        closes = connection.execute(select(FundingRound.closes_at).where(FundingRound.name == ROUND)).scalar_one()
    assert closes.astimezone(LONDON).time() == time(17, 0), "the demo's round closes at 5pm UK time"
    return london_datetime(closes)


def _next_step(person: Person, title: str) -> str:
    """The "What to do next" cell of the application's row on the applications list."""
    row = person.page.locator("main tbody tr", has_text=title)
    return " ".join(row.locator("td").last.inner_text().split())


def test_a_newcomer_applies_answering_eligibility_once(page, axe, inbox: Inbox, screenshot, served_db):
    person = Person(page, axe, typed=(ORGANISATION,))

    # The start page: the open round, when it closes, and a way in.
    person.goto("/")
    text = person.text()
    assert "Funding rounds open now" in text and ROUND in text
    assert f"Closes {_closes(served_db)} (UK time)" in text, text
    person.follow(f"Check if you can apply to {ROUND}")
    assert person.heading() == "Check if you can apply"

    # The eligibility questions, answered once.
    page.get_by_label("Registered charity", exact=True).check()
    page.get_by_role("group", name=re.compile("Will the work take place")).get_by_label("Yes").check()
    page.get_by_label("What is your organisation's annual income?").fill("25000")
    page.get_by_label("How much do you want to ask for?").fill("3600")
    person.press("Check eligibility")
    assert person.heading() == "You can apply to this round"
    assert "We keep your answers: you will not be asked them again" in person.text()
    person.follow("Create an account")

    # An account: name and email, the emailed link, a password.
    page.get_by_label("Full name").fill(NAME)
    page.get_by_label("Email address").fill(EMAIL)
    person.press("Continue")
    assert person.heading() == "Check your email"
    person.goto(inbox.link(EMAIL, "/register/"))
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    person.press("Create account")

    # The organisation form already holds the answers and the contact.
    assert person.heading() == "Tell us about your organisation"
    text = person.text()
    assert f"Applying to {ROUND}" in text
    assert "We have filled in your organisation's type and annual income from your answers" in text
    assert page.get_by_label("Registered charity", exact=True).is_checked()
    assert page.get_by_label("Annual income").input_value() == "25000.00"
    assert page.get_by_label("Main contact's full name").input_value() == NAME
    assert page.get_by_label("Main contact's email address").input_value() == EMAIL
    person.fill({"name": [ORGANISATION], "charity_number": ["1176543"], "address_line_1": ["12 Bank Street"],
                 "town": ["Newquay"], "postcode": ["TR7 1DH"]})
    person.press("Save and start your application")

    # The application has started; each list says what to do next.
    assert f"{ORGANISATION} has been set up and your application to {ROUND} has started" in \
        page.locator("body").inner_text()
    application_url = re.search(r"/applications/\d+", page.url).group(0)
    finish = f"Finish and submit by {_closes(served_db)}"
    person.goto("/applications")
    assert _next_step(person, "Untitled project") == finish
    person.goto("/home")
    assert finish in person.text()

    # The organisation's details are confirmed, not typed again; then the rest of the form.
    person.goto(application_url)
    person.follow("Organisation details")
    assert page.get_by_label("Registered charity", exact=True).is_checked()
    person.press("Save and continue")
    answer(person, application_url, SECTIONS)
    answer_subsidy_control(person, application_url)
    person.goto(f"{application_url}/documents")
    for kind, label in DOCUMENTS.items():
        page.get_by_label(label, exact=True).check()
        page.locator('input[type="file"]').set_input_files(
            {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(f"{ORGANISATION}: {label}")})
        person.press("Upload document")
    person.goto(application_url)
    person.follow("Check your answers")
    person.press("Submit application", exact=False)
    reference = re.search(r"CGS-\d{4}-\d{4}", person.text()).group(0)

    # Submitted: the lists say there is nothing to do while it is checked.
    title = VALID["project"]["title"][0]
    person.goto("/applications")
    assert reference in person.text()
    assert _next_step(person, title) == "Nothing to do: we are checking your application"
    person.goto("/home")
    assert "Finish and submit" not in person.text() and "See all your applications" in person.text()
    screenshot(page)
