"""Every link in an email is built from the configured public address, never from the request.

An outside attack sent ``POST /reset-password`` with ``Host: evil.example`` and got a genuine email
whose link pointed at evil.example. Now the links come from ``PUBLIC_BASE_URL`` (in tests,
``http://localhost``), and production answers only its own host.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from grants import create_app
from grants.models.mail import OutboxMessage
from tests.test_reminders import award, first_return, run  # noqa: F401  (fixtures)

EVIL = "http://evil.example"


@pytest.fixture(autouse=True)
def as_in_production(app, monkeypatch):
    """No SERVER_NAME, as production runs: the test app's SERVER_NAME would otherwise hide the
    Host header from url_for, and the attack would not show."""
    monkeypatch.setitem(app.config, "SERVER_NAME", None)


def _bodies(db, recipient: str) -> list[str]:
    return list(db.session.scalars(db.select(OutboxMessage.body).where(OutboxMessage.recipient == recipient)
                                   .order_by(OutboxMessage.id)))


def _post_from(client, host_url: str, path: str, data: dict):
    """Read the form and post it as a browser would, every request with this Host header."""
    form = client.get(path, base_url=host_url)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', form.get_data(as_text=True)).group(1)
    return client.post(path, data={**data, "csrf_token": token}, base_url=host_url)


def test_a_forged_host_does_not_reach_the_password_reset_email(client, db, users):
    user = users["grants_officer"]
    response = _post_from(client, EVIL, "/reset-password", {"email": user.email})
    assert response.status_code == 200
    [body] = _bodies(db, user.email)
    assert "evil.example" not in body
    assert "http://localhost/reset-password/" in body


def test_a_forged_host_does_not_reach_the_registration_email(client, db):
    response = _post_from(client, EVIL, "/register", {"full_name": "Morwenna Pascoe", "email": "morwenna@example.org"})
    assert response.status_code == 200
    [body] = _bodies(db, "morwenna@example.org")
    assert "evil.example" not in body
    assert "http://localhost/register/" in body


def test_links_use_the_configured_address_with_its_path(app, client, db, users, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://grants.opcc.example.org/commissioners")
    user = users["finance_officer"]
    _post_from(client, EVIL, "/reset-password", {"email": user.email})
    [body] = _bodies(db, user.email)
    assert "https://grants.opcc.example.org/commissioners/reset-password/" in body


def test_send_reminders_links_to_the_configured_address(app, db, award, first_return, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://grants.opcc.example.org")
    run(app, first_return.due_date + timedelta(days=1))
    body = _bodies(db, award.organisation.contact_email)[-1]
    assert f"https://grants.opcc.example.org/grants/{award.id}/returns/{first_return.id}" in body


@pytest.fixture
def guarded_app(database_url):
    """The app as production runs it: answering only the hosts it is told to."""
    from tests.conftest import _database_uri

    return create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": _database_uri(database_url),
                       "TRUSTED_HOSTS": ["grants.opcc.example.org"],
                       "PUBLIC_BASE_URL": "https://grants.opcc.example.org"})


@pytest.mark.parametrize("method, path", [("GET", "/"), ("GET", "/sign-in"), ("POST", "/reset-password"),
                                          ("GET", "/rounds/1"), ("GET", "/healthz")])
def test_requests_for_another_host_are_refused(guarded_app, method, path):
    client = guarded_app.test_client()
    refused = client.open(path, method=method, base_url=EVIL)
    assert refused.status_code == 400
    assert "does not answer to that host" in refused.get_data(as_text=True)


def test_requests_for_the_service_host_are_answered(guarded_app):
    response = guarded_app.test_client().get("/", base_url="https://grants.opcc.example.org")
    assert response.status_code == 200
