"""The builder's service: changes to a definition checked by the engine (``editing``), stored in
place until the round opens (``versions.edit``), and a definition in words (``describe``), with the
limit boxes read as people type them."""

from __future__ import annotations

import pytest

from grants.blueprints.round_forms.limits import read_limits
from grants.form_definitions import FormDefinitionError, Kind, Problem, QuestionType, dump, load, standard
from grants.interfaces.round_forms import editing, versions
from grants.interfaces.round_forms.describe import limit_names, limit_words, required_limits, sentence
from tests.blueprints.round_forms.conftest import HOTSPOTS, edited

APPLICATION = standard(Kind.APPLICATION)


def _ids(definition, section_index: int) -> list[str]:
    return [question.id for question in definition.sections[section_index].questions]


# versions.edit ------------------------------------------------------------------------------------

def test_an_edit_before_opening_changes_the_newest_version_in_place(draft_round, users, stored, events):
    first = versions.save(draft_round, Kind.APPLICATION, edited(), users["grants_officer"])

    row = versions.edit(draft_round, Kind.APPLICATION, edited(extra=HOTSPOTS), users["grants_officer"],
                        "question asb_hotspots added to section project")

    assert (row.id, row.version) == (first.id, 1)
    assert versions.current(draft_round, Kind.APPLICATION) == edited(extra=HOTSPOTS)
    assert stored(draft_round) == [(Kind.APPLICATION, 1)]
    [event] = events("round_form.edited")
    assert event.summary == ("Version 1 of the application form of Safer Neighbourhoods 2027 edited "
                             "(question asb_hotspots added to section project)")
    assert event.changes == {"question_ids": {"before": sorted(q.id for q in edited().questions()),
                                              "after": sorted(q.id for q in edited(extra=HOTSPOTS).questions())}}
    assert event.actor_id == users["grants_officer"].id


def test_the_first_edit_of_a_standard_form_makes_version_1(draft_round, users, stored, events):
    versions.edit(draft_round, Kind.MONITORING, edited(Kind.MONITORING), users["grants_officer"], "section x changed")
    assert stored(draft_round) == [(Kind.MONITORING, 1)]
    assert events("round_form.edited")[0].summary == (
        "Version 1 of the monitoring return of Safer Neighbourhoods 2027 edited (section x changed)")


def test_an_edit_after_opening_is_a_new_version_an_administrator_makes_with_a_reason(open_round, users, stored):
    versions.save(open_round, Kind.APPLICATION, edited(), users["admin"], reason="Set up late")
    with pytest.raises(versions.FormFrozen):
        versions.edit(open_round, Kind.APPLICATION, edited(extra=HOTSPOTS), users["grants_officer"], "q added",
                      reason="Because")
    with pytest.raises(versions.FormFrozen) as refused:
        versions.edit(open_round, Kind.APPLICATION, edited(extra=HOTSPOTS), users["admin"], "q added")
    assert str(refused.value) == "Enter the reason for changing the application form of a round that has opened"

    row = versions.edit(open_round, Kind.APPLICATION, edited(extra=HOTSPOTS), users["admin"], "q added",
                        reason="Because")

    assert (row.version, row.reason) == (2, "Because")
    assert stored(open_round) == [(Kind.APPLICATION, 1), (Kind.APPLICATION, 2)]
    assert load(versions.current_version(open_round, Kind.APPLICATION).definition) == edited(extra=HOTSPOTS)


def test_an_edit_of_another_kind_is_refused(draft_round, users, stored):
    with pytest.raises(versions.RoundFormProblem) as refused:
        versions.edit(draft_round, Kind.ELIGIBILITY, APPLICATION, users["grants_officer"], "x")
    assert str(refused.value) == "This is an application form, not an eligibility check"
    assert stored(draft_round) == []


def test_the_rounds_to_copy_from_are_the_others_with_their_newest_versions(draft_round, scheduled_round, open_round,
                                                                           users):
    versions.save(scheduled_round, Kind.APPLICATION, edited(), users["grants_officer"])
    versions.save(scheduled_round, Kind.APPLICATION, edited(title="Again"), users["grants_officer"])
    versions.save(scheduled_round, Kind.MONITORING, edited(Kind.MONITORING), users["grants_officer"])

    choices = versions.rounds_to_copy_from(draft_round, Kind.APPLICATION)

    # Newest first: the round that opens tomorrow, then the one that opened ten days ago.
    assert [(funding_round.name, version) for funding_round, version in choices] == [
        ("Youth Diversion 2027", 2), ("Community Safety Fund 2026", None)]
    assert draft_round not in [funding_round for funding_round, _ in choices]


# editing ------------------------------------------------------------------------------------------

def test_every_change_is_checked_by_the_engine():
    with pytest.raises(FormDefinitionError) as refused:
        editing.add_question(APPLICATION, "project", {"id": "need", "type": "short_text", "label": "Again"})
    assert refused.value.problems == [Problem("need", "2 questions have this id; give each section and question "
                                                      "its own id")]


def test_a_question_moves_within_and_across_sections():
    moved = editing.move_question(APPLICATION, "need", "up")
    assert _ids(moved, 0) == ["title", "summary", "need", "activities"]
    across = editing.move_question(APPLICATION, "approaches", "up")
    assert _ids(across, 0)[-1] == "approaches" and _ids(across, 1)[0] == "approaches_how"
    down = editing.move_question(APPLICATION, "need", "down")
    assert _ids(down, 1)[0] == "need"


def test_a_change_to_a_question_keeps_its_id():
    document = editing.question_document(APPLICATION, "need") | {"id": "other", "label": "Why?"}
    changed = editing.change_question(APPLICATION, "need", document)
    assert changed.question("need").label == "Why?"


def test_what_depends_on_a_question_is_found():
    document = dump(APPLICATION)
    document["sections"][7]["questions"][3]["show_if"] = {"question": "vulnerable_people", "equals": "yes"}
    form = load(document)
    assert [question.id for question in editing.dependants(form, {"vulnerable_people"})] == ["dbs_checks"]
    assert editing.dependants(form, {"vulnerable_people", "dbs_checks"}) == []
    with pytest.raises(editing.EditRefused) as refused:
        editing.remove_question(form, "vulnerable_people")
    assert refused.value.headline == "You cannot remove this question"
    assert refused.value.reasons == ["“Will the people who deliver it have the right DBS checks?” (dbs_checks) is "
                                     "shown only if this question has a certain answer: change or remove it first"]


def test_the_earlier_questions_are_those_before_the_place_asked_about():
    before_need = editing.earlier_questions(APPLICATION, "project", "need")
    assert [question.id for question in before_need] == ["title", "summary", "activities"]
    end_of_areas = editing.earlier_questions(APPLICATION, "areas")
    assert end_of_areas[-1].id == "places" and len(end_of_areas) == 11


def test_a_section_changes_its_words_and_keeps_its_questions():
    changed = editing.change_section(APPLICATION, "budget", "Money", "")
    assert changed.sections[5].title == "Money" and changed.sections[5].questions == APPLICATION.sections[5].questions
    with pytest.raises(editing.EditRefused):
        editing.move_section(APPLICATION, "project", "up")


# describe -----------------------------------------------------------------------------------------

def test_which_limits_each_type_takes_comes_from_the_schema():
    assert limit_names(QuestionType.LONG_TEXT) == ("max_words",)
    assert limit_names(QuestionType.MONEY) == ("min", "max")
    assert limit_names(QuestionType.FILE) == ("file_types", "max_mb")
    assert limit_names(QuestionType.YES_NO) == ()
    assert required_limits(QuestionType.LONG_TEXT) == ("max_words",)
    assert required_limits(QuestionType.MILESTONE_PROGRESS) == ()


def test_limits_in_words():
    assert limit_words(APPLICATION.question("amount_requested")) == [
        "from the round's smallest award to the round's largest award"]
    assert limit_words(APPLICATION.question("summary")) == ["at most 100 words"]


@pytest.mark.parametrize("problem, this, expected", [
    (Problem("dbs_checks", "shown only if insurance, which comes after it"), "dbs_checks",
     "This question is shown only if insurance, which comes after it"),
    (Problem("dbs_checks", "shown only if insurance, which comes after it"), None,
     "Question dbs_checks is shown only if insurance, which comes after it"),
    (Problem("q", "its min (5) is above its max (3), so no answer can meet both"), "q",
     "Its min (5) is above its max (3), so no answer can meet both"),
    (Problem("form", "an application form needs a money question with the role amount_requested"), None,
     "An application form needs a money question with the role amount_requested"),
    (Problem("sections[0].questions[4].label", "label of question q must not be empty"), "q",
     "The question must not be empty"),
])
def test_the_engines_problems_as_sentences(problem, this, expected):
    assert sentence(problem, this=this, field_names={"label": "The question"}) == expected


# The limit boxes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("question_type, typed, limits", [
    (QuestionType.MONEY, {"min": "£1,000.50", "max": "round max award"}, {"min": "1000.50", "max": "round_max_award"}),
    (QuestionType.PERCENTAGE, {"min": "0", "max": "12.5%"}, {"min": "0", "max": "12.5"}),
    (QuestionType.WHOLE_NUMBER, {"min": "-5", "max": "1,000"}, {"min": -5, "max": 1000}),
    (QuestionType.DATE, {"not_before": "2026-04-01", "not_after": "31 Mar 2027"},
     {"not_before": "2026-04-01", "not_after": "2027-03-31"}),
    (QuestionType.FILE, {"file_types": ["png", "pdf"], "max_mb": "5"}, {"file_types": ["pdf", "png"], "max_mb": 5}),
    (QuestionType.SHORT_TEXT, {"max_words": "x", "min": "y", "max_length": ""}, {}),
])
def test_limit_boxes_are_read_for_the_type(question_type, typed, limits):
    assert read_limits(question_type, typed) == (limits, {})


@pytest.mark.parametrize("question_type, typed, problems", [
    (QuestionType.PEOPLE_REACHED, {"min": "-1"}, {"min": "Smallest answer allowed must be a whole number, like 1"}),
    (QuestionType.FILE, {"max_mb": "11"}, {"max_mb": "Largest file, in MB must be a whole number from 1 to 10"}),
    (QuestionType.SEVERAL_CHOICES, {"min_selected": "0"}, {"min_selected": "Fewest choices must be 1 or more"}),
    (QuestionType.LONG_TEXT, {}, {"max_words": "Enter the most words an answer may have"}),
    (QuestionType.MILESTONES, {"min_rows": "5", "max_rows": "2"},
     {"min_rows": "Fewest rows must not be more than the most rows"}),
])
def test_limit_boxes_that_cannot_be_read_say_why(question_type, typed, problems):
    assert read_limits(question_type, typed)[1] == problems
