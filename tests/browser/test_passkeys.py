"""Passkeys end to end in Chromium, with its virtual authenticator (the DevTools WebAuthn domain).

The administrator resets a panel member's lost second factor; the panel member signs in, is made to
set one up before anything else, sets up a passkey, makes recovery codes, and next time signs in with
the passkey. A demo officer adds a passkey beside their authenticator app from the account page.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.browser.person import Person

pytestmark = pytest.mark.browser

PANEL_MEMBER = "panel4@example.org"  # Tamsin Bray, a demo panel member
APP_COLUMNS = "totp_secret, totp_last_step, totp_added_at"


@pytest.fixture(autouse=True)
def panel_member_gets_the_app_back(served_db):
    """The reset takes the panel member's authenticator app away, and the panel journey (on the same
    served database) signs them in with it: given back afterwards, so that either may run first."""
    with served_db.connect() as connection:
        app = connection.execute(text(f"SELECT {APP_COLUMNS} FROM users WHERE email = :email"),
                                 {"email": PANEL_MEMBER}).one()
    yield
    with served_db.begin() as connection:
        connection.execute(text("UPDATE users SET totp_secret = :secret, totp_last_step = :step, "
                                "totp_added_at = :added WHERE email = :email"),
                           {"secret": app[0], "step": app[1], "added": app[2], "email": PANEL_MEMBER})


def _authenticator(page):
    """A platform authenticator that verifies its user, as a laptop's fingerprint reader would."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    found = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True}})
    return cdp, found["authenticatorId"]


def _press_passkey(person, name: str):
    with person.page.expect_navigation():
        person.page.get_by_role("button", name=name).click()
    return person._seen()


def test_a_reset_panel_member_sets_up_a_passkey_and_signs_in_with_it(new_page, axe):
    admin = Person(new_page(), axe)
    admin.sign_in("admin@example.org")
    admin.goto("/admin/two-factor")
    assert "Every member of staff has set up two-factor sign-in" in admin.text()
    admin.follow("Tamsin Bray")
    admin.press("Reset two-factor sign-in")
    assert "Two-factor sign-in reset for Tamsin Bray" in admin.page.locator("body").inner_text()
    admin.goto("/admin/two-factor")
    assert "1 member of staff has not set up two-factor sign-in" in admin.text()

    member = Person(new_page(), axe)
    cdp, authenticator = _authenticator(member.page)
    member.goto("/sign-in")
    member.page.get_by_label("Email address").fill(PANEL_MEMBER)
    member.page.get_by_label("Password", exact=True).fill("tamar-bridge-lantern-2026")
    member.press("Sign in")
    assert member.heading() == "Set up two-factor sign-in"
    member.goto("/panel")  # nothing else until it is set up
    assert member.heading() == "Sign in"
    member.page.go_back()
    member.goto("/sign-in/set-up")
    member.page.get_by_label("Name this passkey (optional)").fill("Work laptop")
    _press_passkey(member, "Set up a passkey")
    assert member.heading() == "Recovery codes", member.text()
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(credentials) == 1
    member.press("Make new recovery codes")
    codes = member.page.locator(".opcc-recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    member.goto("/account/two-factor")
    assert "Work laptop" in member.text()
    member.sign_out()

    # Next time: the password, then the passkey.
    member.goto("/sign-in")
    member.page.get_by_label("Email address").fill(PANEL_MEMBER)
    member.page.get_by_label("Password", exact=True).fill("tamar-bridge-lantern-2026")
    member.press("Sign in")
    assert member.heading() == "Check it is you"
    _press_passkey(member, "Use your passkey")
    assert member.page.url.endswith("/home"), member.page.url
    member.goto("/panel")
    assert member.heading() != "Sign in"

    # A recovery code works once, without the passkey.
    member.sign_out()
    other = Person(new_page(), axe)
    other.goto("/sign-in")
    other.page.get_by_label("Email address").fill(PANEL_MEMBER)
    other.page.get_by_label("Password", exact=True).fill("tamar-bridge-lantern-2026")
    other.press("Sign in")
    other.page.get_by_label("Code", exact=True).fill(codes[0])
    other.press("Continue")
    assert "You used a recovery code. You have 9 left" in other.page.locator("body").inner_text()


def test_an_officer_adds_a_passkey_beside_the_app(new_page, axe):
    officer = Person(new_page(), axe)
    cdp, authenticator = _authenticator(officer.page)
    officer.sign_in("officer@example.org")
    officer.goto("/account")
    officer.follow("Manage two-factor sign-in", exact=False)
    assert officer.heading() == "Two-factor sign-in"
    _press_passkey(officer, "Add a passkey")
    assert officer.heading() == "Recovery codes"
    officer.goto("/account/two-factor")
    assert "You have no passkeys" not in officer.text()
    # The same authenticator cannot be added twice.
    officer.page.get_by_role("button", name="Add a passkey").click()
    officer.page.locator("[data-passkey-error]").wait_for(state="visible")
    assert "There is a problem" in officer.page.locator("[data-passkey-error]").inner_text()
