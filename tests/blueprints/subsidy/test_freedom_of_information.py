"""Freedom of Information Act 2000: the privacy notice and the application say information may be
disclosed; the applicant marks what it considers confidential, and staff see the mark."""

from __future__ import annotations

import pytest

from grants.extensions import db
from grants.interfaces.subsidy import confidentiality
from grants.models.applications import ApplicationStatus
from tests.factories import ApplicationFactory, FundingRoundFactory
from tests.helpers import error_messages, page, post
from tests.visible_text import seen_text

WHY = "Our prices for <b>training</b> are commercially sensitive"


@pytest.fixture
def draft(users):
    return ApplicationFactory(funding_round=FundingRoundFactory(), organisation=users["org_a"])


def test_the_privacy_notice_explains_disclosure(client):
    text = seen_text(client.get("/privacy"))
    assert "Freedom of information" in text
    assert "public authority under the Freedom of Information Act 2000" in text
    assert "tell us what you consider confidential" in text


def test_check_answers_says_it_may_be_disclosed_and_links_to_the_mark(as_role, draft):
    response = as_role("applicant").get(f"/applications/{draft.id}/check")
    text = seen_text(response)
    assert "Confidential information (Freedom of Information Act 2000)" in text and "Optional: not answered" in text
    assert page(response).find("a", href=f"/applications/{draft.id}/confidentiality") is not None


@pytest.mark.visible_text(allow=[WHY])
def test_the_applicant_marks_what_is_confidential_and_staff_see_it(as_role, draft):
    applicant = as_role("applicant")
    missing = post(applicant, f"/applications/{draft.id}/confidentiality", {"confidential": "yes", "details": ""})
    assert error_messages(missing) == ["Say what information you consider confidential and why"]
    assert error_messages(post(applicant, f"/applications/{draft.id}/confidentiality", {})) == [
        "Select yes if there is information you consider confidential"]
    saved = post(applicant, f"/applications/{draft.id}/confidentiality", {"confidential": "yes", "details": WHY})
    assert saved.headers["Location"] == f"/applications/{draft.id}/check"
    assert confidentiality.marked(draft) == WHY
    assert "Marked confidential " + WHY in seen_text(applicant.get(f"/applications/{draft.id}/check"))
    draft.status, draft.reference = ApplicationStatus.SUBMITTED, "CGS-2026-0444"
    db.session.flush()
    staff = seen_text(as_role("grants_officer").get(f"/screening/applications/{draft.id}"))
    assert "Marked confidential " + WHY in staff


def test_nothing_confidential_clears_the_details(as_role, draft):
    applicant = as_role("applicant")
    post(applicant, f"/applications/{draft.id}/confidentiality", {"confidential": "yes", "details": WHY})
    post(applicant, f"/applications/{draft.id}/confidentiality", {"confidential": "no", "details": WHY})
    assert confidentiality.marked(draft) is None
    assert "Nothing marked confidential" in seen_text(applicant.get(f"/applications/{draft.id}/check"))


def test_only_the_lead_organisation_can_mark_it_and_not_after_submission(as_role, draft):
    assert as_role("applicant_b").get(f"/applications/{draft.id}/confidentiality").status_code == 404
    draft.status = ApplicationStatus.SUBMITTED
    db.session.flush()
    response = post(as_role("applicant"), f"/applications/{draft.id}/confidentiality", {"confidential": "no"})
    assert response.status_code == 302 and confidentiality.answered(draft) is False
