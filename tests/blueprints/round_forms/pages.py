"""Reading the form builder's pages as a person does: the address of each page, the page's words,
and its sections and questions as listed."""

from __future__ import annotations

from tests.helpers import page


def builder_url(funding_round, rest: str = "", kind: str = "application") -> str:
    """/rounds/<id>/forms/<kind>/<rest>: a page of the form builder."""
    return f"/rounds/{funding_round.id}/forms/{kind}/{rest}"


def words(response) -> str:
    """The words of the page's main content, each run of white space as one space."""
    main = page(response).select_one("main")
    assert main is not None
    return " ".join(main.get_text(" ").split())


def listed(response) -> list[tuple[str, list[str]]]:
    """The form's sections as the form page lists them: each title (without its number) with its
    questions' labels, in order."""
    found = []
    for card in page(response).select(".govuk-summary-card[id^=section-]"):
        title = " ".join(card.select_one(".govuk-summary-card__title").get_text().split()).split(". ", 1)[1]
        labels = [" ".join(key.get_text().split()) for key in card.select(".govuk-summary-list__key")]
        found.append((title, labels))
    return found


def question_row(response, question_id: str) -> str:
    """The words of one question's row on the form page."""
    row = page(response).select_one(f"#question-{question_id}")
    assert row is not None, f"no row for {question_id}"
    return " ".join(row.get_text(" ").split())
