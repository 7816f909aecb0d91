"""The grantee's monitoring returns: each section kept as typed, completeness, check and submit.

``running_award`` and ``RETURN_ANSWERS`` are used by the officers' review tests and the reminder
tests too.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from grants.models.applications import ApplicationSection
from grants.models.audit import AuditEvent
from grants.models.awards import AwardStatus, InstalmentStatus, ReturnStatus
from grants.models.types import utcnow
from tests.blueprints.applications.answers import VALID
from tests.factories import AwardFactory, UserFactory
from tests.helpers import error_messages, page, post

# The application's sections a return reads its rows from.
APPLICATION_SECTIONS = ("priorities", "beneficiaries", "delivery", "budget", "outcomes")

# A complete return for an award on the application answers in VALID: two milestones, two groups of
# people, two budget lines, one proposed outcome and one Combating Drugs outcome.
RETURN_ANSWERS: dict[str, dict[str, list[str]]] = {
    "activities": {"status_1": ["done"], "comment_1": ["The café opened in its first fortnight."],
                   "status_2": ["in_progress"], "comment_2": ["Six of the ten mentors are trained."]},
    "people": {"people_treatment_recovery": ["35"], "people_families": ["1,200"]},
    "spend": {"spend_1": ["£1,200"], "spend_2": ["300.50"]},
    "outcomes": {"outcome_1": ["Attendance is steady at 20 a week."],
                 "drugs_improve_recovery_outcomes": ["Eight people have stayed in recovery for three months."]},
    "stories": {"story": ["J. came every week and now volunteers."], "consent": ["y"]},
    "problems": {"problems": ["None"]},
}


def running_award(organisation, **changes):
    """An accepted award (its first instalment due) on an application with the answers in VALID."""
    award = AwardFactory(organisation=organisation, status=AwardStatus.ACCEPTED, accepted_at=utcnow(),
                         accepted_name="Alex Contact", accepted_position="Chair", **changes)
    for key in APPLICATION_SECTIONS:
        award.application.sections.append(ApplicationSection(key=key, answers=VALID[key], complete=True))
    award.instalments[0].status = InstalmentStatus.DUE
    from grants.extensions import db

    db.session.flush()
    return award


def return_url(monitoring_return, suffix: str = "") -> str:
    return f"/grants/{monitoring_return.award_id}/returns/{monitoring_return.id}{suffix}"


def save(client, monitoring_return, key: str, answers: dict, later: bool = False):
    button = "action-later" if later else "action-continue"
    return post(client, return_url(monitoring_return, f"/sections/{key}"), {**answers, button: "1"})


def complete_all(client, monitoring_return) -> None:
    for key, answers in RETURN_ANSWERS.items():
        response = save(client, monitoring_return, key, answers)
        assert response.status_code == 302, error_messages(response)


@pytest.fixture
def award(db, users):
    return running_award(users["org_a"])


@pytest.fixture
def first_return(award):
    return award.returns[0]


@pytest.fixture
def applicant(as_role):
    return as_role("applicant")


def test_the_task_list_has_six_sections_not_yet_started(applicant, first_return):
    response = applicant.get(return_url(first_return))
    assert response.status_code == 200
    html = page(response)
    assert html.h1.get_text(strip=True) == "Monitoring return 1"
    titles = [a.get_text(strip=True) for a in html.select(".govuk-task-list__link")]
    assert titles == ["Activities and milestones", "People reached", "Spend to date", "Progress against outcomes",
                      "Stories and case studies", "Problems and risks"]
    assert html.get_text().count("Not yet started") == 6


def test_rows_come_from_the_application(applicant, first_return):
    activities = page(applicant.get(return_url(first_return, "/sections/activities"))).get_text()
    assert "Milestone 1: Café opens" in activities and "Milestone 2: First ten peer mentors trained" in activities
    people = page(applicant.get(return_url(first_return, "/sections/people"))).get_text()
    assert "People in drug or alcohol treatment or recovery" in people and "Families and carers" in people
    assert "Young people at risk" not in people  # a group the application did not name
    spend = page(applicant.get(return_url(first_return, "/sections/spend"))).get_text()
    assert "Sessional workers and facilitators: Peer facilitators, 40 sessions" in spend
    assert "Budget: £2,400.00" in spend and "Your grant is £4,000.00" in spend
    outcomes = page(applicant.get(return_url(first_return, "/sections/outcomes"))).get_text()
    assert "People stay in recovery" in outcomes and "Improve drug recovery outcomes" in outcomes


def test_invalid_answers_are_kept_exactly_as_typed(applicant, first_return, db):
    typed = {"people_treatment_recovery": ["about forty"], "people_families": ["-3"]}
    response = save(applicant, first_return, "people", typed)
    assert response.status_code == 200
    assert error_messages(response) == [
        "Number of people in drug or alcohol treatment or recovery must be a whole number, like 40",
        "Number of families and carers of people who use drugs must be 0 or more",
    ]
    db.session.refresh(first_return)
    assert first_return.answers["people"] == typed
    assert first_return.status is ReturnStatus.DRAFT
    # Shown again as typed, with the messages, when the grantee comes back.
    again = applicant.get(return_url(first_return, "/sections/people"))
    assert page(again).find("input", {"name": "people_treatment_recovery"})["value"] == "about forty"
    form = page(again).find("button", {"name": "action-continue"}).find_parent("form")
    assert form.find("input", {"name": "csrf_token"})["value"]  # so that the browser can save it again
    assert len(error_messages(again)) == 2
    assert "In progress" in page(applicant.get(return_url(first_return))).get_text()


def test_a_complete_section_moves_on_and_shows_completed(applicant, first_return, db):
    response = save(applicant, first_return, "activities", RETURN_ANSWERS["activities"])
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sections/people")
    html = page(applicant.get(return_url(first_return)))
    assert "You have completed 1 of 6 sections" in html.get_text()
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "return.section_saved")).one()
    assert "complete" in event.summary


def test_save_for_later_goes_back_to_the_task_list(applicant, first_return):
    response = save(applicant, first_return, "problems", {"problems": [""]}, later=True)
    assert response.status_code == 302 and response.headers["Location"] == return_url(first_return)
    shown = page(applicant.get(return_url(first_return))).get_text()
    assert "Your answers to ‘Problems and risks’ have been saved" in shown


@pytest.mark.parametrize("key, answers, messages", [
    ("activities", {"status_1": ["done"], "comment_1": ["Opened"]},
     ["Select the progress on milestone 2", "Enter what happened on milestone 2"]),
    ("activities", {**RETURN_ANSWERS["activities"], "status_1": ["finished"]}, ["Select one of the options shown"]),
    ("people", {"people_treatment_recovery": [""], "people_families": ["12"]},
     ["Enter the number of people in drug or alcohol treatment or recovery you reached, or 0"]),
    ("people", {"people_treatment_recovery": ["2000000"], "people_families": ["0"]},
     ["Number of people in drug or alcohol treatment or recovery must be 1,000,000 or fewer"]),
    ("spend", {"spend_1": ["-5"], "spend_2": ["ten pounds"]},
     ["Spend on budget line 1 must be £0 or more", "Spend on budget line 2 must be a number, like 12500"]),
    ("spend", {"spend_1": ["100"], "spend_2": [""]}, ["Enter the spend to date on budget line 2, or 0"]),
    ("outcomes", {"outcome_1": ["Going well"]},
     ["Enter the progress on the Combating Drugs outcome ‘Improve drug recovery outcomes’"]),
    ("stories", {"story": ["A story about someone"]},
     ["Confirm that no one can be identified from the story and that they agreed to it"]),
    ("problems", {"problems": ["   "]}, ["Describe any problems or risks, or enter “None”"]),
])
def test_each_section_says_what_is_wrong(applicant, first_return, key, answers, messages):
    response = save(applicant, first_return, key, answers)
    assert response.status_code == 200
    assert error_messages(response) == messages


def test_zero_people_and_no_story_are_answers(applicant, first_return):
    assert save(applicant, first_return, "people",
                {"people_treatment_recovery": ["0"], "people_families": ["0"]}).status_code == 302
    assert save(applicant, first_return, "stories", {"story": [""]}).status_code == 302


def test_spend_above_the_award_is_refused_with_the_totals(applicant, first_return, db):
    typed = {"spend_1": ["4,000"], "spend_2": ["500"]}
    response = save(applicant, first_return, "spend", typed)
    assert response.status_code == 200
    assert error_messages(response) == ["Spend to date of £4,500.00 is more than the award of £4,000.00"]
    assert page(response).select_one(".govuk-error-summary a")["href"] == "#spend_1"
    db.session.refresh(first_return)
    assert first_return.answers["spend"] == typed
    # Exactly the award is allowed.
    assert save(applicant, first_return, "spend", {"spend_1": ["3,500"], "spend_2": ["500"]}).status_code == 302


def test_submit_is_refused_while_sections_are_incomplete(applicant, first_return, db):
    save(applicant, first_return, "activities", RETURN_ANSWERS["activities"])
    save(applicant, first_return, "spend", {"spend_1": ["x"]})
    check = applicant.get(return_url(first_return, "/check"))
    assert [item.get_text(strip=True) for item in page(check).select("#incomplete li")] == [
        "Complete the section ‘People reached’", "Check your answers in ‘Spend to date’",
        "Complete the section ‘Progress against outcomes’", "Complete the section ‘Stories and case studies’",
        "Complete the section ‘Problems and risks’",
    ]
    assert page(check).find("button", string="Submit return") is None
    response = post(applicant, return_url(first_return, "/submit"))
    assert response.status_code == 200 and "Complete the section ‘People reached’" in error_messages(response)
    db.session.refresh(first_return)
    assert first_return.status is ReturnStatus.DRAFT and first_return.submitted_at is None


# The grantee typed the word None, as the return asks when there are no problems.
@pytest.mark.visible_text(allow=["None"])
def test_a_return_cannot_be_submitted_before_its_period_starts(applicant, award, db):
    later = award.returns[1]
    assert later.period_start > utcnow().date()
    complete_all(applicant, later)
    response = post(applicant, return_url(later, "/submit"))
    assert error_messages(response) == [
        f"This return covers the period from {later.period_start.day} {later.period_start:%B %Y}: "
        "you can submit it once the period has started"]
    db.session.refresh(later)
    assert later.status is ReturnStatus.DRAFT


# The grantee typed the word None, as the return asks when there are no problems.
@pytest.mark.visible_text(allow=["None"])
def test_a_complete_return_is_submitted_and_then_cannot_be_changed(applicant, first_return, users, db):
    complete_all(applicant, first_return)
    check = applicant.get(return_url(first_return, "/check"))
    assert error_messages(check) == [] and page(check).select_one("#incomplete") is None
    text = page(check).get_text()
    assert "Done" in text and "The café opened in its first fortnight." in text and "£1,500.50" in text
    response = post(applicant, return_url(first_return, "/submit"))
    assert response.status_code == 302
    db.session.refresh(first_return)
    assert first_return.status is ReturnStatus.SUBMITTED
    assert first_return.submitted_by_id == users["applicant"].id
    assert db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "return.submitted")).one()

    view = applicant.get(return_url(first_return))
    assert "can no longer be changed" in page(view).get_text() and "Six of the ten mentors" in page(view).get_text()
    # Editing after submission: the page sends the grantee back, and a posted change is not saved.
    assert applicant.get(return_url(first_return, "/sections/problems")).status_code == 302
    response = save(applicant, first_return, "problems", {"problems": ["Changed afterwards"]})
    assert response.status_code == 302
    db.session.refresh(first_return)
    assert first_return.answers["problems"] == {"problems": ["None"]}
    # A second click on submit changes nothing.
    assert post(applicant, return_url(first_return, "/submit")).status_code == 302
    assert applicant.get(return_url(first_return, "/check")).status_code == 302


def test_an_offer_not_yet_accepted_has_no_editable_returns(applicant, users, db):
    offered = AwardFactory(organisation=users["org_a"])
    monitoring_return = offered.returns[0]
    view = applicant.get(return_url(monitoring_return))
    assert "accepted and is running" in page(view).get_text()
    response = save(applicant, monitoring_return, "problems", {"problems": ["None"]})
    assert response.status_code == 302
    db.session.refresh(monitoring_return)
    assert monitoring_return.answers == {} and monitoring_return.status is ReturnStatus.NOT_STARTED


def test_another_organisations_return_is_not_found(as_role, first_return):
    other = as_role("applicant_b")
    for suffix in ("", "/sections/people", "/check"):
        assert other.get(return_url(first_return, suffix)).status_code == 404
    assert post(other, return_url(first_return, "/submit")).status_code == 404
    assert save(other, first_return, "problems", {"problems": ["None"]}).status_code == 404


def test_a_return_under_another_award_is_not_found(applicant, users, first_return, db):
    second = running_award(users["org_a"])
    mismatched = f"/grants/{second.id}/returns/{first_return.id}"
    assert applicant.get(mismatched).status_code == 404
    assert post(applicant, mismatched + "/sections/people", {"people_families": ["1"]}).status_code == 404
    assert applicant.get(return_url(first_return, "/sections/nonsense")).status_code == 404
    assert applicant.get(f"/grants/{first_return.award_id}/returns/999999").status_code == 404


def test_any_member_of_the_organisation_may_write_the_return(as_user, users, first_return):
    colleague = UserFactory(organisation=users["org_a"])
    response = save(as_user(colleague), first_return, "problems", {"problems": ["None"]})
    assert response.status_code == 302


def test_application_without_lists_still_gets_general_questions(applicant, users, db):
    bare = AwardFactory(organisation=users["org_a"], status=AwardStatus.ACCEPTED, accepted_at=utcnow())
    monitoring_return = bare.returns[0]
    text = page(applicant.get(return_url(monitoring_return, "/sections/activities"))).get_text()
    assert "Milestone 1: The activities of this period" in text
    assert save(applicant, monitoring_return, "people", {"people_all": ["10"]}).status_code == 302
    assert save(applicant, monitoring_return, "outcomes", {"outcome_1": ["Good progress"]}).status_code == 302
    spend = error_messages(save(applicant, monitoring_return, "spend", {"spend_1": ["4000.01"]}))
    assert spend == [f"Spend to date of £4,000.01 is more than the award of £{bare.amount:,}"]


def test_the_grant_page_lists_its_returns_with_links(applicant, award):
    response = applicant.get(f"/grants/{award.id}")
    assert response.status_code == 200
    section = page(response).find(id="returns").find_parent("section")
    assert len(section.select("tbody tr")) == len(award.returns)
    assert section.find("a", href=return_url(award.returns[0])) is not None


def test_an_offer_page_lists_returns_without_links(applicant, users):
    offered = AwardFactory(organisation=users["org_a"])
    section = page(applicant.get(f"/grants/{offered.id}")).find(id="returns").find_parent("section")
    assert section.select("tbody tr") and section.select("tbody a") == []
    assert "Once you accept the grant" in section.get_text()


def test_the_figures_reported_are_read_back_for_dashboards(applicant, first_return, db):
    from grants.interfaces.awards.monitoring import plan
    from grants.return_form.sections import people_reached, spend_to_date

    assert people_reached(first_return, plan(first_return)) is None
    complete_all(applicant, first_return)
    db.session.refresh(first_return)
    assert people_reached(first_return, plan(first_return)) == {
        "People in drug or alcohol treatment or recovery": 35, "Families and carers of people who use drugs": 1200}
    assert spend_to_date(first_return, plan(first_return)) == Decimal("1500.50")
