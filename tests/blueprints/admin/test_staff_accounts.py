"""Staff accounts: created with an emailed link, roles changed, deactivated and back."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pyotp
import pytest
from sqlalchemy import select

from grants.models.accounts import Role, User
from grants.models.audit import AuditEvent
from grants.models.mail import OutboxMessage
from tests.factories import UserFactory
from tests.helpers import error_messages, page, post, sign_in

NEW_PASSWORD = "amber-kettle-orchard-71"
NEW_STAFF = {
    "full_name": "Jo Bloggs",
    "email": "Jo.Bloggs@OPCC.example.org",
    "roles": ["panel_member", "finance_officer"],
}


def _user(db, email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _events(db, action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def _set_password_link(db, email: str) -> str:
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == email))
    assert message is not None, f"no email to {email}"
    match = re.search(r"http://localhost(/reset-password/\S+)", message.body)
    assert match, message.body
    return match.group(1)


# Creating an account ---------------------------------------------------------------------------


def test_an_admin_creates_a_staff_account_and_an_email_goes_to_the_outbox(as_role, users, db):
    client = as_role("admin")
    response = post(client, "/admin/users/new", NEW_STAFF)
    assert response.status_code == 302, error_messages(response)
    person = _user(db, "jo.bloggs@opcc.example.org")
    assert urlsplit(response.headers["Location"]).path == f"/admin/users/{person.id}"
    assert person.full_name == "Jo Bloggs"
    assert person.roles == {Role.PANEL_MEMBER, Role.FINANCE_OFFICER}
    assert person.active and person.organisation_id is None
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient == person.email)
    )
    assert message.subject == "Your Commissioners Grants staff account"
    assert "Finance officer, Panel member" in message.body
    assert "/reset-password/" in message.body
    assert "Use this link to set your password. It works once, for 1 hour:\n" in message.body
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Account created for jo.bloggs@opcc.example.org" in shown


def test_creating_an_account_is_audited_without_secrets(as_role, users, db):
    post(as_role("admin"), "/admin/users/new", NEW_STAFF)
    person = _user(db, "jo.bloggs@opcc.example.org")
    [event] = _events(db, "user.created")
    assert (event.entity_type, event.entity_id) == ("User", str(person.id))
    assert event.actor_id == users["admin"].id
    assert event.changes["email"] == {"before": None, "after": "jo.bloggs@opcc.example.org"}
    assert event.changes["roles"] == {"before": None, "after": ["finance_officer", "panel_member"]}
    assert not {"password_hash", "session_token"} & event.changes.keys()


def test_the_emailed_link_lets_the_person_set_a_password_and_sign_in(app, as_role, users, db):
    post(as_role("admin"), "/admin/users/new", NEW_STAFF)
    link = _set_password_link(db, "jo.bloggs@opcc.example.org")
    newcomer = app.test_client()
    assert newcomer.get(link).status_code == 200
    response = post(newcomer, link, {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.status_code == 302, error_messages(response)
    # Staff then set up a second factor before anything else, and are signed in.
    assert response.headers["Location"] == "/sign-in/set-up"
    assert newcomer.get("/account").status_code == 302
    secret = page(newcomer.get("/two-factor/app")).select_one("#totp-secret").get_text().replace(" ", "")
    post(newcomer, "/two-factor/app", {"code": pyotp.TOTP(secret).now()})
    assert newcomer.get("/account").status_code == 200
    # The link works once.
    used = app.test_client().get(link)
    assert (
        used.status_code == 400 and page(used).h1.get_text(strip=True) == "This link is not valid"
    )
    # And the password is theirs from now on.
    sign_in(app.test_client(), _user(db, "jo.bloggs@opcc.example.org"), NEW_PASSWORD)
    assert [e.actor_id for e in _events(db, "user.password_reset")] == [
        _user(db, "jo.bloggs@opcc.example.org").id
    ]


def test_a_new_account_has_no_password_anyone_knows(as_role, users, db):
    post(as_role("admin"), "/admin/users/new", NEW_STAFF)
    person = _user(db, "jo.bloggs@opcc.example.org")
    assert person.password_hash
    assert not any(
        person.check_password(guess) for guess in ["", "correct-otter-spoon-fjord", person.email]
    )


def test_the_set_password_link_expires(app, as_role, users, db, monkeypatch):
    post(as_role("admin"), "/admin/users/new", NEW_STAFF)
    link = _set_password_link(db, "jo.bloggs@opcc.example.org")
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", timedelta(seconds=-1))
    response = app.test_client().get(link)
    assert response.status_code == 400
    assert page(response).h1.get_text(strip=True) == "This link has expired"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"full_name": ""}, "Enter the person's full name"),
        ({"full_name": "x" * 201}, "Full name must be 200 characters or fewer"),
        ({"email": ""}, "Enter the person's email address"),
        (
            {"email": "jo.bloggs"},
            "Enter an email address in the correct format, like name@example.com",
        ),
        ({"roles": []}, "Select at least one role"),
        (
            {"email": "GRANTS.officer@example.org"},
            "An account already exists with this email address",
        ),
    ],
)
def test_an_account_that_cannot_be_created_says_why(as_role, users, db, changes, message):
    before = db.session.scalars(select(User)).all()
    response = post(as_role("admin"), "/admin/users/new", NEW_STAFF | changes)
    assert response.status_code == 200
    assert error_messages(response) == [message]
    assert page(response).title.get_text().startswith("Error: ")
    assert len(db.session.scalars(select(User)).all()) == len(before)
    assert db.session.scalars(select(OutboxMessage)).all() == []
    assert _events(db, "user.created") == []


def test_staff_accounts_cannot_be_given_the_applicant_role(as_role, users, db):
    response = post(as_role("admin"), "/admin/users/new", NEW_STAFF | {"roles": ["applicant"]})
    assert response.status_code == 200 and error_messages(response)
    assert _user(db, "jo.bloggs@opcc.example.org") is None


# Changing roles --------------------------------------------------------------------------------


def test_an_admin_changes_roles_and_the_change_is_audited(as_role, users, as_user, db):
    person = users["panel_member"]
    response = post(
        as_role("admin"), f"/admin/users/{person.id}", {"roles": ["grants_officer", "panel_member"]}
    )
    assert response.status_code == 302, error_messages(response)
    db.session.refresh(person)
    assert person.roles == {Role.GRANTS_OFFICER, Role.PANEL_MEMBER}
    [event] = _events(db, "user.roles_changed")
    assert event.actor_id == users["admin"].id and event.entity_id == str(person.id)
    assert event.changes == {
        "roles": {"before": ["panel_member"], "after": ["grants_officer", "panel_member"]}
    }
    # The new role counts at once.
    assert as_user(person).get("/organisations").status_code == 200


def test_the_roles_form_shows_the_current_roles(as_role, users):
    soup = page(as_role("admin").get(f"/admin/users/{users['finance_officer'].id}"))
    checked = [box["value"] for box in soup.select('input[name="roles"][checked]')]
    assert checked == ["finance_officer"]


def test_saving_the_same_roles_writes_nothing_to_the_audit_log(as_role, users, db):
    response = post(
        as_role("admin"), f"/admin/users/{users['commissioner'].id}", {"roles": ["commissioner"]}
    )
    assert response.status_code == 302
    assert _events(db, "user.roles_changed") == []


def test_every_role_cannot_be_taken_away(as_role, users, db):
    person = users["commissioner"]
    response = post(as_role("admin"), f"/admin/users/{person.id}", {})
    assert error_messages(response) == ["Select at least one role"]
    db.session.refresh(person)
    assert person.roles == {Role.COMMISSIONER}


def test_an_admin_cannot_remove_their_own_admin_role(as_role, users, db):
    admin = users["admin"]
    response = post(as_role("admin"), f"/admin/users/{admin.id}", {"roles": ["grants_officer"]})
    assert error_messages(response) == ["You cannot remove your own administrator role"]
    db.session.refresh(admin)
    assert admin.roles == {Role.ADMIN}


def test_another_admin_may_be_demoted(as_role, users, db):
    other = UserFactory(email="second.admin@example.org", roles=[Role.ADMIN])
    response = post(as_role("admin"), f"/admin/users/{other.id}", {"roles": ["panel_member"]})
    assert response.status_code == 302
    db.session.refresh(other)
    assert other.roles == {Role.PANEL_MEMBER}


def test_an_applicants_roles_are_not_changed_here(as_role, users, db):
    applicant = users["applicant"]
    response = post(as_role("admin"), f"/admin/users/{applicant.id}", {"roles": ["admin"]})
    assert response.status_code == 200
    assert page(response).select('input[name="roles"]') == []
    db.session.refresh(applicant)
    assert applicant.roles == {Role.APPLICANT}
    assert _events(db, "user.roles_changed") == []


# Deactivating and reactivating -----------------------------------------------------------------


def _set_active(client, person, value: str):
    return post(client, f"/admin/users/{person.id}/active", {"active": value})


def test_deactivation_ends_the_persons_sessions_at_once(app, as_role, users, db):
    person = users["grants_officer"]
    their_browser = sign_in(app.test_client(), person)
    assert their_browser.get("/organisations").status_code == 200
    response = _set_active(as_role("admin"), person, "0")
    assert response.status_code == 302
    after = their_browser.get("/organisations")
    assert after.status_code == 302 and urlsplit(after.headers["Location"]).path == "/sign-in"
    db.session.refresh(person)
    assert not person.active
    [event] = _events(db, "user.deactivated")
    assert event.actor_id == users["admin"].id
    assert event.changes == {"active": {"before": True, "after": False}}


def test_a_deactivated_person_cannot_sign_in_or_reset_their_password(app, as_role, users, db):
    person = users["grants_officer"]
    _set_active(as_role("admin"), person, "0")
    response = post(
        app.test_client(),
        "/sign-in",
        {"email": person.email, "password": "correct-otter-spoon-fjord"},
    )
    assert response.status_code == 200
    assert error_messages(response) == ["Enter a correct email address and password"]
    post(app.test_client(), "/reset-password", {"email": person.email})
    assert (
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == person.email)
        ).all()
        == []
    )


def test_reactivation_lets_the_person_sign_in_again(app, as_role, users, db):
    person = users["grants_officer"]
    admin = as_role("admin")
    _set_active(admin, person, "0")
    response = _set_active(admin, person, "1")
    assert response.status_code == 302
    assert "Account reactivated" in admin.get(response.headers["Location"]).get_data(as_text=True)
    sign_in(app.test_client(), person)
    [event] = _events(db, "user.activated")
    assert event.changes == {"active": {"before": False, "after": True}}


def test_the_user_page_offers_the_opposite_of_the_current_state(as_role, users):
    admin = as_role("admin")
    path = f"/admin/users/{users['panel_member'].id}"
    assert page(admin.get(path)).select_one('input[name="active"]')["value"] == "0"
    _set_active(admin, users["panel_member"], "0")
    assert page(admin.get(path)).select_one('input[name="active"]')["value"] == "1"
    assert "Deactivated" in admin.get(path).get_data(as_text=True)


def test_setting_the_state_it_already_has_writes_nothing(as_role, users, db):
    _set_active(as_role("admin"), users["panel_member"], "1")
    assert _events(db, "user.activated") == [] and _events(db, "user.deactivated") == []


def test_an_admin_cannot_deactivate_themselves(as_role, users, db):
    admin = users["admin"]
    client = as_role("admin")
    response = _set_active(client, admin, "0")
    assert response.status_code == 302
    assert "You cannot deactivate your own account" in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.active
    assert page(client.get(f"/admin/users/{admin.id}")).select_one('input[name="active"]') is None


@pytest.mark.parametrize("data", [{}, {"active": ""}, {"active": "yes"}])
def test_a_request_without_a_clear_state_changes_nothing(as_role, users, db, data):
    person = users["panel_member"]
    response = post(as_role("admin"), f"/admin/users/{person.id}/active", data)
    assert response.status_code == 400
    db.session.refresh(person)
    assert person.active


def test_deactivation_needs_the_forms_token(as_role, users, db):
    person = users["panel_member"]
    assert (
        as_role("admin").post(f"/admin/users/{person.id}/active", data={"active": "0"}).status_code
        == 400
    )
    db.session.refresh(person)
    assert person.active


# The list of users -----------------------------------------------------------------------------


def _listed(response) -> list[str]:
    return [row.select("td")[1].get_text(strip=True) for row in page(response).select("tbody tr")]


def test_users_are_listed_by_email_and_filtered_by_name_email_or_role(as_role, users):
    admin = as_role("admin")
    assert _listed(admin.get("/admin/users")) == sorted(
        u.email for key, u in users.items() if not key.startswith("org_")
    )
    assert _listed(admin.get("/admin/users?q=APPLICANT.")) == [
        "applicant.a@example.org",
        "applicant.b@example.org",
    ]
    assert _listed(admin.get(f"/admin/users?q={users['commissioner'].full_name.upper()}")) == [
        "commissioner@example.org"
    ]
    assert _listed(admin.get("/admin/users?role=applicant")) == [
        "applicant.a@example.org",
        "applicant.b@example.org",
        "new.applicant@example.org",
    ]
    assert _listed(admin.get("/admin/users?role=nonsense")) == _listed(admin.get("/admin/users"))
    assert _listed(admin.get("/admin/users?q=%25")) == []


def test_the_users_list_shows_who_is_deactivated(as_role, users):
    admin = as_role("admin")
    _set_active(admin, users["panel_member"], "0")
    rows = {
        row.select("td")[1].get_text(strip=True): row.select("td")[3].get_text(strip=True)
        for row in page(admin.get("/admin/users")).select("tbody tr")
    }
    assert rows["panel.member@example.org"] == "Deactivated"
    assert rows["commissioner@example.org"] == "Active"


def test_the_users_list_has_pages_of_fifty(as_role, users):
    for n in range(55):
        UserFactory(email=f"paged{n:02d}@example.org", roles=[Role.PANEL_MEMBER])
    admin = as_role("admin")
    assert len(_listed(admin.get("/admin/users?q=paged"))) == 50
    second = admin.get("/admin/users?q=paged&page=2&role=panel_member")
    assert _listed(second) == [f"paged{n:02d}@example.org" for n in range(50, 55)]
    assert (
        page(second).select_one('.govuk-pagination a[href*="role=panel_member"][href*="q=paged"]')
        is not None
    )
    assert admin.get("/admin/users?page=0").status_code == 404
