"""The grantee reads the grant agreement and accepts it online: the whole journey from the
officer's offer, the declaration's checks, and offers that can no longer be accepted."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from grants.award_conditions import STANDARD_CONDITIONS
from grants.extensions import db as _db
from grants.interfaces.awards import awarding as awards
from grants.models.applications import ApplicationStatus
from grants.models.audit import AuditEvent
from grants.models.awards import Award, AwardStatus, InstalmentStatus
from grants.models.mail import OutboxMessage
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, FundingRoundFactory
from tests.helpers import error_messages, page, post

DECLARATION = {"name": "Sam Trelawny", "position": "Chair of trustees", "confirm": "y"}


def _outbox() -> list[OutboxMessage]:
    return list(_db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _text(response) -> str:
    return " ".join(page(response).select_one("main").get_text(" ").split())


def _audit_count() -> int:
    return _db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_an_offer_made_by_an_officer_is_accepted_by_the_grantee(officer, grantee, users):
    funding_round = FundingRoundFactory(opens_at=utcnow() - timedelta(days=100),
                                        closes_at=utcnow() - timedelta(days=70),
                                        decided_at=utcnow() - timedelta(days=20))
    application = ApplicationFactory(funding_round=funding_round, organisation=users["org_a"],
                                     status=ApplicationStatus.SUCCESSFUL, amount_requested=Decimal("3000.00"),
                                     reference="CGS-2026-0201", project_title="Family recovery group")
    form = page(officer.get(f"/awards/new/{application.id}"))
    data: dict[str, list[str]] = {}
    for field in form.select("main form input, main form select, main form textarea"):
        if field.get("type") == "submit" or (field.get("type") == "checkbox" and not field.has_attr("checked")) \
                or (field.get("type") == "radio" and not field.has_attr("checked")):
            continue
        if field.name == "select":
            value = (field.select_one("option[selected]") or field.select_one("option"))["value"]
        elif field.name == "textarea":
            value = field.get_text()
        else:
            value = field.get("value", "")
        data.setdefault(field["name"], []).append(value)
    made = post(officer, f"/awards/new/{application.id}", data)  # the defaults, as the form offers them
    assert made.status_code == 302, error_messages(made)
    award = _db.session.scalars(select(Award)).one()

    # The grantee follows the link in the email.
    email = next(m for m in _outbox() if m.recipient == "applicant.a@example.org")
    link = re.search(r"http://localhost(/grants/\d+/offer)", email.body).group(1)
    assert grantee.get("/grants").status_code == 200
    assert "Accept the offer by" in _text(grantee.get("/grants"))
    offer = grantee.get(link)
    assert offer.status_code == 200
    text = _text(offer)
    assert "£3,000.00 (three thousand pounds)" in text
    assert all(condition in text for condition in STANDARD_CONDITIONS.values())
    assert "I confirm I am authorised to accept this grant on behalf of Organisation A and that we accept its " \
           "conditions" in text

    accepted = post(grantee, link, DECLARATION)
    assert accepted.status_code == 302 and accepted.headers["Location"] == f"/grants/{award.id}"
    assert "You have accepted the grant of £3,000.00" in _text(grantee.get(accepted.headers["Location"]))
    assert award.status is AwardStatus.ACCEPTED
    assert (award.accepted_name, award.accepted_position, award.accepted_by_id) == (
        "Sam Trelawny", "Chair of trustees", users["applicant"].id)
    assert [i.status for i in award.instalments] == [InstalmentStatus.DUE, InstalmentStatus.SCHEDULED]

    to_officer = [m for m in _outbox() if m.recipient == users["grants_officer"].email]
    assert len(to_officer) == 1 and "has accepted its grant" in to_officer[0].subject
    assert "Sam Trelawny, Chair of trustees" in to_officer[0].body and "instalment 1 of £1,500.00" in to_officer[0].body
    assert f"http://localhost/awards/{award.id}" in to_officer[0].body

    staff_view = _text(officer.get(f"/awards/{award.id}"))
    assert "by Sam Trelawny, Chair of trustees (signed in as applicant.a@example.org)" in staff_view
    letter = _text(officer.get(f"/awards/{award.id}/offer-letter"))
    assert "Accepted on behalf of Organisation A by Sam Trelawny, Chair of trustees" in letter
    after = grantee.get(link)
    assert "You accepted this grant" in _text(after) and not page(after).select_one("#accept-grant")


def test_the_whole_declaration_is_needed(grantee, offered):
    response = post(grantee, f"/grants/{offered.id}/offer", {"name": " ", "position": "", "confirm": ""})
    assert response.status_code == 200
    summary = page(response).select(".govuk-error-summary a")
    assert [(a.get_text(strip=True), a["href"]) for a in summary] == [
        ("Enter your full name", "#name"),
        ("Enter your position in the organisation", "#position"),
        ("Confirm that you accept the grant and its conditions on behalf of your organisation", "#confirm"),
    ]
    assert all(page(response).select_one(a["href"]) for a in summary)
    assert offered.status is AwardStatus.OFFERED and _outbox() == []


def _open_then(grantee, award, change):
    """The grantee opens the offer while it is open; ``change`` happens before they press accept."""
    assert page(grantee.get(f"/grants/{award.id}/offer")).select_one("#accept-grant")
    change(award)
    _db.session.flush()
    before = (award.version, award.accepted_at, award.accepted_name, _audit_count())
    response = post(grantee, f"/grants/{award.id}/offer", DECLARATION)
    assert response.status_code == 200
    _db.session.expire_all()
    assert (award.version, award.accepted_at, award.accepted_name, _audit_count()) == before
    assert not page(response).select_one("#accept-grant")
    return response


def test_an_offer_that_lapsed_cannot_be_accepted(grantee, offered):
    def lapse(award):
        award.offer_deadline = utcnow() - timedelta(minutes=1)

    response = _open_then(grantee, offered, lapse)
    assert error_messages(response) == [
        "This offer has lapsed: it was not accepted by its deadline. Contact your grants officer"]
    assert "This offer lapsed" in _text(response)
    assert offered.status is AwardStatus.OFFERED and _outbox() == []
    assert "This offer lapsed" in _text(grantee.get(f"/grants/{offered.id}/offer"))


def test_a_withdrawn_offer_cannot_be_accepted(grantee, offered, users):
    def withdraw(award):
        awards.withdraw_offer(award, "The project lost its venue", users["grants_officer"])

    response = _open_then(grantee, offered, withdraw)
    assert error_messages(response) == ["This offer has been withdrawn, so it cannot be accepted"]
    assert "This offer was withdrawn" in _text(response)
    assert offered.status is AwardStatus.WITHDRAWN and _outbox() == []


def test_an_offer_is_accepted_only_once(grantee, offered, users):
    def accept(award):
        awards.accept_offer(award, users["applicant"], "Alex Contact", "Treasurer", True)

    response = _open_then(grantee, offered, accept)
    assert error_messages(response) == ["This offer has already been accepted"]
    assert offered.accepted_name == "Alex Contact"


@pytest.mark.parametrize("role", ["grants_officer", "finance_officer", "commissioner", "admin", "panel_member"])
def test_staff_cannot_accept_for_an_organisation(as_role, offered, role):
    client = as_role(role)
    assert client.get(f"/grants/{offered.id}/offer").status_code == 403
    assert post(client, f"/grants/{offered.id}/offer", DECLARATION).status_code == 403
    assert offered.status is AwardStatus.OFFERED
