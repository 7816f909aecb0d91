"""Two-factor sign-in: staff reach nothing without a second factor; codes work once.

Authenticator-app codes are computed here as the app would (pyotp); passkeys are tested end to end
in real Chromium (tests/browser/test_passkeys.py).
"""

from __future__ import annotations

import re
import time

import pyotp
import pytest

from grants.extensions import db
from grants.models.audit import AuditEvent
from grants.models.mail import OutboxMessage
from grants.models.sign_in import RecoveryCode, UserSession
from tests.factories import TEST_PASSWORD, UserFactory
from tests.helpers import error_messages, fresh_totp_code, page, post, sign_in
from tests.test_access import objects  # noqa: F401  (fixture)

STAFF_PAGES = ["/home", "/screening", "/admin/users", "/awards", "/account"]


def _password(client, user):
    response = post(client, "/sign-in", {"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return response.headers["Location"]


def _text(response) -> str:
    return page(response).get_text(" ", strip=True)


def test_staff_reach_nothing_between_the_password_and_the_code(client, users):
    officer = users["grants_officer"]
    assert _password(client, officer) == "/sign-in/check"
    for path in STAFF_PAGES:
        assert client.get(path).headers["Location"].startswith("/sign-in"), path
    check = client.get("/sign-in/check")
    assert "Check it is you" in page(check).h1.text
    response = post(client, "/sign-in/check", {"code": fresh_totp_code(officer)})
    assert response.headers["Location"] == "/home"
    assert client.get("/screening").status_code == 200
    live = db.session.scalars(db.select(UserSession).filter_by(user_id=officer.id)).one()
    assert live.second_factor == "totp"


def test_a_code_is_accepted_once(app, users):
    officer = users["commissioner"]
    code = fresh_totp_code(officer)
    first = app.test_client()
    _password(first, officer)
    assert post(first, "/sign-in/check", {"code": code}).status_code == 302
    again = app.test_client()
    _password(again, officer)
    replayed = post(again, "/sign-in/check", {"code": code})
    assert replayed.status_code == 200
    assert error_messages(replayed) == ["That code has already been used. Wait for your app to show a new code"]
    assert again.get("/home").status_code == 302


def test_codes_from_the_wrong_time_window_are_refused(client, users):
    officer = users["finance_officer"]
    totp = pyotp.TOTP(officer.totp_secret)
    _password(client, officer)
    for seconds in (-120, -90, 90, 120):  # two or more steps away
        wrong_window = totp.at(time.time() + seconds)
        if wrong_window in {totp.at(time.time() + drift) for drift in (-30, 0, 30)}:
            continue  # the rare code that repeats within the allowed steps
        response = post(client, "/sign-in/check", {"code": wrong_window})
        assert error_messages(response) == ["The code is not correct or has expired. Enter the code your app shows now"]
    assert client.get("/home").status_code == 302
    # The step before is allowed (a slow typist), once.
    assert post(client, "/sign-in/check", {"code": totp.at(time.time() - 30)}).headers["Location"] == "/home"


@pytest.mark.parametrize("code, message", [
    ("", "Enter the code from your authenticator app or a recovery code"),
    ("12345", "The recovery code is not correct or has already been used"),
    ("abcde-fghjk", "The recovery code is not correct or has already been used"),
])
def test_bad_codes_get_a_specific_message(client, users, code, message):
    _password(client, users["admin"])
    assert error_messages(post(client, "/sign-in/check", {"code": code})) == [message]


def test_wrong_codes_are_throttled(client, app, users):
    _password(client, users["admin"])
    limit = int(app.config["SECOND_FACTOR_LIMIT"].split()[0])
    for _ in range(limit):
        assert post(client, "/sign-in/check", {"code": "000000"}).status_code == 200
    assert post(client, "/sign-in/check", {"code": fresh_totp_code(users["admin"])}).status_code == 429


def _make_recovery_codes(client) -> list[str]:
    made = post(client, "/account/two-factor/recovery-codes")
    assert made.status_code == 200
    codes = [c.get_text() for c in page(made).select(".opcc-recovery-codes code")]
    assert len(codes) == 10 and len(set(codes)) == 10
    return codes


def test_a_recovery_code_works_once(app, users):
    officer = users["grants_officer"]
    codes = _make_recovery_codes(sign_in(app.test_client(), officer))
    stored = db.session.scalars(db.select(RecoveryCode.code_hash).filter_by(user_id=officer.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # kept hashed

    first = app.test_client()
    _password(first, officer)
    response = post(first, "/sign-in/check", {"code": codes[3].upper()})
    assert response.headers["Location"] == "/home"
    assert "You have 9 left" in _text(first.get("/home"))

    second = app.test_client()
    _password(second, officer)
    used_again = post(second, "/sign-in/check", {"code": codes[3]})
    assert error_messages(used_again) == ["The recovery code is not correct or has already been used"]
    assert second.get("/home").status_code == 302
    assert post(second, "/sign-in/check", {"code": codes[4]}).headers["Location"] == "/home"


def test_new_recovery_codes_replace_the_old(app, users):
    client = sign_in(app.test_client(), users["admin"])
    old = _make_recovery_codes(client)
    _make_recovery_codes(client)
    other = app.test_client()
    _password(other, users["admin"])
    assert error_messages(post(other, "/sign-in/check", {"code": old[0]})) == [
        "The recovery code is not correct or has already been used"]


def test_staff_without_a_second_factor_set_one_up_before_anything_else(client, db):
    newcomer = UserFactory(email="new.officer@example.org", roles=["grants_officer"])
    newcomer.totp_secret = None
    db.session.flush()
    assert _password(client, newcomer) == "/sign-in/set-up"
    assert "Set up two-factor sign-in" in page(client.get("/sign-in/set-up")).h1.text
    for path in STAFF_PAGES:
        assert client.get(path).headers["Location"].startswith("/sign-in"), path

    setup = client.get("/two-factor/app")
    assert page(setup).select_one(".opcc-qr-code svg") is not None  # drawn on the server
    secret = page(setup).select_one("#totp-secret").get_text().replace(" ", "")
    wrong = post(client, "/two-factor/app", {"code": "000000"})
    assert error_messages(wrong)[0].startswith("The code is not correct")
    response = post(client, "/two-factor/app", {"code": pyotp.TOTP(secret).now()})
    assert response.headers["Location"] == "/account/two-factor/recovery-codes"
    assert newcomer.totp_secret == secret
    assert client.get("/screening").status_code == 200
    assert {"user.totp_added", "user.signed_in"} <= set(db.session.scalars(db.select(AuditEvent.action)))


def test_the_password_alone_cannot_add_a_factor_beside_an_existing_one(client, users):
    _password(client, users["admin"])
    assert client.get("/two-factor/app").headers["Location"] == "/sign-in"
    assert client.post("/two-factor/passkey/options", headers={"X-CSRFToken": _csrf(client)}).status_code == 400


def _csrf(client) -> str:
    body = client.get("/sign-in/check").get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', body).group(1)


def test_a_staff_session_opened_without_a_second_factor_counts_for_nothing(app, users):
    from grants.interfaces.auth import sessions

    officer = users["grants_officer"]
    key = sessions.start(officer, None)
    db.session.flush()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = key
    assert client.get("/screening").headers["Location"].startswith("/sign-in")


def test_the_pending_step_expires(client, users, monkeypatch):
    _password(client, users["admin"])
    from grants.blueprints.auth import pending

    monkeypatch.setattr(pending, "MAX_AGE_SECONDS", -1)
    response = post(client, "/sign-in/check", {"code": fresh_totp_code(users["admin"])})
    assert response.headers["Location"] == "/sign-in"
    assert client.get("/home").status_code == 302


def test_an_applicant_may_turn_it_on_and_is_then_asked_for_it(app, users):
    applicant = users["applicant"]
    client = sign_in(app.test_client(), applicant)
    assert "Two-factor sign-in Off" in _text(client.get("/account"))
    secret = page(client.get("/two-factor/app")).select_one("#totp-secret").get_text().replace(" ", "")
    response = post(client, "/two-factor/app", {"code": pyotp.TOTP(secret).now()})
    assert response.headers["Location"] == "/account/two-factor/recovery-codes"
    assert client.get("/home").status_code == 200  # this session carries on
    assert "an authenticator app" in _text(client.get("/account"))

    later = app.test_client()
    assert _password(later, applicant) == "/sign-in/check"
    assert post(later, "/sign-in/check", {"code": fresh_totp_code(applicant)}).headers["Location"] == "/home"

    # And may turn it off again.
    post(client, "/account/two-factor/app/remove")
    assert applicant.totp_secret is None
    assert _password(app.test_client(), applicant) == "/home"


def test_staff_cannot_remove_their_last_factor(as_role, users):
    client = as_role("admin")
    response = post(client, "/account/two-factor/app/remove")
    assert response.headers["Location"] == "/account/two-factor"
    assert "Staff must keep a way to sign in" in _text(client.get("/account/two-factor"))
    assert users["admin"].totp_secret


class TestAdministratorReset:
    def test_an_administrator_resets_a_lost_factor_and_the_user_is_told(self, app, as_role, users):
        officer = users["grants_officer"]
        officer_client = sign_in(app.test_client(), officer)
        _make_recovery_codes(officer_client)
        admin = as_role("admin")
        response = post(admin, f"/admin/users/{officer.id}/reset-two-factor")
        assert response.headers["Location"] == f"/admin/users/{officer.id}"
        assert "Two-factor sign-in reset for" in _text(admin.get(response.headers["Location"]))
        assert officer.totp_secret is None and not officer.passkeys
        assert db.session.scalar(db.select(db.func.count()).select_from(RecoveryCode)
                                 .where(RecoveryCode.user_id == officer.id)) == 0
        assert officer_client.get("/home").status_code == 302  # signed out everywhere
        event = db.session.scalars(db.select(AuditEvent).filter_by(action="user.second_factor_reset")).one()
        assert event.actor_id == users["admin"].id and "had an authenticator app" in event.summary
        email = db.session.scalars(db.select(OutboxMessage).filter_by(recipient=officer.email)
                                   .order_by(OutboxMessage.id.desc())).first()
        assert email.subject == "Your two-factor sign-in has been reset"
        assert "Administrator" not in email.subject and "sign in" in email.body
        # At the next sign-in they set a new one up.
        assert _password(app.test_client(), officer) == "/sign-in/set-up"

    def test_only_administrators_may_reset(self, as_role, users):
        officer = users["grants_officer"]
        for role in ("grants_officer", "finance_officer", "commissioner", "panel_member", "applicant"):
            assert post(as_role(role), f"/admin/users/{officer.id}/reset-two-factor").status_code in {403, 404}
        assert officer.totp_secret

    def test_the_administrator_sees_who_has_not_set_it_up(self, as_role, users, db):
        users["panel_member"].totp_secret = None
        db.session.flush()
        listing = page(as_role("admin").get("/admin/two-factor"))
        assert "1 member of staff has not set up two-factor sign-in" in listing.get_text(" ", strip=True)
        rows = [" ".join(row.get_text(" ", strip=True).split()) for row in listing.select("tbody tr")]
        assert rows[0].startswith(users["panel_member"].full_name) and "Not set up" in rows[0]
        assert any(users["admin"].full_name in row and "An authenticator app" in row for row in rows)


def test_between_the_password_and_the_second_factor_no_signed_in_page_opens(app, users, objects):  # noqa: F811
    """Every endpoint that is not public, for every staff role: after the right password only, each
    sends the person back to sign in, and changes nothing."""
    from tests.test_access import ACCESS, PUBLIC, _rules, _url

    staff = [users[key] for key in ("panel_member", "grants_officer", "finance_officer", "commissioner", "admin")]
    clients = []
    for person in staff:
        client = app.test_client()
        assert _password(client, person) == "/sign-in/check"
        clients.append(client)
    checked = 0
    for rule in _rules(app):
        if ACCESS[rule.endpoint] == PUBLIC:
            continue
        url = _url(app, rule, objects)
        for client in clients:
            if "GET" in rule.methods:
                response = client.get(url)
            else:
                response = client.post(url, data={"csrf_token": _csrf(client)})
            assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in"), (
                rule.endpoint, response.status_code)
            checked += 1
    assert checked > 500
