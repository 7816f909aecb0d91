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


# A question of every type an application can ask (the structured ones are in the standard form).
EVERY_TYPE = [
    {"id": "x_short", "type": "short_text"}, {"id": "x_long", "type": "long_text", "limits": {"max_words": 50}},
    {"id": "x_number", "type": "whole_number"}, {"id": "x_money", "type": "money"},
    {"id": "x_percentage", "type": "percentage"}, {"id": "x_date", "type": "date"},
    {"id": "x_yes_no", "type": "yes_no"},
    {"id": "x_one", "type": "one_choice", "options": [{"value": "a", "label": "A" + PAYLOAD, "hint": "H" + PAYLOAD},
                                                      {"value": "b", "label": "B" + PAYLOAD}]},
    {"id": "x_several", "type": "several_choices", "options": [{"value": "a", "label": "A" + PAYLOAD},
                                                               {"value": "b", "label": "B" + PAYLOAD}]},
    {"id": "x_declaration", "type": "declaration"}, {"id": "x_email", "type": "email"},
    {"id": "x_phone", "type": "phone"}, {"id": "x_address", "type": "uk_address"},
    {"id": "x_file", "type": "file", "limits": {"file_types": ["pdf"], "max_mb": 5}},
    {"id": "x_shown", "type": "short_text", "show_if": {"question": "x_yes_no", "equals": "yes"}},
]


def _poisoned_form():
    """The standard application form with the payload in every title, label, hint, guidance and option,
    and a section asking a question of every type: what staff type into the builder is text too."""
    from grants.form_definitions import Kind, dump, load, standard

    document = dump(standard(Kind.APPLICATION))
    document["sections"].append({"id": "everything", "title": "Everything", "questions": [
        {"label": f"Question {question['id']}", **question, "required": question["type"] == "declaration"}
        for question in EVERY_TYPE]})
    for section in document["sections"]:
        section["title"] += PAYLOAD
        section["description"] = "About this" + PAYLOAD
        for question in section["questions"]:
            question["label"] = question["label"][:250] + PAYLOAD
            question["hint"] = "A hint" + PAYLOAD
            question["guidance"] = "Some *guidance*" + PAYLOAD
            for option in question.get("options", []):
                option["label"] = option["label"].removesuffix(PAYLOAD) + PAYLOAD
    return load(document)


def _answers_of_every_type() -> dict[str, list[str]]:
    return {"x_short": ["Short" + PAYLOAD], "x_long": ["Long" + PAYLOAD], "x_number": ["12" + PAYLOAD],
            "x_money": ["£1" + PAYLOAD], "x_percentage": ["5" + PAYLOAD], "x_date": ["1", "2" + PAYLOAD, "2027"],
            "x_yes_no": ["yes"], "x_one": ["a" + PAYLOAD], "x_several": ["a", PAYLOAD], "x_declaration": ["y"],
            "x_email": ["a@example.org" + PAYLOAD], "x_phone": ["0" + PAYLOAD],
            "x_address-line_1": ["1 Street" + PAYLOAD], "x_address-town": ["Town" + PAYLOAD],
            "x_address-postcode": ["PL1" + PAYLOAD], "x_shown": ["Shown" + PAYLOAD]}


def test_no_page_turns_stored_text_into_markup(app, users, objects, as_role):  # noqa: F811 - the fixture
    from grants.form_definitions import Kind
    from grants.interfaces.round_forms import versions
    from grants.models.applications import Application
    from grants.models.rounds import FundingRound

    application_id = objects["application_id"]
    funding_round = _db.session.get(FundingRound, objects["round_id"])
    row = versions.save(funding_round, Kind.APPLICATION, _poisoned_form(), by=None, reason="Every type" + PAYLOAD)
    for pinned in (application_id, objects["bid_id"]):
        _db.session.get(Application, pinned).form = row
    _db.session.add(ApplicationSection(application_id=application_id, key="project", complete=True, answers={
        "title": ["Café" + PAYLOAD], "summary": ["A summary" + PAYLOAD], "activities": ["Things" + PAYLOAD]}))
    _db.session.add(ApplicationSection(application_id=application_id, key="everything", complete=False,
                                       answers=_answers_of_every_type()))
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
    # The form's own words were among what was shown (as text): on the builder, its preview and the
    # officer's view of the application.
    officer = as_role("grants_officer")
    for url in (f"/rounds/{funding_round.id}/forms/application/",
                f"/rounds/{funding_round.id}/forms/application/preview/everything",
                f"/screening/applications/{application_id}"):
        assert "Question x_one" + PAYLOAD in page(officer.get(url)).get_text(), url
    report(f"XSS: payload in {poisoned} stored values; {pages} pages checked, none rendered it as markup")
