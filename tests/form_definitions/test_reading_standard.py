"""Reading a standard form from its file (grants/form_definitions/standard/<kind>.json): checked like
any import, and of the kind its name says. The shipped forms themselves are tested in
test_standard_forms.py."""

from __future__ import annotations

import json

import pytest

from grants.form_definitions import FormDefinitionError, Kind, Problem, standard, standard_forms
from grants.form_definitions.standard_forms import read_standard
from tests.form_definitions.builders import form, question


def write(folder, name: str, document: dict) -> None:
    (folder / name).write_text(json.dumps(document), encoding="utf-8")


def test_a_standard_form_is_read_from_the_file_of_its_kind(tmp_path):
    write(tmp_path, "monitoring.json", form(question("spend", "spend_by_budget_line"), kind="monitoring"))
    definition = read_standard(Kind.MONITORING, tmp_path)
    assert definition.kind is Kind.MONITORING
    assert [q.id for q in definition.questions()] == ["spend"]


def test_a_standard_form_of_another_kind_is_refused(tmp_path):
    write(tmp_path, "eligibility.json", form(question(), kind="monitoring"))
    with pytest.raises(FormDefinitionError) as refused:
        read_standard(Kind.ELIGIBILITY, tmp_path)
    assert refused.value.problems == [
        Problem("form", "standard/eligibility.json is a monitoring form, not an eligibility form")]


def test_a_standard_form_is_checked_like_any_import(tmp_path):
    write(tmp_path, "eligibility.json", form(question("q1", show_if={"question": "q0", "equals": "yes"})))
    with pytest.raises(FormDefinitionError) as refused:
        read_standard(Kind.ELIGIBILITY, tmp_path)
    assert refused.value.problems == [Problem("q1", "shown only if q0, which is not a question in this form")]


def test_standard_reads_each_file_once(tmp_path, monkeypatch):
    write(tmp_path, "eligibility.json", form(question(), title="First"))
    monkeypatch.setattr(standard_forms, "STANDARD_FORMS", tmp_path)
    standard.cache_clear()
    try:
        first = standard(Kind.ELIGIBILITY)
        write(tmp_path, "eligibility.json", form(question(), title="Second"))
        assert standard(Kind.ELIGIBILITY) is first
        assert first.title == "First"
    finally:
        standard.cache_clear()
