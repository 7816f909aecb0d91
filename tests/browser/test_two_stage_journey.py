"""A two-stage round in a real browser (issue 20): an officer makes a round whose expressions of
interest close before its full applications, and publishes it; a community group sends a short
expression of interest; the officer shortlists it with a note; the group reads the outcome and
starts its full application, which begins with the expression of interest's answers. Every page is
checked by axe, the error states too."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from grants.formatting import LONDON
from tests.browser.person import Person

pytestmark = pytest.mark.browser

ROUND = "Two-stage Safer Streets Fund 2027"
TITLE = "Bus Station Guardians"
SUMMARY = "Trained volunteers at Truro bus station on Friday and Saturday nights."
# The standard expression-of-interest form, as the browser posts it.
EOI = {
    "project": {"title": [TITLE], "summary": [SUMMARY], "approaches": ["place"]},
    "areas": {"local_authorities": ["cornwall"]},
    "funding": {"amount_requested": ["3500"]},
    "contact": {"name": ["Morwenna Keast"], "position": ["Director"]},
}
NOTE = "Tell us in your full application how you will work with the bus company."
VALID_PROJECT_TITLE = "Project summary and activities"  # the standard application form's first section


def _day(moment: datetime) -> list[str]:
    return [str(moment.day), str(moment.month), str(moment.year)]


def _create_and_publish(officer: Person) -> None:
    """A round that opened yesterday, whose expressions of interest close in 20 days and full
    applications in 60 (after the demo's open rounds, so that they stay first on /rounds)."""
    now = datetime.now(LONDON)
    officer.goto("/rounds/manage")
    officer.follow("Create a funding round")
    officer.fill({
        "name": [ROUND], "description": ["Projects that make bus and train stations safer at night."],
        "opens_on": _day(now - timedelta(days=1)), "opens_time": ["9am"],
        "closes_on": _day(now + timedelta(days=60)), "closes_time": ["5pm"],
        # Expressions of interest closing after the full applications: refused, with a message.
        "eoi_closes_on": _day(now + timedelta(days=61)), "eoi_closes_time": ["5pm"],
        "total_budget": ["100000"], "min_award": ["1000"], "max_award": ["5000"], "max_project_months": ["12"],
    })
    for name in ("legal_types", "local_authorities", "approaches", "adder_strands", "outcomes"):
        for box in officer.page.locator(f'main input[name="{name}"]').all():
            box.check()
    officer.page.get_by_label("Scoring rubric").select_option(index=1)
    officer.press("Save as draft")
    assert officer.errors() == [
        "Expressions of interest must close before the closing date and time of the full application"], \
        officer.errors()
    officer.fill({"eoi_closes_on": _day(now + timedelta(days=20))})
    officer.press("Save as draft")
    assert officer.heading().startswith(ROUND), officer.errors()
    assert "Expressions of interest close" in officer.text()
    officer.press("Publish the round")
    assert f"{ROUND} has been published. It is now open" in officer.text(), officer.text()


def _send_expression_of_interest(applicant: Person) -> str:
    page = applicant.page
    applicant.sign_in("applicant2@example.org")
    applicant.goto("/rounds")
    applicant.follow(ROUND)
    text = applicant.text()
    assert "Expressions of interest close" in text and "(by invitation only)" in text, text
    applicant.follow("Check if you can apply")
    page.get_by_role("group", name=re.compile("Will the work take place")).get_by_label("Yes").check()
    page.get_by_label("How much do you want to ask for?").fill("3500")
    applicant.press("Check eligibility")
    assert applicant.heading() == "You can apply to this round", applicant.errors()
    applicant.press("Start your expression of interest", exact=False)
    assert applicant.heading() == f"Expression of interest: {ROUND}"
    assert "Supporting documents" not in applicant.text()
    eoi_path = re.search(r"/applications/\d+", page.url).group(0)
    applicant.follow("Organisation details")
    applicant.press("Save and continue")
    for key, answers in EOI.items():
        applicant.goto(f"{eoi_path}/sections/{key}")
        applicant.fill(answers)
        applicant.press("Save and continue")
        assert not applicant.errors(), (key, applicant.errors())
    applicant.goto(eoi_path)
    applicant.follow("Check your answers")
    applicant.press("Submit expression of interest")
    assert applicant.heading() == "Expression of interest submitted"
    panel = page.locator(".govuk-panel__body").inner_text()
    return re.fullmatch(r"Your reference number\s+(EOI-\d{4}-\d{4})", panel.strip()).group(1)


def _shortlist(officer: Person, reference: str) -> None:
    page = officer.page
    officer.goto("/screening")
    officer.follow(f"{ROUND}: expressions of interest")
    row = page.locator("tr", has_text=reference)
    assert "Kernow Youth Diversion CIC" in row.inner_text() and "To decide" in row.inner_text()
    officer.follow(reference)
    assert TITLE in officer.text() and SUMMARY in officer.text()
    officer.press("Save decision")  # nothing chosen: the error state
    assert officer.errors() == ["Select whether to shortlist the expression of interest"], officer.errors()
    page.get_by_label("Shortlist: invite the organisation to send a full application").check()
    page.get_by_label("A note for the organisation (optional)").fill(NOTE)
    officer.press("Save decision")
    assert f"{reference} has been shortlisted" in officer.text(), officer.text()
    assert "Shortlisted" in page.locator("tr", has_text=reference).inner_text()


def _start_full_application(applicant: Person, reference: str) -> None:
    page = applicant.page
    applicant.goto("/applications")
    row = page.locator("tr", has_text=reference)
    assert "Shortlisted" in row.inner_text(), row.inner_text()
    applicant.follow("Start your full application", exact=False)
    text = applicant.text()
    assert "Your expression of interest has been shortlisted" in text and NOTE in text, text
    applicant.press("Start your full application")
    assert applicant.heading() == ROUND
    assert f"We have filled in the answers from your expression of interest {reference}" in applicant.text()
    project = page.locator(".govuk-task-list__item", has_text=VALID_PROJECT_TITLE)
    assert "In progress" in project.inner_text(), project.inner_text()
    applicant.follow(VALID_PROJECT_TITLE)
    assert page.locator('[name="title"]').input_value() == TITLE
    assert page.locator('[name="summary"]').input_value() == SUMMARY
    assert page.locator('[name="activities"]').input_value() == ""  # the full form's own question


def test_expression_of_interest_shortlisted_and_invited(new_page, axe, screenshot):
    officer = Person(new_page(), axe)
    officer.sign_in("officer@example.org")
    _create_and_publish(officer)

    applicant = Person(new_page(), axe, typed=(TITLE, SUMMARY))
    reference = _send_expression_of_interest(applicant)

    _shortlist(officer, reference)

    _start_full_application(applicant, reference)
    screenshot(applicant.page)
