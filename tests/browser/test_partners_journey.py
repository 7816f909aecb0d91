"""A consortium bid in a real browser: the lead organisation names a partner and invites its contact;
the contact, who has no account yet, registers from the emailed link, accepts, and changes a section;
the lead submits. Every page both people reach is checked by axe (the partners pages among them)."""

from __future__ import annotations

import pytest

from tests.browser.inbox import Inbox
from tests.browser.person import Person, pdf_bytes
from tests.browser.test_applicant_journey import (
    DOCUMENTS,
    PASSWORD,
    SECTIONS,
    answer,
    answer_subsidy_control,
    register,
    start_application,
)

pytestmark = pytest.mark.browser

LEAD = ("Morgan Tresize", "morgan@consortiumlead.example.org")
CONTACT = ("Jenna Rowse", "jenna@harmreduction.example.org")
PARTNER = "Plymouth Harm Reduction Hub"


def _lead_prepares_the_bid(person: Person, inbox: Inbox) -> str:
    page = person.page
    register(person, inbox, *LEAD)
    application_url = start_application(person, LEAD[0])
    person.follow("Organisation details")
    person.press("Save and continue")
    answer(person, application_url, SECTIONS)
    answer_subsidy_control(person, application_url)
    person.goto(f"{application_url}/documents")
    for kind, label in DOCUMENTS.items():
        page.get_by_label(label, exact=True).check()
        page.locator('input[type="file"]').set_input_files(
            {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(f"Consortium: {label}")})
        person.press("Upload document")
    return application_url


def _lead_names_and_invites_the_partner(person: Person, application_url: str) -> None:
    page = person.page
    person.goto(application_url)
    person.follow("Partner organisations")
    assert person.heading() == "Partner organisations"
    person.follow("Add a partner organisation")
    person.press("Add partner")  # nothing filled in: the error state, checked by axe too
    assert person.errors() == ["Enter the partner organisation's name", "Enter the partner's role on the project",
                               "Enter the partner's share of the budget"], person.errors()
    page.get_by_label("Organisation name").fill(PARTNER)
    page.get_by_label("Charity number (optional)").fill("1187654")
    page.get_by_label("Role on the project").fill("Trains the peer mentors in naloxone.")
    page.get_by_label("Share of the budget").fill("900")
    page.get_by_label("Contact's full name (optional)").fill(CONTACT[0])
    page.get_by_label("Contact's email address (optional)").fill(CONTACT[1])
    person.press("Add partner")
    assert f"{PARTNER} has been added as a partner" in person.page.locator("body").inner_text()
    assert "Not invited" in person.text()
    person.press(f"Invite {CONTACT[0]}")
    assert f"Invitation sent to {CONTACT[1]}" in person.page.locator("body").inner_text()
    assert "Invited on" in person.text()
    # The remove page asks first (and is checked by axe); cancelling keeps the partner.
    person.follow("Remove", exact=False)
    assert person.heading() == f"Are you sure you want to remove {PARTNER} as a partner?"
    person.follow("Cancel")
    assert PARTNER in person.text()


def _contact_accepts_and_contributes(person: Person, inbox: Inbox, application_url: str) -> None:
    page = person.page
    link = inbox.link(CONTACT[1], "/applications/partner-invitations/")
    page.goto(link)  # signed out: sent to sign in, which offers an account
    person.follow("Create an account")
    page.get_by_label("Full name").fill(CONTACT[0])
    page.get_by_label("Email address").fill(CONTACT[1])
    person.press("Continue")
    person.goto(inbox.link(CONTACT[1], "/register/"))
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    person.press("Create account")
    assert person.heading().startswith("Contribute to "), person.heading()
    person.press("Accept the invitation")
    assert page.url.endswith(application_url), page.url
    assert "(you are contributing as a partner)" in person.text()
    assert "Partner organisations" not in person.text()
    person.follow("Project summary and activities")
    person.fill({"summary": ["A weekly recovery café with a monthly harm reduction clinic."]})
    person.press("Save and continue")
    assert not person.errors(), person.errors()
    person.goto("/applications")
    assert "Bids you are a partner on" in person.text()


def test_a_consortium_bid(new_page, axe, inbox, screenshot):
    lead = Person(new_page(viewport={"width": 1280, "height": 900}), axe)
    application_url = _lead_prepares_the_bid(lead, inbox)
    _lead_names_and_invites_the_partner(lead, application_url)

    contact = Person(new_page(viewport={"width": 1280, "height": 900}), axe)
    _contact_accepts_and_contributes(contact, inbox, application_url)
    # The lead's page says the invitation was accepted, and the lead submits.
    lead.goto(f"{application_url}/partners")
    assert f"Accepted by {CONTACT[0]}" in lead.text()
    lead.goto(application_url)
    lead.follow("Check your answers")
    assert "harm reduction clinic" in lead.text()
    lead.press("Submit application", exact=False)
    assert lead.page.locator(".govuk-panel__body").inner_text().strip().startswith("Your reference number")
    screenshot(lead.page)
