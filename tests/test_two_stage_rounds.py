"""Two-stage rounds (issue 20): the round's expression-of-interest settings, expressions of interest
started, sent and refused after their deadline, shortlisting with a reason the applicant reads, the
invitation and the full application filled in from the expression of interest, and the panel, the
screening list and the deadlines treating each stage as the round says."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from grants.eligibility import ELIGIBLE_ROUNDS_KEY
from grants.extensions import db
from grants.form_definitions import Kind
from grants.formatting import london_today
from grants.interfaces.applications import questions
from grants.interfaces.deadlines.dates import collect
from grants.interfaces.panel import assignment as panel
from grants.interfaces.panel import queue
from grants.interfaces.screening import applications as screening
from grants.models.applications import Application, ApplicationSection, ApplicationStage, ApplicationStatus
from grants.models.audit import AuditEvent
from grants.models.mail import OutboxMessage
from grants.models.panel import PanelMember, ScoringAssignment
from grants.models.rounds import FundingRound
from grants.models.types import utcnow
from tests.blueprints.applications.answers import VALID
from tests.factories import ApplicationFactory, FundingRoundFactory
from tests.helpers import error_messages, page, post
from tests.visible_text import seen_text

EOI = ApplicationStage.EXPRESSION_OF_INTEREST
FULL = ApplicationStage.FULL
# Answers to the standard expression-of-interest form, as a browser posts them. Its project title,
# summary, approaches, areas, amount and contact's name and position share their ids with the
# standard application form; the full form's activities, need and the rest are its own.
EOI_ANSWERS = {
    "project": {"title": ["Night Bus Guardians"], "summary": ["Trained volunteers on the late buses."],
                "approaches": ["place"]},
    "areas": {"local_authorities": ["plymouth"]},
    "funding": {"amount_requested": ["3,500"]},
    "contact": {"name": ["Alex Contact"], "position": ["Chair"]},
}


def _two_stage_round(eoi_in=timedelta(days=5), **kwargs) -> FundingRound:
    return FundingRoundFactory(name="Safer Nights Fund", eoi_closes_at=utcnow() + eoi_in, **kwargs)


def _eligible(client, funding_round) -> None:
    with client.session_transaction() as session:
        session[ELIGIBLE_ROUNDS_KEY] = [funding_round.id]


def _start(client, funding_round):
    _eligible(client, funding_round)
    return post(client, f"/applications/start/{funding_round.id}")


def _eoi(funding_round, organisation, status=ApplicationStatus.SUBMITTED, n=1, **kwargs) -> Application:
    """A sent expression of interest with the answers of ``EOI_ANSWERS``."""
    eoi = ApplicationFactory(
        funding_round=funding_round, organisation=organisation, stage=EOI, status=status,
        reference=f"EOI-2026-{n:04d}", submitted_at=utcnow() - timedelta(days=1), project_title="Night Bus Guardians",
        amount_requested=Decimal("3500.00"), **kwargs,
    )
    from grants.interfaces.round_forms.versions import version_in_force

    eoi.form = version_in_force(funding_round, Kind.EXPRESSION_OF_INTEREST)
    for key, answers in EOI_ANSWERS.items():
        eoi.sections.append(ApplicationSection(key=key, answers=answers, complete=True))
    eoi.local_authorities = [la for la in funding_round.local_authorities if la.code == "plymouth"]
    db.session.flush()
    return eoi


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _mail_to(recipient: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == recipient)
                                   .order_by(OutboxMessage.id)))


@pytest.fixture
def officer(as_role):
    return as_role("grants_officer")


@pytest.fixture
def applicant(as_role):
    return as_role("applicant")


# The round's settings ----------------------------------------------------------------------------

class TestSettings:
    @staticmethod
    def _models():
        from grants.models.reference import AdderStrand, DrugsOutcome, LocalAuthority, PlanApproach

        return {"local_authorities": LocalAuthority, "approaches": PlanApproach, "adder_strands": AdderStrand,
                "outcomes": DrugsOutcome}

    def _form(self, **changes) -> dict:
        ids = {name: [str(row.id) for row in db.session.scalars(select(model))]
               for name, model in self._models().items()}
        return {
            "name": "Safer Nights Fund", "description": "Grants for safer nights.", "guidance": "",
            "opens_on": ["1", "6", "2026"], "opens_time": "9am",
            "closes_on": ["31", "7", "2026"], "closes_time": "12pm",
            "total_budget": "150000", "min_award": "1000", "max_award": "10000", "max_project_months": "12",
            "max_annual_income": "", "legal_types": ["registered_charity"], **ids,
        } | changes

    def test_an_officer_makes_a_two_stage_round(self, officer, users):
        response = post(officer, "/rounds/manage/new", self._form(
            eoi_closes_on=["30", "6", "2026"], eoi_closes_time="5pm", panel_scores_eoi="yes"))
        assert response.status_code == 302, error_messages(response)
        funding_round = db.session.scalars(select(FundingRound)).one()
        assert funding_round.eoi_closes_at == datetime(2026, 6, 30, 16, 0, tzinfo=UTC)  # 5pm BST
        assert funding_round.has_eoi_stage and funding_round.panel_scores_eoi
        created = _events("round.created")[-1]
        assert created.changes["eoi_closes_at"]["after"] is not None
        manage = seen_text(officer.get(f"/rounds/manage/{funding_round.id}"))
        assert "Expressions of interest close" in manage and "30 June 2026" in manage

    def test_one_stage_when_left_empty(self, officer, users):
        response = post(officer, "/rounds/manage/new", self._form())
        assert response.status_code == 302, error_messages(response)
        funding_round = db.session.scalars(select(FundingRound)).one()
        assert funding_round.eoi_closes_at is None and not funding_round.panel_scores_eoi

    @pytest.mark.parametrize(("changes", "message"), [
        ({"eoi_closes_on": ["1", "5", "2026"], "eoi_closes_time": "5pm"},
         "Expressions of interest must close after the opening date and time"),
        ({"eoi_closes_on": ["31", "7", "2026"], "eoi_closes_time": "12pm"},
         "Expressions of interest must close before the closing date and time of the full application"),
        ({"eoi_closes_on": ["30", "6", "2026"]}, "Enter the time expressions of interest close"),
        ({"eoi_closes_time": "5pm"}, "Enter the date expressions of interest close"),
        ({"eoi_closes_on": ["31", "2", "2026"], "eoi_closes_time": "5pm"},
         "Expressions of interest closing date must be a real date"),
        ({"panel_scores_eoi": "yes"}, "The panel can only score expressions of interest in a two-stage round: "
                                      "enter when expressions of interest close, or select no"),
    ])
    def test_the_stage_dates_are_checked(self, officer, users, changes, message):
        response = post(officer, "/rounds/manage/new", self._form(**changes))
        assert response.status_code == 200
        assert message in error_messages(response)
        assert db.session.scalars(select(FundingRound)).first() is None

    def test_frozen_once_the_round_opens(self, officer, users):
        funding_round = _two_stage_round()
        edit = page(officer.get(f"/rounds/{funding_round.id}/edit"))
        assert edit.select_one("#eoi_closes_on-day") is None  # only the words can change now
        assert "Expressions of interest close" in seen_text(officer.get(f"/rounds/{funding_round.id}/edit"))

    def test_the_public_page_gives_both_deadlines(self, client, db):
        funding_round = _two_stage_round()
        text = seen_text(client.get(f"/rounds/{funding_round.id}"))
        assert "Expressions of interest close" in text
        assert "Full applications close" in text and "(by invitation only)" in text
        assert "only shortlisted organisations are invited to send a full application" in text
        assert "Check if you can apply" in text
        listed = seen_text(client.get("/rounds"))
        assert "Expressions of interest close" in listed and "Expressions of interest closed" not in listed

    def test_the_public_page_stops_offering_the_check_once_expressions_of_interest_close(self, client, db):
        funding_round = _two_stage_round(eoi_in=-timedelta(days=1))
        text = seen_text(client.get(f"/rounds/{funding_round.id}"))
        assert "so new organisations can no longer apply to this round" in text
        assert "If your expression of interest was shortlisted, start your full application from it" in text
        assert "Check if you can apply" not in text
        listed = seen_text(client.get("/rounds"))
        assert "Expressions of interest closed" in listed
        check = seen_text(client.get(f"/rounds/{funding_round.id}/eligibility"))
        assert ("Only organisations whose expression of interest was shortlisted can send a full application to "
                "this round.") in check


# Expressions of interest ---------------------------------------------------------------------------

class TestExpressionOfInterest:
    def test_the_start_button_starts_an_expression_of_interest(self, applicant, users):
        funding_round = _two_stage_round()
        response = _start(applicant, funding_round)
        eoi = db.session.scalars(select(Application)).one()
        assert response.headers["Location"] == f"/applications/{eoi.id}"
        assert eoi.stage is EOI and eoi.form.kind is Kind.EXPRESSION_OF_INTEREST
        assert _events("application.started")[-1].summary.startswith("Expression of interest in Safer Nights Fund")
        tasks = seen_text(applicant.get(f"/applications/{eoi.id}"))
        assert "Expression of interest: Safer Nights Fund" in tasks
        assert "Closing date for expressions of interest" in tasks
        assert "How much you are asking for" in tasks  # the expression-of-interest form's sections
        assert "Supporting documents" not in tasks  # documents come with the full application
        # Pressing start again goes back to the same one.
        assert _start(applicant, funding_round).headers["Location"] == f"/applications/{eoi.id}"
        assert db.session.scalar(select(db.func.count()).select_from(Application)) == 1

    def test_sent_with_its_own_reference_series(self, applicant, users):
        funding_round = _two_stage_round()
        _start(applicant, funding_round)
        eoi = db.session.scalars(select(Application)).one()
        for key, answers in {"organisation": VALID["organisation"], **EOI_ANSWERS}.items():
            saved = post(applicant, f"/applications/{eoi.id}/sections/{key}", {**answers, "action-continue": "1"})
            assert saved.status_code == 302, (key, error_messages(saved))
        check = applicant.get(f"/applications/{eoi.id}/check")
        assert page(check).find("button", string=re.compile("Submit expression of interest")) is not None
        assert "Supporting documents" not in seen_text(check)
        response = post(applicant, f"/applications/{eoi.id}/submit")
        assert response.headers["Location"] == f"/applications/{eoi.id}/confirmation"
        db.session.refresh(eoi)
        assert eoi.status is ApplicationStatus.SUBMITTED and re.fullmatch(r"EOI-\d{4}-0001", eoi.reference)
        confirmation = seen_text(applicant.get(f"/applications/{eoi.id}/confirmation"))
        assert "Expression of interest submitted" in confirmation
        assert "decide whether to shortlist it" in confirmation
        mail = _mail_to(users["org_a"].contact_email)[-1]
        assert mail.subject == f"Expression of interest {eoi.reference} received"
        assert "We have received your expression of interest to Safer Nights Fund" in mail.body
        dashboard = seen_text(applicant.get("/applications"))
        assert "we are deciding whether to shortlist your expression of interest" in dashboard

    def test_refused_after_its_deadline(self, applicant, users):
        funding_round = _two_stage_round(eoi_in=timedelta(hours=1))
        _start(applicant, funding_round)
        eoi = db.session.scalars(select(Application)).one()
        for key, answers in {"organisation": VALID["organisation"], **EOI_ANSWERS}.items():
            post(applicant, f"/applications/{eoi.id}/sections/{key}", {**answers, "action-continue": "1"})
        assert funding_round.eoi_closes_at is not None
        with freeze_time(funding_round.eoi_closes_at + timedelta(seconds=1)):
            response = post(applicant, f"/applications/{eoi.id}/submit")
            assert "The closing date for expressions of interest in this round has passed" in seen_text(response)
            # A section saved after the deadline is kept, and the page says it can no longer be sent.
            saved = post(applicant, f"/applications/{eoi.id}/sections/project",
                         {**EOI_ANSWERS["project"], "title": ["Night Bus Guardians 2"], "action-continue": "1"})
            assert ("The closing date for expressions of interest in this round has passed. We have kept your "
                    "answers, but it can no longer be submitted") in seen_text(saved)
        db.session.refresh(eoi)
        assert eoi.status is ApplicationStatus.DRAFT and eoi.reference is None
        assert eoi.section("project").answers["title"] == ["Night Bus Guardians 2"]

    def test_no_full_application_without_a_shortlisted_one(self, applicant, users):
        funding_round = _two_stage_round(eoi_in=-timedelta(days=1))  # expressions of interest have closed
        response = _start(applicant, funding_round)
        assert response.headers["Location"] == "/applications"
        assert "Only organisations whose expression of interest was shortlisted" in seen_text(
            applicant.get("/applications"))
        assert db.session.scalars(select(Application)).first() is None

    def test_no_full_application_while_shortlisting_or_when_not_shortlisted(self, applicant, users):
        funding_round = _two_stage_round(eoi_in=-timedelta(days=1))
        eoi = _eoi(funding_round, users["org_a"])
        _start(applicant, funding_round)
        assert "We are still shortlisting expressions of interest" in seen_text(applicant.get("/applications"))
        eoi.status = ApplicationStatus.UNSUCCESSFUL
        db.session.flush()
        _start(applicant, funding_round)
        assert "was not shortlisted" in seen_text(applicant.get("/applications"))
        assert db.session.scalars(select(Application).where(Application.stage == FULL)).first() is None

    @pytest.mark.parametrize(("eoi_in", "words", "button"), [
        (timedelta(days=5), "first send a short expression of interest", True),
        (-timedelta(days=1), "Only organisations whose expression of interest was shortlisted", False),
    ])
    def test_the_eligibility_check_says_which_stage(self, applicant, users, eoi_in, words, button):
        funding_round = _two_stage_round(eoi_in=eoi_in)
        result = post(applicant, f"/rounds/{funding_round.id}/eligibility", {
            "legal_type": "registered_charity", "in_area": "yes", "annual_income": "25000", "amount": "3600"})
        assert words in seen_text(result)
        buttons = [b.get_text(" ", strip=True) for b in page(result).select("main button")]
        assert ("Start your expression of interest" in buttons) is button, buttons

    def test_another_organisation_cannot_open_it(self, as_role, users):
        eoi = _eoi(_two_stage_round(), users["org_a"])
        assert as_role("applicant_b").get(f"/applications/{eoi.id}").status_code == 404


# Shortlisting ------------------------------------------------------------------------------------

class TestShortlisting:
    @pytest.fixture
    def eoi(self, users):
        return _eoi(_two_stage_round(eoi_in=-timedelta(days=1)), users["org_a"])

    def _url(self, eoi) -> str:
        return f"/screening/rounds/{eoi.round_id}/expressions-of-interest/{eoi.id}"

    def test_the_list(self, officer, eoi, users):
        _eoi(eoi.funding_round, users["org_b"], status=ApplicationStatus.UNSUCCESSFUL, n=2, shortlist_reason="No")
        ApplicationFactory(funding_round=eoi.funding_round, organisation=users["org_b"], stage=EOI)  # a draft
        text = seen_text(officer.get(f"/screening/rounds/{eoi.round_id}/expressions-of-interest"))
        assert "EOI-2026-0001" in text and "Organisation A" in text and "Night Bus Guardians" in text
        assert "£3,500" in text and "To decide" in text and "Not shortlisted" in text
        assert "Panel score" not in text  # this round's panel does not score expressions of interest
        assert text.count("EOI-2026-") == 2  # drafts are the organisation's own
        assert "Deadline for expressions of interest:" in text  # true before the deadline and after it

    def test_a_note_too_long_is_named_as_the_note(self, officer, eoi):
        refused = post(officer, self._url(eoi), {"decision": "shortlist", "note": "x" * 2001})
        assert error_messages(refused) == ["Note must be 2,000 characters or fewer"]
        assert db.session.get(Application, eoi.id).status is ApplicationStatus.SUBMITTED

    def test_not_shortlisted_needs_a_reason_the_applicant_reads(self, officer, applicant, eoi, users):
        refused = post(officer, self._url(eoi), {"decision": "reject", "reason": "  "})
        assert error_messages(refused) == ["Enter why the expression of interest is not shortlisted"]
        assert db.session.get(Application, eoi.id).status is ApplicationStatus.SUBMITTED
        response = post(officer, self._url(eoi), {"decision": "reject", "reason": "The round funds town centres."})
        assert response.headers["Location"] == f"/screening/rounds/{eoi.round_id}/expressions-of-interest"
        db.session.refresh(eoi)
        assert eoi.status is ApplicationStatus.UNSUCCESSFUL
        assert eoi.shortlist_reason == "The round funds town centres."
        assert eoi.shortlisted_by_id == users["grants_officer"].id and eoi.shortlisted_at is not None
        event = _events("application.not_shortlisted")[-1]
        assert event.changes["status"] == {"before": "submitted", "after": "unsuccessful"}
        mail = _mail_to(users["applicant"].email)[-1]
        assert mail.subject == "Your expression of interest EOI-2026-0001 has not been shortlisted"
        assert "The round funds town centres." in mail.body
        view = seen_text(applicant.get(f"/applications/{eoi.id}"))
        assert "Your expression of interest has not been shortlisted" in view
        assert "The round funds town centres." in view and "Not shortlisted" in view
        assert "you cannot send a full application to this round. You can still apply to other funding rounds" in view
        assert "Read why it was not shortlisted" in seen_text(applicant.get("/applications"))

    def test_shortlisted_invites_to_the_full_application(self, officer, applicant, eoi, users):
        response = post(officer, self._url(eoi), {"decision": "shortlist", "note": "A strong idea."})
        assert response.status_code == 302, error_messages(response)
        db.session.refresh(eoi)
        assert eoi.status is ApplicationStatus.SUCCESSFUL and eoi.shortlist_reason == "A strong idea."
        assert _events("application.shortlisted")
        mail = _mail_to(users["applicant"].email)[-1]
        assert "has been shortlisted: send your full application" in mail.subject
        assert "You are invited to send a full application" in mail.body and "A strong idea." in mail.body
        assert "must be submitted by" in mail.body
        assert _mail_to(users["org_a"].contact_email), "the organisation's contact is told too"
        view = seen_text(applicant.get(f"/applications/{eoi.id}"))
        assert "Your expression of interest has been shortlisted" in view and "Shortlisted" in view
        assert "Start your full application" in view
        assert "Start your full application: send it by" in seen_text(applicant.get("/applications"))

    def test_a_decision_changes_until_the_full_application_starts(self, officer, applicant, eoi, users):
        post(officer, self._url(eoi), {"decision": "reject", "reason": "Out of area."})
        post(officer, self._url(eoi), {"decision": "shortlist", "note": ""})
        db.session.refresh(eoi)
        assert eoi.status is ApplicationStatus.SUCCESSFUL and eoi.shortlist_reason is None
        assert "(decision changed)" in _events("application.shortlisted")[-1].summary
        _start(applicant, eoi.funding_round)
        refused = post(officer, self._url(eoi), {"decision": "reject", "reason": "Changed our minds."})
        assert refused.status_code == 302
        assert "can no longer be changed" in seen_text(officer.get(self._url(eoi)))
        assert db.session.get(Application, eoi.id).status is ApplicationStatus.SUCCESSFUL

    def test_other_rounds_and_one_stage_rounds_are_not_found(self, officer, eoi, users):
        other = _two_stage_round()
        assert officer.get(f"/screening/rounds/{other.id}/expressions-of-interest/{eoi.id}").status_code == 404
        assert post(officer, f"/screening/rounds/{other.id}/expressions-of-interest/{eoi.id}",
                    {"decision": "reject", "reason": "x"}).status_code == 404
        one_stage = FundingRoundFactory()
        assert officer.get(f"/screening/rounds/{one_stage.id}/expressions-of-interest").status_code == 404
        full = ApplicationFactory(funding_round=eoi.funding_round, organisation=users["org_b"],
                                  status=ApplicationStatus.SUBMITTED, reference="CGS-2026-0009")
        assert officer.get(f"/screening/rounds/{eoi.round_id}/expressions-of-interest/{full.id}").status_code == 404

    def test_applicants_cannot_shortlist(self, applicant, eoi):
        assert applicant.get(self._url(eoi)).status_code == 403
        assert post(applicant, self._url(eoi), {"decision": "shortlist"}).status_code == 403


# The invitation and the filled-in full application ------------------------------------------------

class TestFullApplication:
    def test_it_starts_with_the_answers_to_the_same_questions(self, applicant, users):
        funding_round = _two_stage_round(eoi_in=-timedelta(days=1))
        eoi = _eoi(funding_round, users["org_a"], status=ApplicationStatus.SUCCESSFUL)
        response = _start(applicant, funding_round)
        full = db.session.scalars(select(Application).where(Application.stage == FULL)).one()
        assert response.headers["Location"] == f"/applications/{full.id}"
        assert full.expression_of_interest_id == eoi.id and full.form.kind is Kind.APPLICATION
        project = full.section("project")
        # The same ids: title and summary; the full form's own questions stay empty.
        assert project.answers == {"title": ["Night Bus Guardians"],
                                   "summary": ["Trained volunteers on the late buses."]}
        assert not project.complete
        assert full.section("priorities").answers == {"approaches": ["place"]}  # asked in another section
        assert full.section("areas").answers == {"local_authorities": ["plymouth"]}
        assert full.section("budget").answers == {"amount_requested": ["3,500"]}
        assert full.section("declarations").answers == {"name": ["Alex Contact"], "position": ["Chair"]}
        assert full.section("delivery") is None and full.section("organisation") is None
        assert full.project_title == "Night Bus Guardians" and full.amount_requested == Decimal("3500.00")
        assert [la.code for la in full.local_authorities] == ["plymouth"]
        assert "from expression of interest EOI-2026-0001" in _events("application.started")[-1].summary
        tasks = seen_text(applicant.get(f"/applications/{full.id}"))
        assert "We have filled in the answers from your expression of interest EOI-2026-0001" in tasks
        assert "In progress" in tasks and "Supporting documents" in tasks
        # The expression of interest now points to it; starting again goes back to it.
        assert "Go to your full application" in seen_text(applicant.get(f"/applications/{eoi.id}"))
        assert "Nothing to do here: your full application has started" in seen_text(applicant.get("/applications"))
        assert _start(applicant, funding_round).headers["Location"] == f"/applications/{full.id}"

    def test_the_organisation_s_details_come_too_to_be_checked(self, applicant, users):
        funding_round = _two_stage_round(eoi_in=-timedelta(days=1))
        eoi = _eoi(funding_round, users["org_a"], status=ApplicationStatus.SUCCESSFUL)
        eoi.sections.append(ApplicationSection(key="organisation", answers={"confirmed": ["yes"]}, complete=True))
        db.session.flush()
        _start(applicant, funding_round)
        full = db.session.scalars(select(Application).where(Application.stage == FULL)).one()
        organisation = full.section("organisation")
        assert organisation.answers == {"confirmed": ["yes"]} and not organisation.complete
        assert "Organisation details In progress" in seen_text(applicant.get(f"/applications/{full.id}"))

    def test_only_the_questions_it_asks_are_copied(self, users):
        funding_round = _two_stage_round(eoi_in=-timedelta(days=1))
        eoi = _eoi(funding_round, users["org_a"], status=ApplicationStatus.SUCCESSFUL)
        from grants.interfaces.applications.stages import prefill

        full = ApplicationFactory(funding_round=funding_round, organisation=users["org_a"], project_title=None)
        eoi.section("project").answers = {**eoi.section("project").answers, "need": ["typed elsewhere"]}
        filled = prefill(full, eoi)
        # "need" is kept among the expression of interest's answers, but it asks no such question.
        assert full.section("project").answers == {"title": ["Night Bus Guardians"],
                                                   "summary": ["Trained volunteers on the late buses."]}
        titles = {part.id: part.title for part in questions.definition(full).sections}
        assert filled == [titles[key] for key in ("project", "priorities", "areas", "budget", "declarations")]

    def test_sent_with_the_round_s_reference_series(self, applicant, users):
        funding_round = _two_stage_round(eoi_in=-timedelta(days=1))
        _eoi(funding_round, users["org_a"], status=ApplicationStatus.SUCCESSFUL)
        _start(applicant, funding_round)
        full = db.session.scalars(select(Application).where(Application.stage == FULL)).one()
        from grants.interfaces.applications.submission import submit

        assert submit(full, users["applicant"])
        assert re.fullmatch(r"CGS-\d{4}-0001", full.reference)


# The panel, screening and deadlines ---------------------------------------------------------------

class TestPanelAndLists:
    @pytest.fixture
    def bids(self, users):
        funding_round = _two_stage_round(eoi_in=-timedelta(days=1))
        eoi = _eoi(funding_round, users["org_a"])
        full = ApplicationFactory(funding_round=funding_round, organisation=users["org_b"],
                                  status=ApplicationStatus.UNDER_ASSESSMENT, reference="CGS-2026-0001")
        db.session.add(PanelMember(round_id=funding_round.id, user_id=users["panel_member"].id))
        db.session.flush()
        return funding_round, eoi, full

    def test_the_panel_scores_expressions_of_interest_only_when_the_round_says(self, bids, users):
        funding_round, eoi, full = bids
        assert panel.round_bids(funding_round, with_eois=True) == [full]
        assert not panel.scoring_open(funding_round)  # full bids wait for the round to close
        funding_round.panel_scores_eoi = True
        db.session.flush()
        assert {a.id for a in panel.round_bids(funding_round, with_eois=True)} == {eoi.id, full.id}
        assert panel.scoring_open(funding_round)  # expressions of interest have closed
        assert panel.scoring_open(funding_round, application=eoi)
        assert not panel.scoring_open(funding_round, application=full)  # until the round closes
        counts = queue._queue_counts(users["panel_member"], [funding_round.id])
        assert counts[funding_round.id][0] == 2

    def test_a_member_opens_an_expression_of_interest_only_when_the_panel_scores_them(self, bids, as_role, users):
        funding_round, eoi, full = bids
        db.session.add(ScoringAssignment(application_id=eoi.id, user_id=users["panel_member"].id,
                                         round_id=funding_round.id))
        db.session.flush()
        member = as_role("panel_member")
        assert member.get(f"/panel/bids/{eoi.id}/declaration").status_code == 404
        funding_round.panel_scores_eoi = True
        db.session.flush()
        declaration = member.get(f"/panel/bids/{eoi.id}/declaration")
        assert declaration.status_code == 200
        queue_page = seen_text(member.get("/panel"))
        assert "EOI-2026-0001" in queue_page and "Expression of interest" in queue_page

    def test_results_and_decisions_consider_full_bids_only(self, bids):
        funding_round, eoi, full = bids
        funding_round.panel_scores_eoi = True
        db.session.flush()
        assert panel.round_bids(funding_round) == [full]
        from grants.interfaces.panel.decisions import bids_by_id

        assert set(bids_by_id(funding_round)) == {full.id}

    def test_the_screening_list_has_full_applications_only(self, bids, officer, users):
        funding_round, eoi, full = bids
        counts = screening.status_counts(funding_round.id)
        assert counts == {ApplicationStatus.UNDER_ASSESSMENT: 1}
        text = seen_text(officer.get(f"/screening/rounds/{funding_round.id}"))
        assert "CGS-2026-0001" in text and "EOI-2026-0001" not in text
        assert "expressions of interest" in text
        with pytest.raises(screening.ScreeningConflict):
            screening.screen(eoi, True, None, users["grants_officer"])
        assert db.session.get(Application, eoi.id).status is ApplicationStatus.SUBMITTED

    def test_deadlines_show_both_stages(self, users):
        funding_round = _two_stage_round()
        kinds = {(d.kind, d.key) for d in collect(None, staff=True)}
        assert ("eoi", f"round-{funding_round.id}-eoi") in kinds and ("round", f"round-{funding_round.id}") in kinds
        draft = ApplicationFactory(funding_round=funding_round, organisation=users["org_a"], stage=EOI)
        mine = collect(users["org_a"].id, staff=False)
        assert [d.title for d in mine] == ["Send your expression of interest in Safer Nights Fund"]
        assert funding_round.eoi_closes_at is not None
        assert mine[0].on == london_today(funding_round.eoi_closes_at)
        assert mine[0].values == {"application_id": draft.id}


# The demo ------------------------------------------------------------------------------------------

def test_the_demo_applicant_is_invited_to_the_themed_round(app, as_user):
    """The themed round's expressions of interest have closed; the demo applicant's was shortlisted, and
    starting its full application fills in the questions the themed forms share."""
    from grants.demo import seed_demo
    from grants.demo.rounds import ROUNDS, seed_rounds
    from grants.interfaces.auth.accounts import get_user_by_email

    seed_demo()
    seed_rounds()
    themed = db.session.scalar(select(FundingRound).filter_by(name=ROUNDS[0][0]))
    assert themed.has_eoi_stage and themed.eoi_closes_at < utcnow() < themed.closes_at
    client = as_user(get_user_by_email("applicant@example.org"))
    dashboard = seen_text(client.get("/applications"))
    assert "Union Street Night Hub" in dashboard and "Shortlisted" in dashboard
    assert "Start your full application: send it by" in dashboard
    eoi = db.session.scalar(select(Application).filter_by(project_title="Union Street Night Hub", stage=EOI))
    assert "We would like your full application to say how you will work with the police at night." in seen_text(
        client.get(f"/applications/{eoi.id}"))
    _eligible(client, themed)
    started = post(client, f"/applications/start/{themed.id}")
    full = db.session.scalar(select(Application).where(Application.expression_of_interest_id == eoi.id))
    assert started.headers["Location"] == f"/applications/{full.id}"
    assert full.section("antisocial_behaviour").answers == {"asb_kinds": ["night_time", "open_dealing"]}
    assert full.section("project").answers["title"] == ["Union Street Night Hub"]
    assert full.amount_requested == Decimal("4800.00")


def test_a_shortlisted_expression_of_interest_is_never_awarded(as_role, users):
    """Shortlisting makes an expression of interest "successful" as a full bid's approval does: only the
    full bid can be offered a grant, on the offers list, its page and in the service."""
    from grants.interfaces.awards import awarding

    funding_round = _two_stage_round(eoi_in=-timedelta(days=1))
    eoi = _eoi(funding_round, users["org_a"], status=ApplicationStatus.SUCCESSFUL)
    full = ApplicationFactory(funding_round=funding_round, organisation=users["org_a"], stage=FULL,
                              status=ApplicationStatus.SUCCESSFUL, reference="CGS-2026-0009",
                              expression_of_interest=eoi)
    assert awarding.awardable_applications(funding_round.id) == [full]
    with pytest.raises(awarding.AwardError, match="An expression of interest cannot be given an award"):
        awarding.create_award(eoi, None, users["grants_officer"])  # type: ignore[arg-type]
    officer = as_role("grants_officer")
    refused = seen_text(officer.get(f"/awards/new/{eoi.id}", follow_redirects=True))
    assert "EOI-2026-0001 cannot be given an award: it is an expression of interest" in refused


def test_an_organisation_new_to_a_two_stage_round_is_offered_only_its_expression_of_interest(applicant, users):
    """The organisation's page and the home page offer a two-stage round while it takes expressions of
    interest, by their deadline and in those words, and not at all once they have closed."""
    taking = _two_stage_round()
    closed = FundingRoundFactory(name="Closed EOI Fund", eoi_closes_at=utcnow() - timedelta(days=1))
    organisation_id = users["org_a"].id
    _eligible(applicant, taking)
    shown = seen_text(applicant.get(f"/organisations/{organisation_id}"))
    assert "Start your expression of interest to Safer Nights Fund" in shown
    assert "Expressions of interest close" in shown and "Full applications are by invitation only." in shown
    assert "Closed EOI Fund" not in shown
    home = seen_text(applicant.get("/home"))
    assert "Check if you can apply to Safer Nights Fund" in home and "Expressions of interest close" in home
    assert f"Check if you can apply to {closed.name}" not in home


def test_the_start_page_offers_a_two_stage_round_only_while_it_takes_expressions_of_interest(client, db):
    taking = _two_stage_round()
    closed = FundingRoundFactory(name="Closed EOI Fund", eoi_closes_at=utcnow() - timedelta(days=1))
    text = seen_text(client.get("/"))
    assert "Safer Nights Fund Expressions of interest close" in text
    assert "Full applications are by invitation. Grants of" in text
    assert f"Check if you can apply to {taking.name}" in text
    assert "Closed EOI Fund Expressions of interest closed on" in text
    assert "Only organisations that were shortlisted can send a full application." in text
    assert f"Check if you can apply to {closed.name}" not in text


def test_the_applications_list_tells_the_two_stages_apart(applicant, users):
    funding_round = _two_stage_round(eoi_in=-timedelta(days=1))
    eoi = _eoi(funding_round, users["org_a"], status=ApplicationStatus.SUCCESSFUL)
    ApplicationFactory(funding_round=funding_round, organisation=users["org_a"], stage=FULL,
                       project_title="Night Bus Guardians", expression_of_interest=eoi)
    text = seen_text(applicant.get("/applications"))
    assert "Night Bus Guardians Full application" in text
    assert "Night Bus Guardians EOI-2026-0001 Expression of interest" in text
