"""Lockouts that cannot lock a person out: OWASP's device cookie.

Anyone who knows a staff email could lock that person out with five wrong passwords, and thirty
failures from one address locked out a whole office. A browser the person has signed in from before
is not held back by either; it has a smaller allowance of its own.
"""

from __future__ import annotations

from tests.factories import TEST_PASSWORD
from tests.helpers import fresh_totp_code, post, sign_in

WRONG = "not-the-right-password"


def _limit(app, key: str) -> int:
    return int(app.config[key].split()[0])


def _lock_the_account(app, email: str) -> None:
    attacker = app.test_client()
    for _ in range(_limit(app, "LOGIN_LIMIT_PER_ACCOUNT")):
        post(attacker, "/sign-in", {"email": email, "password": WRONG})
    assert post(attacker, "/sign-in", {"email": email, "password": WRONG}).status_code == 429


def test_the_owner_signs_in_from_a_known_browser_while_the_account_is_locked(app, users):
    officer = users["grants_officer"]
    laptop = sign_in(app.test_client(), officer)
    post(laptop, "/sign-out")  # the device cookie stays, as it would in the person's browser
    _lock_the_account(app, officer.email)

    response = post(laptop, "/sign-in", {"email": officer.email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/sign-in/check"
    assert post(laptop, "/sign-in/check", {"code": fresh_totp_code(officer)}).headers["Location"] == "/home"

    # A browser they have never used is still held back.
    stranger = app.test_client()
    assert post(stranger, "/sign-in", {"email": officer.email, "password": TEST_PASSWORD}).status_code == 429


def test_a_known_browser_for_someone_else_does_not_help(app, users):
    shared = sign_in(app.test_client(), users["applicant"])
    post(shared, "/sign-out")
    _lock_the_account(app, users["admin"].email)
    assert post(shared, "/sign-in", {"email": users["admin"].email, "password": TEST_PASSWORD}).status_code == 429


def test_a_forged_device_cookie_is_ignored(app, users):
    _lock_the_account(app, users["admin"].email)
    forged = app.test_client()
    forged.set_cookie("grants_device", f'{{"u": {users["admin"].id:d}, "n": "x"}}', domain="localhost")
    assert post(forged, "/sign-in", {"email": users["admin"].email, "password": TEST_PASSWORD}).status_code == 429


def test_an_office_behind_one_address_is_not_locked_out(app, users, db):
    """Thirty failures from the address lock out new browsers there, not those people have used."""
    regular = sign_in(app.test_client(), users["applicant"])
    post(regular, "/sign-out")
    noisy = app.test_client()
    for n in range(_limit(app, "LOGIN_LIMIT_PER_ADDRESS")):
        post(noisy, "/sign-in", {"email": f"guess{n}@example.org", "password": WRONG})
    assert post(noisy, "/sign-in", {"email": "another@example.org", "password": WRONG}).status_code == 429
    assert post(regular, "/sign-in", {"email": users["applicant"].email, "password": TEST_PASSWORD}).status_code == 302


def test_a_known_browser_has_its_own_smaller_allowance(app, users):
    officer = users["finance_officer"]
    laptop = sign_in(app.test_client(), officer)
    post(laptop, "/sign-out")
    for _ in range(_limit(app, "LOGIN_LIMIT_PER_DEVICE")):
        assert post(laptop, "/sign-in", {"email": officer.email, "password": WRONG}).status_code == 200
    assert post(laptop, "/sign-in", {"email": officer.email, "password": TEST_PASSWORD}).status_code == 429
