"""``flask forms export`` and ``flask forms import``: a round's forms as JSON files."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from grants.form_definitions import Kind, dump, dumps, loads, standard
from grants.interfaces.round_forms import versions
from grants.models.audit import AuditEvent
from grants.models.round_forms import RoundForm
from tests.blueprints.round_forms.conftest import HOTSPOTS, edited
from tests.factories import FundingRoundFactory


@pytest.fixture
def draft_round(db):
    return FundingRoundFactory(name="Safer Neighbourhoods 2027", published_at=None)


@pytest.fixture
def open_round(db):
    return FundingRoundFactory(name="Community Safety Fund 2026")


@pytest.fixture
def forms(app):
    """``forms("export", "12")``: the result of ``flask forms ...``, stdout and stderr apart."""
    return lambda *args: app.test_cli_runner().invoke(args=["forms", *args])


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# Export ------------------------------------------------------------------------------------------

def test_export_prints_the_current_application_form(forms, draft_round, users):
    versions.save(draft_round, Kind.APPLICATION, edited(extra=HOTSPOTS), users["grants_officer"])

    result = forms("export", str(draft_round.id))

    assert result.exit_code == 0, result.output
    assert result.stdout == dumps(edited(extra=HOTSPOTS))
    assert loads(result.stdout) == edited(extra=HOTSPOTS)


def test_export_writes_a_kind_to_a_file(forms, draft_round, tmp_path):
    target = tmp_path / "eligibility.json"

    result = forms("export", str(draft_round.id), "--kind", "eligibility", "--output", str(target))

    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == dumps(standard(Kind.ELIGIBILITY))
    assert result.stdout == f"Wrote the eligibility check of Safer Neighbourhoods 2027 to {target}\n"


def test_export_of_a_round_that_does_not_exist_fails(forms, db):
    result = forms("export", "999999")
    assert result.exit_code == 1
    assert result.stderr == "Error: There is no funding round with the id 999999\n"


def test_export_refuses_an_unknown_kind(forms, draft_round):
    result = forms("export", str(draft_round.id), "--kind", "budget")
    assert result.exit_code == 2
    assert "'budget' is not one of" in result.stderr


# Import ------------------------------------------------------------------------------------------

def test_import_stores_the_file_as_the_next_version(forms, db, draft_round, tmp_path):
    source = tmp_path / "form.json"
    source.write_text(dumps(edited(extra=HOTSPOTS)), encoding="utf-8")

    result = forms("import", str(source), "--round", str(draft_round.id))

    assert result.exit_code == 0, result.output
    assert result.stdout == "Imported the application form of Safer Neighbourhoods 2027 as version 1\n"
    assert versions.current(draft_round, Kind.APPLICATION) == edited(extra=HOTSPOTS)
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "round_form.imported")).all()
    assert (event.actor_id, event.actor_label) == (None, "Command line (flask forms)")
    assert event.summary == "Version 1 of the application form of Safer Neighbourhoods 2027 imported from a file"

    again = forms("import", str(source), "--round", str(draft_round.id))
    assert again.stdout == "Imported the application form of Safer Neighbourhoods 2027 as version 2\n"


def test_import_takes_the_kind_from_the_file(forms, draft_round, tmp_path):
    source = tmp_path / "eoi.json"
    source.write_text(dumps(edited(Kind.EXPRESSION_OF_INTEREST, title="Tell us your idea")), encoding="utf-8")

    result = forms("import", str(source), "--round", str(draft_round.id))

    assert result.exit_code == 0, result.output
    assert "Imported the expression of interest form of Safer Neighbourhoods 2027 as version 1" in result.stdout
    assert versions.current(draft_round, Kind.EXPRESSION_OF_INTEREST).title == "Tell us your idea"
    assert versions.current_version(draft_round, Kind.APPLICATION) is None


def test_export_then_import_round_trips_to_the_identical_form(forms, draft_round, users, tmp_path):
    other = FundingRoundFactory(name="Copy target", published_at=None)
    versions.save(draft_round, Kind.APPLICATION, edited(extra=HOTSPOTS), users["grants_officer"])
    exported = tmp_path / "exported.json"

    assert forms("export", str(draft_round.id), "--output", str(exported)).exit_code == 0
    assert forms("import", str(exported), "--round", str(other.id)).exit_code == 0

    assert versions.current(other, Kind.APPLICATION) == versions.current(draft_round, Kind.APPLICATION)
    assert forms("export", str(other.id)).stdout == exported.read_text(encoding="utf-8")


def test_a_bad_file_prints_every_problem_and_saves_nothing(forms, db, draft_round, tmp_path):
    document = dump(standard(Kind.APPLICATION))
    questions = document["sections"][0]["questions"]
    questions.append(dict(questions[0]))  # an id used twice
    questions.append(HOTSPOTS | {"show_if": {"question": "no_such_question", "equals": "yes"}})
    text = json.dumps(document)
    source = tmp_path / "bad.json"
    source.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as expected:
        loads(text)
    audit_before = _count(db, AuditEvent)

    result = forms("import", str(source), "--round", str(draft_round.id))

    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    problems = expected.value.problems
    assert len(problems) >= 2
    assert lines == [*(f"{p.where}: {p.message}" for p in problems),
                     f"Nothing has been imported: {len(problems)} problems in {source}"]
    assert any(line.startswith(f"{questions[0]['id']}: ") for line in lines)
    assert any(line.startswith("asb_hotspots: ") for line in lines)
    assert _count(db, RoundForm) == 0
    assert _count(db, AuditEvent) == audit_before


@pytest.mark.parametrize("content, message", [
    (b"{not json", "form: the file is not JSON"),
    ('{"title": "Caf\xe9"}'.encode("latin-1"), "form: the file is not JSON: it is not text in UTF-8"),
])
def test_a_file_that_is_not_json_is_refused(forms, db, draft_round, tmp_path, content, message):
    source = tmp_path / "form.json"
    source.write_bytes(content)

    result = forms("import", str(source), "--round", str(draft_round.id))

    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert result.stderr.endswith(f"Nothing has been imported: 1 problem in {source}\n")
    assert _count(db, RoundForm) == 0


def test_import_into_an_open_round_needs_a_reason(forms, db, open_round, tmp_path):
    source = tmp_path / "form.json"
    source.write_text(dumps(edited()), encoding="utf-8")

    refused = forms("import", str(source), "--round", str(open_round.id))
    assert refused.exit_code == 1
    assert refused.stderr == "Error: Enter the reason for changing the application form of a round that has opened\n"
    assert _count(db, RoundForm) == 0

    result = forms("import", str(source), "--round", str(open_round.id), "--reason", "Hint corrected")
    assert result.exit_code == 0, result.output
    assert versions.current_version(open_round, Kind.APPLICATION).reason == "Hint corrected"


def test_import_into_a_round_that_does_not_exist_fails(forms, db, tmp_path):
    source = tmp_path / "form.json"
    source.write_text(dumps(edited()), encoding="utf-8")
    result = forms("import", str(source), "--round", "999999")
    assert result.exit_code == 1
    assert result.stderr == "Error: There is no funding round with the id 999999\n"


def test_import_needs_a_file_that_exists_and_a_round(forms, draft_round, tmp_path):
    missing = forms("import", str(tmp_path / "nowhere.json"), "--round", str(draft_round.id))
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
    source = tmp_path / "form.json"
    source.write_text(dumps(edited()), encoding="utf-8")
    no_round = forms("import", str(source))
    assert no_round.exit_code == 2 and "Missing option '--round'" in no_round.stderr
