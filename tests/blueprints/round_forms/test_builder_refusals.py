"""The builder does not edit a question's ``refuse`` rule yet, but never loses it: a change made on the
question's page keeps the answer the question refuses (and the condition it is refused on), and a
change that would leave the rule naming an answer the question no longer has is refused in words."""

from __future__ import annotations

from grants.form_definitions import Condition, Kind, Refusal, standard
from grants.interfaces.round_forms import editing, versions
from tests.blueprints.round_forms.pages import builder_url
from tests.helpers import error_messages, post

APPLICATION = standard(Kind.APPLICATION)
NO_POLICY = Refusal("You must have a safeguarding policy to apply. Upload it with your documents", ("no",))
NO_DBS = Refusal("People working with children or adults at risk must have DBS checks", ("no",),
                 Condition("vulnerable_people", ("yes",)))
DBS_OPTIONS = "yes | Yes\r\nno | No\r\nnot-needed | Not needed for this project"


def test_the_standard_application_refuses_these_answers():
    assert APPLICATION.question("safeguarding_policy").refuse == NO_POLICY
    assert APPLICATION.question("dbs_checks").refuse == NO_DBS


def test_changing_a_questions_label_keeps_the_answer_it_refuses(as_role, draft_round):
    response = post(as_role("grants_officer"), builder_url(draft_round, "questions/safeguarding_policy"), {
        "label": "Do you have a safeguarding policy?", "question_type": "yes_no", "required": "yes"})

    assert response.status_code == 302
    changed = versions.current(draft_round, Kind.APPLICATION).question("safeguarding_policy")
    assert changed.label == "Do you have a safeguarding policy?"
    assert changed.refuse == NO_POLICY


def test_changing_a_choice_question_keeps_its_refusal_and_the_condition_it_is_refused_on(as_role, draft_round):
    response = post(as_role("grants_officer"), builder_url(draft_round, "questions/dbs_checks"), {
        "label": "Will your staff have DBS checks?", "hint": "Enhanced checks", "question_type": "one_choice",
        "required": "yes", "options": DBS_OPTIONS})

    assert response.status_code == 302
    changed = versions.current(draft_round, Kind.APPLICATION).question("dbs_checks")
    assert (changed.label, changed.hint, changed.refuse) == ("Will your staff have DBS checks?", "Enhanced checks",
                                                             NO_DBS)


def test_a_change_that_takes_away_the_refused_answer_is_refused_and_nothing_saved(as_role, draft_round, stored):
    response = post(as_role("grants_officer"), builder_url(draft_round, "questions/dbs_checks"), {
        "label": "Will your staff have DBS checks?", "question_type": "one_choice", "required": "yes",
        "options": "yes | Yes\r\nnot-needed | Not needed for this project"})

    assert response.status_code == 200
    assert error_messages(response) == [
        "Its refuse rule names no, which is not one of its answers (yes or not-needed)"]
    assert stored(draft_round) == []
    assert versions.current(draft_round, Kind.APPLICATION) == APPLICATION


def test_a_change_that_gives_its_own_refusal_replaces_the_saved_one():
    document = editing.question_document(APPLICATION, "dbs_checks")
    document["refuse"] = {"equals": "not-needed", "message": "DBS checks are needed for this work"}
    changed = editing.change_question(APPLICATION, "dbs_checks", document)
    assert changed.question("dbs_checks").refuse == Refusal("DBS checks are needed for this work", ("not-needed",))


def test_a_change_keeps_a_refusal_only_on_the_question_changed():
    document = editing.question_document(APPLICATION, "vulnerable_people") | {"label": "At risk?"}
    changed = editing.change_question(APPLICATION, "vulnerable_people", document)
    assert changed.question("vulnerable_people").label == "At risk?"
    assert [q.refuse for q in changed.questions()] == [q.refuse for q in APPLICATION.questions()]
