"""What is new to whom: "Messages (2 new)" on the application and grant pages, marked read once the
thread is opened, and the grants team's list of threads."""

from __future__ import annotations

from sqlalchemy import select

from grants.extensions import db
from grants.interfaces.messages import threads
from grants.models.applications import ApplicationStatus
from grants.models.awards import AwardStatus
from grants.models.messages import ThreadRead
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, AwardFactory
from tests.helpers import page
from tests.messages.conftest import messages_on, send, thread_url


def messages_link(response) -> str | None:
    link = page(response).select_one("#messages-link a")
    return " ".join(link.get_text().split()) if link else None


def test_new_messages_are_counted_on_the_application_page_until_the_thread_is_opened(
        member, officer, application, users):
    assert messages_link(member.get(f"/applications/{application.id}")) == "Messages"
    send(officer, application, "First question")
    send(officer, application, "Second question")
    assert messages_link(member.get(f"/applications/{application.id}")) == "Messages (2 new)"
    assert threads.new_count(application, users["applicant"]) == 2

    opened = member.get(thread_url(application))
    assert [tag.get_text(strip=True) for tag in page(opened).select("#thread .govuk-tag")] == ["New", "New"]
    read = db.session.scalar(select(ThreadRead).filter_by(application_id=application.id,
                                                          user_id=users["applicant"].id))
    assert read is not None and read.last_read_message_id == messages_on(application)[-1].id
    assert messages_link(member.get(f"/applications/{application.id}")) == "Messages"
    # Opened again, nothing is marked new.
    assert page(member.get(thread_url(application))).select("#thread .govuk-tag") == []


def test_ones_own_side_is_never_new(member, officer, application, users):
    send(member, application, "Our question")
    assert threads.new_count(application, users["applicant"]) == 0
    assert threads.new_count(application, users["grants_officer"]) == 1
    assert messages_link(officer.get(f"/screening/applications/{application.id}")) == "Messages (1 new)"
    # Replying marks the thread read for whoever replies.
    send(officer, application, "Our answer")
    assert threads.new_count(application, users["grants_officer"]) == 0
    assert threads.new_count(application, users["applicant"]) == 1


def test_each_reader_has_their_own_count(as_role, member, officer, application, users):
    send(member, application, "Hello")
    officer.get(thread_url(application))
    assert threads.new_count(application, users["grants_officer"]) == 0
    assert threads.new_count(application, users["admin"]) == 1
    assert messages_link(as_role("admin").get(f"/screening/applications/{application.id}")) == "Messages (1 new)"


def test_the_grant_pages_link_to_the_same_thread(as_role, users):
    award = AwardFactory(organisation=users["org_a"], status=AwardStatus.ACCEPTED, accepted_at=utcnow(),
                         accepted_name="Alex Member", accepted_position="Chair")
    member, officer = as_role("applicant"), as_role("grants_officer")
    send(officer, award.application, "Your first return is due next month")
    grantee_page = member.get(f"/grants/{award.id}")
    assert messages_link(grantee_page) == "Messages (1 new)"
    assert page(grantee_page).select_one("#messages-link a")["href"] == thread_url(award.application)
    thread_page = member.get(thread_url(award.application))
    assert page(thread_page).select_one(".govuk-back-link")["href"] == f"/grants/{award.id}"
    assert messages_link(officer.get(f"/awards/{award.id}")) == "Messages"
    # Finance staff see the award but not the thread: no link.
    assert messages_link(as_role("finance_officer").get(f"/awards/{award.id}")) is None


def test_the_grants_teams_list_shows_threads_newest_first_with_new_ones_marked(member, officer, application,
                                                                                 users, as_role):
    other = ApplicationFactory(organisation=users["org_b"], status=ApplicationStatus.SUBMITTED,
                               reference="CGS-2026-0102", submitted_at=utcnow())
    send(member, application, "From A")
    send(as_role("applicant_b"), other, "From B")
    send(officer, other, "Reply to B")  # the reply marks B's thread read for the officer
    listing = officer.get("/messages/")
    assert listing.status_code == 200
    rows = [" ".join(row.get_text(" ").split()) for row in page(listing).select("#threads tbody tr")]
    assert rows[0].startswith("CGS-2026-0102") and "from Sam Officer (grants team)" in rows[0]
    assert "new" not in rows[0].split(" Organisation B")[0]
    assert rows[1].startswith("CGS-2026-0101 1 new Moorland Recovery Walks Organisation A")
    assert "1 thread with new messages from organisations." in listing.get_data(as_text=True)

    only_new = officer.get("/messages/?new=1")
    assert [row.select_one("a").get_text() for row in page(only_new).select("#threads tbody tr")] == ["CGS-2026-0101"]
    officer.get(thread_url(application))
    assert "No new messages from organisations." in officer.get("/messages/").get_data(as_text=True)


def test_the_list_is_paged(officer, users, db):
    from grants.interfaces.messages.threads import THREADS_PER_PAGE, posting

    for number in range(THREADS_PER_PAGE + 1):
        application = ApplicationFactory(organisation=users["org_a"], status=ApplicationStatus.SUBMITTED,
                                         reference=f"CGS-2026-{200 + number:04d}", submitted_at=utcnow())
        with posting(application, users["applicant"], f"Message {number}"):
            pass
    first = page(officer.get("/messages/"))
    assert len(first.select("#threads tbody tr")) == THREADS_PER_PAGE
    assert first.select_one("#threads tbody tr a").get_text() == f"CGS-2026-{200 + THREADS_PER_PAGE:04d}"
    second = officer.get("/messages/?page=2")
    assert [row.select_one("a").get_text() for row in page(second).select("#threads tbody tr")] == ["CGS-2026-0200"]
    assert officer.get("/messages/?page=3").status_code == 404


def test_the_list_and_the_thread_take_as_many_statements_however_many_threads_and_messages(officer, users):
    from grants.interfaces.messages.threads import posting
    from tests.helpers import counting_statements

    numbers = iter(range(300, 400))

    def add_threads(count: int) -> ApplicationFactory:
        for _ in range(count):
            application = ApplicationFactory(organisation=users["org_a"], status=ApplicationStatus.SUBMITTED,
                                             reference=f"CGS-2026-{next(numbers):04d}", submitted_at=utcnow())
            with posting(application, users["applicant"], "Hello"):
                pass
            with posting(application, users["grants_officer"], "Hello back"):
                pass
        return application

    def statements(url: str) -> int:
        with counting_statements() as seen:
            assert officer.get(url).status_code == 200
        return len(seen)

    last = add_threads(2)
    officer.get(thread_url(last))  # read once already, as the second count will be
    small = statements("/messages/"), statements(thread_url(last))
    for _ in range(4):
        with posting(last, users["applicant"], "More"):
            pass
    officer.get(thread_url(last))
    add_threads(6)
    officer.get(thread_url(last))
    assert (statements("/messages/"), statements(thread_url(last))) == small
