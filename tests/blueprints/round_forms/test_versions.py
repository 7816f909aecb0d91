"""A round's stored forms: versions, freezing when the round opens, the administrator's override, the
audit log, copying, and the JSON import and export."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from grants.form_definitions import FormDefinitionError, Kind, dump, dumps, load, standard
from grants.interfaces.round_forms import versions
from grants.interfaces.rounds import funding_rounds
from grants.models.round_forms import RoundForm
from tests.blueprints.round_forms.conftest import HOTSPOTS, edited


def _ids(definition) -> list[str]:
    return [question.id for question in definition.questions()]


# Reading -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(Kind))
def test_a_round_without_a_form_of_its_own_asks_the_standard_form(draft_round, kind):
    assert versions.current_version(draft_round, kind) is None
    assert versions.current(draft_round, kind) == standard(kind)
    assert versions.export_json(draft_round, kind) == dumps(standard(kind))


def test_each_save_is_the_next_version_and_the_newest_is_current(draft_round, users, stored):
    first = versions.save(draft_round, Kind.APPLICATION, edited(title="First draft"), users["grants_officer"])
    second = versions.save(draft_round, Kind.APPLICATION, edited(title="Second draft"), users["grants_officer"])

    assert (first.version, second.version) == (1, 2)
    assert versions.current_version(draft_round, Kind.APPLICATION).id == second.id
    assert versions.current(draft_round, Kind.APPLICATION).title == "Second draft"
    assert second.created_by_id == users["grants_officer"].id and second.reason is None
    assert second.definition == dump(edited(title="Second draft"))
    # Versions are kept as they were: the first still holds its own definition.
    assert load(first.definition).title == "First draft"
    assert stored(draft_round) == [(Kind.APPLICATION, 1), (Kind.APPLICATION, 2)]


def test_versions_are_counted_for_each_round_and_kind(draft_round, scheduled_round, users, stored):
    officer = users["grants_officer"]
    versions.save(draft_round, Kind.APPLICATION, edited(), officer)
    versions.save(draft_round, Kind.ELIGIBILITY, edited(Kind.ELIGIBILITY, title="Who can apply"), officer)
    versions.save(scheduled_round, Kind.APPLICATION, edited(), officer)

    assert stored(draft_round) == [(Kind.APPLICATION, 1), (Kind.ELIGIBILITY, 1)]
    assert stored(scheduled_round) == [(Kind.APPLICATION, 1)]
    assert versions.current(draft_round, Kind.MONITORING) == standard(Kind.MONITORING)


def test_the_database_refuses_a_version_number_twice(db, draft_round):
    document = dump(standard(Kind.APPLICATION))
    db.session.add(RoundForm(round_id=draft_round.id, kind=Kind.APPLICATION, version=1, definition=document))
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(RoundForm(round_id=draft_round.id, kind=Kind.APPLICATION, version=1, definition=document))
        db.session.flush()


def test_a_save_racing_another_is_refused_in_words(draft_round, users, events, monkeypatch):
    kept = versions.save(draft_round, Kind.APPLICATION, edited(title="Saved first"), users["grants_officer"])
    # As if another request had stored version 1 after this one looked for the newest version.
    monkeypatch.setattr(versions, "_newest_version", lambda funding_round, kind: None)

    with pytest.raises(versions.RoundFormProblem) as refused:
        versions.save(draft_round, Kind.APPLICATION, edited(title="Saved second"), users["grants_officer"])

    assert str(refused.value) == ("Someone else saved a new version of this application form at the same time. "
                                  "Nothing has been saved: try again")
    assert versions.current(draft_round, Kind.APPLICATION).title == "Saved first"
    assert versions.current_version(draft_round, Kind.APPLICATION).id == kept.id
    assert len(events("round_form.saved")) == 1


def test_deleting_a_round_deletes_its_forms(db, draft_round, users):
    versions.save(draft_round, Kind.APPLICATION, edited(), users["grants_officer"])
    round_id = draft_round.id
    funding_rounds.delete_round(draft_round)
    db.session.flush()
    assert db.session.scalar(select(func.count(RoundForm.id)).where(RoundForm.round_id == round_id)) == 0


# Frozen once the round opens -----------------------------------------------------------------------

def test_a_form_can_change_until_its_published_round_opens(scheduled_round, users):
    row = versions.save(scheduled_round, Kind.APPLICATION, edited(), users["grants_officer"])
    assert row.version == 1

    at_opening = scheduled_round.opens_at
    with pytest.raises(versions.FormFrozen):
        versions.save(scheduled_round, Kind.APPLICATION, edited(), users["grants_officer"], now=at_opening)
    just_before = at_opening - timedelta(seconds=1)
    assert versions.save(scheduled_round, Kind.APPLICATION, edited(), users["grants_officer"],
                         now=just_before).version == 2


def test_a_draft_round_never_freezes_its_forms(draft_round, users):
    long_after = draft_round.closes_at + timedelta(days=30)
    assert versions.save(draft_round, Kind.APPLICATION, edited(), users["grants_officer"], now=long_after).version == 1


@pytest.mark.parametrize("kind, name", [
    (Kind.APPLICATION, "application form"),
    (Kind.ELIGIBILITY, "eligibility check"),
    (Kind.MONITORING, "monitoring return"),
    (Kind.EXPRESSION_OF_INTEREST, "expression of interest form"),
])
def test_an_officer_cannot_change_a_form_once_the_round_has_opened(open_round, users, stored, events, kind, name):
    with pytest.raises(versions.FormFrozen) as refused:
        versions.save(open_round, kind, edited(kind), users["grants_officer"], reason="A good reason")

    assert str(refused.value) == (
        f"This round has opened, so its {name} can no longer be changed. "
        "An administrator can make a new version if they must, giving the reason"
    )
    assert stored(open_round) == []
    assert events() == []


@pytest.mark.parametrize("reason", [None, "", "   \n "])
def test_the_administrators_override_needs_a_reason(open_round, users, stored, events, reason):
    with pytest.raises(versions.FormFrozen) as refused:
        versions.save(open_round, Kind.APPLICATION, edited(), users["admin"], reason=reason)

    assert str(refused.value) == "Enter the reason for changing the application form of a round that has opened"
    assert stored(open_round) == []
    assert events() == []


def test_an_administrator_makes_a_new_version_after_opening_giving_a_reason(open_round, users, events):
    reason = "  The Home Office asked us to collect postcodes of the places served.  "
    row = versions.save(open_round, Kind.APPLICATION, edited(extra=HOTSPOTS), users["admin"], reason=reason)

    assert (row.version, row.reason) == (1, reason.strip())
    assert versions.current(open_round, Kind.APPLICATION) == edited(extra=HOTSPOTS)
    [event] = events("round_form.saved")
    assert event.actor_id == users["admin"].id
    assert event.summary == (
        "Version 1 of the application form of Community Safety Fund 2026 saved, after the round opened "
        "(an administrator's override). Reason: The Home Office asked us to collect postcodes of the places served."
    )
    assert event.changes["reason"] == {"before": None, "after": reason.strip()}


# The audit log ---------------------------------------------------------------------------------

def test_a_save_is_audited_with_who_what_and_the_questions_added(draft_round, users, events):
    row = versions.save(draft_round, Kind.APPLICATION, edited(extra=HOTSPOTS), users["grants_officer"])

    [event] = events()
    assert (event.action, event.entity_type, event.entity_id) == ("round_form.saved", "RoundForm", str(row.id))
    assert event.actor_id == users["grants_officer"].id
    assert event.summary == "Version 1 of the application form of Safer Neighbourhoods 2027 saved"
    standard_ids = _ids(standard(Kind.APPLICATION))
    assert event.changes == {
        "version": {"before": None, "after": 1},
        "question_ids": {"before": sorted(standard_ids), "after": sorted([*standard_ids, "asb_hotspots"])},
    }

    versions.save(draft_round, Kind.APPLICATION, edited(title="Retitled"), users["grants_officer"])
    latest = events("round_form.saved")[-1]
    assert latest.summary == "Version 2 of the application form of Safer Neighbourhoods 2027 saved"
    assert latest.changes["version"] == {"before": 1, "after": 2}
    assert "asb_hotspots" not in latest.changes["question_ids"]["after"]


def test_a_definition_of_another_kind_is_refused(draft_round, users, stored):
    with pytest.raises(versions.RoundFormProblem) as refused:
        versions.save(draft_round, Kind.ELIGIBILITY, standard(Kind.APPLICATION), users["grants_officer"])
    assert str(refused.value) == "This is an application form, not an eligibility check"
    assert stored(draft_round) == []


# Copying -----------------------------------------------------------------------------------------

def test_copying_a_form_from_another_round(draft_round, scheduled_round, users, events):
    versions.save(scheduled_round, Kind.MONITORING, edited(Kind.MONITORING, title="Quarterly return"),
                  users["grants_officer"])

    row = versions.copy_from(scheduled_round, draft_round, Kind.MONITORING, users["grants_officer"])

    assert (row.round_id, row.kind, row.version) == (draft_round.id, Kind.MONITORING, 1)
    assert versions.current(draft_round, Kind.MONITORING) == versions.current(scheduled_round, Kind.MONITORING)
    assert events("round_form.copied")[0].summary == (
        "Version 1 of the monitoring return of Safer Neighbourhoods 2027 copied from Youth Diversion 2027"
    )


def test_a_form_cannot_be_copied_onto_its_own_round(draft_round, users, stored):
    with pytest.raises(versions.RoundFormProblem) as refused:
        versions.copy_from(draft_round, draft_round, Kind.APPLICATION, users["grants_officer"])
    assert str(refused.value) == "Choose another round to copy the application form from"
    assert stored(draft_round) == []


def test_copying_onto_an_open_round_is_frozen_like_any_change(open_round, draft_round, users, stored):
    with pytest.raises(versions.FormFrozen):
        versions.copy_from(draft_round, open_round, Kind.APPLICATION, users["grants_officer"])
    assert stored(open_round) == []


# Import and export -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(Kind))
def test_export_then_import_gives_the_identical_form(draft_round, scheduled_round, users, kind):
    versions.save(draft_round, kind, edited(kind, title="Round-trip"), users["grants_officer"])
    exported = versions.export_json(draft_round, kind)

    row = versions.import_json(scheduled_round, kind, exported, users["grants_officer"])

    assert row.kind == kind
    assert versions.current(scheduled_round, kind) == versions.current(draft_round, kind)
    assert versions.export_json(scheduled_round, kind) == exported


def test_import_takes_the_kind_from_the_document(draft_round, users, events):
    text = dumps(edited(Kind.ELIGIBILITY, title="Who can apply"))

    row = versions.import_json(draft_round, None, text.encode(), users["grants_officer"])

    assert (row.kind, row.version) == (Kind.ELIGIBILITY, 1)
    assert events("round_form.imported")[0].summary == (
        "Version 1 of the eligibility check of Safer Neighbourhoods 2027 imported from a file"
    )


def test_import_refuses_a_document_of_another_kind(draft_round, users, stored):
    with pytest.raises(versions.RoundFormProblem) as refused:
        versions.import_json(draft_round, Kind.APPLICATION, dumps(standard(Kind.MONITORING)), users["grants_officer"])
    assert str(refused.value) == (
        'The file is a monitoring return (its "kind" is "monitoring"), not an application form. '
        "Nothing has been imported"
    )
    assert stored(draft_round) == []


def test_import_refuses_a_bad_document_naming_every_problem_and_saves_nothing(draft_round, users, stored, events):
    document = dump(standard(Kind.APPLICATION))
    questions = document["sections"][0]["questions"]
    # Two problems at once: an id used twice, and a condition on a question that does not exist.
    questions.append(dict(questions[0]))
    questions.append(HOTSPOTS | {"show_if": {"question": "no_such_question", "equals": "yes"}})

    with pytest.raises(FormDefinitionError) as refused:
        versions.import_json(draft_round, None, json.dumps(document), users["grants_officer"])

    where = {problem.where for problem in refused.value.problems}
    assert {questions[0]["id"], "asb_hotspots"} <= where
    assert len(refused.value.problems) >= 2
    assert stored(draft_round) == []
    assert events() == []


def test_import_refuses_text_that_is_not_json(draft_round, users, stored):
    with pytest.raises(FormDefinitionError) as refused:
        versions.import_json(draft_round, None, "{not json", users["grants_officer"])
    [problem] = refused.value.problems
    assert problem.where == "form" and problem.message.startswith("the file is not JSON")
    assert stored(draft_round) == []


def test_importing_into_an_open_round_is_frozen_like_any_change(open_round, users, stored):
    with pytest.raises(versions.FormFrozen):
        versions.import_json(open_round, None, dumps(edited()), users["grants_officer"])
    row = versions.import_json(open_round, None, dumps(edited()), users["admin"], reason="Corrected a hint")
    assert (row.version, row.reason) == (1, "Corrected a hint")
    assert stored(open_round) == [(Kind.APPLICATION, 1)]


def test_the_download_name_says_the_round_and_the_kind(draft_round):
    assert versions.filename(draft_round, Kind.APPLICATION) == f"round-{draft_round.id}-application-form.json"
    assert (versions.filename(draft_round, Kind.EXPRESSION_OF_INTEREST)
            == f"round-{draft_round.id}-expression-of-interest-form.json")
