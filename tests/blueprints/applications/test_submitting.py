"""Checking answers, submitting once before the deadline, withdrawing, and who may see what."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from freezegun import freeze_time

from grants.extensions import db
from grants.models.applications import Application, ApplicationSection, ApplicationStatus, ReferenceCounter
from grants.models.mail import OutboxMessage
from grants.models.types import utcnow
from tests.blueprints.applications.answers import VALID
from tests.blueprints.applications.conftest import add_required_documents, answer_subsidy_control
from tests.factories import ApplicationFactory
from tests.helpers import page, post


def _complete_everything(client, application):
    for key, answers in VALID.items():
        response = post(client, f"/applications/{application.id}/sections/{key}", {**answers, "action-continue": "1"})
        assert response.status_code == 302, (key, page(response).select_one(".govuk-error-summary"))
    answer_subsidy_control(client, application)
    add_required_documents(db, application)


def _problems(response) -> list[str]:
    """What stops submitting: listed on arrival at the check page, in the error summary after a
    failed submission."""
    listed = page(response).select_one(".govuk-error-summary, #incomplete")
    return [] if listed is None else [li.get_text(" ", strip=True) for li in listed.select("li")]


@pytest.fixture
def ready(applicant, draft):
    _complete_everything(applicant, draft)
    return draft


class TestSubmitting:
    def test_check_answers_lists_what_is_missing(self, applicant, draft):
        response = applicant.get(f"/applications/{draft.id}/check")
        problems = _problems(response)
        assert "Complete the section ‘Budget’" in problems
        assert "Upload your constitution or governing document" in problems
        assert page(response).find("button", string="Submit application") is None

    def test_submit_gives_a_reference_and_confirmation(self, applicant, ready, users):
        check = applicant.get(f"/applications/{ready.id}/check")
        assert _problems(check) == []
        assert "Harbour Recovery Café" in check.get_data(as_text=True)
        response = post(applicant, f"/applications/{ready.id}/submit")
        assert response.headers["Location"] == f"/applications/{ready.id}/confirmation"
        db.session.refresh(ready)
        assert ready.status is ApplicationStatus.SUBMITTED
        assert re.fullmatch(r"CGS-\d{4}-0001", ready.reference)
        assert ready.submitted_at is not None
        assert ready.organisation_snapshot["name"] == "Organisation A"
        confirmation = page(applicant.get(response.headers["Location"]))
        assert ready.reference in confirmation.select_one(".govuk-panel").get_text()
        mail = db.session.scalars(db.select(OutboxMessage)).one()
        assert mail.recipient == users["org_a"].contact_email and ready.reference in mail.subject

    def test_a_second_submit_changes_nothing(self, applicant, ready):
        post(applicant, f"/applications/{ready.id}/submit")
        reference = db.session.get(Application, ready.id).reference
        again = post(applicant, f"/applications/{ready.id}/submit")
        assert again.headers["Location"] == f"/applications/{ready.id}/confirmation"
        assert db.session.get(Application, ready.id).reference == reference
        assert db.session.scalars(db.select(ReferenceCounter)).one().value == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 1

    def test_references_count_up(self, applicant, ready, users, open_round):
        from grants.interfaces.applications.submission import submit

        other = ApplicationFactory(funding_round=open_round, organisation=users["org_b"])
        post(applicant, f"/applications/{ready.id}/submit")
        assert submit(other, users["applicant_b"])
        assert int(other.reference[-4:]) == int(db.session.get(Application, ready.id).reference[-4:]) + 1

    def test_deadline_passed_while_the_form_was_open(self, applicant, ready):
        ready.funding_round.closes_at = utcnow() + timedelta(minutes=30)
        db.session.flush()
        after = ready.funding_round.closes_at + timedelta(seconds=1)
        with freeze_time(after):
            response = post(applicant, f"/applications/{ready.id}/submit")
            assert "The closing date for this round has passed" in _problems(response)
            # The draft is kept, and saving still keeps what was typed.
            saved = post(applicant, f"/applications/{ready.id}/sections/project",
                         {**VALID["project"], "title": ["Late edit"], "action-continue": "1"})
            assert "can no longer be submitted" in saved.get_data(as_text=True)
        db.session.refresh(ready)
        assert ready.status is ApplicationStatus.DRAFT
        assert db.session.get(ApplicationSection, (ready.id, "project")).answers["title"] == ["Late edit"]

    def test_answers_are_checked_again_at_submission(self, applicant, ready):
        record = db.session.get(ApplicationSection, (ready.id, "budget"))
        record.answers = {**record.answers, "amount_requested": ["99999"]}  # complete flag now stale
        db.session.flush()
        response = post(applicant, f"/applications/{ready.id}/submit")
        assert "Check your answers in ‘Budget’" in _problems(response)
        assert db.session.get(Application, ready.id).status is ApplicationStatus.DRAFT

    def test_submitted_application_is_read_only(self, applicant, ready):
        post(applicant, f"/applications/{ready.id}/submit")
        response = post(applicant, f"/applications/{ready.id}/sections/project",
                        {**VALID["project"], "title": ["Changed"], "action-continue": "1"})
        assert response.headers["Location"] == f"/applications/{ready.id}"
        assert db.session.get(ApplicationSection, (ready.id, "project")).answers["title"] == ["Harbour Recovery Café"]
        view = page(applicant.get(f"/applications/{ready.id}"))
        assert "Submitted" in view.select_one(".govuk-tag").get_text()


class TestWithdrawing:
    def test_withdraw_a_submitted_application(self, applicant, ready):
        post(applicant, f"/applications/{ready.id}/submit")
        assert applicant.get(f"/applications/{ready.id}/withdraw").status_code == 200
        response = post(applicant, f"/applications/{ready.id}/withdraw")
        assert response.headers["Location"] == "/applications"
        assert db.session.get(Application, ready.id).status is ApplicationStatus.WITHDRAWN

    @pytest.mark.parametrize("status", [ApplicationStatus.DRAFT, ApplicationStatus.SUCCESSFUL,
                                        ApplicationStatus.INELIGIBLE, ApplicationStatus.WITHDRAWN])
    def test_cannot_withdraw_after_a_decision_or_before_submitting(self, applicant, draft, status):
        draft.status = status
        db.session.flush()
        post(applicant, f"/applications/{draft.id}/withdraw")
        assert db.session.get(Application, draft.id).status is status


class TestWhoMaySee:
    @pytest.mark.parametrize("path", ["", "/sections/project", "/check", "/confirmation", "/withdraw"])
    def test_another_organisation_gets_not_found(self, as_role, draft, path):
        assert as_role("applicant_b").get(f"/applications/{draft.id}{path}").status_code == 404

    def test_another_organisation_cannot_post_answers_or_submit(self, as_role, draft):
        other = as_role("applicant_b")
        assert post(other, f"/applications/{draft.id}/sections/project",
                    {**VALID["project"], "action-continue": "1"}).status_code == 404
        assert post(other, f"/applications/{draft.id}/submit").status_code == 404
        assert db.session.get(ApplicationSection, (draft.id, "project")) is None

    def test_a_colleague_in_the_same_organisation_can_carry_on(self, as_user, draft, users):
        from tests.factories import UserFactory

        colleague = UserFactory(organisation=users["org_a"])
        response = post(as_user(colleague), f"/applications/{draft.id}/sections/project",
                        {**VALID["project"], "action-continue": "1"})
        assert response.status_code == 302

    def test_dashboard_lists_the_organisations_applications(self, applicant, draft, users, open_round):
        ApplicationFactory(funding_round=open_round, organisation=users["org_b"], project_title="Not ours")
        html = page(applicant.get("/applications")).get_text(" ")
        assert "Draft" in html and "Finish and submit by" in html
        assert "Not ours" not in html


class TestSessionExpiry:
    def test_answers_typed_after_the_session_ended_come_back_after_signing_in(self, app, draft, users):
        from tests.helpers import sign_in

        browser = app.test_client()
        url = f"/applications/{draft.id}/sections/project"
        response = browser.post(url, data={**VALID["project"], "action-continue": "1"},
                                headers={"Origin": "http://localhost"})
        assert response.headers["Location"].startswith("/sign-in?next=")
        assert db.session.get(ApplicationSection, (draft.id, "project")) is None  # not saved yet
        sign_in(browser, users["applicant"])
        shown = page(browser.get(url))
        assert "We kept the answers you typed" in shown.get_text()
        assert shown.select_one("#title")["value"] == "Harbour Recovery Café"
        # Used once: a second visit shows the empty form.
        assert page(browser.get(url)).select_one("#title").get("value", "") == ""

    def test_answers_posted_from_another_site_are_not_kept(self, app, draft, users):
        from tests.helpers import sign_in

        browser = app.test_client()
        url = f"/applications/{draft.id}/sections/project"
        browser.post(url, data={**VALID["project"]}, headers={"Origin": "https://evil.example"})
        sign_in(browser, users["applicant"])
        assert "We kept the answers" not in browser.get(url).get_data(as_text=True)

    def test_kept_answers_are_only_for_the_browser_that_typed_them(self, app, draft, users):
        from tests.helpers import sign_in

        url = f"/applications/{draft.id}/sections/project"
        app.test_client().post(url, data={**VALID["project"]}, headers={"Origin": "http://localhost"})
        other_browser = sign_in(app.test_client(), users["applicant"])
        assert "We kept the answers" not in other_browser.get(url).get_data(as_text=True)

    def test_signed_in_post_without_csrf_is_refused(self, applicant, draft):
        response = applicant.post(f"/applications/{draft.id}/sections/project", data=VALID["project"])
        assert response.status_code == 400
        assert db.session.get(ApplicationSection, (draft.id, "project")) is None


def test_dashboard_queries_do_not_grow_with_the_number_of_applications(app, applicant, users):
    from sqlalchemy import event

    from tests.factories import FundingRoundFactory

    def count_queries() -> int:
        statements = []

        def record(*args):
            statements.append(args)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            assert applicant.get("/applications").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return len(statements)

    ApplicationFactory(organisation=users["org_a"], funding_round=FundingRoundFactory())
    few = count_queries()
    for _ in range(5):
        ApplicationFactory(organisation=users["org_a"], funding_round=FundingRoundFactory())
    assert count_queries() == few
