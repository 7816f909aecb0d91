"""The values of the emails about screening, questions and shortlisting (grants/data/emails/screening.toml),
and examples of them from real records for the administrators' previews."""

from __future__ import annotations

from sqlalchemy import select

from grants.email_templates import Value, send_template
from grants.extensions import db
from grants.formatting import london_datetime
from grants.interfaces.applications.stages import EOI, FULL
from grants.links import public_url
from grants.models.accounts import User
from grants.models.applications import Application, ApplicationStatus, Clarification
from grants.models.mail import OutboxMessage


def _application_values(application: Application, untitled: str = "your project") -> dict[str, Value]:
    return {
        "organisation name": application.organisation.name,
        "round name": application.funding_round.name,
        "reference": application.reference or "",
        "project title": application.project_title or untitled,
    }


# Screening ---------------------------------------------------------------------------------------

def screening_values(application: Application, passed: bool) -> dict[str, Value]:
    """The values of the eligible (``passed``) or the ineligible email."""
    values: dict[str, Value] = {
        **_application_values(application),
        "contact name": application.organisation.contact_name or "",
        "link": public_url("applications.task_list", application_id=application.id),
    }
    if not passed:
        values["reason"] = application.screening_reason or ""
    return values


def tell_of_screening(application: Application, passed: bool) -> OutboxMessage:
    """Email the organisation's contact the result: passed to the panel, or not eligible and why."""
    key = "application_eligible" if passed else "application_ineligible"
    return send_template(key, application.organisation.contact_email, screening_values(application, passed))


def _newest_screened(*statuses: ApplicationStatus) -> Application | None:
    return db.session.scalars(
        select(Application).where(Application.stage == FULL, Application.screened_at.is_not(None),
                                  Application.status.in_(statuses))
        .order_by(Application.screened_at.desc(), Application.id.desc()).limit(1)).first()


def example_eligible() -> dict[str, Value] | None:
    passed = [status for status in ApplicationStatus
              if status not in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.INELIGIBLE)]
    application = _newest_screened(*passed)
    return None if application is None else screening_values(application, True)


def example_ineligible() -> dict[str, Value] | None:
    application = _newest_screened(ApplicationStatus.INELIGIBLE)
    return None if application is None else screening_values(application, False)


# Questions (clarifications) ----------------------------------------------------------------------

def clarification_asked_values(clarification: Clarification) -> dict[str, Value]:
    application = clarification.application
    return {
        **_application_values(application),
        "contact name": application.organisation.contact_name or "",
        "link": public_url("applications.clarification", application_id=application.id,
                           clarification_id=clarification.id),
    }


def tell_of_question(clarification: Clarification) -> OutboxMessage:
    """Email the organisation's contact that a grants officer has a question (not the question itself)."""
    return send_template("clarification_asked", clarification.application.organisation.contact_email,
                         clarification_asked_values(clarification))


def clarification_answered_values(clarification: Clarification, officer: User) -> dict[str, Value]:
    application = clarification.application
    asker = clarification.asked_by
    asked_by_you = clarification.asked_by_id == officer.id
    return {
        **_application_values(application, untitled="no project title"),
        "officer name": officer.full_name,
        "asked by you": asked_by_you,
        "asked by someone else": not asked_by_you and asker is not None,
        "asker unknown": not asked_by_you and asker is None,
        "asker name": asker.full_name if asker is not None else "",
        "link": public_url("screening.application", application_id=application.id, _anchor="clarifications"),
    }


def tell_of_answer(clarification: Clarification, officer: User) -> OutboxMessage:
    return send_template("clarification_answered", officer.email, clarification_answered_values(clarification, officer))


def example_clarification_asked() -> dict[str, Value] | None:
    clarification = db.session.scalars(
        select(Clarification).order_by(Clarification.asked_at.desc(), Clarification.id.desc()).limit(1)).first()
    return None if clarification is None else clarification_asked_values(clarification)


def example_clarification_answered() -> dict[str, Value] | None:
    # The officer who asked stands for whoever is told.
    clarification = db.session.scalars(
        select(Clarification).where(Clarification.answered_at.is_not(None), Clarification.asked_by_id.is_not(None))
        .order_by(Clarification.answered_at.desc(), Clarification.id.desc()).limit(1)).first()
    if clarification is None or clarification.asked_by is None:
        return None
    return clarification_answered_values(clarification, clarification.asked_by)


# Shortlisting expressions of interest ------------------------------------------------------------

def shortlisting_values(eoi: Application, shortlisted: bool) -> dict[str, Value]:
    """The values of the shortlisted (``shortlisted``) or the not shortlisted email."""
    values: dict[str, Value] = {
        **_application_values(eoi),
        "link": public_url("applications.task_list", application_id=eoi.id),
    }
    if not shortlisted:
        values["reason"] = eoi.shortlist_reason or ""
    else:
        values |= {
            "has note": bool(eoi.shortlist_reason),
            "note": eoi.shortlist_reason or "",
            "full application deadline": london_datetime(eoi.funding_round.closes_at),
        }
    return values


def tell_of_shortlisting(eoi: Application, shortlisted: bool, recipients: list[str]) -> None:
    key = "eoi_shortlisted" if shortlisted else "eoi_not_shortlisted"
    values = shortlisting_values(eoi, shortlisted)
    for email in recipients:
        send_template(key, email, values)


def _newest_decided(status: ApplicationStatus) -> Application | None:
    return db.session.scalars(
        select(Application).where(Application.stage == EOI, Application.status == status,
                                  Application.shortlisted_at.is_not(None))
        .order_by(Application.shortlisted_at.desc(), Application.id.desc()).limit(1)).first()


def example_shortlisted() -> dict[str, Value] | None:
    eoi = _newest_decided(ApplicationStatus.SUCCESSFUL)
    return None if eoi is None else shortlisting_values(eoi, True)


def example_not_shortlisted() -> dict[str, Value] | None:
    eoi = _newest_decided(ApplicationStatus.UNSUCCESSFUL)
    return None if eoi is None else shortlisting_values(eoi, False)
