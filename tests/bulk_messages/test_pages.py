"""Officers write to a group, check it, send it once, and see who it went to."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grants.extensions import db as _db
from grants.form_keys import ALREADY_SENT, FIELD
from grants.interfaces.bulk_messages import sending
from grants.models.audit import AuditEvent
from grants.models.mail import OutboxMessage
from grants.models.messages import BulkMessage, BulkMessageRecipient
from tests.factories import UserFactory
from tests.helpers import error_messages, page, post

NEW, SEND, INDEX = "/messages/bulk/new", "/messages/bulk/send", "/messages/bulk/"
PANEL_TEXT = "Hello all,\r\n\r\nThe panel meets on Tuesday at 10am in the Exeter office."


def text(response) -> str:
    return " ".join(page(response).get_text(" ").split())


def form_data(response, action: str) -> dict[str, str]:
    """The hidden inputs of the page's POST form to ``action``, as the browser sends them."""
    for form in page(response).select("form"):
        if (form.get("method") or "").lower() == "post" and form.get("action") == action:
            return {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}
    raise AssertionError(f"no form to {action} on the page")


def count(model, *where) -> int:
    return _db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def officer(as_role):
    return as_role("grants_officer")


def message(world, group="round_applicants", subject="When you will hear", body=PANEL_TEXT, round_=None) -> dict:
    funding_round = round_ or world.round
    return {"group": group, f"round_for_{group}": str(funding_round.id), "subject": subject, "body": body}


def check(client, world, **values):
    """Write the message and continue to the check page, as the officer does."""
    response = post(client, NEW, message(world, **values))
    assert response.status_code == 200
    return response


# Writing and checking ------------------------------------------------------------------------------

def test_the_officer_finds_the_page_from_messages_and_writes_a_message(officer, world):
    messages = page(officer.get("/messages/"))
    assert messages.select_one("main a[href='/messages/bulk/']").get_text(strip=True) == "messages to groups"
    home = officer.get(INDEX)
    assert home.status_code == 200
    # "Messages" is the current section of the navigation.
    current = page(home).select_one(".govuk-service-navigation__item--active a")
    assert current is not None and current.get_text(strip=True) == "Messages"
    written = officer.get(NEW)
    shown = text(written)
    assert "Who is the message for?" in shown
    for label in ("Every applicant", "Every grantee with a monitoring return overdue", "Every panel member"):
        assert label in shown
    # The round question is revealed under each group that needs one, listing the rounds.
    assert page(written).select_one("#conditional-group select[name=round_for_round_applicants]") is not None
    assert "Commissioners Grant 2026" in [o.get_text() for o in page(written).select(
        "select[name=round_for_round_applicants] option")]


def test_the_check_page_shows_the_group_who_is_in_it_and_the_email_as_it_will_arrive(officer, world, app):
    response = check(officer, world)
    shown = text(response)
    assert "Check your message before sending" in shown
    assert "To Every applicant in Commissioners Grant 2026" in shown
    assert "Number of people 3 people" in shown
    for person in ("Kit Lead, Kernow Youth lead@kernow.example.org",
                   "Jo Pascoe, Tamar Valley Recovery jo@tamar.example.org",
                   "Tamar Valley Recovery contact, Tamar Valley Recovery office@tamar.example.org"):
        assert person in shown
    assert "Subject When you will hear" in shown
    email = page(response).select_one("pre.opcc-email-body").get_text()
    assert email == ("Hello all,\n\nThe panel meets on Tuesday at 10am in the Exeter office.\n\n---\n"
                     "This message was sent by the Office of the Police and Crime Commissioner for Devon, Cornwall "
                     f"and the Isles of Scilly (OPCC). Replies to this email go to {app.config['MAIL_SENDER']}.")
    # Nothing is sent by checking.
    assert count(OutboxMessage) == 0 and count(BulkMessage) == 0


def test_a_long_list_of_people_is_folded_in_a_details_component(officer, world):
    for number in range(12):
        UserFactory(email=f"member{number}@tamar.example.org", full_name=f"Member {number}", organisation=world.tamar)
    response = check(officer, world)
    details = page(response).select_one("details.govuk-details")
    assert "See the 15 people it goes to" in details.select_one(".govuk-details__summary-text").get_text()
    assert "member11@tamar.example.org" in details.get_text()


def test_change_the_message_brings_back_what_was_typed(officer, world):
    checked = check(officer, world, group="round_panel")
    back = officer.post(NEW, data=form_data(checked, NEW))
    assert back.status_code == 200
    form = page(back)
    assert form.select_one("input[name=group][value=round_panel]").has_attr("checked")
    assert form.select_one(f"select[name=round_for_round_panel] option[value='{world.round.id}']").has_attr("selected")
    assert form.select_one("input[name=subject]")["value"] == "When you will hear"
    assert form.select_one("textarea[name=body]").get_text().strip().replace("\r\n", "\n") == \
        PANEL_TEXT.replace("\r\n", "\n")
    assert error_messages(back) == []


def test_mistakes_are_listed_in_the_error_summary_and_the_typing_is_kept(officer, world):
    response = post(officer, NEW, {"subject": "", "body": ""})
    assert error_messages(response) == ["Select who to send the message to", "Enter a subject", "Enter the message"]
    response = post(officer, NEW, {"group": "round_panel", "round_for_round_panel": "", "subject": "x" * 151,
                                   "body": "Kept text"})
    assert error_messages(response) == ["Select the funding round", "Subject must be 150 characters or fewer"]
    assert page(response).select_one("textarea[name=body]").get_text().strip() == "Kept text"
    # A round that does not exist is not a round.
    response = post(officer, NEW, {"group": "round_panel", "round_for_round_panel": "999999", "subject": "Hi",
                                   "body": "Body"})
    assert error_messages(response) == ["Select the funding round"]


def test_an_empty_group_is_refused_with_a_clear_message(officer, world, db):
    from tests.factories import FundingRoundFactory

    empty = FundingRoundFactory(name="Nobody's round")
    response = check_or_error(officer, world, empty)
    assert error_messages(response) == [
        "No one is in this group: every panel member in Nobody's round. Choose another group or round"]
    assert count(BulkMessage) == 0


def check_or_error(client, world, funding_round):
    return post(client, NEW, message(world, group="round_panel", round_=funding_round))


# Sending -------------------------------------------------------------------------------------------

def test_send_emails_each_person_once_and_the_sent_page_lists_them(officer, world, users, app):
    checked = check(officer, world, subject="Decisions in six weeks")
    sent = officer.post(SEND, data=form_data(checked, SEND))
    assert sent.status_code == 303
    shown_page = officer.get(sent.headers["Location"])
    shown = text(shown_page)
    assert "Message sent to 3 people" in shown
    assert "Decisions in six weeks" in shown and "To Every applicant in Commissioners Grant 2026" in shown
    rows = [" ".join(row.get_text().split()) for row in page(shown_page).select("tbody tr")]
    assert rows == [
        "Kit Lead, Kernow Youth lead@kernow.example.org Kept in the outbox",
        "Jo Pascoe, Tamar Valley Recovery jo@tamar.example.org Kept in the outbox",
        "Tamar Valley Recovery contact, Tamar Valley Recovery office@tamar.example.org Kept in the outbox",
    ]
    # The email as it arrives: one each, the text as typed and the footer.
    outbox = _db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.recipient for m in outbox] == ["lead@kernow.example.org", "jo@tamar.example.org",
                                             "office@tamar.example.org"]
    for email in outbox:
        assert email.subject == "Decisions in six weeks"
        assert email.body.startswith("Hello all,\n\nThe panel meets on Tuesday at 10am in the Exeter office.\n\n---\n")
        assert email.body.endswith(f"Replies to this email go to {app.config['MAIL_SENDER']}.")
    record = _db.session.scalar(select(BulkMessage))
    assert (record.group, record.round_id, record.sent_by_id) == ("round_applicants", world.round.id,
                                                                  users["grants_officer"].id)
    assert [r.outbox_message_id for r in record.recipients] == [m.id for m in outbox]


def test_the_sent_page_shows_each_delivery_status_from_the_outbox(officer, world, db):
    sent = officer.post(SEND, data=form_data(check(officer, world), SEND))
    record = _db.session.scalar(select(BulkMessage))
    first, second, third = (r.outbox_message for r in record.recipients)
    first.status, second.status, third.status = "sent", "failed", "queued"
    second.error = "550 No such mailbox"
    db.session.flush()
    rows = [" ".join(row.get_text(" ").split())
            for row in page(officer.get(sent.headers["Location"])).select("tbody tr")]
    assert rows[0].endswith("lead@kernow.example.org Sent")
    assert rows[1].endswith("jo@tamar.example.org Failed 550 No such mailbox")
    assert rows[2].endswith("office@tamar.example.org Waiting to be sent")


def test_pressing_send_twice_sends_once(officer, world):
    data = form_data(check(officer, world), SEND)
    assert data[FIELD]
    first = officer.post(SEND, data=data)
    again = officer.post(SEND, data=data)
    assert first.status_code == 303
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]
    assert ALREADY_SENT in text(officer.get(again.headers["Location"]))
    assert count(BulkMessage) == 1 and count(OutboxMessage) == 3 and count(BulkMessageRecipient) == 3


def test_a_group_emptied_before_sending_is_refused_and_nothing_is_sent(officer, world, db):
    checked = check(officer, world, group="round_panel")
    from grants.models.panel import PanelMember

    db.session.execute(PanelMember.__table__.delete())
    response = officer.post(SEND, data=form_data(checked, SEND))
    assert response.status_code == 200
    assert error_messages(response)[0].startswith("No one is in this group: every panel member in ")
    assert page(response).select_one("input[name=subject]")["value"] == "When you will hear"
    assert count(BulkMessage) == 0 and count(OutboxMessage) == 0


def test_sending_is_audited_with_the_count(officer, world, users):
    officer.post(SEND, data=form_data(check(officer, world), SEND))
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "bulk_message.sent"))
    record = _db.session.scalar(select(BulkMessage))
    assert (event.entity_type, event.entity_id, event.actor_id) == ("BulkMessage", str(record.id),
                                                                    users["grants_officer"].id)
    assert event.summary == ("Message “When you will hear” sent to 3 people: Every applicant in Commissioners "
                             "Grant 2026")
    assert event.changes == {"recipients": {"before": None, "after": 3}}


def test_the_list_shows_sent_messages_newest_first_with_their_group_and_count(officer, world, users):
    sending.send("round_panel", world.round, "Older message", "Body", users["grants_officer"])
    sending.send("round_applicants", world.round, "Newer message", "Body", users["grants_officer"])
    _db.session.flush()
    rows = [" ".join(row.get_text(" ").split()) for row in page(officer.get(INDEX)).select("tbody tr")]
    assert [row.split(" ", 5)[-1] for row in rows] == [
        "Newer message Every applicant in Commissioners Grant 2026 3 Test User "
        f"{users['grants_officer'].full_name.split()[-1]}",
        "Older message Every panel member in Commissioners Grant 2026 1 Test User "
        f"{users['grants_officer'].full_name.split()[-1]}",
    ]


# Who may, and what they may not ----------------------------------------------------------------------

@pytest.mark.parametrize("role", ["applicant", "panel_member", "finance_officer", "commissioner"])
def test_only_grants_officers_and_admins_may_write_to_groups(as_role, role, world, users):
    record = sending.send("round_panel", world.round, "Panel", "Body", users["grants_officer"])
    _db.session.flush()
    client = as_role(role)
    for url in (INDEX, NEW, f"/messages/bulk/{record.id}"):
        assert client.get(url).status_code == 403, url
    assert post(client, SEND, message(world)).status_code == 403
    assert count(BulkMessage) == 1


def test_an_admin_may_send(as_role, world):
    admin = as_role("admin")
    assert admin.post(SEND, data=form_data(check(admin, world), SEND)).status_code == 303


def test_a_message_that_does_not_exist_is_not_found(officer, world):
    assert officer.get("/messages/bulk/999999").status_code == 404


def test_a_send_without_the_csrf_token_is_refused(officer, world):
    data = form_data(check(officer, world), SEND)
    del data["csrf_token"]
    assert officer.post(SEND, data=data).status_code == 400
    data["csrf_token"] = "forged"
    assert officer.post(SEND, data=data).status_code == 400
    assert count(BulkMessage) == 0 and count(OutboxMessage) == 0


@pytest.mark.visible_text(allow=["<script>alert(1)</script>", "<b>bold</b>"])
def test_what_the_officer_typed_is_shown_as_text(officer, world):
    checked = check(officer, world, subject="<script>alert(1)</script>", body="<b>bold</b>")
    assert page(checked).find("script", string="alert(1)") is None
    assert "<script>alert(1)</script>" in text(checked)
    sent = officer.post(SEND, data=form_data(checked, SEND))
    shown = officer.get(sent.headers["Location"])
    assert page(shown).find("script", string="alert(1)") is None and page(shown).find("b") is None
    assert "<script>alert(1)</script>" in text(shown)
    assert page(officer.get(INDEX)).find("script", string="alert(1)") is None
    assert _db.session.scalar(select(OutboxMessage.subject).limit(1)) == "<script>alert(1)</script>"
