"""Arriving at "Check your answers" with sections still to do, in Chromium (issue 18, finding 11):
the page lists them, each a link to its section, after the heading, and leaves the focus where a
newly loaded page has it, at the start, so that keyboard and screen-reader users meet the heading
first. (GOV.UK Frontend's error summary moves the focus into itself when its script starts, so it
must only appear once a submission has failed: tests/blueprints/applications/test_check_answers_page.py.)"""

from __future__ import annotations

import re

import pytest

from tests.browser.person import Person

pytestmark = pytest.mark.browser

DRAFT = "Night-time Safe Space, Union Street"  # the demo applicant's draft, three sections begun


def test_arriving_at_check_answers_with_sections_to_do_keeps_the_focus_at_the_start(page, axe):
    applicant = Person(page, axe)
    applicant.sign_in("applicant@example.org")
    applicant.goto("/applications")
    applicant.follow(DRAFT, exact=False)
    application_url = re.search(r"/applications/\d+", page.url).group(0)
    applicant.goto(f"{application_url}/check")
    # Let GOV.UK Frontend's scripts start, as they would focus an error summary.
    page.wait_for_function("() => document.body.classList.contains('govuk-frontend-supported')")
    page.wait_for_load_state("networkidle")
    assert page.locator(".govuk-error-summary").count() == 0
    assert page.evaluate("() => document.activeElement === document.body")
    links = page.locator("#incomplete a")
    assert links.count() >= 5
    project = page.get_by_role("link", name="Complete the section ‘Project summary and activities’")
    assert project.get_attribute("href") == f"{application_url}/sections/project"
    # The first Tab from the top of the page reaches the skip link, not something inside the page.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('govuk-skip-link')")
