"""Reading a loaded definition: its questions in order, by id, by role, and the section of each."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from grants.form_definitions import FormDefinition, Kind, Problem, Question, QuestionType, Role, Section, load
from tests.form_definitions.builders import application, question


@pytest.fixture
def definition() -> FormDefinition:
    return load(application(question("summary", "long_text", limits={"max_words": 250}, role="project_summary"),
                            question("notes", required=False)))


def test_questions_are_listed_section_by_section_in_order(definition):
    assert [q.id for q in definition.questions()] == ["title", "amount", "start", "end", "summary", "notes"]
    assert [s.id for s in definition.sections] == ["project", "more"]


def test_a_question_is_found_by_its_id(definition):
    found = definition.question("summary")
    assert found.type is QuestionType.LONG_TEXT
    assert found.limits == {"max_words": 250}
    with pytest.raises(KeyError):
        definition.question("nowhere")


def test_a_question_is_found_by_its_role(definition):
    assert definition.by_role(Role.PROJECT_SUMMARY).id == "summary"
    assert definition.by_role(Role.AMOUNT_REQUESTED).id == "amount"
    assert definition.by_role(Role.PROJECT_COST) is None


def test_the_section_of_a_question(definition):
    assert definition.section_of("notes").id == "more"
    assert definition.section_of("title").id == "project"
    with pytest.raises(KeyError):
        definition.section_of("nowhere")


def test_defaults_are_filled_in_and_what_was_loaded_cannot_be_changed(definition):
    notes = definition.question("notes")
    assert (notes.hint, notes.guidance, notes.required, notes.name_for_errors) == ("", "", False, "")
    assert (notes.options, notes.show_if, notes.role, notes.eligibility) == ((), None, None, None)
    assert isinstance(definition.question("summary").limits, MappingProxyType)
    with pytest.raises(TypeError):
        definition.question("summary").limits["max_words"] = 1  # type: ignore[index]


def test_definitions_are_values():
    def build() -> FormDefinition:
        email = Question("q", QuestionType.EMAIL, "E")
        return FormDefinition(Kind.MONITORING, "Return", (Section("s", "S", "", (email,)),))

    one, same = build(), build()
    assert one == same
    assert hash(one.sections[0].questions[0]) == hash(same.sections[0].questions[0])


def test_a_problem_reads_as_its_place_then_its_message():
    assert str(Problem("dbs_checks", "shown only if vulnerable_people, which comes after it")) == (
        "dbs_checks: shown only if vulnerable_people, which comes after it")


@pytest.mark.parametrize(("kind", "words"), [
    (Kind.APPLICATION, "an application form"),
    (Kind.ELIGIBILITY, "an eligibility form"),
    (Kind.MONITORING, "a monitoring form"),
    (Kind.EXPRESSION_OF_INTEREST, "an expression of interest form"),
])
def test_kinds_in_a_sentence(kind, words):
    assert kind.in_sentence == words


def test_a_whole_number_written_with_a_point_is_kept_as_a_whole_number():
    """JSON Schema counts 250.0 as an integer, so the model keeps it as one (and exports 250)."""
    definition = load(application(question("summary", "long_text", limits={"max_words": 250.0})))
    assert definition.question("summary").limits["max_words"] == 250
    assert isinstance(definition.question("summary").limits["max_words"], int)
