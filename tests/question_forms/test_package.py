"""The package's own promises: no database, files of a readable size, fields named by question id,
and a definition it cannot build refused in words."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from grants.form_definitions import Kind, standard
from grants.form_definitions.rules import RESERVED_QUESTION_IDS
from grants.question_forms import RESERVED_IDS, section_form
from tests.form_definitions.builders import question
from tests.question_forms.helpers import CONTEXT, build, definition_of

PACKAGE = Path(__file__).resolve().parents[2] / "grants" / "question_forms"
# The round's values come in a RoundContext: nothing here reads the database or today's fixed forms.
FORBIDDEN = ("flask_sqlalchemy", "sqlalchemy", "grants.models", "grants.extensions", "grants.interfaces",
             "grants.application_form.forms", "grants.application_form.sections")


@pytest.mark.parametrize("module", sorted(PACKAGE.glob("*.py")), ids=lambda path: path.name)
def test_each_module_imports_no_database_and_stays_readable(module):
    tree = ast.parse(module.read_text())
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in imported if name.startswith(FORBIDDEN)]
    assert len(module.read_text().splitlines()) <= 400


def test_each_field_is_named_by_its_question_id_in_order():
    definition = standard(Kind.APPLICATION)
    for section in definition.sections:
        form = build(definition, section.id)
        assert [field.name for field in form] == [q.id for q in section.questions]


@pytest.mark.parametrize("reserved", ["data", "errors", "meta", "validate", "process", "on_submit", "csrf_token"])
def test_a_question_id_the_form_uses_itself_is_refused(reserved):
    assert reserved in RESERVED_IDS
    # Import refuses it (grants/form_definitions/rules.py); a definition made in code is refused here too.
    allowed = definition_of(question("anything", "short_text", "Anything"))
    section = allowed.sections[0]
    clash = replace(allowed, sections=(replace(section, questions=(replace(section.questions[0], id=reserved),)),))
    with pytest.raises(ValueError, match=f"^{reserved}: a question's id cannot be a name the form uses for itself$"):
        build(clash)


def test_the_format_refuses_every_name_the_form_uses_for_itself():
    """The engine cannot import WTForms, so it keeps its own list: it must cover every name here."""
    assert {name for name in RESERVED_IDS if name.islower()} <= RESERVED_QUESTION_IDS


def test_monitoring_questions_are_refused_in_words():
    definition = standard(Kind.MONITORING)
    with pytest.raises(ValueError, match="milestone_progress questions are asked in a monitoring return"):
        build(definition, "activities")


def test_a_section_the_form_does_not_have():
    with pytest.raises(ValueError, match="^the form has no section nowhere$"):
        section_form(standard(Kind.APPLICATION), "nowhere", CONTEXT)


def test_the_other_standard_forms_build_and_check_their_questions():
    for kind in (Kind.ELIGIBILITY, Kind.EXPRESSION_OF_INTEREST):
        definition = standard(kind)
        for section in definition.sections:
            form = build(definition, section.id, data={})
            assert not form.validate() and form.errors
