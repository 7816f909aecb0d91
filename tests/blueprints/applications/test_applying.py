"""An applicant fills in the application over several visits and submits it."""

from __future__ import annotations

import pytest

from grants.extensions import db
from grants.models.applications import Application, ApplicationSection, ApplicationStatus
from tests.blueprints.applications.answers import VALID
from tests.helpers import error_messages, page, post


def _section_url(application, key):
    return f"/applications/{application.id}/sections/{key}"


def _save(client, application, key, answers, button="action-continue"):
    return post(client, _section_url(application, key), {**answers, button: "1"})


def _statuses(client, application) -> dict[str, str]:
    html = page(client.get(f"/applications/{application.id}"))
    return {
        item.select_one(".govuk-task-list__name-and-hint").get_text(" ", strip=True).split("  ")[0]:
        item.select_one(".govuk-task-list__status").get_text(strip=True)
        for item in html.select(".govuk-task-list__item")
    }


class TestStarting:
    def test_start_needs_the_eligibility_check_first(self, applicant, open_round):
        response = post(applicant, f"/applications/start/{open_round.id}")
        assert response.headers["Location"] == f"/rounds/{open_round.id}/eligibility"
        assert db.session.scalar(db.select(db.func.count()).select_from(Application)) == 0

    def test_start_after_eligibility_makes_one_draft(self, applicant, open_round, users):
        with applicant.session_transaction() as session:
            session["eligible_rounds"] = [open_round.id]
        first = post(applicant, f"/applications/start/{open_round.id}")
        second = post(applicant, f"/applications/start/{open_round.id}")
        assert first.headers["Location"] == second.headers["Location"]
        drafts = db.session.scalars(db.select(Application)).all()
        assert len(drafts) == 1
        assert drafts[0].organisation_id == users["org_a"].id
        assert drafts[0].status is ApplicationStatus.DRAFT

    def test_cannot_start_on_a_closed_round(self, applicant, open_round):
        from datetime import timedelta

        from grants.models.types import utcnow

        open_round.closes_at = utcnow() - timedelta(minutes=1)
        db.session.flush()
        with applicant.session_transaction() as session:
            session["eligible_rounds"] = [open_round.id]
        assert post(applicant, f"/applications/start/{open_round.id}").status_code == 404


class TestSections:
    @pytest.mark.parametrize("key", [k for k in VALID if k != "organisation"])
    def test_each_section_completes_with_valid_answers(self, applicant, draft, key):
        response = _save(applicant, draft, key, VALID[key])
        assert response.status_code == 302, error_messages(response)
        record = db.session.get(ApplicationSection, (draft.id, key))
        assert record.complete

    def test_organisation_section_updates_the_organisation(self, applicant, draft, users):
        answers = {**VALID["organisation"], "town": ["Plymouth"], "postcode": ["pl1 2ab"]}
        assert _save(applicant, draft, "organisation", answers).status_code == 302
        assert users["org_a"].town == "Plymouth"
        assert users["org_a"].postcode == "PL1 2AB"
        assert db.session.get(ApplicationSection, (draft.id, "organisation")).complete

    def test_errors_are_shown_and_the_answers_kept(self, applicant, draft):
        answers = {**VALID["project"], "title": [""], "summary": ["word " * 101]}
        response = _save(applicant, draft, "project", answers)
        assert response.status_code == 200
        assert error_messages(response) == ["Enter your project's name", "Summary must be 100 words or fewer"]
        record = db.session.get(ApplicationSection, (draft.id, "project"))
        assert not record.complete
        assert record.answers["summary"] == ["word " * 101]
        # Coming back later shows what was typed.
        again = page(applicant.get(_section_url(draft, "project")))
        assert again.select_one("#activities").get_text() == VALID["project"]["activities"][0]

    def test_save_and_come_back_later_keeps_incomplete_answers(self, applicant, draft):
        response = _save(applicant, draft, "budget", {"lines-0-description": ["Hall hire"]}, "action-later")
        assert response.headers["Location"] == f"/applications/{draft.id}"
        assert _statuses(applicant, draft)["Budget"] == "In progress"
        budget = page(applicant.get(_section_url(draft, "budget")))
        assert budget.select_one("#lines-0-description")["value"] == "Hall hire"

    def test_task_list_shows_progress(self, applicant, draft):
        _save(applicant, draft, "project", VALID["project"])
        statuses = _statuses(applicant, draft)
        assert statuses["Project summary and activities"] == "Completed"
        assert statuses["Budget"] == "Not yet started"

    def test_summary_columns_follow_the_answers(self, applicant, draft):
        _save(applicant, draft, "project", VALID["project"])
        _save(applicant, draft, "budget", VALID["budget"])
        _save(applicant, draft, "areas", VALID["areas"])
        _save(applicant, draft, "priorities", VALID["priorities"])
        db.session.refresh(draft)
        assert draft.project_title == "Harbour Recovery Café"
        assert str(draft.amount_requested) == "3600.50"
        assert [la.code for la in draft.local_authorities] == ["plymouth"]
        assert [a.code for a in draft.approaches] == ["people", "partnership"]

    def test_add_another_row_without_javascript(self, applicant, draft):
        response = post(applicant, _section_url(draft, "outcomes"),
                        {**VALID["outcomes"], "action-add-project_outcomes": "1"})
        assert response.status_code == 200
        assert page(response).select_one("#project_outcomes-3-outcome") is not None
        assert error_messages(response) == []
        assert db.session.get(ApplicationSection, (draft.id, "outcomes")).answers["project_outcomes-0-outcome"]

    def test_unknown_section_is_not_found(self, applicant, draft):
        assert applicant.get(_section_url(draft, "nonsense")).status_code == 404

    def test_choices_not_offered_by_the_round_are_refused(self, applicant, draft):
        response = _save(applicant, draft, "areas", {"local_authorities": ["westminster"]})
        assert error_messages(response) == ["Select from the options shown"]


class TestBudgetRules:
    @pytest.mark.parametrize(
        "change, message",
        [
            ({"amount_requested": ["3000"]},
             "The amount you are asking for (£3,000.00) must equal the total of your budget lines (£3,600.50)"),
            ({"amount_requested": ["500"], "lines-0-amount": ["300"], "lines-1-amount": ["200"]},
             "The amount you are asking for must be £1,000 or more"),
            ({"amount_requested": ["6000"], "lines-0-amount": ["5000"], "lines-1-amount": ["1000"]},
             "The amount you are asking for must be £5,000 or less"),
            ({"project_cost": ["3000"]},
             "The amount you are asking for must not be more than the total cost of your project"),
            ({"project_cost": ["4000"]},
             "Your funding from us, other funders and your organisation adds up to more than the total project cost"),
            ({"lines-0-amount": ["lots"]}, "Amount must be a number, like 12500"),
            ({"lines-0-amount": ["-5"], "amount_requested": ["1195.50"]}, "Amount must be more than £0"),
            ({"other_funding": ["-1"]}, "Other funding must be £0 or more"),
            ({"amount_requested": ["12.345"]},
             "The amount you are asking for must not have more than 2 decimal places"),
        ],
    )
    def test_budget_mistakes(self, applicant, draft, change, message):
        response = _save(applicant, draft, "budget", {**VALID["budget"], **change})
        assert message in error_messages(response)
        assert not db.session.get(ApplicationSection, (draft.id, "budget")).complete

    def test_a_line_missing_its_category_and_description(self, applicant, draft):
        answers = {**VALID["budget"], "lines-2-amount": ["10"]}
        messages = error_messages(_save(applicant, draft, "budget", answers))
        assert "Select a category" in messages and "Enter what the money pays for" in messages


    def test_a_row_with_only_a_wrong_amount_still_counts_as_a_row(self, applicant, draft):
        messages = error_messages(_save(applicant, draft, "budget", {"lines-0-amount": ["lots"]}))
        assert "Amount must be a number, like 12500" in messages
        assert "Enter at least one budget line" not in messages


class TestDeliveryRules:
    def _with(self, **dates):
        answers = dict(VALID["delivery"])
        for name, value in dates.items():
            answers[name] = [str(value.day), str(value.month), str(value.year)]
        return answers

    def test_end_before_start(self, applicant, draft):
        from tests.blueprints.applications.answers import START

        response = _save(applicant, draft, "delivery", self._with(end_date=START))
        assert "End date must be after the start date" in error_messages(response)

    def test_longer_than_the_round_allows(self, applicant, draft):
        from datetime import timedelta

        from tests.blueprints.applications.answers import START

        response = _save(applicant, draft, "delivery", self._with(end_date=START + timedelta(days=400)))
        assert "Your project must last 12 months or less" in error_messages(response)

    def test_milestone_outside_the_project(self, applicant, draft):
        from datetime import timedelta

        from tests.blueprints.applications.answers import START

        response = _save(applicant, draft, "delivery", self._with(**{"milestones-0-due": START - timedelta(days=1)}))
        assert "Milestone date must be between the project's start and end dates" in error_messages(response)

    def test_half_typed_date(self, applicant, draft):
        answers = {**VALID["delivery"], "start_date": ["", "4", "2027"]}
        response = _save(applicant, draft, "delivery", answers)
        assert "Start date must include a day" in error_messages(response)
        assert page(response).select_one(".govuk-error-summary a")["href"] == "#start_date-day"


@pytest.mark.parametrize("saved_before", [False, True])
def test_each_section_page_carries_its_own_csrf_token(applicant, draft, saved_before):
    """A browser posts the token that is in the page's form, not one read from elsewhere: a page
    rebuilt from saved answers must carry one too, or saving it again is refused."""
    if saved_before:
        _save(applicant, draft, "project", VALID["project"])
    form = page(applicant.get(_section_url(draft, "project"))).select_one("main form")
    token = form.select_one("input[name=csrf_token]")
    assert token is not None and token["value"]
    data = {**VALID["project"], "csrf_token": token["value"], "action-continue": "1"}
    assert applicant.post(_section_url(draft, "project"), data=data).status_code == 302
