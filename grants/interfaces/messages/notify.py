"""Whom a new message on a thread is emailed to, and the emails (grants/data/emails/messages.toml).

A message from the grants team goes to the organisation's active members at the addresses they sign
in with, so that nobody needs a personal address typed in anywhere. A message from the organisation
goes to the grant's officer (as the award's other news does), or before an award to whoever last wrote
for the grants team on the thread, or else to every active grants officer, so that it is never unseen.

The email says who wrote, about which application, and links to the thread. It never carries the
message itself, which may hold personal information: the reader signs in to read it.
"""

from __future__ import annotations

from sqlalchemy import select

from grants.email_templates import Value, send_template
from grants.extensions import db
from grants.interfaces.applications.submission import APPLICATION_STAFF
from grants.interfaces.awards.offers import active_grants_officers, officers_to_tell
from grants.links import public_url
from grants.models.accounts import User
from grants.models.applications import Application
from grants.models.awards import Award
from grants.models.messages import ThreadMessage

TO_ORGANISATION = "thread_message_to_organisation"
TO_STAFF = "thread_message_to_staff"


def award_of(application: Application) -> Award | None:
    """The award made on ``application``, if any: its thread carries on on the grant's pages."""
    return db.session.scalar(select(Award).where(Award.application_id == application.id))


def organisation_recipients(application: Application) -> list[User]:
    """The organisation's active members, by their account addresses."""
    return list(db.session.scalars(
        select(User).where(User.organisation_id == application.organisation_id, User.active.is_(True))
        .order_by(User.id)))


def staff_recipients(application: Application) -> list[User]:
    """The grant's officer; before an award, the last of the grants team to write on the thread if they
    still can; else every active grants officer."""
    award = award_of(application)
    if award is not None:
        return officers_to_tell(award)
    last_writer = db.session.scalar(
        select(User).join(ThreadMessage, ThreadMessage.author_id == User.id)
        .where(ThreadMessage.application_id == application.id, ThreadMessage.from_staff.is_(True))
        .order_by(ThreadMessage.id.desc()).limit(1))
    if last_writer is not None and last_writer.active and last_writer.has_role(*APPLICATION_STAFF):
        return [last_writer]
    return active_grants_officers()


def tell_other_side(message: ThreadMessage) -> None:
    """Email the other side of the thread that ``message`` has arrived (in this transaction)."""
    application = message.application
    if message.from_staff:
        for member in organisation_recipients(application):
            send_template(TO_ORGANISATION, member.email, values_to_organisation(message, member))
    else:
        for officer in staff_recipients(application):
            if officer.id != message.author_id:
                send_template(TO_STAFF, officer.email, values_to_staff(message, officer))


def _common(message: ThreadMessage, recipient: User) -> dict[str, Value]:
    application = message.application
    return {
        "name": recipient.full_name,
        "sender": message.author.full_name if message.author else "Someone who has since left",
        "reference": application.reference or "your application",
        "project": application.project_title or application.reference or "your application",
        "has attachments": bool(message.attachments),
        "link": public_url("messages.thread", application_id=application.id),
    }


def values_to_organisation(message: ThreadMessage, member: User) -> dict[str, Value]:
    return _common(message, member)


def values_to_staff(message: ThreadMessage, officer: User) -> dict[str, Value]:
    return {**_common(message, officer), "organisation": message.application.organisation.name}


def _example(from_staff: bool) -> ThreadMessage | None:
    return db.session.scalar(select(ThreadMessage).where(ThreadMessage.from_staff.is_(from_staff))
                             .order_by(ThreadMessage.id.desc()).limit(1))


def example_to_organisation() -> dict[str, Value] | None:
    """The newest message from the grants team, as its email to the organisation's first member said."""
    message = _example(from_staff=True)
    members = organisation_recipients(message.application) if message is not None else []
    if message is None or not members:
        return None
    return values_to_organisation(message, members[0])


def example_to_staff() -> dict[str, Value] | None:
    """The newest message from an organisation, as its email to the grants team said."""
    message = _example(from_staff=False)
    officers = staff_recipients(message.application) if message is not None else []
    if message is None or not officers:
        return None
    return values_to_staff(message, officers[0])
