"""Feedback to applicants on a decided bid: published by an officer once the commissioner has
approved the round's decisions, never naming a panel member, and emailed to the organisation.
"""

from __future__ import annotations

import re

from sqlalchemy import select, update

from grants import audit
from grants.email_templates import Value, send_template
from grants.extensions import db
from grants.forms import without_nul
from grants.interfaces.panel.decisions import DECIDED_STATUSES, DecisionError
from grants.interfaces.writes import rows_changed
from grants.links import public_url
from grants.models.accounts import User
from grants.models.applications import Application, ApplicationStatus
from grants.models.panel import PanelMember, ScoreSheet
from grants.models.rounds import FundingRound
from grants.models.types import utcnow

FEEDBACK_MAX_CHARACTERS = 5_000


def feedback_problem(application: Application) -> str | None:
    """Why feedback cannot be published for the bid yet, or None when it can."""
    if application.is_expression_of_interest:
        return "An expression of interest gets its shortlisting decision and reason, not feedback"
    if application.funding_round.decided_at is None or application.status not in DECIDED_STATUSES:
        return "Feedback can be published once the commissioner has approved the funding decisions for the round"
    return None


def _panel_names(funding_round: FundingRound) -> list[str]:
    """Everyone who sat on or scored for the round, by name (longest first)."""
    members = select(PanelMember.user_id).where(PanelMember.round_id == funding_round.id)
    scorers = select(ScoreSheet.user_id).where(ScoreSheet.round_id == funding_round.id)
    names = db.session.scalars(select(User.full_name).where(User.id.in_(members.union(scorers))))
    return sorted({name.strip() for name in names if name and name.strip()}, key=len, reverse=True)


def publish_feedback(application: Application, text: str, officer: User) -> None:
    """Publish (or update) the officer's feedback on a decided bid and email the organisation.

    The text must not name a panel member of the round. One conditional UPDATE on the version
    the officer read, so two officers editing at once cannot overwrite each other unseen.
    """
    problem = feedback_problem(application)
    if problem:
        raise DecisionError(problem)
    text = without_nul(text or "").strip()
    if not text:
        raise DecisionError("Enter the feedback for the applicant", "feedback")
    if len(text) > FEEDBACK_MAX_CHARACTERS:
        raise DecisionError(f"Feedback must be {FEEDBACK_MAX_CHARACTERS:,} characters or fewer", "feedback")
    for name in _panel_names(application.funding_round):
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
            raise DecisionError(f"Feedback must not name panel members: remove {name}", "feedback")
    updating = application.feedback_published_at is not None
    if updating and text == application.feedback:
        raise DecisionError("This feedback is already published: change it to publish an update", "feedback")

    before = {"feedback": application.feedback, "feedback_published_at": application.feedback_published_at,
              "feedback_by_id": application.feedback_by_id}
    after = {"feedback": text, "feedback_published_at": utcnow(), "feedback_by_id": officer.id}
    updated = rows_changed(
        update(Application)
        .where(Application.id == application.id, Application.version == application.version,
               Application.status.in_(DECIDED_STATUSES))
        .values(**after, version=Application.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(application)
    if updated != 1:
        raise DecisionError("Someone else changed this application while you were writing. "
                            "Check its feedback and publish again")
    audit.record(
        "application.feedback_updated" if updating else "application.feedback_published", application,
        f"Feedback {'updated' if updating else 'published'} for {application.reference}",
        changes=audit.diff(before, after), actor=officer,
    )
    send_template("application_outcome", application.organisation.contact_email,
                  outcome_values(application, updating))


def outcome_values(application: Application, updating: bool) -> dict[str, Value]:
    """The values of the email telling an organisation its application's outcome and feedback."""
    successful = application.status is ApplicationStatus.SUCCESSFUL
    return {
        "contact name": application.organisation.contact_name or "",
        "organisation name": application.organisation.name,
        "reference": application.reference or "",
        "project or yours": application.project_title or "your project",
        "round name": application.funding_round.name,
        "updating": updating,
        "first time": not updating,
        "successful": successful and not updating,
        "not successful": not successful and not updating,
        "link": public_url("applications.task_list", application_id=application.id),
    }


def example_outcome() -> dict[str, Value] | None:
    application = db.session.scalars(
        select(Application).where(Application.feedback_published_at.is_not(None))
        .order_by(Application.feedback_published_at.desc()).limit(1)).first()
    return None if application is None else outcome_values(application, updating=False)
