"""Applicants create their own accounts."""

from __future__ import annotations

import pytest
from werkzeug.security import check_password_hash

from grants.extensions import db
from grants.interfaces.accounts import get_user_by_email
from grants.models.accounts import Role, User
from grants.models.mail import OutboxMessage
from tests.factories import UserFactory
from tests.helpers import error_messages, post

GOOD = {
    "full_name": "Jamie Penrose",
    "email": "Jamie.Penrose@Example.org",
    "password": "lighthouse-pasty-gorse",
    "confirm_password": "lighthouse-pasty-gorse",
}


def _count_users() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(User))


def test_registration_creates_an_applicant_and_signs_them_in(client, db):
    response = post(client, "/register", GOOD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/organisations/mine"
    user = get_user_by_email("jamie.penrose@example.org")
    assert user.email == "jamie.penrose@example.org"  # stored lower-cased
    assert user.roles == {Role.APPLICANT}
    assert user.password_hash.startswith("scrypt:")  # a slow hash, never the password
    assert check_password_hash(user.password_hash, GOOD["password"])
    assert client.get("/home").status_code == 200
    mail = db.session.scalars(db.select(OutboxMessage)).one()
    assert mail.recipient == user.email


def test_duplicate_email_in_any_case_gets_a_specific_message(client, db):
    UserFactory(email="jamie.penrose@example.org")
    before = _count_users()
    response = post(client, "/register", {**GOOD, "email": "JAMIE.PENROSE@example.org"})
    assert response.status_code == 200
    assert error_messages(response) == [
        "An account already exists with this email address. Sign in or reset your password"
    ]
    assert _count_users() == before


@pytest.mark.parametrize(
    "password, message",
    [
        ("short-pass", "Password must be 12 characters or more"),
        ("passwordpassword", "Password is too easy to guess. Use 3 random words, for example"),
        ("qwerty123456", "Password is too easy to guess. Use 3 random words, for example"),
        ("Password1234!", "Password is too easy to guess. Use 3 random words, for example"),
        ("jamie.penrose-rocks", "Password must not contain your email address"),
    ],
)
def test_weak_passwords_get_a_specific_message(client, db, password, message):
    before = _count_users()
    response = post(client, "/register", {**GOOD, "password": password, "confirm_password": password})
    assert message in error_messages(response)
    assert _count_users() == before


def test_passwords_must_match(client, db):
    response = post(client, "/register", {**GOOD, "confirm_password": "something-else-entirely"})
    assert error_messages(response) == ["Passwords must match"]


def test_every_missing_field_is_listed_in_the_error_summary(client, db):
    response = post(client, "/register", {})
    assert error_messages(response) == [
        "Enter your full name",
        "Enter your email address",
        "Enter a password",
        "Confirm your password",
    ]
    assert response.get_data(as_text=True).count('href="#') >= 4  # each links to its field
    assert "<title>Error: " in response.get_data(as_text=True)


def test_malformed_email_is_refused(client, db):
    response = post(client, "/register", {**GOOD, "email": "not-an-email"})
    assert error_messages(response) == ["Enter an email address in the correct format, like name@example.com"]


def test_registration_without_csrf_token_is_refused(client, db):
    before = _count_users()
    response = client.post("/register", data=GOOD)
    assert response.status_code == 400
    assert "Your form could not be sent" in response.get_data(as_text=True)
    assert _count_users() == before
