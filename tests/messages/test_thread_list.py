"""The grants team's list of threads as messages arrive from both sides (issue 24): each thread's
newest message leads, its count and its "new" tag follow every message, and the kept row behind each
line (``message_threads``) stays equal to the figures worked out from the messages."""

from __future__ import annotations

from sqlalchemy import select

from grants.extensions import db
from grants.interfaces.messages import threads
from grants.models.applications import ApplicationStatus
from grants.models.messages import MessageThread, ThreadMessage
from grants.models.types import utcnow
from tests.factories import ApplicationFactory
from tests.helpers import page
from tests.message_threads_check import problems
from tests.messages.conftest import send, thread_url
from tests.visible_text import seen_text


def listed(client, url: str = "/messages/") -> list[tuple[str, str, str, str]]:
    """The list's rows as a person reads them: application (with its "new" tag), organisation, who
    wrote the last message, and how many messages."""
    response = client.get(url)
    assert response.status_code == 200
    rows = []
    for row in page(response).select("#threads tbody tr"):
        application, organisation, last, count = (" ".join(cell.get_text(" ").split()) for cell in row.select("td"))
        rows.append((application, organisation, last.split(" from ", 1)[1], count))
    return rows


def test_the_list_follows_the_messages_of_both_sides(member, officer, application, users, as_role):
    other = ApplicationFactory(organisation=users["org_b"], status=ApplicationStatus.SUBMITTED,
                               reference="CGS-2026-0102", project_title="Harbour Youth Nights", submitted_at=utcnow())
    member_b, admin = as_role("applicant_b"), as_role("admin")
    first = "CGS-2026-0101 Moorland Recovery Walks"
    second = "CGS-2026-0102 Harbour Youth Nights"

    send(member, application, "Can we start in May?")
    assert listed(officer) == [("CGS-2026-0101 1 new Moorland Recovery Walks", "Organisation A", "Alex Member", "1")]
    assert "1 thread with new messages from organisations." in seen_text(officer.get("/messages/"))

    # The grants team writes first on the other thread: nothing there is new to the team.
    send(officer, other, "Please send your safeguarding policy")
    assert listed(officer) == [
        (second, "Organisation B", "Sam Officer (grants team)", "1"),
        ("CGS-2026-0101 1 new Moorland Recovery Walks", "Organisation A", "Alex Member", "1"),
    ]

    send(member_b, other, "Attached to our application now")
    send(member, application, "And may we buy a projector?")
    listing = officer.get("/messages/")
    assert listed(officer) == [
        ("CGS-2026-0101 2 new Moorland Recovery Walks", "Organisation A", "Alex Member", "2"),
        ("CGS-2026-0102 1 new Harbour Youth Nights", "Organisation B", users["applicant_b"].full_name, "2"),
    ]
    assert "2 threads with new messages from organisations." in seen_text(listing)
    assert "Showing 1 to 2 of 2 threads" in seen_text(listing)

    # Opening a thread reads it, for that reader only.
    officer.get(thread_url(application))
    assert listed(officer) == [
        (first, "Organisation A", "Alex Member", "2"),
        ("CGS-2026-0102 1 new Harbour Youth Nights", "Organisation B", users["applicant_b"].full_name, "2"),
    ]
    assert [row[0] for row in listed(officer, "/messages/?new=1")] == ["CGS-2026-0102 1 new Harbour Youth Nights"]
    assert "1 thread with new messages from organisations." in seen_text(officer.get("/messages/"))
    assert [row[0] for row in listed(admin)] == ["CGS-2026-0101 2 new Moorland Recovery Walks",
                                                 "CGS-2026-0102 1 new Harbour Youth Nights"]

    # A reply leads the list; it reads the thread for the one who wrote it, not for the rest of the team.
    send(admin, other, "Thank you, received")
    replied = (f"{users['admin'].full_name} (grants team)", "3")
    assert listed(officer) == [("CGS-2026-0102 1 new Harbour Youth Nights", "Organisation B", *replied),
                               (first, "Organisation A", "Alex Member", "2")]
    assert listed(admin) == [(second, "Organisation B", *replied),
                             ("CGS-2026-0101 2 new Moorland Recovery Walks", "Organisation A", "Alex Member", "2")]
    officer.get(thread_url(other))
    assert listed(officer) == [(second, "Organisation B", *replied), (first, "Organisation A", "Alex Member", "2")]
    assert "No new messages from organisations." in seen_text(officer.get("/messages/"))
    assert listed(officer, "/messages/?new=1") == []
    assert "No threads found." in seen_text(officer.get("/messages/?new=1"))
    assert problems() == []


def test_the_kept_rows_equal_the_sums_of_the_messages_after_each_post(application, users):
    other = ApplicationFactory(organisation=users["org_b"], status=ApplicationStatus.SUBMITTED,
                               reference="CGS-2026-0102", submitted_at=utcnow())
    posts = [(application, "grants_officer"), (application, "grants_officer"), (other, "applicant_b"),
             (application, "applicant"), (other, "admin"), (application, "grants_officer"), (other, "applicant_b")]
    for number, (on, author) in enumerate(posts):
        with threads.posting(on, users[author], f"Message {number}"):
            pass
        assert problems() == []
    kept = {row.application_id: row for row in db.session.scalars(select(MessageThread))}
    assert (kept[application.id].messages, kept[other.id].messages) == (4, 3)
    # A row loaded before a post shows the post without being read again.
    loaded = kept[application.id]
    with threads.posting(application, users["applicant"], "One more") as message:
        pass
    assert (loaded.messages, loaded.last_message_id, loaded.last_from_organisation_id) == (5, message.id, message.id)
    assert problems() == []


def test_the_check_reports_a_kept_row_that_differs_from_the_messages(application, users):
    with threads.posting(application, users["applicant"], "Hello") as message:
        pass
    db.session.get(MessageThread, application.id).messages = 2
    db.session.flush()
    row = f"{application.id}, {message.id}, %d, {message.id}"
    assert problems() == [f"application {application.id}: kept ({row % 2}), from its messages ({row % 1}) "
                          "(application, last message, messages, last from the organisation)"]
    db.session.get(MessageThread, application.id).messages = 1
    db.session.flush()
    assert problems() == []


def test_a_thread_whose_last_writer_has_gone_says_so(member, officer, application, users):
    """A message keeps no author once the account is deleted (``author_id`` set null): the list reads
    the row as it is, "from a former member", not an empty name."""
    send(member, application, "Can we start in May?")
    message = db.session.scalars(select(ThreadMessage).where(ThreadMessage.application_id == application.id)).one()
    message.author_id = None
    db.session.flush()
    assert listed(officer) == [("CGS-2026-0101 1 new Moorland Recovery Walks", "Organisation A", "a former member",
                                "1")]
