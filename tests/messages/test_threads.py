"""Both sides write on an application's thread and read what the other wrote; who may not see it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.models.applications import ApplicationStatus
from grants.models.audit import AuditEvent
from grants.models.messages import ThreadMessage
from tests.factories import ApplicationFactory
from tests.helpers import csrf_token, error_messages, page
from tests.messages.conftest import messages_on, outbox, send, thread_url


def thread_text(response) -> list[str]:
    """Each message on the page as a person reads it: who, then what they wrote."""
    return [" ".join(item.get_text(" ").split()) for item in page(response).select("#thread > li")]


def test_the_grants_team_writes_and_the_organisation_reads_it(officer, member, application):
    response = send(officer, application, "Could you send your latest safeguarding policy?\nThank you.")
    assert response.status_code == 302
    [message] = messages_on(application)
    assert response.headers["Location"] == f"{thread_url(application)}#message-{message.id}"
    assert message.from_staff is True

    seen = member.get(thread_url(application))
    assert seen.status_code == 200
    [text] = thread_text(seen)
    assert text.startswith("New Sam Officer, grants team")
    assert "Could you send your latest safeguarding policy? Thank you." in text
    # The line break typed is kept as a line break.
    assert page(seen).select_one("#thread .govuk-inset-text br") is not None


def test_the_organisation_replies_and_the_grants_team_reads_it(officer, member, application):
    send(officer, application, "Could you send your latest safeguarding policy?")
    response = send(member, application, "Here is our answer: we review it every April.")
    assert response.status_code == 302
    follow = member.get(response.headers["Location"])
    assert "Your message has been sent" in follow.get_data(as_text=True)

    texts = thread_text(officer.get(thread_url(application)))
    assert texts[0].startswith("Sam Officer, grants team")
    assert texts[1].startswith("New Alex Member, Organisation A")
    assert "we review it every April" in texts[1]
    assert [m.from_staff for m in messages_on(application)] == [True, False]


def test_each_post_is_audited_without_the_message_text(member, application, users):
    send(member, application, "Our treasurer's phone number is 07700 900123")
    [message] = messages_on(application)
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "message.posted")).all()
    assert (event.entity_type, event.entity_id, event.actor_id) == ("ThreadMessage", str(message.id),
                                                                    users["applicant"].id)
    assert event.summary == "Message from Organisation A on CGS-2026-0101"
    assert "07700" not in str(event.changes) and "07700" not in event.summary


def test_an_empty_or_too_long_message_is_refused_and_nothing_is_sent(member, application):
    empty = send(member, application, "   ")
    assert empty.status_code == 200
    assert error_messages(empty) == ["Enter your message"]
    too_long = send(member, application, "x" * 5_001)
    assert error_messages(too_long) == ["Your message must be 5,000 characters or fewer"]
    assert messages_on(application) == [] and outbox() == []
    assert send(member, application, "x" * 5_000).status_code == 302


@pytest.mark.visible_text(allow=["<script>alert('hi')</script>", "<b>bold</b>"])
def test_markup_in_a_message_is_shown_as_text(officer, member, application):
    send(member, application, "<script>alert('hi')</script> and <b>bold</b>")
    response = officer.get(thread_url(application))
    html = response.get_data(as_text=True)
    assert "<script>alert('hi')</script>" not in html
    assert "&lt;script&gt;" in html
    assert "<script>alert('hi')</script> and <b>bold</b>" in thread_text(response)[0]
    assert page(response).select_one("#thread b") is None


def test_a_post_without_the_csrf_token_is_refused(member, application):
    response = member.post(thread_url(application), data={"body": "Hello"})
    assert response.status_code == 400
    assert messages_on(application) == [] and outbox() == []


def test_another_organisations_member_finds_no_thread(as_role, officer, application):
    send(officer, application, "A private question")
    other = as_role("applicant_b")
    assert other.get(thread_url(application)).status_code == 404
    response = other.post(thread_url(application), data={"csrf_token": csrf_token(other), "body": "Hi"})
    assert response.status_code == 404
    assert len(messages_on(application)) == 1


@pytest.mark.parametrize("role", ["panel_member", "finance_officer", "commissioner"])
def test_panel_members_and_other_staff_may_not_see_threads(as_role, officer, application, role):
    """The panel scores bids on their answers alone; a thread is between the organisation and the grants team."""
    send(officer, application, "A private question")
    client = as_role(role)
    assert client.get(thread_url(application)).status_code == 403
    assert client.get("/messages/").status_code == 403


def test_a_draft_has_no_thread(member, officer, users):
    draft = ApplicationFactory(organisation=users["org_a"], status=ApplicationStatus.DRAFT)
    assert member.get(thread_url(draft)).status_code == 404
    assert officer.get(thread_url(draft)).status_code == 404


def test_a_partner_organisations_contact_is_not_party_to_the_thread(db, as_role, users, application):
    from grants.models.applications import ApplicationPartner
    from grants.models.types import utcnow

    db.session.add(ApplicationPartner(application=application, name="Organisation B", role="Outreach",
                                      contact_email=users["applicant_b"].email, user_id=users["applicant_b"].id,
                                      accepted_at=utcnow()))
    db.session.flush()
    partner = as_role("applicant_b")
    assert partner.get(f"/applications/{application.id}").status_code == 200  # may see the bid itself
    assert partner.get(thread_url(application)).status_code == 404


def test_messages_are_never_changed_by_a_later_post(member, officer, application):
    send(member, application, "First")
    send(officer, application, "Second")
    assert [m.body for m in db.session.scalars(select(ThreadMessage).order_by(ThreadMessage.id))] == [
        "First", "Second"]
