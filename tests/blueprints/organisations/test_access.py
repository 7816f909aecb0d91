"""Who sees and changes organisations: applicants their own, grants officers and admins all."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from grants.models.organisations import Organisation
from tests.factories import OrganisationFactory
from tests.helpers import page, post

OTHER_STAFF = ["panel_member", "finance_officer", "commissioner"]


def _redirected_to_sign_in(response, path: str) -> bool:
    location = urlsplit(response.headers["Location"])
    next_url = parse_qs(location.query).get("next", [""])[0]
    return (
        response.status_code == 302
        and location.path == "/sign-in"
        and urlsplit(next_url).path == path
    )


@pytest.mark.parametrize(
    "path",
    [
        "/organisations",
        "/organisations/mine",
        "/organisations/new",
        "/organisations/{a}",
        "/organisations/{a}/edit",
    ],
)
def test_visitors_are_sent_to_sign_in(client, users, path):
    path = path.format(a=users["org_a"].id)
    assert _redirected_to_sign_in(client.get(path), path)


@pytest.mark.parametrize("key", ["applicant", "grants_officer", "admin"])
def test_members_grants_officers_and_admins_see_an_organisation(as_role, users, key):
    response = as_role(key).get(f"/organisations/{users['org_a'].id}")
    assert response.status_code == 200
    assert page(response).h1.get_text(strip=True) == "Organisation A"
    assert "applicant.a@example.org" in page(response).select_one("#members ~ ul").get_text()


@pytest.mark.parametrize("key", ["applicant_b", "applicant_no_org"])
def test_another_organisations_page_is_not_found_for_an_applicant(as_role, users, key):
    response = as_role(key).get(f"/organisations/{users['org_a'].id}")
    assert response.status_code == 404
    assert "Organisation A" not in response.get_data(as_text=True)


@pytest.mark.parametrize("key", OTHER_STAFF)
def test_other_staff_are_forbidden_organisations_pages(as_role, users, key):
    client = as_role(key)
    org_id = users["org_a"].id
    assert client.get(f"/organisations/{org_id}").status_code == 403
    assert client.get("/organisations").status_code == 403
    assert client.get(f"/organisations/{org_id}/edit").status_code == 403


@pytest.mark.parametrize("key", ["applicant", "grants_officer", "admin"])
def test_an_organisation_that_does_not_exist_is_not_found(as_role, key):
    assert as_role(key).get("/organisations/999999").status_code == 404


def test_the_list_of_all_organisations_is_for_staff_only(as_role):
    assert as_role("applicant").get("/organisations").status_code == 403
    response = as_role("grants_officer").get("/organisations")
    assert response.status_code == 200
    names = [a.get_text(strip=True) for a in page(response).select("table a")]
    assert {"Organisation A", "Organisation B"} <= set(names)


@pytest.mark.parametrize(
    ("key", "status"), [("applicant", 200), ("grants_officer", 200), ("admin", 403)]
)
def test_members_and_grants_officers_may_change_details_but_admins_only_look(
    as_role, users, key, status
):
    assert as_role(key).get(f"/organisations/{users['org_a'].id}/edit").status_code == status


def test_the_change_link_shows_only_to_those_who_may_change(as_role, users):
    path = f"/organisations/{users['org_a'].id}"
    edit_link = f'a[href="{path}/edit"]'
    assert page(as_role("applicant").get(path)).select_one(edit_link) is not None
    assert page(as_role("grants_officer").get(path)).select_one(edit_link) is not None
    assert page(as_role("admin").get(path)).select_one(edit_link) is None


def test_an_applicant_cannot_change_another_organisation(as_role, users, db):
    org_a = users["org_a"]
    response = post(
        as_role("applicant_b"),
        f"/organisations/{org_a.id}/edit",
        {
            "name": "Taken over",
            "legal_type": "faith_group",
            "address_line_1": "x",
            "town": "x",
            "postcode": "PL1 2AB",
            "annual_income": "1",
            "contact_name": "x",
            "contact_email": "x@example.org",
        },
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Organisation, org_a.id).name == "Organisation A"


def test_only_members_invite_to_an_organisation(as_role, users):
    org_id = users["org_a"].id
    assert (
        post(
            as_role("applicant_b"), f"/organisations/{org_id}/invites", {"email": "x@example.org"}
        ).status_code
        == 404
    )
    assert (
        post(
            as_role("grants_officer"),
            f"/organisations/{org_id}/invites",
            {"email": "x@example.org"},
        ).status_code
        == 403
    )


def test_staff_see_no_invitation_form_or_pending_invitations(as_role, users):
    path = f"/organisations/{users['org_a'].id}"
    post(as_role("applicant"), f"{path}/invites", {"email": "pending.person@example.org"})
    member_page = as_role("applicant").get(path).get_data(as_text=True)
    officer_page = as_role("grants_officer").get(path).get_data(as_text=True)
    assert "pending.person@example.org" in member_page
    assert "pending.person@example.org" not in officer_page
    assert f'action="{path}/invites"' not in officer_page


def test_my_organisation_takes_an_applicant_to_theirs_or_to_set_one_up(as_role, users):
    response = as_role("applicant").get("/organisations/mine")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == f"/organisations/{users['org_a'].id}"
    response = as_role("applicant_no_org").get("/organisations/mine")
    assert urlsplit(response.headers["Location"]).path == "/organisations/new"
    assert as_role("grants_officer").get("/organisations/mine").status_code == 403


def test_a_member_cannot_set_up_a_second_organisation(as_role, db):
    before = db.session.query(Organisation).count()
    response = post(as_role("applicant"), "/organisations/new", {"name": "Second"})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/organisations/mine"
    assert db.session.query(Organisation).count() == before


@pytest.mark.parametrize("key", ["grants_officer", "admin", *OTHER_STAFF])
def test_staff_do_not_set_up_organisations(as_role, key):
    assert as_role(key).get("/organisations/new").status_code == 403


# The list of organisations ---------------------------------------------------------------------


def _names(response) -> list[str]:
    return [a.get_text(strip=True) for a in page(response).select("table tbody a")]


def test_search_finds_names_containing_the_words_whatever_the_case(as_role, users):
    OrganisationFactory(name="Tamar Valley Youth Club")
    OrganisationFactory(name="Youthful Minds")
    response = as_role("admin").get("/organisations?q=YOUTH")
    assert sorted(_names(response)) == ["Tamar Valley Youth Club", "Youthful Minds"]


def test_search_takes_wildcards_literally(as_role, users):
    OrganisationFactory(name="100% Recovery")
    OrganisationFactory(name="Recovery_Cafe")
    client = as_role("grants_officer")
    assert _names(client.get("/organisations?q=%25")) == ["100% Recovery"]
    assert _names(client.get("/organisations?q=_")) == ["Recovery_Cafe"]
    assert "No organisations found" in client.get("/organisations?q=no+such+group").get_data(
        as_text=True
    )


def test_organisations_are_listed_25_to_a_page_in_name_order(as_role, users):
    for n in range(30):
        OrganisationFactory(name=f"Paged Group {n:02d}")
    client = as_role("grants_officer")
    first = _names(client.get("/organisations?q=Paged"))
    second_response = client.get("/organisations?q=Paged&page=2")
    second = _names(second_response)
    assert first == [f"Paged Group {n:02d}" for n in range(25)]
    assert second == [f"Paged Group {n:02d}" for n in range(25, 30)]
    # The pagination links keep the search.
    assert page(second_response).select_one('.govuk-pagination a[href*="q=Paged"]') is not None
    assert _names(client.get("/organisations?q=Paged&page=3")) == []


@pytest.mark.parametrize("number", ["0", "-1"])
def test_a_page_number_below_one_is_not_found(as_role, number):
    assert as_role("grants_officer").get(f"/organisations?page={number}").status_code == 404
