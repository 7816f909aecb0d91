"""The whole journey over HTTP, as the issue's "done when" describes it.

A community group registers, passes the eligibility check, fills every section over two visits
(signing out in between), uploads its documents, submits before the deadline and sees the status;
an officer asks a question (the applicant answers from the emailed link, and the officer is emailed
the answer is in), screens it (the applicant is emailed that it has gone to the panel) and exports
the round.
"""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from grants.models.applications import Application, ApplicationStatus
from grants.models.mail import OutboxMessage
from tests.blueprints.applications.answers import VALID
from tests.factories import FundingRoundFactory
from tests.helpers import emailed_link, page, post, register, sign_in
from tests.test_uploads import pdf_bytes


def _upload(client, application_id, kind):
    response = post(
        client,
        f"/applications/{application_id}/documents",
        {"kind": kind, "file": (io.BytesIO(pdf_bytes()), f"{kind}.pdf")},
        content_type="multipart/form-data",
    )
    response.request.input_stream.close()
    assert response.status_code == 302, page(response).select_one(".govuk-error-summary")


def _latest_email(db, recipient: str) -> OutboxMessage:
    return db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.recipient == recipient)
                              .order_by(OutboxMessage.id.desc())).first()


def test_apply_screen_and_export(app, db, as_role, users):
    funding_round = FundingRoundFactory(name="Safer Streets Fund")
    browser = app.test_client()

    # Register and set up the organisation.
    password = "kelp-lantern-harbour"
    registered = register(browser, "Jamie Penrose", "jamie@harbourtrust.org", password)
    assert registered.headers["Location"] == "/organisations/mine"
    organisation = {k: v[0] for k, v in VALID["organisation"].items()} | {"name": "Harbour Trust"}
    assert post(browser, "/organisations/new", organisation).status_code == 302

    # Eligibility, then start.
    result = post(browser, f"/rounds/{funding_round.id}/eligibility",
                  {"legal_type": "registered_charity", "in_area": "yes", "annual_income": "25000", "amount": "3600"})
    assert page(result).h1.get_text(strip=True) == "You can apply to this round"
    started = post(browser, f"/applications/start/{funding_round.id}")
    application_id = int(re.search(r"/applications/(\d+)", started.headers["Location"]).group(1))

    # First visit: half the sections, then sign out.
    keys = list(VALID)
    for key in keys[:5]:
        post(browser, f"/applications/{application_id}/sections/{key}", {**VALID[key], "action-continue": "1"})
    post(browser, "/sign-out")

    # Second visit: the rest, and the documents.
    from grants.interfaces.auth.accounts import get_user_by_email

    sign_in(browser, get_user_by_email("jamie@harbourtrust.org"), password=password)
    tasks = page(browser.get(f"/applications/{application_id}")).get_text(" ")
    assert "You have completed 5 of 11 sections" in tasks  # with subsidy control, which a charity answers too
    for key in keys[5:]:
        response = post(browser, f"/applications/{application_id}/sections/{key}",
                        {**VALID[key], "action-continue": "1"})
        assert response.status_code == 302, key
    # Its project is free to the people it helps: not economic activity, so no amounts are asked.
    assert post(browser, f"/applications/{application_id}/subsidy-control", {"economic": "no"}).status_code == 302
    for kind in ("constitution", "accounts", "safeguarding_policy"):
        _upload(browser, application_id, kind)

    # Submit and see the status.
    assert post(browser, f"/applications/{application_id}/submit").status_code == 302
    application = db.session.get(Application, application_id)
    assert application.status is ApplicationStatus.SUBMITTED
    dashboard = page(browser.get("/applications")).get_text(" ")
    assert application.reference in dashboard and "Submitted" in dashboard

    # An officer asks a question; the applicant answers it from the emailed link, and the officer
    # is emailed that the answer is in.
    officer = as_role("grants_officer")
    listed = page(officer.get(f"/screening/rounds/{funding_round.id}")).get_text(" ")
    assert application.reference in listed
    asked = post(officer, f"/screening/applications/{application_id}/clarifications",
                 {"question": "Who will run the café sessions?"})
    assert asked.status_code == 302
    contact = application.organisation.contact_email
    answer_link = emailed_link(contact, f"/applications/{application_id}/clarifications/")
    assert post(browser, answer_link, {"answer": "Two trained volunteers with lived experience."}).status_code == 302
    officer_email = users["grants_officer"].email
    answered = _latest_email(db, officer_email)
    assert answered.subject == f"{application.organisation.name} has answered a question about {application.reference}"
    back_to_application = emailed_link(officer_email, f"/screening/applications/{application_id}")
    assert "Two trained volunteers" in page(officer.get(back_to_application.split("#")[0])).get_text(" ")

    # The officer screens it, and the applicant is emailed that it has gone to the panel.
    screened = post(officer, f"/screening/applications/{application_id}/screen", {"decision": "pass"})
    assert screened.status_code == 302
    assert db.session.get(Application, application_id).status is ApplicationStatus.UNDER_ASSESSMENT
    passed = _latest_email(db, contact)
    assert passed.subject == (f"Your application {application.reference} is eligible and has gone to the "
                              "assessment panel")
    assert "It has now gone to the assessment panel" in passed.body
    status_link = emailed_link(contact, f"/applications/{application_id}")
    assert "Under assessment" in page(browser.get(status_link)).get_text(" ")
    assert "Under assessment" in page(browser.get("/applications")).get_text(" ")

    export = officer.get(f"/screening/rounds/{funding_round.id}/export.xlsx")
    sheet = load_workbook(io.BytesIO(export.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert application.reference in rows[1]
    assert "Harbour Recovery Café" in rows[1]
