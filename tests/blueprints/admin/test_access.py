"""Only administrators use the admin pages; others are refused, visitors sent to sign in."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from grants.mail import send_email
from tests.helpers import post

NOT_ADMINS = [
    "applicant",
    "applicant_no_org",
    "panel_member",
    "grants_officer",
    "finance_officer",
    "commissioner",
]


@pytest.fixture
def pages(users, db):
    """Every admin page, with the ids it needs."""
    message = send_email("someone@example.org", "Hello", "Body")
    db.session.flush()
    person = users["panel_member"].id
    return {
        "get": [
            "/admin/users",
            "/admin/users/new",
            f"/admin/users/{person}",
            "/admin/audit",
            "/admin/outbox",
            f"/admin/outbox/{message.id}",
        ],
        "post": ["/admin/users/new", f"/admin/users/{person}", f"/admin/users/{person}/active"],
    }


def test_every_admin_page_opens_for_an_admin(as_role, pages):
    client = as_role("admin")
    for path in pages["get"]:
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("key", NOT_ADMINS)
def test_other_roles_are_forbidden_every_admin_page(as_role, pages, users, db, key):
    client = as_role(key)
    for path in pages["get"]:
        assert client.get(path).status_code == 403, path
    for path in pages["post"]:
        assert post(client, path, {"active": "0", "roles": ["admin"]}).status_code == 403, path
    db.session.refresh(users["panel_member"])
    assert users["panel_member"].active and not users[key].has_role("admin")


def test_visitors_are_sent_to_sign_in(client, pages):
    for path in pages["get"]:
        response = client.get(path)
        location = urlsplit(response.headers.get("Location", ""))
        assert response.status_code == 302 and location.path == "/sign-in", path
        assert urlsplit(parse_qs(location.query)["next"][0]).path == path
    for path in pages["post"]:
        response = post(client, path, {"active": "0"})
        assert (
            response.status_code == 302
            and urlsplit(response.headers["Location"]).path == "/sign-in"
        )


def test_admin_links_show_in_the_navigation_for_admins_only(as_role):
    nav = as_role("admin").get("/home").get_data(as_text=True)
    assert (
        'href="/admin/users"' in nav
        and 'href="/admin/audit"' in nav
        and 'href="/admin/outbox"' in nav
    )
    other = as_role("grants_officer").get("/home").get_data(as_text=True)
    assert 'href="/admin/' not in other


@pytest.mark.parametrize("path", ["/admin/users/999999", "/admin/outbox/999999"])
def test_records_that_do_not_exist_are_not_found(as_role, path):
    assert as_role("admin").get(path).status_code == 404
