"""The same form sent several times at the same moment (a browser retrying while the first request
still runs) acts once: the key's unique index makes every other request wait for the first, then
show its result; none runs the view, and none fails."""

from __future__ import annotations

import threading
import time

from bs4 import BeautifulSoup

from grants.form_keys import FIELD
from grants.interfaces.screening import applications as screening
from grants.models.accounts import Role
from grants.models.applications import ApplicationStatus, Clarification
from grants.models.form_submissions import FormSubmission
from grants.models.mail import OutboxMessage
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, FundingRoundFactory, OrganisationFactory, UserFactory
from tests.figures import report

ATTEMPTS = 6


def test_the_same_form_sent_at_the_same_moment_acts_once(app, db, as_user, monkeypatch):
    officer = UserFactory(roles=[Role.GRANTS_OFFICER])
    application = ApplicationFactory(
        funding_round=FundingRoundFactory(), organisation=OrganisationFactory(), status=ApplicationStatus.SUBMITTED,
        reference="CGS-2026-0001", submitted_at=utcnow(),
    )
    db.session.commit()
    url = f"/screening/applications/{application.id}/clarifications"

    browser = as_user(officer)
    db.session.commit()  # the sign-in, for the other connections to see
    html = BeautifulSoup(browser.get(f"/screening/applications/{application.id}").get_data(as_text=True), "html.parser")
    form = html.select_one(f"form[action='{url}']")
    sent = {field["name"]: field["value"] for field in form.select("input[type=hidden]")}
    sent["question"] = "How many sessions a week will you run?"
    assert sent[FIELD]

    # The first request to get in holds its transaction open a while, as a slow worker would.
    ask = screening.ask_clarification

    def slow_ask(*args, **kwargs):
        asked = ask(*args, **kwargs)
        time.sleep(0.5)
        return asked

    monkeypatch.setattr(screening, "ask_clarification", slow_ask)

    barrier = threading.Barrier(ATTEMPTS)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def attempt():
        try:
            client = app.test_client()
            for cookie in ("session", "remember_token"):
                value = browser.get_cookie(cookie)
                if value is not None:
                    client.set_cookie(cookie, value.value, domain=value.domain)
            barrier.wait(timeout=10)
            statuses.append(client.post(url, data=sent).status_code)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors, errors
    assert statuses.count(302) == 1, statuses  # the one that acted
    assert all(status in {303, 409} for status in statuses if status != 302), statuses
    db.session.expire_all()
    assert len(db.session.scalars(db.select(Clarification)).all()) == 1
    assert len(db.session.scalars(db.select(OutboxMessage)).all()) == 1
    [row] = db.session.scalars(db.select(FormSubmission)).all()
    assert row.status == 302 and row.location == f"/screening/applications/{application.id}#clarifications"
    report(f"form key race: {ATTEMPTS} simultaneous posts of one form, 1 acted, "
           f"{statuses.count(303)} sent to its result, {statuses.count(409)} told it was already sent")
