"""Applicants create their own accounts: a name and an email address, then a password chosen from
the emailed link. Nothing is created until the link is followed, and the first step answers alike
whether or not the address has an account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from werkzeug.security import check_password_hash

from grants.extensions import db
from grants.interfaces.auth.accounts import get_user_by_email
from grants.models.accounts import Role, User
from grants.models.mail import OutboxMessage
from tests.factories import UserFactory
from tests.helpers import emailed_link, error_messages, page, post, register

STEP_ONE = {"full_name": "Jamie Penrose", "email": "Jamie.Penrose@Example.org"}
PASSWORD = "lighthouse-pasty-gorse"
EMAIL = "jamie.penrose@example.org"


def _count_users() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(User))


def _link(client, data=STEP_ONE) -> str:
    response = post(client, "/register", data)
    assert response.status_code == 200 and page(response).h1.get_text(strip=True) == "Check your email"
    return emailed_link(EMAIL, "/register/")


def test_registration_sends_a_link_and_creates_nothing_until_it_is_followed(client, db):
    before = _count_users()
    link = _link(client)
    assert _count_users() == before
    mail = db.session.scalars(db.select(OutboxMessage)).one()
    assert mail.recipient == EMAIL and "Confirm your email address" in mail.subject
    form = page(client.get(link))
    assert form.h1.get_text(strip=True) == "Create a password" and EMAIL in form.get_text()
    response = post(client, link, {"password": PASSWORD, "confirm_password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/organisations/mine"
    user = get_user_by_email(EMAIL)
    assert user.full_name == "Jamie Penrose" and user.roles == {Role.APPLICANT}
    assert user.password_hash.startswith("scrypt:")  # a slow hash, never the password
    assert check_password_hash(user.password_hash, PASSWORD)
    assert client.get("/home").status_code == 200  # signed in
    assert "/register/" not in user.password_hash


def test_the_link_works_once(client, db):
    before = _count_users()
    link = _link(client)
    assert post(client, link, {"password": PASSWORD, "confirm_password": PASSWORD}).status_code == 302
    again = post(client.application.test_client(), link, {"password": PASSWORD, "confirm_password": PASSWORD})
    assert again.status_code == 400 and page(again).h1.get_text(strip=True) == "This link has been used"
    assert _count_users() == before + 1


def test_the_link_expires(client, app, db):
    link = _link(client)
    later = datetime.now(UTC) + app.config["REGISTRATION_LINK_MAX_AGE"] + timedelta(minutes=1)
    with freeze_time(later):
        response = client.get(link)
    assert response.status_code == 400 and page(response).h1.get_text(strip=True) == "This link has expired"
    assert get_user_by_email(EMAIL) is None


def test_a_tampered_link_is_not_valid(client, db):
    link = _link(client)
    response = client.get(link[:-3] + "abc")
    assert response.status_code == 400 and page(response).h1.get_text(strip=True) == "This link is not valid"


def test_an_existing_address_gets_the_same_page_and_a_reminder_not_a_link(client, db):
    UserFactory(email=EMAIL)
    before = _count_users()
    response = post(client, "/register", {**STEP_ONE, "email": "JAMIE.PENROSE@example.org"})
    assert response.status_code == 200 and page(response).h1.get_text(strip=True) == "Check your email"
    assert not error_messages(response)
    mail = db.session.scalars(db.select(OutboxMessage)).one()
    assert mail.recipient == EMAIL and "You already have one" in mail.body and "/register/" not in mail.body
    assert _count_users() == before


def test_a_link_followed_after_someone_else_registered_the_address_is_used(client, db):
    link = _link(client)
    UserFactory(email=EMAIL)
    response = client.get(link)
    assert response.status_code == 400 and page(response).h1.get_text(strip=True) == "This link has been used"


@pytest.mark.parametrize(
    "password, message",
    [
        ("short-pass", "Password must be 12 characters or more"),
        ("passwordpassword", "Password is too easy to guess. Use 3 random words, for example ‘tulip-harbour-kettle’"),
        ("qwerty123456", "Password is too easy to guess. Use 3 random words, for example ‘tulip-harbour-kettle’"),
        ("Password1234!", "Password is too easy to guess. Use 3 random words, for example ‘tulip-harbour-kettle’"),
        ("jamie.penrose-rocks", "Password must not contain your email address"),
    ],
)
def test_weak_passwords_get_a_specific_message(client, db, password, message):
    link = _link(client)
    response = post(client, link, {"password": password, "confirm_password": password})
    assert message in error_messages(response)
    assert get_user_by_email(EMAIL) is None


def test_passwords_must_match(client, db):
    response = post(client, _link(client), {"password": PASSWORD, "confirm_password": "something-else-entirely"})
    assert error_messages(response) == ["Passwords must match"]


def test_every_missing_field_is_listed_in_the_error_summary(client, db):
    response = post(client, "/register", {})
    assert error_messages(response) == ["Enter your full name", "Enter your email address"]
    assert response.get_data(as_text=True).count('href="#') >= 2  # each links to its field
    assert "<title>Error: " in response.get_data(as_text=True)
    missing = post(client, _link(client), {})
    assert error_messages(missing) == ["Enter a password", "Confirm your password"]


def test_malformed_email_is_refused(client, db):
    response = post(client, "/register", {**STEP_ONE, "email": "not-an-email"})
    assert error_messages(response) == ["Enter an email address in the correct format, like name@example.com"]
    assert not db.session.scalars(db.select(OutboxMessage)).all()


def test_registration_without_csrf_token_is_refused(client, db):
    response = client.post("/register", data=STEP_ONE)
    assert response.status_code == 400
    assert "Your form could not be sent" in response.get_data(as_text=True)
    assert not db.session.scalars(db.select(OutboxMessage)).all()


def test_the_next_page_survives_the_emailed_link_but_only_on_this_site(client, db):
    response = register(client, "Jamie Penrose", EMAIL, PASSWORD, next_path="/rounds")
    assert response.headers["Location"] == "/rounds"
    other = client.application.test_client()
    post(other, "/register?next=https://evil.example/", {"full_name": "Sam", "email": "sam@example.org"})
    link = emailed_link("sam@example.org", "/register/")
    done = post(other, link, {"password": PASSWORD, "confirm_password": PASSWORD})
    assert done.headers["Location"] == "/organisations/mine"
