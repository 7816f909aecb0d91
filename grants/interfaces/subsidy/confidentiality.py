"""Freedom of Information Act 2000: what an applicant considers confidential in its application, and
why. Optional; kept in an ``ApplicationSection`` under ``SECTION_KEY`` and shown to staff, who weigh
it (with the Act's exemptions) if the application is asked for. Marking something confidential does
not stop its disclosure: the notice on the page says so.
"""

from __future__ import annotations

from grants import audit
from grants.models.accounts import User
from grants.models.applications import Application, ApplicationSection
from grants.models.types import utcnow

SECTION_KEY = "confidentiality"
TITLE = "Confidential information"
DETAILS_MAX_CHARACTERS = 2_000


def answers(application: Application) -> dict:
    section = application.section(SECTION_KEY)
    return dict(section.answers or {}) if section is not None else {}


def marked(application: Application) -> str | None:
    """What the applicant marked as confidential and why; None when nothing is."""
    saved = answers(application)
    if saved.get("confidential") != "yes":
        return None
    return saved.get("details") or None


def answered(application: Application) -> bool:
    return application.section(SECTION_KEY) is not None


def save(application: Application, confidential: bool, details: str, user: User) -> None:
    section = application.section(SECTION_KEY)
    before = answers(application)
    if section is None:
        section = ApplicationSection(key=SECTION_KEY, answers={}, complete=False)
        application.sections.append(section)
    section.answers = {"confidential": "yes" if confidential else "no", "details": details if confidential else ""}
    section.complete = True
    section.updated_by_id = user.id
    section.updated_at = utcnow()
    audit.record("application.section_saved", application, f"{TITLE} saved",
                 changes=audit.diff({"confidential": before.get("confidential")},
                                    {"confidential": section.answers["confidential"]}))
