"""Check your answers before anything is submitted (issue 18, finding 11): arriving at the page lists
what is still to do, each linked to its section, after the heading and without an error summary
(GOV.UK's error summary takes the focus on arrival, skipping the heading). Once a submission has
failed, the error summary appears as usual."""

from __future__ import annotations

from grants.application_form.sections import SECTIONS
from tests.helpers import page, post


def _visible_links(element) -> dict[str, str]:
    """Link text a sighted reader sees (nothing visually hidden) and where each goes."""
    links = {}
    for link in element.select("a"):
        assert not link.find_parent(class_="govuk-visually-hidden")
        links[link.get_text(" ", strip=True)] = link["href"]
    return links


def test_arriving_lists_what_is_missing_after_the_heading_without_an_error_summary(applicant, draft):
    response = applicant.get(f"/applications/{draft.id}/check")
    assert response.status_code == 200
    soup = page(response)
    assert soup.select_one(".govuk-error-summary") is None
    assert soup.select_one("[data-module=govuk-error-summary]") is None
    assert not soup.title.get_text().startswith("Error")
    missing = soup.select_one("#incomplete")
    assert missing is not None
    assert missing.find_previous("h1").get_text(strip=True) == "Check your answers before you submit"
    heading = soup.select_one("#incomplete-heading")
    assert heading.get_text(strip=True) == "You cannot submit your application yet"
    links = _visible_links(missing)
    for section in SECTIONS:
        assert links[f"Complete the section ‘{section.title}’"] == f"/applications/{draft.id}/sections/{section.key}"
    assert links["Upload your constitution or governing document"] == f"/applications/{draft.id}/documents"
    assert soup.find("button", string="Submit application") is None


def test_a_failed_submission_shows_the_error_summary_before_the_heading(applicant, draft):
    response = post(applicant, f"/applications/{draft.id}/submit")
    assert response.status_code == 200
    soup = page(response)
    summary = soup.select_one(".govuk-error-summary")
    assert summary is not None and summary["data-module"] == "govuk-error-summary"
    assert summary.find_next("h1").get_text(strip=True) == "Check your answers before you submit"
    assert soup.title.get_text().startswith("Error: ")
    links = _visible_links(summary)
    assert links["Complete the section ‘Budget’"] == f"/applications/{draft.id}/sections/budget"
    assert links["Upload your constitution or governing document"] == f"/applications/{draft.id}/documents"
    assert soup.select_one("#incomplete") is None  # said once, in the summary
