"""The monitoring return's check answers page before anything is submitted (issue 18, finding 11):
what is still to do listed after the heading, each linked to its section, without an error summary
(which takes the focus on arrival); the error summary once a submission has failed."""

from __future__ import annotations

import pytest

from tests.blueprints.grantee.test_returns import RETURN_ANSWERS, return_url, running_award, save
from tests.helpers import page, post


@pytest.fixture
def first_return(db, users):
    return running_award(users["org_a"]).returns[0]


def _visible_items(element) -> list[tuple[str, str | None]]:
    """Each item's text as a sighted reader sees it, and where its link goes (None for no link)."""
    items = []
    for item in element.select("li"):
        link = item.select_one("a")
        assert not item.find_parent(class_="govuk-visually-hidden")
        items.append((item.get_text(" ", strip=True), link["href"] if link else None))
    return items


def test_arriving_lists_the_unfinished_sections_without_an_error_summary(grantee, first_return):
    save(grantee, first_return, "activities", RETURN_ANSWERS["activities"])
    save(grantee, first_return, "spend", {"spend_1": ["x"]})
    response = grantee.get(return_url(first_return, "/check"))
    assert response.status_code == 200
    soup = page(response)
    assert soup.select_one(".govuk-error-summary") is None
    assert not soup.title.get_text().startswith("Error")
    missing = soup.select_one("#incomplete")
    assert missing.find_previous("h1").get_text(strip=True) == "Check your answers before you submit"
    assert soup.select_one("#incomplete-heading").get_text(strip=True) == "You cannot submit this return yet"
    assert _visible_items(missing) == [
        ("Complete the section ‘People reached’", return_url(first_return, "/sections/people")),
        ("Check your answers in ‘Spend to date’", return_url(first_return, "/sections/spend")),
        ("Complete the section ‘Progress against outcomes’", return_url(first_return, "/sections/outcomes")),
        ("Complete the section ‘Stories and case studies’", return_url(first_return, "/sections/stories")),
        ("Complete the section ‘Problems and risks’", return_url(first_return, "/sections/problems")),
    ]
    assert soup.find("button", string="Submit return") is None


# The grantee typed the word None, as the return asks when there are no problems.
@pytest.mark.visible_text(allow=["None"])
def test_a_problem_with_the_whole_return_is_listed_as_text(grantee, db, users):
    later = running_award(users["org_a"]).returns[1]  # its period has not started
    for key, answers in {**RETURN_ANSWERS, "problems": {"problems": ["Nothing to report"]}}.items():
        assert save(grantee, later, key, answers).status_code == 302
    soup = page(grantee.get(return_url(later, "/check")))
    assert soup.select_one(".govuk-error-summary") is None
    [(text, href)] = _visible_items(soup.select_one("#incomplete"))
    assert text.startswith("This return covers the period from") and href is None


def test_a_failed_submission_shows_the_error_summary_before_the_heading(grantee, first_return):
    save(grantee, first_return, "activities", RETURN_ANSWERS["activities"])
    response = post(grantee, return_url(first_return, "/submit"))
    assert response.status_code == 200
    soup = page(response)
    summary = soup.select_one(".govuk-error-summary")
    assert summary is not None and summary["data-module"] == "govuk-error-summary"
    assert summary.find_next("h1").get_text(strip=True) == "Check your answers before you submit"
    assert soup.title.get_text().startswith("Error: ")
    assert ("Complete the section ‘People reached’", return_url(first_return, "/sections/people")) in (
        _visible_items(summary))
    assert soup.select_one("#incomplete") is None  # said once, in the summary
