"""The form builder in a real browser: a grants officer makes a new round (a draft, not yet open),
gives its application form a section of its own through the builder's pages (a yes or no question,
and a short text question asked only after "yes"; saving a question with no label on the way), moves
the section up, previews it (the conditional question and the guidance shown, a missing answer
refused) and downloads the form as JSON. The officer then brings the opening time forward to now and
publishes the round; the demo applicant starts an application on it, finds the new section in the task
list, answers it and sees the answers on the check answers page.

Every page reached is checked by axe-core, and here no violation of any impact is accepted
(``NoViolations``), not only the serious and critical ones that fail every journey."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.browser.axe import AxeRunner, PageResult
from tests.browser.person import Person

pytestmark = pytest.mark.browser

ROUND = "Safer Nights Fund 2027"
SECTION_ID = "night_time_economy"
SECTION = "Working with the night-time economy"
SECTION_TEXT = "Tell us how your project works with pubs, clubs and late-night venues."
YES_NO_ID = "licensed_premises"
YES_NO = "Does your project work with licensed premises at night?"
SHORT_ID = "premises_named"
SHORT = "Which premises do you work with?"
GUIDANCE = "Name the venues as their licences do.\n\n- Pubs and bars\n- Late-night takeaways"
ANSWER = "The Dolphin, Barbican; Annabel's, Union Street"
# The standard application's last two sections: the new one is added after them, then moved up between them.
BEFORE, AFTER = "Safeguarding and policies", "Declarations"
LONDON = ZoneInfo("Europe/London")


class NoViolations:
    """axe as Person uses it, failing on a violation of any impact (bar the known exceptions that
    tests/browser/axe.py explains), so that the run's report stays at zero."""

    def __init__(self, axe: AxeRunner):
        self.axe = axe

    def check(self, page) -> PageResult | None:
        result = self.axe.check(page)
        if result is not None:
            found = [f"{v['impact']}: {v['id']} at {', '.join(v['targets'])}" for v in result.violations
                     if not v["known"]]
            assert not found, f"axe found violations on {result.url} ({result.title}):\n" + "\n".join(found)
        return result


def _path(pattern: str, url: str) -> str:
    found = re.search(pattern, url)
    assert found is not None, f"{url} is not at {pattern}"
    return found.group(0)


def _day(moment: datetime) -> list[str]:
    return [str(moment.day), str(moment.month), str(moment.year)]


def _tick_all(person: Person, *names: str) -> None:
    """Every box of each list: the round takes every kind of organisation, area and aim."""
    for name in names:
        boxes = person.page.locator(f'main input[name="{name}"]')
        assert boxes.count() > 0, name
        for box in boxes.all():
            box.check()


def create_round(officer: Person, now: datetime) -> str:
    """A draft round opening in a fortnight, made on the round pages; returns its management page's path."""
    officer.goto("/rounds/manage")
    officer.follow("Create a funding round")
    # It closes after the demo's open round (45 days), which stays first on /rounds, where
    # tests/browser/test_keyboard.py takes the first round listed.
    opens, closes = now + timedelta(days=14), now + timedelta(days=60)
    officer.fill({
        "name": [ROUND], "description": ["Projects that make town centres safer at night."],
        "opens_on": _day(opens), "opens_time": ["9am"], "closes_on": _day(closes), "closes_time": ["5pm"],
        "total_budget": ["100000"], "min_award": ["1000"], "max_award": ["5000"], "max_project_months": ["12"],
    })
    _tick_all(officer, "legal_types", "local_authorities", "approaches", "adder_strands", "outcomes")
    rubric = officer.page.get_by_label("Scoring rubric")
    rubric.select_option(index=1)  # the first rubric, after "Choose later"
    officer.press("Save as draft")
    assert officer.heading().startswith(ROUND) and "Draft" in officer.heading(), officer.heading()
    return _path(r"/rounds/manage/\d+", officer.page.url)


def card_titles(person: Person) -> list[str]:
    return [title.strip() for title in person.page.locator("main .govuk-summary-card__title").all_inner_texts()]


def add_section(officer: Person) -> None:
    """The section with its first question, the yes or no one."""
    page = officer.page
    officer.follow("Add a section")
    page.get_by_label("Section id").fill(SECTION_ID)
    page.get_by_label("Section title").fill(SECTION)
    page.get_by_label("Description (optional)").fill(SECTION_TEXT)
    page.get_by_label("Question id").fill(YES_NO_ID)
    page.get_by_label("Question", exact=True).fill(YES_NO)
    page.get_by_label("Yes or no", exact=True).check()
    officer.press("Save section")
    assert not officer.errors(), officer.errors()
    assert f"The section “{SECTION}” has been added" in officer.text()
    assert card_titles(officer)[-2:] == [f"9. {AFTER}", f"10. {SECTION}"], card_titles(officer)


def add_conditional_question(officer: Person) -> None:
    """The short text question shown only after "yes": first saved with no label (the error state)."""
    page = officer.page
    officer.follow(f"Add a question to {SECTION}")
    assert officer.heading() == "Add a question"
    page.get_by_label("Question id").fill(SHORT_ID)
    page.get_by_label("Guidance (optional)").fill(GUIDANCE)
    page.get_by_label("Short text", exact=True).check()
    condition = page.get_by_role("group", name=YES_NO).get_by_label("Yes", exact=True)
    condition.check()
    officer.press("Save question")  # no label: the error state
    assert officer.errors() == ["Enter the question"], officer.errors()
    assert page.title().startswith("Error: "), page.title()
    summary_link = page.locator(".govuk-error-summary a", has_text="Enter the question")
    assert summary_link.get_attribute("href") == "#label"
    assert "Enter the question" in page.locator(".govuk-form-group--error", has=page.locator("#label")).inner_text()
    # What was typed is kept, the condition too.
    assert page.get_by_label("Question id").input_value() == SHORT_ID
    assert page.get_by_label("Short text", exact=True).is_checked() and condition.is_checked()
    page.get_by_label("Question", exact=True).fill(SHORT)
    officer.press("Save question")
    assert not officer.errors(), officer.errors()
    assert f"The question “{SHORT}” has been added" in officer.text()
    row = page.locator(f"#question-{SHORT_ID}").inner_text()
    assert f"Shown if “{YES_NO}” is Yes" in row and "Short text" in row, row


def move_section_up(officer: Person) -> None:
    officer.press(f"Move up the section {SECTION}")
    assert f"The section “{SECTION}” has been moved up" in officer.text()
    assert card_titles(officer)[-3:] == [f"8. {BEFORE}", f"9. {SECTION}", f"10. {AFTER}"], card_titles(officer)


def preview_section(officer: Person) -> None:
    """The section as applicants will see it; answers are checked as theirs would be."""
    page = officer.page
    officer.follow(f"Preview the section {SECTION}")
    assert officer.heading() == SECTION
    main = page.locator("main")
    assert SECTION_TEXT in officer.text()
    assert main.get_by_role("group", name=YES_NO).get_by_label("Yes", exact=True).count() == 1
    assert main.get_by_label(SHORT, exact=True).count() == 1  # the conditional question is on the page
    guidance = main.locator(".opcc-question-guidance")
    assert guidance.locator("p").inner_text() == "Name the venues as their licences do."
    assert guidance.locator("li").all_inner_texts() == ["Pubs and bars", "Late-night takeaways"]
    # The guidance is shown just before the question it belongs to.
    assert guidance.evaluate("el => !!el.nextElementSibling.querySelector('#premises_named')")

    officer.press("Check these answers")  # nothing answered
    assert officer.errors() == [f"Select an answer to ‘{YES_NO}’"], officer.errors()
    main.get_by_role("group", name=YES_NO).get_by_label("Yes", exact=True).check()
    officer.press("Check these answers")  # "yes" asks the conditional question, still unanswered
    assert officer.errors() == [f"Enter an answer to ‘{SHORT}’"], officer.errors()
    main.get_by_role("group", name=YES_NO).get_by_label("No", exact=True).check()
    officer.press("Check these answers")  # "no" does not ask it
    assert not officer.errors(), officer.errors()
    assert "These answers would complete the section." in page.locator("body").inner_text()
    officer.follow("Back to the application form")
    assert page.url.endswith(f"#section-{SECTION_ID}"), page.url


def download_form(officer: Person, tmp_path) -> dict:
    page = officer.page
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Download as JSON")).click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".json", path
    return json.loads(path.read_text("utf-8"))


def check_download(document: dict) -> None:
    sections = document["sections"]
    assert [section["title"] for section in sections[-3:]] == [BEFORE, SECTION, AFTER]
    section = sections[-2]
    assert section["id"] == SECTION_ID and section["description"] == SECTION_TEXT
    first, second = section["questions"]
    assert first == {"id": YES_NO_ID, "type": "yes_no", "label": YES_NO}
    # A browser sends a textarea's line breaks as CRLF (the HTML standard): they are kept as "\n".
    assert second == {"id": SHORT_ID, "type": "short_text", "label": SHORT, "guidance": GUIDANCE,
                      "show_if": {"question": YES_NO_ID, "equals": "yes"}}


def open_now(officer: Person, round_path: str, today: datetime) -> None:
    """The opening brought forward to the start of today (a time the clocks never skip), then the round
    published: it is open at once."""
    officer.goto(round_path)
    officer.follow("Change the round", exact=False)
    officer.fill({"opens_on": _day(today), "opens_time": ["midnight"]})
    officer.press("Save changes")
    assert "Your changes have been saved" in officer.text()
    officer.press("Publish the round")
    assert f"{ROUND} has been published. It is now open" in officer.text(), officer.text()


def start_application(applicant: Person) -> str:
    """The demo applicant (its organisation set up) checks it can apply and starts; returns the path."""
    page = applicant.page
    applicant.sign_in("applicant@example.org")
    applicant.goto("/rounds")
    applicant.follow(ROUND)
    applicant.follow("Check if you can apply")
    page.get_by_role("group", name=re.compile("Will the work take place")).get_by_label("Yes").check()
    page.get_by_label("How much do you want to ask for?").fill("4000")
    applicant.press("Check eligibility")
    assert applicant.heading() == "You can apply to this round", applicant.errors()
    applicant.press("Start your application", exact=False)
    assert applicant.heading() == ROUND
    return _path(r"/applications/\d+", page.url)


def answer_section(applicant: Person, application_path: str) -> None:
    page = applicant.page
    tasks = [title.strip() for title in page.locator(".govuk-task-list__name-and-hint").all_inner_texts()]
    position = tasks.index(SECTION)
    assert tasks[position - 1:position + 2] == [BEFORE, SECTION, AFTER], tasks
    applicant.follow(SECTION)
    assert applicant.heading() == SECTION
    applicant.press("Save and continue")  # nothing answered: the error state, as in the preview
    assert applicant.errors() == [f"Select an answer to ‘{YES_NO}’"], applicant.errors()
    page.get_by_role("group", name=YES_NO).get_by_label("Yes", exact=True).check()
    page.get_by_label(SHORT, exact=True).fill(ANSWER)
    applicant.press("Save and continue")
    assert not applicant.errors(), applicant.errors()
    applicant.goto(application_path)
    row = page.locator(".govuk-task-list__item", has_text=SECTION)
    assert "Completed" in row.inner_text(), row.inner_text()


def check_answers(applicant: Person) -> None:
    applicant.follow("Check your answers")
    card = applicant.page.locator(".govuk-summary-card", has_text=SECTION)
    rows = [(row.locator("dt").inner_text().strip(), row.locator("dd").first.inner_text().strip())
            for row in card.locator(".govuk-summary-list__row").all()]
    assert rows == [(YES_NO, "Yes"), (SHORT, ANSWER)], rows


def test_an_officer_builds_a_section_and_an_applicant_answers_it(new_page, axe, screenshot, tmp_path):
    strict = NoViolations(axe)
    officer = Person(new_page(), strict)
    officer.sign_in("officer@example.org")
    round_path = create_round(officer, datetime.now(LONDON))

    officer.follow("See or change the round's forms")
    assert officer.heading() == "Application form"
    assert "Can be changed: the round is a draft" in officer.text()
    add_section(officer)
    add_conditional_question(officer)
    move_section_up(officer)
    preview_section(officer)
    check_download(download_form(officer, tmp_path))

    open_now(officer, round_path, datetime.now(LONDON))
    applicant = Person(new_page(), strict, typed=(ANSWER,))
    application_path = start_application(applicant)
    answer_section(applicant, application_path)
    check_answers(applicant)
    screenshot(applicant.page)
