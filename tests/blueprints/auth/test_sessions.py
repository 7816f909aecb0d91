"""Sessions end on the server: a copy of the cookie stops working when its session ends.

An outside attack copied a session cookie, signed out, and carried on with the copy for hours.
"""

from __future__ import annotations

from datetime import timedelta

from freezegun import freeze_time

from grants.extensions import db
from grants.models.audit import AuditEvent
from grants.models.sign_in import UserSession
from grants.models.types import utcnow
from tests.helpers import page, post, sign_in


def _copy_cookie(source, target) -> None:
    cookie = source.get_cookie("session")
    target.set_cookie("session", cookie.value, domain=cookie.domain)


def test_a_copied_cookie_stops_working_when_its_owner_signs_out(app, users):
    owner, thief = app.test_client(), app.test_client()
    sign_in(owner, users["applicant"])
    _copy_cookie(owner, thief)
    assert thief.get("/home").status_code == 200  # the copy works while the session lives

    assert post(owner, "/sign-out").headers["Location"] == "/"
    assert thief.get("/home").status_code == 302  # and not after
    assert thief.get("/applications").headers["Location"].startswith("/sign-in")
    ended = db.session.scalars(db.select(UserSession).where(UserSession.user_id == users["applicant"].id)).one()
    assert ended.ended_at is not None


def test_a_staff_cookie_copied_before_sign_out_is_dead_too(app, users):
    owner, thief = app.test_client(), app.test_client()
    sign_in(owner, users["grants_officer"])
    _copy_cookie(owner, thief)
    assert thief.get("/screening").status_code == 200
    post(owner, "/sign-out")
    assert thief.get("/screening").status_code == 302


def test_sign_out_of_every_device(app, users):
    user = users["finance_officer"]
    here, laptop, phone = (sign_in(app.test_client(), user) for _ in range(3))
    account = page(here.get("/account"))
    assert "Signed in on 3 devices" in account.get_text(" ", strip=True)
    response = post(here, "/account/sign-out-everywhere")
    assert response.headers["Location"] == "/sign-in"
    follow = page(here.get("/sign-in"))
    assert "You have signed out of every device" in follow.get_text(" ", strip=True)
    for client in (here, laptop, phone):
        assert client.get("/home").status_code == 302
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="user.signed_out_everywhere")).one()
    assert event.actor_id == user.id
    # Signing in again works as before.
    assert sign_in(app.test_client(), user).get("/home").status_code == 200


def test_a_session_ends_after_its_lifetime_whatever_the_cookie_says(app, users):
    client = sign_in(app.test_client(), users["applicant"])
    later = utcnow() + app.config["PERMANENT_SESSION_LIFETIME"] + timedelta(minutes=1)
    with freeze_time(later):
        # Even a browser that kept the cookie past its expiry is refused by the server.
        _copy_cookie(client, fresh := app.test_client())
        assert fresh.get("/home").status_code == 302


def test_deactivating_an_account_ends_its_sessions(app, as_role, users):
    applicant = sign_in(app.test_client(), users["applicant"])
    post(as_role("admin"), f"/admin/users/{users['applicant'].id}/active", {"active": "0"})
    assert applicant.get("/home").status_code == 302


def test_the_cookie_holds_no_account_secret(app, users):
    client = sign_in(app.test_client(), users["applicant"])
    with client.session_transaction() as session:
        key = session["_user_id"]
    assert key != users["applicant"].session_token
    stored = db.session.scalars(db.select(UserSession.key_hash)).all()
    assert key not in stored  # only a hash of the key is kept


def test_the_daily_jobs_remove_ended_sessions_and_keep_live_ones(app, users):
    from grants.interfaces.auth import sessions

    signed_out = sign_in(app.test_client(), users["applicant"])
    post(signed_out, "/sign-out")
    live = sign_in(app.test_client(), users["applicant_b"])
    stale = UserSession(user_id=users["admin"].id, key_hash="0" * 64, generation=users["admin"].session_token,
                        created_at=utcnow() - app.config["PERMANENT_SESSION_LIFETIME"] - timedelta(minutes=1))
    db.session.add(stale)
    db.session.flush()
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert "Ended sign-in sessions removed: 2" in result.output, result.output
    assert [s.user_id for s in db.session.scalars(db.select(UserSession))] == [users["applicant_b"].id]
    assert live.get("/home").status_code == 200
    assert sessions.prune() == 0


def test_the_account_page_names_browsers_in_words():
    from grants.interfaces.auth.sessions import describe_browser

    chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"
    edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36 Edg/120.0"
    iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Safari/604.1"
    assert [describe_browser(a) for a in (chrome, edge, iphone, "curl/8.0", "")] == [
        "Chrome on Linux", "Edge on Windows", "Safari on iPhone", "", ""]
