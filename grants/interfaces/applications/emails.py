"""The values of the applicants' emails about their applications (grants/data/emails/applications.toml),
and examples of them from real records for the administrators' previews."""

from __future__ import annotations

from sqlalchemy import select

from grants.email_templates import Value, send_template
from grants.extensions import db
from grants.formatting import london_datetime, money
from grants.links import public_url
from grants.models.applications import Application, ApplicationStatus


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
