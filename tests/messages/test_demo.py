"""The demo thread: four messages on the demo applicant's grant, one with a stored file, added once."""

from __future__ import annotations

from grants.demo import messages as demo_messages
from grants.interfaces.messages import threads
from grants.models.accounts import Role
from grants.models.awards import AwardStatus
from grants.models.types import utcnow
from tests.factories import AwardFactory, OrganisationFactory, UserFactory
from tests.messages.conftest import messages_on, stored_files


def test_the_demo_thread_is_added_once(db, upload_folder):
    organisation = OrganisationFactory(name="Harbour Recovery Community")
    grantee = UserFactory(email="applicant@example.org", full_name="Demo Grantee", organisation=organisation,
                          roles=[Role.APPLICANT])
    officer = UserFactory(email="officer@example.org", full_name="Demo Officer", roles=[Role.GRANTS_OFFICER])
    award = AwardFactory(organisation=organisation, status=AwardStatus.ACCEPTED, accepted_at=utcnow())
    award.application.project_title = demo_messages.PROJECT
    db.session.flush()

    demo_messages.seed()
    demo_messages.seed()
    messages = messages_on(award.application)
    assert [m.from_staff for m in messages] == [True, False, True, False]
    assert all(m.sent_at < utcnow() for m in messages)
    [attachment] = messages[1].attachments
    assert attachment.original_filename == demo_messages.ATTACHMENT
    assert [path.name for path in stored_files(upload_folder)] == [attachment.stored_name]
    # The grantee's latest question waits for the officer; the grantee has read everything.
    assert threads.new_count(award.application, officer) == 1
    assert threads.new_count(award.application, grantee) == 0

