"""Headers on every response, CSRF on every form, and error pages in the layout."""

from __future__ import annotations

import pytest

from tests.helpers import page


def test_security_headers_on_pages(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert len(response.headers["X-Request-ID"]) >= 16


def test_the_inline_script_carries_the_nonce_of_its_response(client):
    response = client.get("/")
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    scripts = page(response).find_all("script")
    inline = [s for s in scripts if not s.get("src")]
    assert inline and all(s["nonce"] == nonce for s in inline)
    assert client.get("/").headers["Content-Security-Policy"] != response.headers["Content-Security-Policy"]


def test_no_hsts_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_hsts_in_production(app, client):
    app.config["HSTS"] = True
    try:
        assert client.get("/").headers["Strict-Transport-Security"].startswith("max-age=31536000")
    finally:
        app.config["HSTS"] = False


def test_a_safe_incoming_request_id_is_kept_and_a_bad_one_replaced(client):
    assert client.get("/", headers={"X-Request-ID": "abc12345-trace"}).headers["X-Request-ID"] == "abc12345-trace"
    assert client.get("/", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"] != "<script>"


@pytest.mark.parametrize("url", ["/sign-in", "/register", "/reset-password"])
def test_posts_without_a_csrf_token_are_refused(client, url):
    response = client.post(url, data={"email": "x@example.org", "password": "whatever-it-is"})
    assert response.status_code == 400
    assert page(response).h1.get_text(strip=True) == "Your form could not be sent"


def test_404_page_is_in_the_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert page(response).h1.get_text(strip=True) == "Page not found"
    assert page(response).select_one(".opcc-header") is not None


def test_500_page_is_in_the_layout_and_rolls_back(app, client, monkeypatch):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "main.cookies", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = client.get("/cookies")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    assert page(response).h1.get_text(strip=True) == "Sorry, there is a problem with the service"


def test_health_check_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_check_fails_when_the_database_does_not_answer(client, monkeypatch):
    from sqlalchemy.orm import scoping

    def refuse(*args, **kwargs):
        raise OSError("database down")

    monkeypatch.setattr(scoping.scoped_session, "execute", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


@pytest.mark.parametrize("url", ["/organisations?q=%00", "/admin/users?q=a%00b", "/admin/audit?actor=%00"])
def test_nul_characters_are_a_bad_request_not_a_crash(as_role, url):
    assert as_role("admin").get(url).status_code == 400


def test_nul_characters_are_dropped_from_typed_text(as_role, users):
    from tests.helpers import post

    organisation = users["org_a"]
    data = {
        "name": "Harbour\x00 Trust", "legal_type": "registered_charity", "charity_number": "1100001",
        "address_line_1": "1 High Street", "town": "Exeter", "postcode": "EX1 1AA", "annual_income": "100",
        "contact_name": "Alex", "contact_email": "alex@example.org",
    }
    assert post(as_role("applicant"), f"/organisations/{organisation.id}/edit", data).status_code == 302
    assert organisation.name == "Harbour Trust"


@pytest.mark.parametrize("url", ["/organisations?page=99999999999999999999", "/admin/users?page=0",
                                 "/admin/audit?page=5000"])
def test_page_numbers_out_of_range_are_not_found(as_role, url):
    assert as_role("admin").get(url).status_code == 404


# No account enumeration ----------------------------------------------------------------------------

def _main_text(response) -> str:
    return " ".join(page(response).select_one("main").get_text(" ").split())


def test_sign_in_answers_alike_for_an_unknown_email_a_wrong_password_and_a_closed_account(app, users, db):
    from tests.factories import TEST_PASSWORD
    from tests.helpers import post

    users["applicant_b"].active = False
    db.session.flush()
    answers = [
        post(app.test_client(), "/sign-in", {"email": email, "password": password})
        for email, password in [("nobody@example.org", TEST_PASSWORD),
                                (users["applicant"].email, "not-the-right-password"),
                                (users["applicant_b"].email, TEST_PASSWORD)]  # deactivated
    ]
    assert {response.status_code for response in answers} == {200}
    assert len({_main_text(response) for response in answers}) == 1


def test_a_password_reset_answers_alike_for_known_and_unknown_emails(app, users, db):
    from grants.models.mail import OutboxMessage
    from tests.helpers import post

    answers = []
    for email in ("nobody@example.org", "applicant.a@example.org"):
        response = post(app.test_client(), "/reset-password", {"email": email})
        answers.append((response.status_code, _main_text(response).replace(email, "EMAIL")))
    assert answers[0] == answers[1]
    sent = db.session.scalars(db.select(OutboxMessage.recipient)).all()
    assert sent == ["applicant.a@example.org"]


def test_registering_an_existing_email_answers_as_a_new_one_does(app, users, db):
    from tests.helpers import post

    form = {"full_name": "Jamie Penrose"}
    new = post(app.test_client(), "/register", {**form, "email": "someone.new@example.org"})
    existing = post(app.test_client(), "/register", {**form, "email": users["applicant"].email})
    assert new.status_code == existing.status_code
    assert _main_text(new).replace("someone.new@example.org", "EMAIL") == _main_text(existing).replace(
        users["applicant"].email, "EMAIL")
    # Each address's owner is told what happened: a link for the new one, a reminder for the other.
    from grants.models.mail import OutboxMessage

    sent = {message.recipient: message for message in db.session.scalars(db.select(OutboxMessage))}
    assert "/register/" in sent["someone.new@example.org"].body
    assert "You already have one" in sent[users["applicant"].email].body
    assert "/register/" not in sent[users["applicant"].email].body
