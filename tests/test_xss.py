"""Stored text never becomes markup: a payload is put into every free-text column of every record
the access matrix uses, then every page is opened by every role allowed to, and no page may contain
the element the payload would create."""

from __future__ import annotations

import pytest
from sqlalchemy import String, Text, select, update

from grants.extensions import db as _db
from grants.models.applications import ApplicationSection
from tests.figures import report
from tests.helpers import page
from tests.test_access import ACCESS, ACTORS, ANY, PUBLIC, ROLE_OF, _rules, _url, objects  # noqa: F401

PAYLOAD = '"><i id=xss>'
# The payload is shown as typed, as it must be: the page's own words are still read (tests/visible_text.py).
pytestmark = pytest.mark.visible_text(allow=[PAYLOAD])
# Free text that people type (not identifiers, codes, hashes or addresses the app looks things up by).
FREE_TEXT = {
    "organisations": ["name", "address_line_1", "address_line_2", "town", "county", "contact_name"],
    "outbox_messages": ["subject", "body"],
    "rubrics": ["name", "description"],
    "rubric_criteria": ["title", "guidance"],
    "funding_rounds": ["name", "description", "guidance"],
    "partners": ["name"],
    "users": ["full_name"],
    "agreements": ["title", "legal_basis", "fund_manager", "notes"],
    "budget_lines": ["name"],
    "applications": ["project_title", "screening_reason", "feedback"],
    "application_documents": ["original_filename"],
    "audit_events": ["actor_label", "summary"],
    "clarifications": ["question", "answer"],
    "awards": ["amount_reason", "special_conditions", "accepted_name", "accepted_position", "withdrawn_reason"],
    "instalments": ["hold_reason", "payment_reference"],
    "monitoring_returns": ["review_comments"],
    "variations": ["reason", "decision_reason"],
    "repayments": ["reason", "received_reference"],
    "conflict_declarations": ["reason"],
    "moderated_scores": ["reason"],
    "funding_decisions": ["reason"],
    "sroi_parameter_sets": ["name", "notes"],
}


def _poison() -> int:
    """Append the payload to every free-text value (within each column's length); returns the count."""
    changed = 0
    tables = {table.name: table for table in _db.metadata.sorted_tables}
    for name, columns in FREE_TEXT.items():
        table = tables.get(name)
        if table is None:
            continue
        for column_name in columns:
            column = table.c[column_name]
            assert isinstance(column.type, String | Text), (name, column_name)
            length = getattr(column.type, "length", None)
            for key, value in _db.session.execute(select(table.primary_key.columns.values()[0], column)).all():
                text = value or "text"
                if length:
                    text = text[: length - len(PAYLOAD)]
                _db.session.execute(update(table).where(table.primary_key.columns.values()[0] == key)
                                    .values({column_name: text + PAYLOAD}))
                changed += 1
    return changed


def test_no_page_turns_stored_text_into_markup(app, users, objects, as_role):  # noqa: F811 - the fixture
    application_id = objects["application_id"]
    _db.session.add(ApplicationSection(application_id=application_id, key="project", complete=True, answers={
        "title": ["Café" + PAYLOAD], "summary": ["A summary" + PAYLOAD], "activities": ["Things" + PAYLOAD]}))
    _db.session.flush()
    poisoned = _poison()
    _db.session.flush()
    _db.session.expire_all()

    found, pages = [], 0
    for rule in _rules(app):
        if "GET" not in rule.methods:
            continue
        expected = ACCESS[rule.endpoint]
        actors = ACTORS if expected in {PUBLIC, ANY} else [a for a in ACTORS if ROLE_OF[a] in expected]
        for actor in actors or ["anonymous"]:
            client = app.test_client() if actor == "anonymous" else as_role(actor)
            response = client.get(_url(app, rule, objects))
            if "text/html" not in response.content_type:
                continue
            pages += 1
            if page(response).select_one("#xss") is not None or PAYLOAD in response.get_data(as_text=True):
                found.append(f"{actor} {rule.endpoint}")
    assert not found, "payload rendered as markup on:\n" + "\n".join(found)
    assert pages > 100 and poisoned > 50
    report(f"XSS: payload in {poisoned} stored values; {pages} pages checked, none rendered it as markup")
