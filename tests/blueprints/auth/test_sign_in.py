"""Signing in and out, sessions, and throttling of failed attempts."""

from __future__ import annotations

import pytest

from grants.extensions import db
from grants.models.audit import AuditEvent
from tests.factories import TEST_PASSWORD, UserFactory
from tests.helpers import error_messages, post, sign_in

GENERIC = "Enter a correct email address and password"


def test_sign_in_lands_on_home_and_records_it(client, users):
    user = users["applicant"]  # without two-factor sign-in (staff: tests/blueprints/auth/test_second_factor.py)
    response = post(client, "/sign-in", {"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"
    assert client.get("/home").status_code == 200
    assert user.last_login_at is not None
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="user.signed_in")).one()
    assert event.actor_id == user.id


def test_email_is_case_insensitive(client, users):
    response = post(client, "/sign-in", {"email": "  Grants.Officer@EXAMPLE.org ", "password": TEST_PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "email, password",
    [
        ("grants.officer@example.org", "not-the-right-password"),  # wrong password
        ("nobody@example.org", TEST_PASSWORD),  # unknown email
    ],
)
def test_wrong_password_and_unknown_email_give_the_same_message(client, users, email, password):
    response = post(client, "/sign-in", {"email": email, "password": password})
    assert response.status_code == 200
    assert error_messages(response) == [GENERIC]
    assert client.get("/home").status_code == 302  # still signed out


def test_empty_form_names_each_missing_field(client):
    response = post(client, "/sign-in", {"email": "", "password": ""})
    assert error_messages(response) == ["Enter your email address", "Enter your password"]
    assert response.get_data(as_text=True).count("govuk-error-message") == 2


def test_deactivated_account_cannot_sign_in(client, db):
    user = UserFactory(active=False)
    response = post(client, "/sign-in", {"email": user.email, "password": TEST_PASSWORD})
    assert error_messages(response) == [GENERIC]


def test_next_parameter_returns_to_the_page_asked_for(client, users):
    assert client.get("/account").headers["Location"] == "/sign-in?next=%2Faccount"
    response = post(client, "/sign-in?next=%2Faccount", {"email": users["applicant"].email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/account"


@pytest.mark.parametrize("target", ["https://evil.example.com/", "//evil.example.com/x", "javascript:alert(1)"])
def test_next_parameter_cannot_send_users_to_another_site(client, users, target):
    response = client.post(
        "/sign-in",
        query_string={"next": target},
        data={"email": users["applicant"].email, "password": TEST_PASSWORD, "csrf_token": _token(client)},
    )
    assert response.headers["Location"] == "/home"


def _token(client):
    from tests.helpers import csrf_token

    return csrf_token(client)


def test_session_is_renewed_at_sign_in(client, users):
    """A value planted in the session before sign-in does not survive it (session fixation)."""
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client, users["admin"])
    with client.session_transaction() as session:
        assert "planted" not in session
        key = session["_user_id"]
    from grants.interfaces.auth import sessions

    assert sessions.load(key).id == users["admin"].id


def test_sign_out_needs_a_post_with_csrf(client, users):
    sign_in(client, users["admin"])
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 400  # no CSRF token: refused
    assert client.get("/home").status_code == 200  # still signed in
    response = post(client, "/sign-out")
    assert response.headers["Location"] == "/"
    assert client.get("/home").status_code == 302


def test_signed_in_user_visiting_sign_in_goes_home(as_role):
    assert as_role("admin").get("/sign-in").headers["Location"] == "/home"


class TestThrottling:
    def test_repeated_failures_for_one_account_are_throttled(self, client, app, users):
        limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
        email = users["admin"].email
        for _ in range(limit):
            assert post(client, "/sign-in", {"email": email, "password": "wrong-password-x"}).status_code == 200
        blocked = post(client, "/sign-in", {"email": email, "password": TEST_PASSWORD})
        assert blocked.status_code == 429
        assert "Too many attempts" in blocked.get_data(as_text=True)

    def test_throttle_is_per_account(self, client, app, users):
        limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
        for _ in range(limit):
            post(client, "/sign-in", {"email": users["admin"].email, "password": "wrong-password-x"})
        other = post(client, "/sign-in", {"email": users["grants_officer"].email, "password": TEST_PASSWORD})
        assert other.status_code == 302

    def test_successful_sign_ins_do_not_count(self, app, users):
        limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
        for _ in range(limit + 2):
            client = app.test_client()
            response = post(client, "/sign-in", {"email": users["admin"].email, "password": TEST_PASSWORD})
            assert response.status_code == 302

    def test_many_accounts_from_one_address_are_throttled(self, client, app, db):
        limit = int(app.config["LOGIN_LIMIT_PER_ADDRESS"].split()[0])
        for n in range(limit):
            post(client, "/sign-in", {"email": f"guess{n}@example.org", "password": "wrong-password-x"})
        assert post(client, "/sign-in", {"email": "another@example.org", "password": "x" * 12}).status_code == 429
