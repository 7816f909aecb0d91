"""Changing and resetting passwords."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time

from grants.extensions import db
from grants.models.mail import OutboxMessage
from tests.factories import TEST_PASSWORD
from tests.helpers import error_messages, fresh_totp_code, page, post, sign_in

NEW = "granite-harbour-seagull"


def _reset_link(recipient: str) -> str:
    message = db.session.scalars(
        db.select(OutboxMessage).filter_by(recipient=recipient).order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, "no email sent"
    return re.search(r"http://localhost(/reset-password/\S+)", message.body).group(1)


class TestChangePassword:
    def test_change_password_ends_other_sessions_but_keeps_this_one(self, app, users):
        user = users["grants_officer"]
        here, elsewhere = sign_in(app.test_client(), user), sign_in(app.test_client(), user)
        response = post(
            here,
            "/account/password",
            {"current_password": TEST_PASSWORD, "new_password": NEW, "confirm_password": NEW},
        )
        assert response.headers["Location"] == "/account"
        assert here.get("/home").status_code == 200
        assert elsewhere.get("/home").status_code == 302  # signed out
        assert user.check_password(NEW)

    def test_wrong_current_password(self, as_role, users):
        client = as_role("grants_officer")
        response = post(
            client,
            "/account/password",
            {"current_password": "not-my-password", "new_password": NEW, "confirm_password": NEW},
        )
        assert error_messages(response) == ["Your current password is not correct"]
        assert users["grants_officer"].check_password(TEST_PASSWORD)

    def test_new_password_must_be_strong(self, as_role):
        response = post(
            as_role("grants_officer"),
            "/account/password",
            {"current_password": TEST_PASSWORD, "new_password": "123456789012", "confirm_password": "123456789012"},
        )
        assert error_messages(response) == [
            "Password is too easy to guess. Use 3 random words, for example ‘tulip-harbour-kettle’"]


class TestResetPassword:
    def test_reset_by_emailed_link_then_link_is_used_up(self, app, client, users):
        user = users["finance_officer"]
        elsewhere = sign_in(app.test_client(), user)
        response = post(client, "/reset-password", {"email": user.email.upper()})
        assert "Check your email" in page(response).h1.text
        link = _reset_link(user.email)

        assert client.get(link).status_code == 200
        response = post(client, link, {"new_password": NEW, "confirm_password": NEW})
        # An emailed link proves the inbox, not the second factor: staff are still asked for it.
        assert response.headers["Location"] == "/sign-in/check"
        assert client.get("/home").status_code == 302
        response = post(client, "/sign-in/check", {"code": fresh_totp_code(user)})
        assert response.headers["Location"] == "/home"
        assert user.check_password(NEW)
        assert elsewhere.get("/home").status_code == 302  # old sessions ended

        again = app.test_client().get(link)
        assert again.status_code == 400
        assert "This link is not valid" in page(again).h1.text

    def test_expired_link(self, app, client, users):
        user = users["finance_officer"]
        post(client, "/reset-password", {"email": user.email})
        link = _reset_link(user.email)
        later = datetime.now(UTC) + app.config["PASSWORD_RESET_MAX_AGE"] + timedelta(minutes=1)
        with freeze_time(later):
            response = client.get(link)
        assert response.status_code == 400
        assert "This link has expired" in page(response).h1.text
        with freeze_time(later):
            post(client, link, {"new_password": NEW, "confirm_password": NEW})
        assert not user.check_password(NEW)

    def test_tampered_link(self, client, users):
        post(client, "/reset-password", {"email": users["admin"].email})
        link = _reset_link(users["admin"].email)
        response = client.get(link[:-3] + "abc")
        assert response.status_code == 400
        assert "This link is not valid" in page(response).h1.text

    def test_unknown_email_gets_the_same_page_and_no_email(self, client, users):
        known = post(client, "/reset-password", {"email": users["admin"].email})
        unknown = post(client, "/reset-password", {"email": "nobody@example.org"})
        assert page(known).h1.text == page(unknown).h1.text
        assert db.session.scalars(db.select(OutboxMessage).filter_by(recipient="nobody@example.org")).first() is None

    def test_weak_new_password_keeps_the_link_usable(self, client, users):
        user = users["admin"]
        post(client, "/reset-password", {"email": user.email})
        link = _reset_link(user.email)
        response = post(client, link, {"new_password": "password", "confirm_password": "password"})
        assert error_messages(response) == ["Password must be 12 characters or more"]
        assert post(client, link, {"new_password": NEW, "confirm_password": NEW}).status_code == 302
