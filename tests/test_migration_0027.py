"""Revision 0027 (issue 24) adds the message threads' kept rows. A database with messages gets a row
per thread from them: its newest message, its count, and its newest from the organisation (none on a
thread only the grants team has written on); the grants team's list then reads as it did."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from grants import create_app
from grants.extensions import db
from grants.interfaces.messages import threads
from grants.models.accounts import Role, User
from grants.models.applications import ApplicationStatus
from grants.models.types import utcnow
from tests.factories import ApplicationFactory, OrganisationFactory, UserFactory
from tests.message_threads_check import problems
from tests.test_migrations import scratch_database_url  # noqa: F401


def _kept() -> list[tuple]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(
            "SELECT application_id, last_message_id, messages, last_from_organisation_id FROM message_threads "
            "ORDER BY application_id"))]


@pytest.mark.slow
def test_a_database_with_messages_gets_a_row_per_thread(scratch_database_url, monkeypatch):  # noqa: F811
    scratch = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    with scratch.app_context():
        upgrade()
        organisation = OrganisationFactory()
        member = UserFactory(organisation=organisation, roles=[Role.APPLICANT])
        officer = UserFactory(roles=[Role.GRANTS_OFFICER])
        talked, told, silent = (ApplicationFactory(organisation=organisation, status=ApplicationStatus.SUBMITTED,
                                                   reference=f"CGS-2026-07{number:02d}", submitted_at=utcnow())
                                for number in range(3))
        ids = {}
        for number, (application, author) in enumerate(
                [(talked, member), (told, officer), (talked, officer), (talked, member)]):
            with threads.posting(application, author, f"Message {number}") as message:
                ids[number] = message.id
        db.session.commit()
        officer_id, silent_id = officer.id, silent.id
        before = _kept()
        assert before == [(talked.id, ids[3], 3, ids[3]), (told.id, ids[1], 1, None)]
        db.session.remove()

        downgrade(revision="0026")  # as the database was before the kept rows, with its messages
        with db.engine.connect() as connection:
            assert "message_threads" not in sa.inspect(connection).get_table_names()
        upgrade()
        assert _kept() == before
        assert problems() == []
        # The officer has read the first thread up to their own reply: the member's answer is new.
        _, summaries = threads.threads_for_staff(db.session.get(User, officer_id), 1)
        assert [(summary.application.reference, summary.messages, summary.new) for summary in summaries] == [
            ("CGS-2026-0700", 3, 1), ("CGS-2026-0701", 1, 0)]
        assert threads.threads_with_new(db.session.get(User, officer_id)) == 1
        assert silent_id not in {summary.application.id for summary in summaries}
        db.session.remove()
        db.engine.dispose()
