"""Journey 1 in a real browser: a new community group registers, passes the eligibility check, fills
the application over two visits (signing out between), uploads its documents, submits and sees the
status. Also the whole journey at 375px wide (no horizontal scrolling on any page it reaches) and
with JavaScript off (progressive enhancement)."""

from __future__ import annotations

import re

import pytest

from grants.models.applications import REQUIRED_DOCUMENTS
from tests.blueprints.applications.answers import THEMED
from tests.browser.inbox import Inbox
from tests.browser.person import Person, pdf_bytes

pytestmark = pytest.mark.browser

# The demo's one-stage open round, which asks the themed round's form (the themed round itself takes full
# applications only from the organisations it shortlisted: tests/browser/test_two_stage_journey.py).
ROUND = "Commissioners Small Grants 2027: anti-social behaviour"
DOCUMENTS = {kind.value: kind.label for kind in REQUIRED_DOCUMENTS}
# The round asks its own form: the standard sections and one on anti-social behaviour.
SECTIONS = [key for key in THEMED if key != "organisation"]


PASSWORD = "kelp-lantern-harbour"


def register(person: Person, inbox: Inbox, name: str, email: str, check=lambda: None) -> None:
    """Name and email address, the emailed link, a password: the account is made and signed in."""
    page = person.page
    person.goto("/")
    check()
    person.goto("/register")
    check()
    person.press("Continue")  # nothing filled in: the error state
    assert "Enter your full name" in person.errors(), person.errors()
    check()
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email address").fill(email)
    person.press("Continue")
    assert person.heading() == "Check your email" and email in person.text()
    check()

    person.goto(inbox.link(email, "/register/"))
    assert person.heading() == "Create a password" and email in person.text()
    check()
    page.get_by_label("Create a password").fill("short")
    page.get_by_label("Confirm password").fill("different")
    person.press("Create account")  # the error state
    assert person.errors(), "expected the password's errors"
    check()
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    person.press("Create account")
    assert "Your account has been created" in page.locator("body").inner_text()
    check()


def start_application(person: Person, name: str, check=lambda: None) -> str:
    """Add the organisation, pass the eligibility check, start; returns the application's path."""
    page = person.page
    organisation = dict(THEMED["organisation"])
    organisation["name"] = [f"{name}'s Harbour Trust"]
    if person.heading() != "Add your organisation":
        person.goto("/organisations/new")
    person.fill(organisation)
    person.press("Save and continue")
    check()

    person.goto("/rounds")
    person.follow(ROUND)
    check()
    person.follow("Check if you can apply")
    check()
    person.press("Check eligibility")  # the error state
    assert person.errors()
    check()
    page.get_by_label("Registered charity", exact=True).check()
    page.get_by_role("group", name=re.compile("Will the work take place")).get_by_label("Yes").check()
    page.get_by_label("What is your organisation's annual income?").fill("25000")
    page.get_by_label("How much do you want to ask for?").fill("3600")
    person.press("Check eligibility")
    assert person.heading() == "You can apply to this round"
    check()
    person.press("Start your application", exact=False)
    check()
    return re.search(r"/applications/\d+", page.url).group(0)


def answer_subsidy_control(person: Person, application_url: str, check=lambda: None) -> None:
    """A charity answers the subsidy-control section too: its project, free to the people it helps, is
    not economic activity, so it answers ‘No’ and is asked no amounts."""
    person.goto(application_url)
    person.follow("Subsidy control")
    check()
    assert "A charity trades when it sells goods or services in a market" in person.text()
    question = person.page.get_by_role("group", name="Does your organisation trade, or is the project an economic "
                                       "activity?")
    question.get_by_label("No", exact=True).check()
    person.press("Save and continue")
    assert not person.errors(), person.errors()
    check()


def answer(person: Person, application_url: str, keys: list[str], check=lambda: None) -> None:
    for key in keys:
        person.goto(f"{application_url}/sections/{key}")
        check()
        person.fill(THEMED[key])
        person.press("Save and continue")
        assert not person.errors(), (key, person.errors())
        check()


def apply(person: Person, inbox: Inbox, name: str, email: str, check=lambda: None) -> str:
    """The whole journey, calling ``check`` on every page it reaches; returns the application's reference."""
    page = person.page
    register(person, inbox, name, email, check=check)
    application_url = start_application(person, name, check=check)

    # First visit: the organisation's details confirmed and four more sections, then sign out.
    person.follow("Organisation details")
    check()
    person.press("Save and continue")
    check()
    answer(person, application_url, SECTIONS[:4], check=check)
    person.sign_out()
    check()

    # Second visit: the rest, and the documents.
    person.sign_in(email, PASSWORD)
    check()
    person.goto(application_url)
    assert "You have completed 5 of 12 sections" in person.text(), person.text()  # subsidy control is one
    check()
    answer(person, application_url, SECTIONS[4:], check=check)
    answer_subsidy_control(person, application_url, check=check)
    person.goto(f"{application_url}/documents")
    check()
    for kind, label in DOCUMENTS.items():
        page.get_by_label(label, exact=True).check()
        page.locator('input[type="file"]').set_input_files(
            {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(f"{name}: {label}")})
        person.press("Upload document")
        check()
    assert "You have uploaded all the required documents" in person.text()

    # Check the answers, submit, see the status.
    person.goto(application_url)
    check()
    person.follow("Check your answers")
    check()
    person.press("Submit application", exact=False)
    panel = page.locator(".govuk-panel__body").inner_text()  # the reference as words, not markup
    reference = re.fullmatch(r"Your reference number\s+(CGS-\d{4}-\d{4})", panel.strip()).group(1)
    check()
    person.goto("/applications")
    assert reference in person.text() and "Submitted" in person.text()
    check()
    person.goto(application_url)  # the application itself, now read-only, with its status
    status = page.locator(".govuk-summary-list__row", has_text="Status").inner_text()
    assert reference in person.text() and "Submitted" in status, (person.text(), status)
    check()
    return reference


def test_new_group_applies_over_two_visits(page, axe, inbox, screenshot):
    reference = apply(Person(page, axe), inbox, "Jamie Penrose", "jamie@harbourtrust.example.org")
    assert reference
    screenshot(page)


def test_applying_on_a_phone_needs_no_sideways_scrolling(new_page, axe, inbox, screenshot):
    """The whole of journey 1 at 375px, every page it reaches checked for sideways scrolling (and by
    axe at that width): the start page, registration (and its error states), the emailed link's
    password page, the organisation, the round, the eligibility check (and its error state), the
    task list, every section of the form, signing out and in again, the documents page after each
    upload, checking the answers, the confirmation, the applications list and the submitted
    application's status. The forms are filled in one call to the page each (``Person(quick=True)``):
    this journey is about the pages' layout, and journey 1 at full width fills them field by field."""
    width = 375
    page = new_page(viewport={"width": width, "height": 740}, is_mobile=True, has_touch=True, device_scale_factor=2)
    person = Person(page, axe, quick=True)
    checked: list[str] = []

    def fits() -> None:
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{page.url} scrolls sideways: {scroll_width}px wide at {width}px"
        checked.append(page.url)

    reference = apply(person, inbox, "Kit Rowse", "kit@phoneapplicant.example.org", check=fits)
    assert reference
    assert len(checked) > 40, checked
    screenshot(page)


def test_applying_works_without_javascript(new_page, axe, inbox, screenshot):
    page = new_page(java_script_enabled=False, viewport={"width": 1024, "height": 800})
    # axe-core is itself JavaScript: these pages are checked with JavaScript on in the other journeys.
    reference = apply(Person(page, axe, audit=False), inbox, "Tegen Nance", "tegen@nojs.example.org")
    assert reference
    screenshot(page)
