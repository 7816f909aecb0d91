"""The message threads' kept rows under writers posting at once on PostgreSQL: members of the
organisation and the grants team post on one thread at the same moment, on a thread that has a row
already and on one whose first messages they are. Every message is counted, the newest leads, and
each kept row ends equal to the figures worked out from the committed messages."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select

from grants.interfaces.messages import notify, threads
from grants.models.accounts import Role, User
from grants.models.applications import Application, ApplicationStatus
from grants.models.messages import MessageThread, ThreadMessage
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, OrganisationFactory, UserFactory
from tests.figures import report
from tests.message_threads_check import problems

WRITERS = 4  # on each thread, half of them members of the organisation and half of the grants team


def test_messages_posted_at_once_on_one_thread_are_all_counted(app, db, monkeypatch):
    # Hold each transaction a moment between its message and its commit, so that the writers are in
    # their transactions together: a row read and written back would lose the others' messages, and
    # a count of the messages would miss those not yet committed.
    tell = notify.tell_other_side

    def slow_tell(message):
        tell(message)
        time.sleep(0.05)

    monkeypatch.setattr(notify, "tell_other_side", slow_tell)
    organisation = OrganisationFactory()
    members = [UserFactory(organisation=organisation, roles=[Role.APPLICANT]) for _ in range(WRITERS // 2)]
    officers = [UserFactory(roles=[Role.GRANTS_OFFICER]) for _ in range(WRITERS // 2)]
    talked, fresh = (ApplicationFactory(organisation=organisation, status=ApplicationStatus.SUBMITTED,
                                        reference=f"CGS-2026-09{number:02d}", submitted_at=utcnow())
                     for number in range(2))
    db.session.commit()
    with threads.posting(talked, members[0], "The first message, before the others"):
        db.session.commit()
    jobs = [(application.id, user.id) for application in (talked, fresh) for user in (*members, *officers)]

    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def attempt(application_id: int, user_id: int):
        try:
            with app.app_context():
                application, user = db.session.get(Application, application_id), db.session.get(User, user_id)
                barrier.wait(timeout=10)
                with threads.posting(application, user, f"At once, from user {user_id}"):
                    db.session.commit()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    writers = [threading.Thread(target=attempt, args=job) for job in jobs]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=60)

    assert not errors, errors
    db.session.expire_all()
    assert problems() == []
    kept = {row.application_id: row for row in db.session.scalars(select(MessageThread))}
    assert (kept[talked.id].messages, kept[fresh.id].messages) == (WRITERS + 1, WRITERS)
    for application in (talked, fresh):
        newest = db.session.scalar(select(ThreadMessage).where(ThreadMessage.application_id == application.id)
                                   .order_by(ThreadMessage.id.desc()).limit(1))
        assert kept[application.id].last_message_id == newest.id
    _, summaries = threads.threads_for_staff(officers[0], 1)
    assert sorted(summary.messages for summary in summaries) == [WRITERS, WRITERS + 1]
    report(f"message threads race: {WRITERS} writers at once on each of two threads (one new): every message "
           f"counted ({WRITERS + 1} and {WRITERS}), kept rows equal to the counts from scratch")
