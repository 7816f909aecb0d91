"""The outbox: every message the service sent or kept, for admins to read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from grants.models.mail import OutboxMessage
from tests.helpers import page


@pytest.fixture
def outbox(db):
    """``outbox(subject, ...)``: a message in the outbox, ``minutes`` after a fixed moment."""

    def _message(
        subject: str,
        status="kept",
        minutes=0,
        recipient="someone@example.org",
        body="Hello",
        error=None,
    ):
        message = OutboxMessage(
            subject=subject,
            status=status,
            recipient=recipient,
            body=body,
            error=error,
            created_at=datetime(2024, 7, 1, 9, 0, tzinfo=UTC) + timedelta(minutes=minutes),
        )
        db.session.add(message)
        db.session.flush()
        return message

    return _message


def _subjects(response) -> list[str]:
    return [row.select("td")[2].get_text(strip=True) for row in page(response).select("tbody tr")]


def test_messages_are_listed_newest_first_with_recipient_and_status(as_role, outbox):
    outbox("First", minutes=0)
    outbox("Second", minutes=5, status="sent", recipient="jo@example.org")
    response = as_role("admin").get("/admin/outbox")
    assert _subjects(response) == ["Second", "First"]
    row = [cell.get_text(strip=True) for cell in page(response).select_one("tbody tr").select("td")]
    assert row == ["1 July 2024 at 10:05am", "jo@example.org", "Second", "Sent"]


def test_messages_at_the_same_moment_keep_a_steady_order(as_role, outbox):
    first, second = outbox("Same time A"), outbox("Same time B")
    assert _subjects(as_role("admin").get("/admin/outbox")) == ["Same time B", "Same time A"]
    assert second.id > first.id


@pytest.mark.parametrize(
    ("status", "expected"), [("kept", ["Kept"]), ("sent", ["Sent"]), ("failed", ["Failed"])]
)
def test_messages_can_be_filtered_by_status(as_role, outbox, status, expected):
    outbox("Kept", status="kept")
    outbox("Sent", status="sent")
    outbox("Failed", status="failed", error="Connection refused")
    assert _subjects(as_role("admin").get(f"/admin/outbox?status={status}")) == expected


def test_an_unknown_status_shows_every_message(as_role, outbox):
    outbox("Kept", status="kept")
    outbox("Sent", status="sent", minutes=1)
    assert _subjects(as_role("admin").get("/admin/outbox?status=lost")) == ["Sent", "Kept"]


@pytest.mark.visible_text(allow=["<link>"])  # typed in the message body, shown as typed
def test_a_message_is_shown_in_full(as_role, outbox):
    message = outbox(
        "Your account",
        recipient="jo@example.org",
        body="Dear Jo,\n\nUse this <link>.",
        status="failed",
        error="SMTP timed out",
    )
    admin = as_role("admin")
    link = page(admin.get("/admin/outbox")).find("a", string="Your account")["href"]
    assert link == f"/admin/outbox/{message.id}"
    response = admin.get(link)
    soup = page(response)
    assert soup.h1.get_text(strip=True) == "Your account"
    assert soup.select_one("pre").get_text() == "Dear Jo,\n\nUse this <link>."
    summary = " ".join(soup.select_one(".govuk-summary-list").get_text(" ").split())
    assert "jo@example.org" in summary and "Failed: SMTP timed out" in summary
    assert "<link>" not in response.get_data(as_text=True)  # the body is escaped, not run as HTML


def test_the_outbox_says_when_email_is_kept_not_sent(as_role):
    assert "Email sending is switched off here" in as_role("admin").get("/admin/outbox").get_data(
        as_text=True
    )


def test_the_outbox_has_pages_of_fifty_that_keep_the_status_filter(as_role, outbox):
    for n in range(53):
        outbox(f"Message {n:02d}", minutes=n, status="sent")
    outbox("Not sent", status="kept", minutes=100)
    admin = as_role("admin")
    first = admin.get("/admin/outbox?status=sent")
    assert _subjects(first) == [f"Message {n:02d}" for n in range(52, 2, -1)]
    next_link = page(first).select_one(".govuk-pagination__next a")["href"]
    assert "status=sent" in next_link and "page=2" in next_link
    assert _subjects(admin.get(next_link)) == ["Message 02", "Message 01", "Message 00"]
    assert admin.get("/admin/outbox?page=0").status_code == 404


def test_a_message_that_does_not_exist_is_not_found(as_role):
    assert as_role("admin").get("/admin/outbox/424242").status_code == 404
