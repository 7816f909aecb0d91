"""Officers' findings on a bid's checklist, and the gate: no bid goes to the panel with a required item
not met or not marked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants.interfaces.due_diligence import findings
from grants.interfaces.screening import applications as screening
from grants.models.applications import ApplicationStage, ApplicationStatus
from grants.models.audit import AuditEvent
from grants.models.due_diligence import CheckOutcome, DueDiligenceCheck
from tests.factories import FundingRoundFactory
from tests.helpers import error_messages, page, post
from tests.visible_text import seen_text

REQUIRED = ["governing-document", "latest-accounts", "safeguarding-policy", "insurance", "register-checks"]


def _mark(client, application, item_id, outcome, note="", version=None):
    if version is None:
        check = findings.checks_of(application).get(item_id)
        version = check.version if check else 0
    return post(client, f"/due-diligence/applications/{application.id}/items/{item_id}",
                {"outcome": outcome, "note": note, "version": str(version)})


def _meet_everything(db, application, officer_user, but=()):
    for item_id in REQUIRED:
        if item_id not in but:
            db.session.add(DueDiligenceCheck(application_id=application.id, item_id=item_id, outcome=CheckOutcome.MET,
                                             checked_by_id=officer_user.id))
    db.session.flush()


def _screen(client, application, decision="pass", reason=""):
    return post(client, f"/screening/applications/{application.id}/screen", {"decision": decision, "reason": reason})


def _flash(client, response) -> str:
    return seen_text(client.get(response.headers["Location"]))


def test_an_officer_marks_an_item_met_with_who_and_when(db, officer, make_application, users):
    application = make_application()
    response = _mark(officer, application, "governing-document", "met")
    assert response.status_code == 302, error_messages(response)
    check = findings.checks_of(application)["governing-document"]
    assert (check.outcome, check.checked_by_id, check.version) == (CheckOutcome.MET, users["grants_officer"].id, 1)
    text = _flash(officer, response)
    assert "“Governing document” marked met for CGS-2026-0001" in text
    row = page(officer.get(f"/due-diligence/applications/{application.id}")).select_one("#item-governing-document")
    assert "Met" in row.get_text() and users["grants_officer"].full_name in row.get_text()
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "due_diligence.checked")).all()
    assert event.entity_id == str(application.id) and event.changes["outcome"]["after"] == "met"


def test_not_met_and_not_needed_need_a_note_and_keep_what_was_chosen(db, officer, make_application):
    application = make_application()
    for outcome in ("not_met", "not_needed"):
        response = _mark(officer, application, "insurance", outcome, note="   ")
        assert response.status_code == 200
        assert error_messages(response) == ["Enter a note saying why"]
        assert page(response).select_one(f'input[name="outcome"][value="{outcome}"]').has_attr("checked")
    assert _mark(officer, application, "insurance", "").status_code == 200
    assert findings.checks_of(application) == {}
    response = _mark(officer, application, "insurance", "not_met", note="Certificate expired in October")
    assert response.status_code == 302
    assert findings.checks_of(application)["insurance"].note == "Certificate expired in October"


def test_a_finding_changed_by_someone_else_meanwhile_is_refused(db, officer, make_application):
    application = make_application()
    assert _mark(officer, application, "insurance", "met").status_code == 302
    response = _mark(officer, application, "insurance", "not_met", note="Stale page", version=0)
    assert response.status_code == 302
    assert "Someone else marked “Insurance” while you were looking at it" in _flash(officer, response)
    assert findings.checks_of(application)["insurance"].outcome is CheckOutcome.MET
    assert _mark(officer, application, "insurance", "not_met", note="Current page").status_code == 302
    check = findings.checks_of(application)["insurance"]
    assert (check.outcome, check.version) == (CheckOutcome.NOT_MET, 2)


def test_findings_cannot_be_recorded_once_the_bid_is_decided_or_ineligible(db, officer, make_application):
    application = make_application(status=ApplicationStatus.INELIGIBLE)
    response = _mark(officer, application, "insurance", "met")
    assert response.status_code == 302
    assert "Due diligence cannot be recorded: CGS-2026-0001 is" in _flash(officer, response)
    assert findings.checks_of(application) == {}


def test_drafts_and_expressions_of_interest_have_no_due_diligence(db, officer, make_application):
    draft = make_application(status=ApplicationStatus.DRAFT)
    eoi = make_application(stage=ApplicationStage.EXPRESSION_OF_INTEREST)
    for application in (draft, eoi):
        assert officer.get(f"/due-diligence/applications/{application.id}").status_code == 404
        assert _mark(officer, application, "insurance", "met").status_code == 404


def test_passing_is_refused_naming_each_required_item_not_met_or_not_marked(db, officer, make_application, users):
    application = make_application()
    _meet_everything(db, application, users["grants_officer"], but=("insurance", "safeguarding-policy"))
    assert _mark(officer, application, "insurance", "not_met", note="Expired").status_code == 302
    response = _screen(officer, application)
    assert response.status_code == 302
    text = _flash(officer, response)
    assert ("CGS-2026-0001 cannot go to the panel until its required due-diligence items are met or marked not "
            "needed: Safeguarding policy (not marked) and Insurance (not met). Nothing was changed") in text
    db.session.refresh(application)
    assert application.status is ApplicationStatus.SUBMITTED and application.screened_at is None
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "application.screened")).all()


def test_the_screening_page_says_why_the_pass_is_held(db, officer, make_application, users):
    application = make_application()
    _meet_everything(db, application, users["grants_officer"], but=("insurance",))
    soup = page(officer.get(f"/screening/applications/{application.id}"))
    held = soup.select_one("#held-by-due-diligence").get_text(" ", strip=True)
    assert "required due-diligence item is met or marked not needed: Insurance (not marked)" in held
    assert "Held: the required due-diligence items above must be met or marked not needed first" in soup.get_text()
    table = soup.select_one("#due-diligence").find_next("table")
    assert "Insurance" in table.get_text() and "Not marked" in table.get_text()


def test_a_bid_passes_once_required_items_are_met_or_not_needed(db, officer, make_application, users):
    application = make_application()
    _meet_everything(db, application, users["grants_officer"], but=("insurance",))
    response = _mark(officer, application, "insurance", "not_needed", note="Covered by the host church's policy")
    assert response.status_code == 302
    # Optional items (bank account, references) never hold a bid.
    assert _mark(officer, application, "references", "not_met", note="None came back").status_code == 302
    assert findings.gate_refusal(application) is None
    response = _screen(officer, application)
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.status is ApplicationStatus.UNDER_ASSESSMENT
    assert "#held-by-due-diligence" not in str(page(officer.get(f"/screening/applications/{application.id}")))


def test_a_bid_that_fails_screening_needs_no_checklist(db, officer, make_application):
    application = make_application()
    response = _screen(officer, application, decision="fail", reason="Income over the round's limit")
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.status is ApplicationStatus.INELIGIBLE


def test_a_round_without_a_checklist_screens_as_before(db, officer, make_application):
    application = make_application(round=FundingRoundFactory())
    assert findings.gate_refusal(application) is None
    assert "Due diligence" not in seen_text(officer.get(f"/screening/applications/{application.id}"))
    assert _screen(officer, application).status_code == 302
    db.session.refresh(application)
    assert application.status is ApplicationStatus.UNDER_ASSESSMENT


def test_the_service_refuses_too(db, make_application, users):
    application = make_application()
    with pytest.raises(screening.ScreeningConflict, match=r"Governing document \(not marked\)"):
        screening.screen(application, True, None, users["grants_officer"])
