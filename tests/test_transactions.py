"""One commit point per request (grants.transactions): views call the services and render; the
request commits once after the view, when the response is a success or a redirect, and rolls back
otherwise.

Each test runs in the suite's rolled-back transaction, and each request in a session of its own
that is closed at the end of the request: what a request did not commit is gone when the test looks.
So a change the test sees after the request was committed by the request, and each test below fails
if the after-request commit is taken out (the views commit nothing themselves).
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from grants import email_templates
from grants.blueprints.screening import routes as screening_routes
from grants.extensions import db as _db
from grants.models.applications import ApplicationStatus, Clarification
from grants.models.audit import AuditEvent
from grants.models.form_submissions import FormSubmission
from grants.models.mail import OutboxMessage
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, FundingRoundFactory
from tests.helpers import page, post

QUESTION = "How many sessions a week will you run?"


def count(model, *where) -> int:
    return _db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def application(db, users):
    return ApplicationFactory(
        funding_round=FundingRoundFactory(), organisation=users["org_a"], status=ApplicationStatus.SUBMITTED,
        reference="CGS-2026-0042", submitted_at=utcnow(),
    )


@pytest.fixture
def officer(as_role):
    return as_role("grants_officer")


@pytest.fixture
def commits():
    """How many times a session committed while the test ran."""
    seen = {"count": 0}

    def counted(_session):
        seen["count"] += 1

    event.listen(Session, "after_commit", counted)
    yield seen
    event.remove(Session, "after_commit", counted)


@pytest.fixture
def faulty(app):
    """Exceptions reach the app's 500 handler (as in production) instead of the test."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    yield app
    app.config["PROPAGATE_EXCEPTIONS"] = None


@pytest.fixture
def failing_commit():
    """``failing_commit(error)``: the next commit of a session raises ``error``, as the database would."""
    armed = {}

    def before_commit(_session):
        error = armed.pop("error", None)
        if error is not None:
            raise error

    event.listen(Session, "before_commit", before_commit)
    yield lambda error: armed.update(error=error)
    event.remove(Session, "before_commit", before_commit)


def _ask(client, application, question: str = QUESTION):
    return post(client, f"/screening/applications/{application.id}/clarifications", {"question": question})


def test_a_successful_post_is_committed_once_after_the_view(officer, application, commits):
    response = _ask(officer, application)

    assert response.status_code == 302
    assert commits["count"] == 1  # one commit point: the request's, after the view
    assert count(Clarification, Clarification.application_id == application.id) == 1
    assert count(OutboxMessage) == 1
    assert count(AuditEvent, AuditEvent.action.like("clarification%")) == 1


def test_a_page_that_writes_nothing_commits_nothing(officer, application, commits):
    assert officer.get(f"/screening/applications/{application.id}").status_code == 200
    assert commits["count"] == 0


def test_a_form_with_a_mistake_writes_nothing_and_the_corrected_one_is_kept(officer, application):
    refused = _ask(officer, application, question="   ")
    assert refused.status_code == 200  # shown again with its error, as GOV.UK forms are
    assert count(Clarification) == 0 and count(AuditEvent) == 0

    assert _ask(officer, application).status_code == 302
    assert count(Clarification) == 1


def test_a_refusal_after_a_write_leaves_nothing_half_written(officer, application, monkeypatch):
    """The service writes, then refuses: the view's redirect (a success status) must not commit the write."""
    real_screen = screening_routes.screening.screen

    def write_then_refuse(application, *args, **kwargs):
        _db.session.add(Clarification(application=application, question="Half written", asked_by=None))
        _db.session.flush()
        raise screening_routes.screening.ScreeningConflict("Someone else screened it first")

    monkeypatch.setattr(screening_routes.screening, "screen", write_then_refuse)
    url = f"/screening/applications/{application.id}/screen"
    refused = post(officer, url, {"decision": "pass"})
    assert refused.status_code == 302
    assert count(Clarification) == 0

    monkeypatch.setattr(screening_routes.screening, "screen", real_screen)
    assert post(officer, url, {"decision": "pass"}).status_code == 302
    _db.session.refresh(application)
    assert application.status is not ApplicationStatus.SUBMITTED  # the second one was kept


def test_an_exception_in_a_view_rolls_back_what_it_wrote(faulty, officer, application, monkeypatch):
    def mail_server_on_fire(*args, **kwargs):
        raise RuntimeError("injected after the clarification was written")

    monkeypatch.setattr(email_templates, "send_email", mail_server_on_fire)
    response = _ask(officer, application)
    assert response.status_code == 500
    assert page(response).h1.get_text(strip=True) == "Sorry, there is a problem with the service"
    assert count(Clarification) == 0 and count(AuditEvent) == 0

    monkeypatch.undo()
    assert _ask(officer, application).status_code == 302
    assert count(Clarification) == 1


@pytest.mark.parametrize(("error", "status", "heading"), [
    (OperationalError("COMMIT", {}, Exception("disk full")), 500, "Sorry, there is a problem with the service"),
    (OperationalError("COMMIT", {}, Exception("connection gone"), connection_invalidated=True), 503,
     "Sorry, the service is unavailable"),
    (StaleDataError("UPDATE statement on table 'applications' expected to update 1 row(s); 0 were matched."), 409,
     "Someone else changed this at the same time"),
], ids=["fault", "database gone", "stale"])
def test_a_commit_that_fails_gives_an_error_page_not_the_success(officer, application, failing_commit, error, status,
                                                                 heading):
    failing_commit(error)
    response = _ask(officer, application)

    assert response.status_code == status
    assert "Location" not in response.headers  # not sent on to the page that says it was done
    assert page(response).h1.get_text(strip=True) == heading
    assert count(Clarification) == 0 and count(FormSubmission) == 0
    # The "Question sent" message the view flashed for the next page is not shown there either.
    shown = page(officer.get(f"/screening/applications/{application.id}")).get_text(" ", strip=True)
    assert "Question sent" not in shown

    assert _ask(officer, application).status_code == 302  # the same form, sent again, is kept
    assert count(Clarification) == 1
