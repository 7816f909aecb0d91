"""The applicant's pages: dashboard, task list, sections, check answers, submit, withdraw."""

from __future__ import annotations

from grants.application_form.sections import SECTIONS, answers
from grants.blueprints.applications import bp


@bp.app_context_processor
def _application_answers():
    # For applications/_answers.html, which officers' pages include too.
    return {"sections": SECTIONS, "section_answers": answers}
