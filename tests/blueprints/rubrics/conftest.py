"""Fixtures for the rubric pages: signed-in staff, a rubric, and the edit form as the page sends it.

``rubric``: the factory's two-criterion rubric (fit and value, 50% each, scored 0 to 4, with a
descriptor for every score), used by no round.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants.models.audit import AuditEvent
from tests.factories import RubricFactory
from tests.helpers import page


@pytest.fixture
def officer(as_role):
    return as_role("grants_officer")


@pytest.fixture
def admin(as_role):
    return as_role("admin")


@pytest.fixture
def rubric(db):
    return RubricFactory(name="Community safety rubric")


@pytest.fixture
def events(db):
    """``events(action)``: the audit events with that action, oldest first."""

    def _events(action: str) -> list[AuditEvent]:
        return list(
            db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        )

    return _events


def form_from(soup) -> dict:
    """What a page's form sends when nothing is changed: every input and textarea, by name."""
    form = {}
    for element in soup.select("form[method=post]:not([action]) input, form[method=post]:not([action]) textarea"):
        name = element.get("name")
        if not name or name in {"csrf_token", "action"} or element.name == "button":
            continue
        form[name] = element.get_text() if element.name == "textarea" else element.get("value", "")
    return form


@pytest.fixture
def edit_form(officer):
    """``edit_form(rubric, {"criteria-0-weight": "40"})``: what the edit page sends back when
    "Save changes" is pressed, with those changes made."""

    def _form(rubric, changes: dict | None = None) -> dict:
        soup = page(officer.get(f"/rubrics/{rubric.id}/edit"))
        return form_from(soup) | {"action": "save"} | (changes or {})

    return _form
