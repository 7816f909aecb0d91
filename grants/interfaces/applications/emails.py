"""The values of the applicants' emails about their applications (grants/data/emails/applications.toml),
and examples of them from real records for the administrators' previews."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from grants.email_templates import Value, send_template
from grants.extensions import db
from grants.formatting import duration, london_datetime, money
from grants.interfaces.applications.partners import INVITE_MAX_AGE
from grants.links import public_url
from grants.models.accounts import User
from grants.models.applications import Application, ApplicationPartner, ApplicationStatus
from grants.models.mail import OutboxMessage


def submitted_values(application: Application) -> dict[str, Value]:
    return {
        "contact name": application.organisation.contact_name or "",
        "organisation name": application.organisation.name,
        "what": application.noun,
        "kind": application.noun.capitalize(),
        "round name": application.funding_round.name,
        "reference": application.reference or "",
        "project title": application.project_title or "",
        "amount requested": money(application.amount_requested),
        "submitted": london_datetime(application.submitted_at),
        "expression of interest": application.is_expression_of_interest,
        "full application": not application.is_expression_of_interest,
        "full application deadline": london_datetime(application.funding_round.closes_at),
        "link": public_url("applications.task_list", application_id=application.id),
    }


def tell_of_submission(application: Application) -> None:
    """Email the organisation's contact that its application (or expression of interest) arrived."""
    send_template("application_submitted", application.organisation.contact_email, submitted_values(application))


def example_submitted() -> dict[str, Value] | None:
    application = db.session.scalars(
        select(Application).where(Application.status != ApplicationStatus.DRAFT, Application.submitted_at.is_not(None))
        .order_by(Application.submitted_at.desc()).limit(1)).first()
    return None if application is None else submitted_values(application)


# Partners' invitations -----------------------------------------------------------------------------
# Where the token goes in a preview's link: not a token, so the link says it is not valid.
EXAMPLE_TOKEN = "example"


def partner_invite_values(partner: ApplicationPartner, inviter_name: str, token: str) -> dict[str, Value]:
    application = partner.application
    return {
        "contact name": partner.contact_name or "",
        "named": bool(partner.contact_name),
        "inviter name": inviter_name,
        "lead organisation name": application.organisation.name,
        "partner name": partner.name,
        "round name": application.funding_round.name,
        "service name": current_app.config["SERVICE_NAME"],
        "link lifetime": duration(INVITE_MAX_AGE),
        "link": public_url("applications.accept_partner_invitation", token=token),
    }


def send_partner_invite(partner: ApplicationPartner, email: str, inviter: User, token: str) -> OutboxMessage:
    """Email the partner's contact the invitation (``token`` from ``partners.invite_contact``)."""
    return send_template("partner_invite", email, partner_invite_values(partner, inviter.full_name, token))


def example_partner_invite() -> dict[str, Value] | None:
    partner = db.session.scalars(
        select(ApplicationPartner).where(ApplicationPartner.invited_by_id.is_not(None))
        .order_by(ApplicationPartner.invited_at.desc(), ApplicationPartner.id.desc()).limit(1)).first()
    if partner is None or partner.invited_by is None:
        return None
    return partner_invite_values(partner, partner.invited_by.full_name, EXAMPLE_TOKEN)
