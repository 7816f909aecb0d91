"""Journey 2 in a real browser, on the demo's closed round: an officer screens the bid still waiting;
one panel member declares a conflict with it and three others declare none and score it; the
officer moderates the flagged bid and runs the recommendation; the commissioner approves; the
applicant sees the outcome. On the way, the demo panel member finishes scoring another bid with
JavaScript off (progressive enhancement)."""

from __future__ import annotations

import re

import pytest

from tests.browser.person import Person

pytestmark = pytest.mark.browser

ROUND = "Commissioners Grant 2026: young people and county lines"
BID = "Parents Against Exploitation"  # submitted by the demo applicant, not yet screened
FLAGGED = "Kernow Youth Diversion CIC"  # its two scorers of Safe Routes Truro disagree
DRAFT = "Station Watch Exeter"  # the demo panel member's score sheet for it is a draft
MEMBERS = ("panel@example.org", "panel2@example.org", "panel3@example.org", "panel4@example.org")


def _score(person: Person, score: int) -> None:
    page = person.page
    for group in page.locator("fieldset:has(input[name^='score-'])").all():
        group.locator(f"input[type=radio][value='{score}']").check()
    person.press("Submit scores")
    assert not person.errors(), person.errors()


def _take_turn(member: Person, email: str, conflict: bool) -> bool:
    """Sign in as a panel member and, if the bid is theirs to declare on, declare (and score it
    when there is no conflict). Returns whether it was theirs."""
    member.sign_in(email)
    member.goto("/panel")
    link = member.page.locator("tr", has_text=BID).get_by_role("link", name="Declare interests")
    if not link.count():
        member.sign_out()
        return False
    with member.page.expect_navigation():
        link.click()
    member.axe.check(member.page)
    if conflict:
        member.page.get_by_label("Yes, I have a conflict of interest").check()
        member.page.get_by_label("What is the conflict of interest?").fill("My sister runs the workshops in Plymouth.")
        member.press("Save declaration")
        member.goto("/panel")
        assert "Conflict of interest declared" in member.page.locator("tr", has_text=BID).inner_text()
    else:
        member.page.get_by_label("No, I have no conflict of interest").check()
        member.press("Save declaration")
        if "/score" not in member.page.url:
            member.follow("Score", exact=False)
        _score(member, 3)
        member.goto("/panel")
        assert "Submitted" in member.page.locator("tr", has_text=BID).inner_text()
    member.sign_out()
    return True


def test_screen_score_moderate_recommend_approve(new_page, axe, screenshot):
    officer = Person(new_page(), axe)
    officer.sign_in("officer@example.org")

    # Screening: the bid is eligible.
    officer.goto("/screening")
    officer.follow(ROUND)
    reference = officer.page.locator("tr", has_text=BID).locator("td, th").first.inner_text().strip()
    assert re.fullmatch(r"CGS-\d{4}-\d{4}", reference)
    officer.follow(reference)
    officer.press("Save screening decision")  # nothing chosen: the error state
    assert officer.errors()
    officer.page.get_by_label("Eligible: send to the panel for assessment").check()
    officer.press("Save screening decision")
    assert "Under assessment" in officer.text()

    # The officer assigns it automatically to three of the four members.
    officer.goto("/panel/rounds")
    officer.follow(ROUND, exact=False)
    round_path = re.search(r"/panel/rounds/\d+", officer.page.url).group(0)
    officer.follow("Assignments")
    officer.press("Assign automatically")
    assert "3 of 3" in officer.page.locator("tr", has_text=reference).inner_text()

    # The first assigned member has a conflict and says so; the others declare none and score.
    member = Person(new_page(), axe)
    scored, conflicted = [], None
    for email in MEMBERS:
        if _take_turn(member, email, conflict=conflicted is None):
            scored.append(email) if conflicted else None
            conflicted = conflicted or email
    assert conflicted and len(scored) == 2

    # The officer assigns again: the member left over takes the conflicted member's place and scores.
    officer.goto(officer.page.url)
    officer.press("Assign automatically")
    assert "3 of 3" in officer.page.locator("tr", has_text=reference).inner_text()
    assert "Conflict of interest" in officer.page.locator("tr", has_text=reference).inner_text()
    for email in MEMBERS:
        if email not in scored and email != conflicted and _take_turn(member, email, conflict=False):
            scored.append(email)
    assert len(scored) == 3
    _score_without_javascript(new_page, axe)

    # The flagged bid is moderated, with a reason.
    officer.follow("Results and ranking")
    flagged_row = officer.page.locator("tr", has_text=FLAGGED)
    assert "Flagged for moderation" in flagged_row.inner_text()
    with officer.page.expect_navigation():
        flagged_row.get_by_role("link").first.click()
    axe.check(officer.page)
    officer.press("Save moderated score")  # the error state
    assert officer.errors()
    officer.page.get_by_label("Moderated panel score").fill("3.00")
    officer.page.get_by_label("Why is the panel score being moderated?").fill(
        "The panel agreed at its meeting that the police data shows a strong need.")
    officer.press("Save moderated score")
    assert "The panel agreed at its meeting" in officer.text()

    # The recommendation.
    officer.goto(f"{round_path}/recommendation")
    officer.page.get_by_label("Quality threshold").fill("1")
    officer.page.get_by_label("Highest total score").check()
    officer.press("Run the recommendation")
    assert "Recommended" in officer.text()
    officer.sign_out()

    # The commissioner approves it as recommended.
    commissioner = Person(new_page(), axe)
    commissioner.sign_in("commissioner@example.org")
    commissioner.goto(f"{round_path}/decision")
    assert commissioner.page.locator("input[name=funded]:checked").count() > 0, "the recommended bids are pre-ticked"
    bid_funded = commissioner.page.locator(".govuk-checkboxes__item", has_text=reference).locator("input").is_checked()
    with commissioner.page.expect_navigation():
        commissioner.page.locator("#approve").click()
    axe.check(commissioner.page)
    assert not commissioner.errors(), commissioner.errors()
    outcome = "Successful" if bid_funded else "Unsuccessful"
    assert outcome in commissioner.page.locator("tr", has_text=reference).inner_text()

    # The applicant sees the outcome.
    applicant = Person(new_page(), axe)
    applicant.sign_in("applicant@example.org")
    applicant.goto("/applications")
    assert outcome in applicant.page.locator("tr", has_text=reference).inner_text()
    screenshot(applicant.page)


def _score_without_javascript(new_page, axe) -> None:
    """The demo panel member finishes a draft score sheet with JavaScript off: submitting it
    half-done shows the server's errors, a draft saves, and the finished sheet submits. (Part of
    the journey, before the round is decided: the decision closes scoring.)"""
    member = Person(new_page(java_script_enabled=False), axe, audit=False)  # axe needs JavaScript
    page = member.page
    member.sign_in("panel@example.org")
    member.goto("/panel")
    row = page.locator("tr", has_text=DRAFT)
    with page.expect_navigation():
        row.get_by_role("link").first.click()
    member.press("Submit scores")  # five criteria still unscored: the error state
    assert len(member.errors()) >= 5, member.errors()

    groups = page.locator("fieldset:has(input[name^='score-'])")
    groups.nth(2).locator("input[type=radio][value='2']").check()
    member.press("Save as draft")
    assert "Draft saved" in page.locator("body").inner_text()
    member.goto("/panel")
    with page.expect_navigation():
        page.locator("tr", has_text=DRAFT).get_by_role("link").first.click()
    assert groups.nth(2).locator("input[type=radio][value='2']").is_checked(), "the draft kept the score"
    for index in range(groups.count()):
        group = groups.nth(index)
        if not group.locator("input[type=radio]:checked").count():
            group.locator("input[type=radio][value='3']").check()
    member.press("Submit scores")
    assert not member.errors(), member.errors()
    member.goto("/panel")
    assert "Submitted" in page.locator("tr", has_text=DRAFT).inner_text()
