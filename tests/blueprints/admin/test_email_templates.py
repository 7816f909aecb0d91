"""Admin → Emails: every email the service sends, previewed with a real record, changed, kept in
versions, and restored; the next email says what was saved."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.models.audit import AuditEvent
from grants.models.mail import EmailTemplateVersion, OutboxMessage
from tests.blueprints.applications.test_submitting import _complete_everything
from tests.helpers import error_messages, page, post

KEY = "application_submitted"
URL = f"/admin/emails/{KEY}"


@pytest.fixture
def admin(as_role):
    return as_role("admin")


def _preview(response) -> tuple[str, str]:
    """The subject and body of the email a page previews, as a person reads them."""
    preview = page(response).select_one(".opcc-email-preview")
    subject = preview.find("dt", string="Subject").find_next_sibling("dd").get_text(strip=True)
    return subject, preview.select_one("pre").get_text()


def _edit(admin, subject: str, body: str, action: str = "save", based_on: str = ""):
    return post(admin, f"{URL}/edit", {"subject": subject, "body": body, "based_on": based_on, action: "1"})


def test_the_list_names_each_email_whom_it_goes_to_and_whether_it_was_changed(admin, users):
    listed = page(admin.get("/admin/emails"))
    row = listed.find("a", string="Application received").find_parent("tr")
    assert [cell.get_text(" ", strip=True) for cell in row.select("td")][1:] == [
        "The organisation's contact, when it submits an application or an expression of interest", "Default"]
    _edit(admin, "Received: ((reference))", "Dear ((contact name)),")
    row = page(admin.get("/admin/emails")).find("a", string="Application received").find_parent("tr")
    assert row.select("td")[2].get_text(strip=True) == "Changed (version 1)"


def test_the_preview_is_filled_with_the_latest_real_application(admin, applicant, ready, users):
    post(applicant, f"/applications/{ready.id}/submit")
    db.session.refresh(ready)
    subject, body = _preview(admin.get(URL))
    assert subject == f"Application {ready.reference} received"
    assert body.startswith(f"Dear {users['org_a'].contact_name},\n\nThank you. We have received your application")
    assert "The grants team will check that it is eligible" in body
    assert "shortlist" not in body  # the expression-of-interest text is left out of a full application's


def test_without_a_record_the_preview_names_each_placeholder(admin):
    response = admin.get(URL)
    subject, body = _preview(response)
    assert subject == "[kind] [reference] received"
    assert "There is no record to fill it in with yet" in page(response).get_text()


def test_an_edit_is_previewed_before_it_is_saved_and_nothing_is_saved(admin):
    response = _edit(admin, "New: ((reference))", "Hi ((contact name)), thanks.", action="preview")
    assert response.status_code == 200
    assert _preview(response) == ("New: [reference]", "Hi [contact name], thanks.\n")
    assert db.session.scalar(select(db.func.count()).select_from(EmailTemplateVersion)) == 0


def test_an_unknown_placeholder_is_refused_with_the_error_summary_and_nothing_saved(admin):
    response = _edit(admin, "New: ((reference))", "Hi ((aplicant name)),")
    assert error_messages(response) == [
        "Body uses ((aplicant name)), which this email does not know. Use only the placeholders listed"]
    assert db.session.scalar(select(db.func.count()).select_from(EmailTemplateVersion)) == 0
    # What was typed is still there to correct.
    assert page(response).select_one("textarea[name=body]").get_text() == "Hi ((aplicant name)),"


def test_an_empty_subject_is_refused(admin):
    assert error_messages(_edit(admin, "  ", "Hi")) == ["Enter a subject"]


def test_saving_after_someone_else_saved_is_refused(admin, users):
    _edit(admin, "First ((reference))", "One")
    response = _edit(admin, "Second ((reference))", "Two", based_on="")  # opened before the first save
    assert "Someone else has saved this email since you opened it" in error_messages(response)[0]
    assert [v.subject for v in db.session.scalars(select(EmailTemplateVersion))] == ["First ((reference))"]


def test_the_next_email_says_what_was_saved(admin, applicant, ready, users):
    saved = _edit(admin, "We have your bid ((reference))",
                  "Hello ((contact name)) at ((organisation name)).\n\n((full application??Checks come next.))\n"
                  "((expression of interest??Shortlisting comes next.))\n\n((office name))")
    assert saved.headers["Location"] == URL
    post(applicant, f"/applications/{ready.id}/submit")
    db.session.refresh(ready)
    email = db.session.scalars(select(OutboxMessage)).one()
    assert email.subject == f"We have your bid {ready.reference}"
    assert email.body == (f"Hello {users['org_a'].contact_name} at Organisation A.\n\nChecks come next.\n\n"
                          "Office of the Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly\n")


def test_versions_are_kept_audited_and_restored_as_new_versions(admin, users):
    _edit(admin, "One ((reference))", "First")
    _edit(admin, "Two ((reference))", "Second", based_on="1")
    shown = page(admin.get(URL))
    rows = [[c.get_text(" ", strip=True) for c in r.select("td")][:1] + [r.select("td")[2].get_text(strip=True)]
            for r in shown.select("table tbody tr")]
    assert rows == [["2 (in use)", "Two ((reference))"], ["1", "One ((reference))"]]
    response = post(admin, f"{URL}/restore", {"version": "1", "based_on": "2"})
    assert response.headers["Location"] == URL
    response = post(admin, f"{URL}/restore", {"version": "default", "based_on": "3"})
    versions = list(db.session.scalars(select(EmailTemplateVersion).order_by(EmailTemplateVersion.version)))
    assert [(v.version, v.subject, v.note) for v in versions] == [
        (1, "One ((reference))", "Edited"), (2, "Two ((reference))", "Edited"),
        (3, "One ((reference))", "Restored version 1"), (4, "((kind)) ((reference)) received", "Restored the default")]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "email_template.saved")
                                .order_by(AuditEvent.id)).all()
    assert [e.summary for e in events][-1] == "Application received: version 4 (Restored the default)"
    assert all(e.actor_id == users["admin"].id for e in events) and len(events) == 4


def test_restoring_a_version_that_does_not_exist_is_not_found(admin):
    assert post(admin, f"{URL}/restore", {"version": "9", "based_on": ""}).status_code == 404


def test_an_email_that_does_not_exist_is_not_found(admin):
    assert admin.get("/admin/emails/no_such_email").status_code == 404


@pytest.fixture
def applicant(as_role):
    return as_role("applicant")


@pytest.fixture
def ready(applicant, db, users):
    from tests.factories import ApplicationFactory, FundingRoundFactory

    open_round = FundingRoundFactory(name="Community Safety Fund 2026")
    draft = ApplicationFactory(funding_round=open_round, organisation=users["org_a"], project_title=None)
    _complete_everything(applicant, draft)
    return draft
