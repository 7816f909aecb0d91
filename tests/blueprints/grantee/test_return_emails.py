"""The grants officer is told when a monitoring return arrives for review."""

from __future__ import annotations

import pytest

from grants.models.accounts import Role
from grants.models.awards import ReturnStatus
from grants.models.mail import OutboxMessage
from tests.blueprints.grantee.test_returns import complete_all, return_url, running_award
from tests.factories import UserFactory
from tests.helpers import link_in, page, post


@pytest.fixture
def award(db, users):
    return running_award(users["org_a"], officer_id=users["grants_officer"].id)


@pytest.fixture
def first_return(award):
    return award.returns[0]


def _told(db, recipient=None) -> list[OutboxMessage]:
    query = db.select(OutboxMessage).where(OutboxMessage.subject.contains("monitoring return"),
                                           OutboxMessage.subject.startswith("Organisation A has"))
    if recipient is not None:
        query = query.where(OutboxMessage.recipient == recipient)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


# The grantee typed the word None, as the return asks when there are no problems.
@pytest.mark.visible_text(allow=["None"])
def test_the_officer_responsible_is_told_a_return_arrived(db, award, first_return, users, grantee, officer):
    complete_all(grantee, first_return)
    assert post(grantee, return_url(first_return, "/submit")).status_code == 302

    [message] = _told(db)
    reference = award.application.reference
    assert message.recipient == users["grants_officer"].email
    assert message.subject == f"Organisation A has submitted monitoring return 1 of {reference}"
    body = message.body
    assert body.startswith(f"Hello {users['grants_officer'].full_name},\n")
    assert f"Organisation A has submitted monitoring return 1 for their grant {reference}" in body
    period = f"{first_return.period_start.day} {first_return.period_start:%B %Y}"
    assert f"It covers {period} to " in body and f"was submitted by {users['applicant'].full_name}." in body
    assert ("The next payment, instalment 2 of £2,000.00, waits for a satisfactory return: accepting this one "
            "rated green or amber makes it due for payment.") in body
    assert "Please review it: give it a rating, then accept it or ask the grantee for more information." in body
    link = f"http://localhost/awards/{award.id}/returns/{first_return.id}"
    assert f"sign in and follow this link:\n{link}\n" in body
    # The link is the review page, with the review form.
    review = officer.get(link_in([body], "/awards/"))
    assert review.status_code == 200
    assert page(review).find("form", {"action": f"/awards/{award.id}/returns/{first_return.id}"}) is not None


def test_an_incomplete_return_tells_nobody_and_a_second_click_tells_nobody_again(db, first_return, grantee):
    refused = post(grantee, return_url(first_return, "/submit"))
    assert refused.status_code == 200
    db.session.refresh(first_return)
    assert first_return.status is not ReturnStatus.SUBMITTED
    assert _told(db) == []

    complete_all(grantee, first_return)
    assert post(grantee, return_url(first_return, "/submit")).status_code == 302
    assert post(grantee, return_url(first_return, "/submit")).status_code == 302  # a second click
    assert len(_told(db)) == 1


def test_without_an_active_officer_responsible_every_active_grants_officer_is_told(db, award, first_return, users,
                                                                                   grantee, as_role):
    responsible = UserFactory(full_name="Rae Responsible", roles=[Role.GRANTS_OFFICER])
    retired = UserFactory(full_name="Cy Retired", roles=[Role.GRANTS_OFFICER], active=False)
    other = UserFactory(full_name="Bea Officer", roles=[Role.GRANTS_OFFICER])
    award.officer_id = responsible.id
    db.session.flush()
    assert post(as_role("admin"), f"/admin/users/{responsible.id}/active", {"active": "0"}).status_code == 302

    complete_all(grantee, first_return)
    assert post(grantee, return_url(first_return, "/submit")).status_code == 302
    told = {m.recipient for m in _told(db)}
    assert told == {users["grants_officer"].email, other.email}
    assert _told(db, other.email)[0].body.startswith("Hello Bea Officer,\n")
    assert responsible.email not in told and retired.email not in told


def test_more_information_sent_back_is_told_as_such(db, award, first_return, users, grantee, officer):
    complete_all(grantee, first_return)
    post(grantee, return_url(first_return, "/submit"))
    sent_back = post(officer, f"/awards/{award.id}/returns/{first_return.id}",
                     {"rating": "amber", "decision": "more_information", "comments": "How many people are new?"})
    assert sent_back.status_code == 302
    assert post(grantee, return_url(first_return, "/submit")).status_code == 302

    first, second = _told(db, users["grants_officer"].email)
    assert second.subject == (f"Organisation A has sent more information on monitoring return 1 of "
                              f"{award.application.reference}")
    assert ("Organisation A has sent the more information you asked for on monitoring return 1 for their grant "
            f"{award.application.reference}") in second.body
