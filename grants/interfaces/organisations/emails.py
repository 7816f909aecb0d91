"""The values of the emails about organisations' members (grants/data/emails/organisations.toml), and
examples of them from real records for the administrators' previews."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from grants.email_templates import Value, send_template
from grants.extensions import db
from grants.formatting import duration
from grants.links import public_url
from grants.models.accounts import User
from grants.models.mail import OutboxMessage
from grants.models.organisations import Organisation, OrganisationInvite

# Where the token goes in a preview's link: not a token, so the link says it is not valid.
EXAMPLE_TOKEN = "example"


def invite_values(organisation: Organisation, inviter_name: str, token: str) -> dict[str, Value]:
    return {
        "inviter name": inviter_name,
        "organisation name": organisation.name,
        "service name": current_app.config["SERVICE_NAME"],
        "link lifetime": duration(current_app.config["INVITE_MAX_AGE"]),
        "link": public_url("invites.accept", token=token),
    }


def send_invite(organisation: Organisation, email: str, inviter: User, token: str) -> OutboxMessage:
    """Email ``email`` the invitation to join (``token`` from ``membership.invite_member``)."""
    return send_template("organisation_invite", email, invite_values(organisation, inviter.full_name, token))


def example_invite() -> dict[str, Value] | None:
    invite = db.session.scalars(select(OrganisationInvite).where(OrganisationInvite.invited_by_id.is_not(None))
                                .order_by(OrganisationInvite.created_at.desc(), OrganisationInvite.id.desc())
                                .limit(1)).first()
    if invite is None or invite.invited_by is None:
        return None
    return invite_values(invite.organisation, invite.invited_by.full_name, EXAMPLE_TOKEN)
