"""A monitoring return whose round's form asks one question of every type a monitoring form may have,
in real Chromium with axe-core on every page: the grantee answers each section (the monitoring types
one answer per item of the award's application, a file uploaded, a second row added with "Add another",
an address asked only in a later section after "Yes" to an earlier one, one wrong answer refused with
its own message), checks the answers and submits; a grants officer then reviews the same answers and
downloads the file.

The round, its monitoring form, the successful application and the accepted award are made in the
served database before the journey (``prepare``, run as the server's own process would run it), apart
from the demo's awards, which other journeys change as they go."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal

import pytest

from tests.browser.conftest import PROJECT_ROOT
from tests.browser.person import Person, pdf_bytes

pytestmark = pytest.mark.browser

ROUND = "Tamar Estuary Returns Fund 2026"
ORGANISATION = "Tamar Valley Recovery Community"  # the demo applicant's group
TITLE = "Saltash Recovery Walks"
FILE_NAME = "walk-risk-assessment.pdf"
FILE_BYTES = pdf_bytes("Walk risk assessment")

# The questions the round's own sections ask, beside the standard form's monitoring sections.
ABOUT = [
    {"id": "r_short", "type": "short_text", "label": "Your walk leader's name", "limits": {"max_length": 40}},
    {"id": "r_long", "type": "long_text", "label": "What went well this quarter", "limits": {"max_words": 50}},
    {"id": "r_number", "type": "whole_number", "label": "Walks held", "limits": {"min": 0, "max": 200}},
    {"id": "r_money", "type": "money", "label": "Donations received"},
    {"id": "r_percentage", "type": "percentage", "label": "Share of walkers who came back"},
    {"id": "r_date", "type": "date", "label": "Date of the first walk"},
    {"id": "r_one", "type": "one_choice", "label": "How often do you walk?",
     "options": [{"value": "weekly", "label": "Weekly"}, {"value": "monthly", "label": "Monthly"}]},
    {"id": "r_several", "type": "several_choices", "label": "Which days?",
     "options": [{"value": "sat", "label": "Saturday"}, {"value": "sun", "label": "Sunday"}]},
    {"id": "r_email", "type": "email", "label": "Email for the walk leader"},
    {"id": "r_phone", "type": "phone", "label": "Phone for the walk leader"},
    {"id": "r_declaration", "type": "declaration", "label": "I confirm these figures are accurate"},
    {"id": "moved", "type": "yes_no", "label": "Have the walks moved to a new meeting point?"},
]
CHANGES = [
    {"id": "new_venue", "type": "uk_address", "label": "What is the new meeting point's address?",
     "show_if": {"question": "moved", "equals": "yes"}},
    {"id": "r_file", "type": "file", "label": "Upload the walks' risk assessment",
     "limits": {"file_types": ["pdf"], "max_mb": 2}},
    {"id": "next_steps", "type": "outcome_measures", "label": "What will you achieve next?"},
    {"id": "new_budget", "type": "budget_lines", "label": "How will you spend the rest of the grant?"},
    {"id": "new_milestones", "type": "milestones", "label": "What are your next milestones?"},
    {"id": "r_approaches", "type": "plan_approaches", "label": "Which approaches does the work follow now?"},
    {"id": "r_strands", "type": "adder_strands", "label": "Which ADDER strands does it support now?"},
    {"id": "r_outcomes", "type": "drug_outcomes", "label": "Which Combating Drugs outcomes now?"},
    {"id": "r_areas", "type": "areas_served", "label": "Which areas do the walks serve now?"},
    {"id": "r_reached", "type": "people_reached", "label": "How many people will the walks reach next year?"},
]

# The round's lists a plan_approaches, adder_strands, drug_outcomes or areas_served question offers: a
# return's questions are given them as an application's are.
ROUND_LISTS = {"r_approaches": "people", "r_strands": "recovery", "r_outcomes": "improve-recovery-outcomes",
               "r_areas": "plymouth"}


def monitoring_form() -> dict:
    """The standard monitoring form's sections that ask the monitoring types (one answer per item of the
    award's application), then "About the walks" (ending in a yes/no) and "Changes to the walks"."""
    from grants.form_definitions import Kind, dump, load, standard

    document = dump(standard(Kind.MONITORING))
    document["sections"] = [section for section in document["sections"]
                            if section["id"] in {"activities", "people", "spend", "outcomes"}]
    document["sections"] += [
        {"id": "about", "title": "About the walks", "questions": ABOUT},
        {"id": "changes", "title": "Changes to the walks", "questions": CHANGES},
    ]
    return dump(load(document))  # checked as an import would check it


def prepare() -> None:
    """Make the round (decided, with every list), its monitoring form, the demo applicant's successful
    application on the standard form and its accepted award, running for 100 days; print the award's
    and its first return's ids."""
    from sqlalchemy import select

    from grants.award_conditions import STANDARD_CONDITIONS
    from grants.extensions import db
    from grants.form_definitions import Kind
    from grants.formatting import LONDON
    from grants.interfaces.applications.submission import next_reference, organisation_snapshot
    from grants.interfaces.auth import accounts
    from grants.interfaces.awards import awarding
    from grants.interfaces.awards.offers import default_schedule
    from grants.models.applications import Application, ApplicationSection, ApplicationStatus
    from grants.models.awards import Award, MonitoringFrequency
    from grants.models.organisations import LegalType, Organisation
    from grants.models.reference import AdderStrand, DrugsOutcome, LocalAuthority, PlanApproach
    from grants.models.round_forms import RoundForm
    from grants.models.rounds import FundingRound
    from grants.models.types import utcnow
    from tests.blueprints.applications.answers import VALID
    from tests.browser.server import create

    with create().app_context():
        existing = db.session.scalar(select(FundingRound).filter_by(name=ROUND))
        if existing is None:
            now = utcnow()
            today = now.astimezone(LONDON).date()
            funding_round = FundingRound(
                name=ROUND, description="Recovery walks along the Tamar.", guidance="Apply by the date.",
                opens_at=now - timedelta(days=200), closes_at=now - timedelta(days=150),
                published_at=now - timedelta(days=210), total_budget=Decimal("20000.00"),
                min_award=Decimal("1000.00"), max_award=Decimal("5000.00"), max_project_months=12,
                max_annual_income=Decimal("500000.00"),
            )
            funding_round.legal_types = list(LegalType)
            funding_round.local_authorities = list(db.session.scalars(select(LocalAuthority)))
            funding_round.approaches = list(db.session.scalars(select(PlanApproach)))
            funding_round.adder_strands = list(db.session.scalars(select(AdderStrand)))
            funding_round.outcomes = list(db.session.scalars(select(DrugsOutcome)))
            db.session.add(funding_round)
            db.session.flush()
            db.session.add(RoundForm(round_id=funding_round.id, kind=Kind.MONITORING, version=1,
                                     definition=monitoring_form(), created_at=now - timedelta(days=210)))
            organisation = db.session.scalar(select(Organisation).filter_by(name=ORGANISATION))
            answers = copy.deepcopy(VALID)
            answers["project"]["title"] = [TITLE]
            submitted = now - timedelta(days=160)
            application = Application(funding_round=funding_round, organisation=organisation,
                                      status=ApplicationStatus.SUCCESSFUL, project_title=TITLE,
                                      amount_requested=Decimal("3600.50"), created_at=submitted - timedelta(days=5))
            for key, section_answers in answers.items():
                application.sections.append(ApplicationSection(key=key, answers=section_answers, complete=True))
            db.session.add(application)
            db.session.flush()
            year = submitted.astimezone(LONDON).year
            application.reference = next_reference(f"CGS-{year}", f"CGS-{year}")
            application.submitted_at = submitted
            application.organisation_snapshot = organisation_snapshot(application)
            officer = accounts.get_user_by_email("officer@example.org")
            grantee = accounts.get_user_by_email("applicant@example.org")
            start = today - timedelta(days=100)
            end = start + timedelta(days=364)
            amount = Decimal("3600.50")
            award = awarding.create_award(application, awarding.AwardTerms(
                amount=amount, amount_reason=None, start_date=start, end_date=end,
                standard_conditions=tuple(STANDARD_CONDITIONS), special_conditions="",
                monitoring_frequency=MonitoringFrequency.QUARTERLY, officer=officer,
                offer_deadline=now + timedelta(days=14), instalments=tuple(default_schedule(amount, start, end)),
            ), officer)
            awarding.accept_offer(award, grantee, "Alex Contact", "Chair", True)
            db.session.commit()
            existing = funding_round
        award = db.session.scalar(select(Award).filter_by(round_id=existing.id))
        print(json.dumps({"award": award.id, "return": min(r.id for r in award.returns)}))


@pytest.fixture
def return_award(server_env, live_server) -> dict[str, int]:
    """The award and its first return's ids, made in the served database by a process of the server's own."""
    made = subprocess.run([sys.executable, "-c", f"from {__name__} import prepare; prepare()"], cwd=PROJECT_ROOT,
                          env=server_env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stdout + made.stderr
    return json.loads(made.stdout.strip().splitlines()[-1])


# The answers, as the pages post them, section by section (the monitoring types' as test_returns' are).
ANSWERS = {
    "activities": {"status_1": ["done"], "comment_1": ["The first walk set off in the first fortnight."],
                   "status_2": ["in_progress"], "comment_2": ["Six of the ten walk leaders are trained."]},
    "people": {"people_treatment_recovery": ["35"], "people_families": ["12"]},
    "spend": {"spend_1": ["£1,200"], "spend_2": ["300.50"]},
    "outcomes": {"outcome_1": ["Twenty people walk every week."],
                 "drugs_improve_recovery_outcomes": ["Eight walkers have stayed in recovery for three months."]},
    "about": {"r_short": ["Morwenna Penrose"], "r_long": ["Walkers brought their families along in June."],
              "r_number": ["14"], "r_money": ["250.75"], "r_percentage": ["80"], "r_date": ["7", "4", "2026"],
              "r_one": ["weekly"], "r_several": ["sat", "sun"], "r_email": ["walks@example.org"],
              "r_phone": ["01752 960001"], "moved": ["yes"]},
    "changes": {"new_venue-line_1": ["4 Fore Street"], "new_venue-town": ["Saltash"],
                "new_venue-postcode": ["pl12 6jr"],
                "next_steps-0-outcome": ["Walk every Sunday"], "next_steps-0-measure": ["Sunday attendance"],
                "new_budget-0-category": ["venue"], "new_budget-0-description": ["Hall for the winter"],
                "new_budget-0-amount": ["400"],
                "new_milestones-0-description": ["Winter programme starts"],
                "r_reached": ["150"], **{name: [value] for name, value in ROUND_LISTS.items()}},
}
SECOND_ROW = {"next_steps-1-outcome": ["Train four more walk leaders"], "next_steps-1-measure": ["Leaders trained"]}


def _rows(person: Person) -> dict[str, str]:
    """The summary lists' rows as the page shows them: question and answer."""
    rows = person.page.locator(".govuk-summary-list__row")
    return {row.locator("dt").inner_text().strip(): row.locator("dd").first.inner_text().strip()
            for row in rows.all()}


def _save(person: Person) -> None:
    person.press("Save and continue")
    assert not person.errors(), person.errors()


def test_a_return_asking_every_question_type_is_answered_checked_and_reviewed(new_page, axe, return_award,
                                                                            screenshot):
    award_id, return_id = return_award["award"], return_award["return"]
    base = f"/grants/{award_id}/returns/{return_id}"
    grantee = Person(new_page(), axe)
    grantee.sign_in("applicant@example.org")
    grantee.goto(base)
    titles = grantee.page.locator(".govuk-task-list__link").all_inner_texts()
    assert [title.strip() for title in titles] == [
        "Activities and milestones", "People reached", "Spend to date", "Progress against outcomes",
        "About the walks", "Changes to the walks"]

    # The monitoring types: one answer for each milestone, group, budget line and outcome.
    for key in ("activities", "people", "spend", "outcomes"):
        grantee.goto(f"{base}/sections/{key}")
        grantee.fill(ANSWERS[key])
        _save(grantee)

    # Before the walks are said to have moved, the later section does not ask the new address.
    grantee.goto(f"{base}/sections/changes")
    assert "What is the new meeting point's address?" not in grantee.text()

    # About the walks: one wrong answer is refused with its own message, then put right.
    grantee.goto(f"{base}/sections/about")
    grantee.fill({**ANSWERS["about"], "r_email": ["not an email"]})
    grantee.page.get_by_label("I confirm these figures are accurate").check()
    grantee.press("Save and continue")
    assert grantee.errors() == ["Enter an email address in the correct format, like name@example.com"]
    assert grantee.page.locator(".govuk-error-summary").is_visible()
    grantee.fill({"r_email": ANSWERS["about"]["r_email"]})
    _save(grantee)

    # Changes to the walks: the address is asked now the walks have moved; a file; a second row.
    grantee.goto(f"{base}/sections/changes")
    assert grantee.page.get_by_text("What is the new meeting point's address?").is_visible()
    # The round-list questions offer the round's lists, as an application's do (each value once).
    for name, value in ROUND_LISTS.items():
        assert grantee.page.locator(f"input[name={name}][value={value}]").count() == 1, name
    grantee.fill(ANSWERS["changes"])
    grantee.fill({"new_milestones-0-due": ["1", "1", "2027"]})
    grantee.page.get_by_label("Upload the walks' risk assessment").set_input_files(
        {"name": FILE_NAME, "mimeType": "application/pdf", "buffer": FILE_BYTES})
    grantee.press("Add another outcome")
    assert not grantee.errors(), grantee.errors()
    assert grantee.page.locator("input[name$='-outcome']").count() >= 2
    grantee.fill(SECOND_ROW)
    _save(grantee)

    # Check answers: every answer as the grantee gave it, the file by name, linked.
    grantee.goto(f"{base}/check")
    rows = _rows(grantee)
    screenshot(grantee.page, "-check")
    expected = _expected_rows()
    assert {question: rows.get(question) for question in expected} == expected
    link = grantee.page.get_by_role("link", name=FILE_NAME)
    assert link.count() == 1
    download_path = link.get_attribute("href")
    grantee.press("Submit return", exact=False)
    assert not grantee.errors(), grantee.errors()
    assert "has been submitted" in grantee.text()

    # The officer's review: the same answers, and the file downloads as it was uploaded.
    officer = Person(new_page(), axe)
    officer.sign_in("officer@example.org")
    officer.goto(f"/awards/{award_id}/returns/{return_id}")
    review = _rows(officer)
    assert {question: review.get(question) for question in expected} == expected
    with officer.page.expect_download() as download_info:
        officer.page.get_by_role("link", name=FILE_NAME).click()
    download = download_info.value
    assert download.suggested_filename == FILE_NAME
    with open(download.path(), "rb") as stream:
        assert stream.read() == FILE_BYTES
    assert officer.page.get_by_role("link", name=FILE_NAME).get_attribute("href") == download_path
    screenshot(officer.page, "-review")


def _expected_rows() -> dict[str, str]:
    """Each question of the round's own sections and its answer, as check answers and the review show it."""
    return {
        "Milestone 1: Café opens": "Done\nThe first walk set off in the first fortnight.",
        "Milestone 2: First ten peer mentors trained": "In progress\nSix of the ten walk leaders are trained.",
        "People in drug or alcohol treatment or recovery": "35",
        "Families and carers of people who use drugs": "12",
        "Sessional workers and facilitators: Peer facilitators, 40 sessions": "£1,200.00",
        "Venue hire: Hall hire": "£300.50",
        "Total spend to date": "£1,500.50",
        "People stay in recovery": "Twenty people walk every week.",
        "Improve drug recovery outcomes": "Eight walkers have stayed in recovery for three months.",
        "Your walk leader's name": "Morwenna Penrose",
        "What went well this quarter": "Walkers brought their families along in June.",
        "Walks held": "14",
        "Donations received": "£250.75",
        "Share of walkers who came back": "80%",
        "Date of the first walk": "7 April 2026",
        "How often do you walk?": "Weekly",
        "Which days?": "Saturday\nSunday",
        "Email for the walk leader": "walks@example.org",
        "Phone for the walk leader": "01752 960001",
        "I confirm these figures are accurate": "Yes",
        "Have the walks moved to a new meeting point?": "Yes",
        "What is the new meeting point's address?": "4 Fore Street\nSaltash\nPL12 6JR",
        "Upload the walks' risk assessment": FILE_NAME,
        "What will you achieve next?": "Walk every Sunday – Sunday attendance\n"
                                       "Train four more walk leaders – Leaders trained",
        "How will you spend the rest of the grant?": "Venue hire – Hall for the winter – £400.00",
        "What are your next milestones?": "Winter programme starts – 1 January 2027",
        "Which approaches does the work follow now?": "People",
        "Which ADDER strands does it support now?": "Recovery",
        "Which Combating Drugs outcomes now?": "Improve drug recovery outcomes",
        "Which areas do the walks serve now?": "Plymouth",
        "How many people will the walks reach next year?": "150",
    }
