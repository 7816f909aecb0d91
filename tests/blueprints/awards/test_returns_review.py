"""Officers review monitoring returns: rating, accepting, asking for more information, holds; and
the list of overdue returns."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.interfaces.awards import monitoring
from grants.models.audit import AuditEvent
from grants.models.awards import InstalmentStatus, InstalmentTrigger, Rating, ReturnStatus
from grants.models.mail import OutboxMessage
from grants.models.types import utcnow
from tests.blueprints.grantee.test_returns import RETURN_ANSWERS, complete_all, return_url, running_award, save
from tests.factories import AwardFactory, UserFactory
from tests.helpers import error_messages, page, post

# The grantee's answers (RETURN_ANSWERS) say "None" to the question about problems, as the return asks.
pytestmark = pytest.mark.visible_text(allow=["None"])


@pytest.fixture
def award(db, users):
    return running_award(users["org_a"], officer_id=users["grants_officer"].id)


@pytest.fixture
def submitted(award, as_role, db):
    """Return 1, completed and submitted by the grantee."""
    monitoring_return = award.returns[0]
    grantee = as_role("applicant")
    complete_all(grantee, monitoring_return)
    assert post(grantee, return_url(monitoring_return, "/submit")).status_code == 302
    db.session.refresh(monitoring_return)
    assert monitoring_return.status is ReturnStatus.SUBMITTED
    return monitoring_return


@pytest.fixture
def officer(as_role):
    return as_role("grants_officer")


def review_url(monitoring_return) -> str:
    return f"/awards/{monitoring_return.award_id}/returns/{monitoring_return.id}"


def review(client, monitoring_return, rating="green", decision="accept", comments=""):
    return post(client, review_url(monitoring_return), {"rating": rating, "decision": decision, "comments": comments})


def _outbox(db, subject_part: str) -> list[OutboxMessage]:
    return list(db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.subject.contains(subject_part))))


def test_the_review_page_shows_the_answers_and_the_form_to_officers_only(submitted, officer, as_role):
    html = page(officer.get(review_url(submitted)))
    text = html.get_text()
    assert "Milestone 1: Café opens" in text and "The café opened in its first fortnight." in text
    assert "1,200" in text and "Total spend to date" in text and "£1,500.50" in text
    assert html.find("form", {"action": review_url(submitted)}) is not None
    assert html.select_one(f"main dd a[href='/awards/{submitted.award_id}']") is not None
    finance = page(as_role("finance_officer").get(review_url(submitted)))
    assert "The café opened" in finance.get_text() and finance.find("form", {"action": review_url(submitted)}) is None


@pytest.mark.parametrize("data, messages", [
    ({}, ["Select a rating", "Select whether to accept the return or ask for more information"]),
    ({"rating": "amber", "decision": "accept"}, ["Enter comments to explain the amber rating"]),
    ({"rating": "red", "decision": "accept", "comments": "   "}, ["Enter comments to explain the red rating"]),
    ({"rating": "green", "decision": "more_information"}, ["Enter the information you need from the grantee"]),
    ({"rating": "purple", "decision": "accept"}, ["Select one of the options shown"]),
    ({"rating": "green", "decision": "accept", "comments": "x" * 2001}, ["Comments must be 2,000 characters or fewer"]),
])
def test_review_rules(submitted, officer, db, data, messages):
    response = post(officer, review_url(submitted), data)
    assert response.status_code == 200
    assert error_messages(response) == messages
    db.session.refresh(submitted)
    assert submitted.status is ReturnStatus.SUBMITTED and submitted.rating is None


def test_accepting_a_green_return_makes_the_next_payment_due(submitted, officer, award, db, users):
    second = award.instalments[1]
    assert second.trigger is InstalmentTrigger.AFTER_RETURN and second.status is InstalmentStatus.SCHEDULED
    response = review(officer, submitted)
    assert response.status_code == 302
    db.session.refresh(submitted)
    db.session.refresh(second)
    assert submitted.status is ReturnStatus.ACCEPTED and submitted.rating is Rating.GREEN
    assert submitted.reviewed_by_id == users["grants_officer"].id
    assert second.status is InstalmentStatus.DUE
    assert "instalment 2 is now due for payment" in page(officer.get(review_url(submitted))).get_text()
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "return.accepted")).one()
    assert event.changes["status"] == {"before": "submitted", "after": "accepted"}
    # Reviewed once: a second review is refused.
    again = review(officer, submitted, rating="red", comments="Late")
    assert again.status_code == 302
    db.session.refresh(submitted)
    assert submitted.rating is Rating.GREEN


def test_an_amber_return_with_comments_is_accepted(submitted, officer, award, db):
    assert review(officer, submitted, rating="amber", comments="Recruitment is slow").status_code == 302
    db.session.refresh(submitted)
    assert submitted.rating is Rating.AMBER and submitted.review_comments == "Recruitment is slow"
    assert award.instalments[1].status is InstalmentStatus.DUE


def test_a_red_rating_holds_the_next_unpaid_instalment(submitted, officer, award, db):
    first = award.instalments[0]
    assert first.status is InstalmentStatus.DUE
    assert review(officer, submitted, rating="red", comments="No sessions have run").status_code == 302
    db.session.refresh(first)
    db.session.refresh(award.instalments[1])
    assert first.held and first.hold_reason == "Monitoring return 1 rated red"
    assert award.instalments[1].status is InstalmentStatus.SCHEDULED  # no payment released
    held = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "instalment.held")).one()
    assert held.changes["held"] == {"before": False, "after": True}


def test_more_information_cycle(submitted, officer, award, as_role, db, users):
    member = UserFactory(organisation=users["org_a"], email="member.a@example.org")
    response = review(officer, submitted, rating="amber", decision="more_information",
                      comments="How many of the 35 people are new this quarter?")
    assert response.status_code == 302
    db.session.refresh(submitted)
    assert submitted.status is ReturnStatus.MORE_INFORMATION
    emails = _outbox(db, "More information needed")
    assert {m.recipient for m in emails} == {award.organisation.contact_email, users["applicant"].email, member.email}
    assert "How many of the 35 people are new this quarter?" in emails[0].body
    assert return_url(submitted) in emails[0].body

    grantee = as_role("applicant")
    task_list = page(grantee.get(return_url(submitted))).get_text()
    assert "Your grants officer has asked for more information" in task_list and "35 people are new" in task_list
    changed = {**RETURN_ANSWERS["people"], "people_treatment_recovery": ["36"]}
    assert save(grantee, submitted, "people", changed).status_code == 302
    assert post(grantee, return_url(submitted, "/submit")).status_code == 302
    db.session.refresh(submitted)
    assert submitted.status is ReturnStatus.SUBMITTED and submitted.answers["people"] == changed

    assert review(officer, submitted).status_code == 302
    db.session.refresh(submitted)
    assert submitted.status is ReturnStatus.ACCEPTED and submitted.rating is Rating.GREEN


def test_accepting_releases_this_returns_holds_only(submitted, officer, award, db):
    first, second = award.instalments
    first.held, first.hold_reason = True, "Monitoring return 1 rated red"
    second.held, second.hold_reason = True, "Bank details being checked"
    db.session.flush()
    assert review(officer, submitted).status_code == 302
    db.session.refresh(first)
    db.session.refresh(second)
    assert not first.held and first.hold_reason is None
    assert second.held and second.hold_reason == "Bank details being checked"  # an officer's own hold stays


def test_an_overdue_hold_becomes_a_red_hold(submitted, officer, award, db):
    second = award.instalments[1]
    award.instalments[0].status = InstalmentStatus.PAID
    second.held, second.hold_reason = True, "Monitoring return 1 is overdue"
    db.session.flush()
    assert review(officer, submitted, rating="red", comments="Far behind").status_code == 302
    db.session.refresh(second)
    assert second.held and second.hold_reason == "Monitoring return 1 rated red"


def test_a_return_not_submitted_cannot_be_reviewed(award, officer, db):
    draft = award.returns[0]
    response = review(officer, draft)
    assert response.status_code == 302
    assert "only a submitted return can be reviewed" in page(officer.get(review_url(draft))).get_text()
    db.session.refresh(draft)
    assert draft.status is ReturnStatus.NOT_STARTED and draft.rating is None
    with pytest.raises(monitoring.ReturnError, match="has not been submitted"):
        monitoring.check_review(draft, Rating.GREEN, "", "accept")


def test_wrong_award_and_return_pairing_is_not_found(submitted, officer, users):
    other = running_award(users["org_b"])
    assert officer.get(f"/awards/{other.id}/returns/{submitted.id}").status_code == 404
    assert post(officer, f"/awards/{other.id}/returns/{submitted.id}", {"rating": "green"}).status_code == 404
    assert officer.get(f"/awards/{submitted.award_id}/returns/999999").status_code == 404


def test_finance_cannot_review(submitted, as_role):
    assert review(as_role("finance_officer"), submitted).status_code == 403


def test_the_award_page_lists_its_returns(award, officer):
    response = officer.get(f"/awards/{award.id}")
    assert response.status_code == 200
    section = page(response).find(id="returns").find_parent("section")
    assert len(section.select("tbody tr")) == len(award.returns)
    assert section.find("a", href=review_url(award.returns[0])) is not None


def test_the_overdue_list(officer, users, db):
    today = utcnow().date()
    late = running_award(users["org_a"], officer_id=users["grants_officer"].id)
    later = running_award(users["org_b"])
    late.returns[0].due_date = today - timedelta(days=3)
    later.returns[0].due_date = today - timedelta(days=20)
    later.returns[0].last_reminded_at = utcnow() - timedelta(days=2)
    later.returns[1].due_date = today - timedelta(days=1)
    later.returns[1].status = ReturnStatus.SUBMITTED  # sent: not overdue
    not_running = AwardFactory(organisation=users["org_a"])  # an offer: its returns are not owed yet
    not_running.returns[0].due_date = today - timedelta(days=5)
    db.session.flush()

    html = page(officer.get("/awards/returns/overdue"))
    rows = [[cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])] for row in html.select("tbody tr")]
    assert [row[0] for row in rows] == [f"{later.application.reference} return 1",
                                        f"{late.application.reference} return 1"]
    assert rows[0][1] == "Organisation B" and rows[0][3] == "20" and rows[0][5] == "No officer assigned"
    assert rows[1][1] == "Organisation A" and rows[1][3] == "3" and rows[1][5] == users["grants_officer"].full_name
    assert rows[1][6] == "None sent" and rows[0][6] != "None sent"
