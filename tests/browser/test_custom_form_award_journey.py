"""An application made on a round's OWN form (not the standard one), from screening to award, in a real
browser: an officer screens it, three panel members declare no conflict and score it, the officer runs
the recommendation, the commissioner approves it, and the officer makes the offer. At each step the
pages show the answers as the round's form asked them (its own sections, a people-reached question,
budget lines and a question the standard form has not), and the award its amount and people reached.

The round, its form, the submitted application and the panel are made in the served database before
the journey (``prepare``, run as the server's own process would run it), apart from the demo's rounds,
which other journeys change as they go."""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal

import pytest

from tests.browser.conftest import PROJECT_ROOT
from tests.browser.person import Person

pytestmark = pytest.mark.browser

ROUND = "Dartmoor Villages Fund 2026"
ORGANISATION = "Tamar Valley Recovery Community"  # the demo applicant's group
TITLE = "Dartmoor Village Mentors"
MEMBERS = ("panel2@example.org", "panel3@example.org", "panel4@example.org")
# The questions of the round's own form that the standard form has not asked, and the answers.
VILLAGES, VILLAGES_ANSWER = "Which moorland villages will you visit?", "Postbridge, Widecombe and Princetown"
REACH, REACH_ANSWER = "How many people will the work reach?", "240"


def own_form() -> dict:
    """The round's own application form (tests/custom_application_form.py: none of the standard form's
    section or question ids), with a people-reached question and a question of its own added."""
    from tests import custom_application_form
    from tests.form_definitions.builders import question

    document = copy.deepcopy(custom_application_form.DOCUMENT)
    about, *_rest, focus = document["sections"]
    about["questions"].append(question("villages", "long_text", VILLAGES, limits={"max_words": 50}))
    focus["questions"].append(question("reach", "people_reached", REACH))
    return document


def own_answers() -> dict[str, dict[str, list[str]]]:
    from tests import custom_application_form

    answers = copy.deepcopy(custom_application_form.ANSWERS)
    answers["about"].update(called=[TITLE], villages=[VILLAGES_ANSWER])
    answers["focus"]["reach"] = [REACH_ANSWER]
    return answers


def prepare() -> None:
    """Make the round (closed two days ago, with the default rubric and every list), its own form, the
    demo applicant's submitted application on it and a panel of three; nothing if the round exists."""
    from sqlalchemy import select

    from grants.document_store import document_store
    from grants.extensions import db
    from grants.form_definitions import Kind, dump, load
    from grants.formatting import LONDON
    from grants.interfaces.applications.submission import next_reference, organisation_snapshot
    from grants.interfaces.auth import accounts
    from grants.interfaces.panel import assignment
    from grants.models.applications import (
        REQUIRED_DOCUMENTS,
        Application,
        ApplicationDocument,
        ApplicationSection,
        ApplicationStatus,
    )
    from grants.models.organisations import LegalType, Organisation
    from grants.models.reference import AdderStrand, DrugsOutcome, LocalAuthority, PlanApproach
    from grants.models.round_forms import RoundForm
    from grants.models.rounds import FundingRound
    from grants.models.rubrics import Rubric
    from grants.models.types import utcnow
    from grants.uploads import check_upload
    from tests.browser.server import create
    from tests.test_uploads import pdf_bytes

    with create().app_context():
        if db.session.scalar(select(FundingRound).filter_by(name=ROUND)) is not None:
            return
        now = utcnow()
        funding_round = FundingRound(
            name=ROUND, description="Mentoring and outreach in Dartmoor's villages.", guidance="Apply by the date.",
            opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=2), published_at=now - timedelta(days=47),
            total_budget=Decimal("20000.00"), min_award=Decimal("1000.00"), max_award=Decimal("5000.00"),
            max_project_months=12, max_annual_income=Decimal("500000.00"),
            rubric=db.session.scalars(select(Rubric).order_by(Rubric.id)).first(),
        )
        funding_round.legal_types = list(LegalType)
        funding_round.local_authorities = list(db.session.scalars(select(LocalAuthority)))
        funding_round.approaches = list(db.session.scalars(select(PlanApproach)))
        funding_round.adder_strands = list(db.session.scalars(select(AdderStrand)))
        funding_round.outcomes = list(db.session.scalars(select(DrugsOutcome)))
        db.session.add(funding_round)
        db.session.flush()
        form = RoundForm(round_id=funding_round.id, kind=Kind.APPLICATION, version=1,
                         definition=dump(load(own_form())), created_at=now - timedelta(days=50))
        db.session.add(form)
        organisation = db.session.scalar(select(Organisation).filter_by(name=ORGANISATION))
        submitted = now - timedelta(days=3)
        application = Application(funding_round=funding_round, organisation=organisation, form=form,
                                  status=ApplicationStatus.SUBMITTED, project_title=TITLE,
                                  amount_requested=Decimal("3000.00"), created_at=submitted - timedelta(days=5))
        for key, answers in own_answers().items():
            application.sections.append(ApplicationSection(key=key, answers=answers, complete=True))
        application.sections.append(ApplicationSection(key="organisation", answers={}, complete=True))
        db.session.add(application)
        db.session.flush()
        year = submitted.astimezone(LONDON).year
        application.reference = next_reference(f"CGS-{year}", f"CGS-{year}")
        application.submitted_at = submitted
        application.organisation_snapshot = organisation_snapshot(application)
        for kind in REQUIRED_DOCUMENTS:  # stored as the uploads page stores them
            upload = check_upload(f"{kind.value}.pdf", pdf_bytes())
            application.documents.append(ApplicationDocument(
                kind=kind, original_filename=upload.display_name, stored_name=document_store().save(upload.data),
                content_type=upload.content_type, size_bytes=upload.size_bytes, sha256=upload.sha256,
                uploaded_at=submitted - timedelta(hours=1)))
        officer = accounts.get_user_by_email("officer@example.org")
        for email in MEMBERS:
            assignment.add_member(funding_round, accounts.get_user_by_email(email), officer)
        db.session.commit()


@pytest.fixture
def own_form_round(server_env, live_server) -> None:
    """The round and its application, made in the served database by a process of the server's own."""
    made = subprocess.run([sys.executable, "-c", f"from {__name__} import prepare; prepare()"], cwd=PROJECT_ROOT,
                          env=server_env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stdout + made.stderr


def _shows_own_answers(person: Person) -> None:
    """The application's answers, as the round's own form asked them."""
    text = person.text()
    for words in ("About the work", VILLAGES, VILLAGES_ANSWER, REACH, REACH_ANSWER, "Armed forces veterans",
                  "Mentor coordinator", TITLE):
        assert words in text, words


def _score(member: Person, email: str) -> None:
    member.sign_in(email)
    member.goto("/panel")
    with member.page.expect_navigation():
        member.page.locator("tr", has_text=TITLE).get_by_role("link", name="Declare interests").click()
    member.axe.check(member.page)
    member.page.get_by_label("No, I have no conflict of interest").check()
    member.press("Save declaration")
    if "/score" not in member.page.url:
        member.follow("Score", exact=False)
    _shows_own_answers(member)  # the panel scores what the round's own form asked
    for group in member.page.locator("fieldset:has(input[name^='score-'])").all():
        group.locator("input[type=radio][value='3']").check()
    member.press("Submit scores")
    assert not member.errors(), member.errors()
    member.goto("/panel")
    assert "Submitted" in member.page.locator("tr", has_text=TITLE).inner_text()
    member.sign_out()


def test_screen_score_approve_and_award_a_bid_on_a_rounds_own_form(new_page, axe, own_form_round, screenshot):
    officer = Person(new_page(), axe)
    officer.sign_in("officer@example.org")

    # Screening: the officer reads the answers the round's own form asked, and finds the bid eligible.
    officer.goto("/screening")
    officer.follow(ROUND)
    reference = officer.page.locator("tr", has_text=ORGANISATION).locator("td, th").first.inner_text().strip()
    assert re.fullmatch(r"CGS-\d{4}-\d{4}", reference)
    officer.follow(reference)
    _shows_own_answers(officer)
    assert "How many people will your project reach?" not in officer.text()  # not the standard form's question
    officer.page.get_by_label("Eligible: send to the panel for assessment").check()
    officer.press("Save screening decision")
    assert "Under assessment" in officer.text()

    # Assessment: the bid goes to the round's three members, who each score it.
    officer.goto("/panel/rounds")
    officer.follow(ROUND, exact=False)
    round_path = re.search(r"/panel/rounds/\d+", officer.page.url).group(0)
    officer.follow("Assignments")
    officer.press("Assign automatically")
    assert "3 of 3" in officer.page.locator("tr", has_text=reference).inner_text()
    member = Person(new_page(), axe)
    for email in MEMBERS:
        _score(member, email)

    # The recommendation, and the commissioner's approval.
    officer.goto(f"{round_path}/recommendation")
    officer.page.get_by_label("Quality threshold").fill("1")
    officer.page.get_by_label("Highest total score").check()
    officer.press("Run the recommendation")
    assert "Recommended" in officer.page.locator("tr", has_text=reference).inner_text()
    commissioner = Person(new_page(), axe)
    commissioner.sign_in("commissioner@example.org")
    commissioner.goto(f"{round_path}/decision")
    assert commissioner.page.locator(".govuk-checkboxes__item", has_text=reference).locator("input").is_checked()
    with commissioner.page.expect_navigation():
        commissioner.page.locator("#approve").click()
    axe.check(commissioner.page)
    assert not commissioner.errors(), commissioner.errors()
    assert "Successful" in commissioner.page.locator("tr", has_text=reference).inner_text()
    commissioner.sign_out()

    # The award: the officer offers the amount asked for on the round's own form.
    officer.goto("/awards")
    row = officer.page.locator("tr", has_text=reference)
    with officer.page.expect_navigation():
        row.get_by_role("link", name=re.compile("Make an offer")).click()
    axe.check(officer.page)
    assert officer.heading() == f"Make an offer to {ORGANISATION}"
    assert TITLE in officer.text() and "£3,000.00" in officer.text()
    officer.press("Make the offer", exact=False)
    assert not officer.errors(), officer.errors()
    assert officer.heading() == f"{ORGANISATION}: {TITLE}"
    award_text = officer.text()
    assert "£3,000.00" in award_text and "Offered" in award_text
    officer.follow(reference)  # the award's application: the people it will reach, as its form asked
    _shows_own_answers(officer)
    screenshot(officer.page)
