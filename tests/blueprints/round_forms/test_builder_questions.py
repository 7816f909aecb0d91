"""The form builder's question pages: adding, changing, removing and moving a question, what the form
page then shows, and every problem with a question named on the box to fix, with nothing saved."""

from __future__ import annotations

import pytest

from grants.form_definitions import Kind, dump, load, standard
from grants.interfaces.round_forms import versions
from tests.blueprints.round_forms.pages import builder_url, listed, question_row, words
from tests.helpers import error_messages, page, post

NEW_QUESTION = {"question_id": "asb_hotspots", "label": "Which places does anti-social behaviour affect most?",
                "question_type": "long_text", "max_words": "250", "required": "yes"}
SAFEGUARDING = "Safeguarding and policies"


def _labels(response, section_title: str) -> list[str]:
    return dict(listed(response))[section_title]


def _summary_links(response) -> list[str]:
    return [a["href"] for a in page(response).select(".govuk-error-summary__list a")]


def _with_condition(funding_round, user):
    """The round's application form with dbs_checks asked only if vulnerable_people is yes."""
    document = dump(standard(Kind.APPLICATION))
    document["sections"][7]["questions"][3]["show_if"] = {"question": "vulnerable_people", "equals": "yes"}
    versions.save(funding_round, Kind.APPLICATION, load(document), user)


# Adding ------------------------------------------------------------------------------------------

def test_an_officer_adds_a_question_to_the_end_of_a_section(as_role, draft_round, stored, events):
    officer = as_role("grants_officer")

    response = post(officer, builder_url(draft_round, "sections/project/questions/new"), NEW_QUESTION)

    assert response.status_code == 302
    assert response.headers["Location"] == builder_url(draft_round) + "#question-asb_hotspots"
    shown = officer.get(response.headers["Location"])
    assert "The question “Which places does anti-social behaviour affect most?” has been added" in words(shown)
    assert _labels(shown, "Project summary and activities")[-1] == NEW_QUESTION["label"]
    assert question_row(shown, "asb_hotspots").startswith(
        "Which places does anti-social behaviour affect most? Long text: at most 250 words Required Id: asb_hotspots")
    assert "Version 1" in words(shown)
    question = versions.current(draft_round, Kind.APPLICATION).question("asb_hotspots")
    assert (question.type, question.limits, question.required) == ("long_text", {"max_words": 250}, True)
    assert stored(draft_round) == [(Kind.APPLICATION, 1)]
    [event] = events("round_form.edited")
    assert event.summary == ("Version 1 of the application form of Safer Neighbourhoods 2027 edited "
                             "(question asb_hotspots added to section project)")


def test_edits_before_the_round_opens_change_the_version_in_place_each_one_audited(as_role, draft_round,
                                                                                 stored, events):
    officer = as_role("grants_officer")
    post(officer, builder_url(draft_round, "sections/project/questions/new"), NEW_QUESTION)
    post(officer, builder_url(draft_round, "questions/asb_hotspots/move-up"))
    post(officer, builder_url(draft_round, "questions/asb_hotspots"), NEW_QUESTION | {"label": "Where?"})

    assert stored(draft_round) == [(Kind.APPLICATION, 1)]
    assert [event.summary.rsplit("(", 1)[1] for event in events("round_form.edited")] == [
        "question asb_hotspots added to section project)", "question asb_hotspots moved up)",
        "question asb_hotspots changed)"]
    section = versions.current(draft_round, Kind.APPLICATION).sections[0]
    assert [question.id for question in section.questions][-2:] == ["asb_hotspots", "need"]
    assert section.questions[-2].label == "Where?"


def test_a_choice_question_takes_its_options_one_on_each_line(as_role, draft_round):
    officer = as_role("grants_officer")
    post(officer, builder_url(draft_round, "sections/safeguarding/questions/new"), {
        "question_id": "training", "label": "Have your staff had safeguarding training?", "question_type": "one_choice",
        "required": "no", "options": "Yes, fully\r\n\r\npartly | Yes, partly | Some staff have\r\nno|No\r\n",
    })

    question = versions.current(draft_round, Kind.APPLICATION).question("training")
    assert [(option.value, option.label, option.hint) for option in question.options] == [
        ("yes_fully", "Yes, fully", ""), ("partly", "Yes, partly", "Some staff have"), ("no", "No", "")]
    assert question.required is False
    change_page = page(officer.get(builder_url(draft_round, "questions/training")))
    assert change_page.select_one("textarea[name=options]").get_text().strip() == (
        "yes_fully | Yes, fully\npartly | Yes, partly | Some staff have\nno | No")
    assert change_page.select_one("input[name=required][value=no]").has_attr("checked")


def test_a_question_shown_only_for_an_earlier_answer(as_role, draft_round):
    officer = as_role("grants_officer")
    new_page = page(officer.get(builder_url(draft_round, "sections/safeguarding/questions/new")))
    offered = [box["value"] for box in new_page.select("input[name=show_if]")]
    # Every earlier yes-or-no and choice question's answers, and none of another kind.
    assert "vulnerable_people=yes" in offered and "vulnerable_people=no" in offered
    assert "age_groups=13-17" in offered and "dbs_checks=yes" in offered
    assert not any(value.startswith(("title=", "people=")) for value in offered)

    post(officer, builder_url(draft_round, "sections/safeguarding/questions/new"), NEW_QUESTION | {
        "question_id": "risk_plan", "label": "How will you keep them safe?", "show_if": "vulnerable_people=yes"})

    shown = officer.get(builder_url(draft_round))
    assert ("Shown if “Will your project work with children or adults at risk?” is Yes"
            in question_row(shown, "risk_plan"))
    change_page = page(officer.get(builder_url(draft_round, "questions/risk_plan")))
    assert change_page.select_one("input[name=show_if][value='vulnerable_people=yes']").has_attr("checked")


def test_only_questions_before_it_are_offered_for_its_condition(as_role, draft_round):
    change_page = page(as_role("grants_officer").get(builder_url(draft_round, "questions/vulnerable_people")))
    offered = {box["value"].split("=")[0] for box in change_page.select("input[name=show_if]")}
    assert offered == {"age_groups", "groups", "safeguarding_policy"}


def test_the_first_question_of_the_form_can_depend_on_nothing(as_role, draft_round):
    text = words(as_role("grants_officer").get(builder_url(draft_round, "questions/title")))
    assert ("No question before this one has a yes or no answer or a list of options, so this question is always "
            "asked") in text


def test_limits_are_read_as_people_type_them_and_those_of_other_types_ignored(as_role, draft_round):
    officer = as_role("grants_officer")
    response = post(officer, builder_url(draft_round, "sections/budget/questions/new"), {
        "question_id": "in_kind", "label": "How much is given in kind?", "question_type": "money", "required": "yes",
        "min": "£1,000", "max": "Round max award", "max_words": "not a number", "not_before": "soon", "max_mb": "-3",
    })
    assert response.status_code == 302, error_messages(response)
    post(officer, builder_url(draft_round, "sections/delivery/questions/new"), {
        "question_id": "launch", "label": "When will you launch?", "question_type": "date", "required": "yes",
        "not_before": "1/4/2026", "not_after": "project end", "min": "x"})

    form = versions.current(draft_round, Kind.APPLICATION)
    assert dict(form.question("in_kind").limits) == {"min": "1000", "max": "round_max_award"}
    assert dict(form.question("launch").limits) == {"not_before": "2026-04-01", "not_after": "project_end"}
    shown = officer.get(builder_url(draft_round))
    assert "Money: from £1,000 to the round's largest award" in question_row(shown, "in_kind")
    assert "Date: not before 1 April 2026, not after the project's end date" in question_row(shown, "launch")
    boxes = page(officer.get(builder_url(draft_round, "questions/launch")))
    assert boxes.select_one("input[name=not_before]")["value"] == "1 April 2026"
    assert boxes.select_one("input[name=not_after]")["value"] == "project end"


def test_each_limit_box_says_which_types_use_it(as_role, draft_round):
    text = words(as_role("grants_officer").get(builder_url(draft_round, "sections/project/questions/new")))
    assert "Most words For long text (needed). A whole number from 1 to 5,000." in text
    assert "Fewest rows For budget lines, milestones and outcomes and measures. A whole number from 1 to 100." in text
    # Monitoring types are offered on a monitoring return only.
    assert "Progress on each milestone" not in text
    monitoring = words(as_role("grants_officer").get(builder_url(draft_round, "sections/stories/questions/new",
                                                                 "monitoring")))
    assert "Most words For long text (needed), progress on each milestone and progress on each outcome." in monitoring


# Changing ----------------------------------------------------------------------------------------

def test_an_officer_changes_a_question_and_the_page_shows_it(as_role, draft_round):
    officer = as_role("grants_officer")
    boxes = page(officer.get(builder_url(draft_round, "questions/need")))
    assert boxes.select_one("input[name=label]")["value"] == "What is the need for your project?"
    assert boxes.select_one("input[name=max_words]")["value"] == "300"
    assert boxes.select_one("input[name=question_type][value=long_text]").has_attr("checked")
    assert boxes.select_one("input[name=question_id]") is None  # an id never changes

    response = post(officer, builder_url(draft_round, "questions/need"), {
        "label": "Why is your project needed?", "hint": "Give evidence", "question_type": "long_text",
        "max_words": "500", "required": "no", "question_id": "sneaky_new_id"})

    assert response.headers["Location"] == builder_url(draft_round) + "#question-need"
    row = question_row(officer.get(response.headers["Location"]), "need")
    assert row.startswith("Why is your project needed? Long text: at most 500 words Optional Id: need")
    question = versions.current(draft_round, Kind.APPLICATION).question("need")
    assert (question.hint, question.required) == ("Give evidence", False)


def test_what_the_page_does_not_show_is_kept_when_a_question_changes(as_role, draft_round):
    post(as_role("grants_officer"), builder_url(draft_round, "questions/amount_requested"), {
        "label": "How much do you need?", "question_type": "money", "required": "yes", "min": "100",
        "max": "round_max_award"})
    before = standard(Kind.APPLICATION).question("amount_requested")
    after = versions.current(draft_round, Kind.APPLICATION).question("amount_requested")
    assert (after.role, after.name_for_errors, after.messages) == (before.role, before.name_for_errors, before.messages)
    assert after.label == "How much do you need?"


# Problems ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("changes, message, box", [
    ({"question_id": "need"}, "The id need is already used by a question in this form. Choose another id",
     "question_id"),
    ({"question_id": "budget"}, "The id budget is already used by a section in this form. Choose another id",
     "question_id"),
    ({"question_id": "Hotspots!"}, "The question id must be 1 to 40 lower-case letters, digits and underscores, "
                                   "starting with a letter, like asb_hotspots", "question_id"),
    ({"question_id": ""}, "Enter the question id", "question_id"),
    ({"label": ""}, "Enter the question", "label"),
    ({"question_type": ""}, "Select the type of answer", "question_type"),
    ({"question_type": "milestone_progress"}, "Select the type of answer", "question_type"),
    ({"required": ""}, "Select yes if the applicant must answer it", "required"),
    ({"question_type": "one_choice"}, "Enter at least 2 options, one on each line", "options"),
    ({"question_type": "several_choices", "options": "Only one"}, "Enter at least 2 options, one on each line",
     "options"),
    ({"question_type": "one_choice", "options": "Yes\nyes | Yes again"},
     "This question has the option value yes more than once; give each option its own value", "options"),
    ({"question_type": "one_choice", "options": "a | b | c | d\nb"},
     "Option 1 has more than 2 bars (|): write it as value | label, or value | label | hint", "options"),
    ({"question_type": "one_choice", "options": "£\nb"},
     "Option 1 has no value: write one before a bar, like other | £", "options"),
    ({"show_if": "insurance=yes"}, "This question is shown only if insurance, which comes after it", "show_if"),
    ({"show_if": "no_such_question=yes"}, "This question is shown only if no_such_question, which is not a "
                                          "question in this form", "show_if"),
    ({"show_if": "title=yes"}, "This question is shown only if title, a short_text question; a question can "
                               "depend only on a yes_no, one_choice or several_choices question", "show_if"),
    ({"show_if": ["title=yes", "need=yes"]}, "Choose answers of one earlier question only", "show_if"),
    ({"max_words": ""}, "Enter the most words an answer may have", "max_words"),
    ({"max_words": "6000"}, "Most words must be a whole number from 1 to 5,000", "max_words"),
    ({"max_words": "lots"}, "Most words must be a whole number, like 250", "max_words"),
    ({"max_words": "9" * 5000}, "Most words must be a whole number, like 250", "max_words"),
    ({"question_type": "several_choices", "options": "a\nb", "min_selected": "3"},
     "Fewest choices must be 2 or fewer, as the question has 2 options", "min_selected"),
    ({"question_type": "several_choices", "options": "a\nb\nc", "min_selected": "3", "max_selected": "2"},
     "Fewest choices must not be more than the most choices", "min_selected"),
    ({"question_type": "whole_number", "min": "10", "max": "5"},
     "Smallest answer allowed must not be more than the largest answer allowed", "min"),
    ({"question_type": "money", "min": "10.50", "max": "10.05"},
     "Smallest answer allowed must not be more than the largest answer allowed", "min"),
    ({"question_type": "money", "min": "ten pounds"},
     "Smallest answer allowed must be an amount in pounds, like 0.01, or round_min_award", "min"),
    ({"question_type": "money", "min": "round_max_award"}, "Smallest answer allowed must be pounds with up to 2 "
     "decimal places, such as \"0.01\", or round_min_award, not round_max_award", "min"),
    ({"question_type": "percentage", "max": "120"}, "Largest answer allowed must be a percentage from 0 to 100, "
                                                   "like 12.5", "max"),
    ({"question_type": "date", "not_before": "31 February 2026"},
     "Earliest date allowed must be a real date, like 1 April 2026, or project start or project end", "not_before"),
    ({"question_type": "date", "not_before": "1 May 2026", "not_after": "1 April 2026"},
     "Earliest date allowed must not be after the latest date allowed", "not_before"),
    ({"question_type": "declaration", "required": "no"}, "This question is a declaration, so it must be required: "
                                                         "a declaration is a box the applicant must tick", "required"),
])
def test_a_bad_question_is_refused_naming_the_box_to_fix(as_role, draft_round, stored, events, changes, message,
                                                        box):
    response = post(as_role("grants_officer"), builder_url(draft_round, "sections/project/questions/new"),
                    NEW_QUESTION | changes)

    assert response.status_code == 200
    assert message in error_messages(response)
    assert f"#{box}" in _summary_links(response)
    assert page(response).select_one(f"#{box}") is not None  # the link goes to the box
    assert page(response).select_one("title").get_text().startswith("Error: ")
    assert stored(draft_round) == [] and events() == []
    assert versions.current(draft_round, Kind.APPLICATION) == standard(Kind.APPLICATION)


def test_every_problem_is_shown_at_once_and_what_was_typed_is_kept(as_role, draft_round):
    response = post(as_role("grants_officer"), builder_url(draft_round, "sections/project/questions/new"), {
        "question_id": "need", "label": "", "question_type": "one_choice", "required": "yes",
        "hint": "Say where", "show_if": "vulnerable_people=yes"})

    assert error_messages(response) == ["The id need is already used by a question in this form. Choose another id",
                                        "Enter the question", "Enter at least 2 options, one on each line"]
    boxes = page(response)
    assert boxes.select_one("textarea[name=hint]").get_text().strip() == "Say where"
    assert boxes.select_one("input[name=question_type][value=one_choice]").has_attr("checked")


def test_changing_a_question_that_others_depend_on_is_refused_on_the_box_at_fault(as_role, draft_round, users,
                                                                                    stored):
    _with_condition(draft_round, users["grants_officer"])
    officer = as_role("grants_officer")

    response = post(officer, builder_url(draft_round, "questions/vulnerable_people"), {
        "label": "Do you work with children?", "question_type": "short_text", "required": "yes"})

    # dbs_checks is asked only after "yes", and refuses "no" only after "yes": both rules break.
    assert error_messages(response) == [
        "Question dbs_checks is shown only if vulnerable_people, a short_text question; a question can depend "
        "only on a yes_no, one_choice or several_choices question",
        "Question dbs_checks: its refuse rule applies only if vulnerable_people, a short_text question; a refuse "
        "rule can depend only on a yes_no, one_choice or several_choices question"]
    assert _summary_links(response) == ["#question_type", "#question_type"]
    assert versions.current(draft_round, Kind.APPLICATION).question("vulnerable_people").type == "yes_no"


def test_a_question_the_service_reads_keeps_its_type(as_role, draft_round):
    response = post(as_role("grants_officer"), builder_url(draft_round, "questions/title"), {
        "label": "Project name", "question_type": "long_text", "max_words": "10", "required": "yes"})
    assert error_messages(response) == [
        "This question has the role project_title, which needs a short_text question, not a long_text one"]
    assert _summary_links(response) == ["#question_type"]


@pytest.mark.visible_text(allow=["<script>alert(1)</script>", "<b>bold</b>"])
def test_a_label_with_markup_is_shown_as_text(as_role, draft_round):
    officer = as_role("grants_officer")
    post(officer, builder_url(draft_round, "sections/safeguarding/questions/new"), {
        "question_id": "xss", "label": "<script>alert(1)</script>", "hint": "<b>bold</b>",
        "question_type": "one_choice", "required": "yes", "options": "<b>bold</b>\nplain"})

    for response in (officer.get(builder_url(draft_round)), officer.get(builder_url(draft_round, "questions/xss")),
                     officer.get(builder_url(draft_round, "questions/xss/remove"))):
        html = response.get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html and "<b>bold</b>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert not any("alert(1)" in (script.string or "") for script in page(response).select("script"))
    assert "<script>alert(1)</script>" in question_row(officer.get(builder_url(draft_round)), "xss")


# Removing ----------------------------------------------------------------------------------------

def test_removing_a_question_asks_first_then_removes_it(as_role, draft_round, events):
    officer = as_role("grants_officer")
    confirm = officer.get(builder_url(draft_round, "questions/need/remove"))
    assert "Are you sure you want to remove this question?" in words(confirm)
    assert "“What is the need for your project?” (id need) will be taken out of the section" in words(confirm)

    response = post(officer, builder_url(draft_round, "questions/need/remove"))

    shown = officer.get(response.headers["Location"])
    assert "The question “What is the need for your project?” has been removed" in words(shown)
    assert "What is the need for your project?" not in _labels(shown, "Project summary and activities")
    with pytest.raises(KeyError):
        versions.current(draft_round, Kind.APPLICATION).question("need")
    assert events("round_form.edited")[0].changes["question_ids"]["before"].count("need") == 1


def test_a_question_another_depends_on_cannot_be_removed(as_role, draft_round, users):
    _with_condition(draft_round, users["grants_officer"])
    officer = as_role("grants_officer")

    for response in (officer.get(builder_url(draft_round, "questions/vulnerable_people/remove")),
                     post(officer, builder_url(draft_round, "questions/vulnerable_people/remove"))):
        assert response.status_code == 200
        text = words(response)
        assert "You cannot remove this question" in text
        assert ("“Will the people who deliver it have the right DBS checks?” (dbs_checks) is shown only if this "
                "question has a certain answer: change or remove it first") in text
        assert page(response).select("main form") == []
    assert versions.current(draft_round, Kind.APPLICATION).question("vulnerable_people")


@pytest.mark.parametrize("question_id, reason", [
    ("amount_requested", "The service reads “How much are you asking us for?” as the amount asked for, which "
                         "every application form needs"),
    ("project_outcomes", "It is the only question in the section “Outcomes and how you will measure them”, and a "
                         "section needs at least one: remove the section instead, or add another question to it first"),
])
def test_a_question_the_form_needs_cannot_be_removed(as_role, draft_round, stored, question_id, reason):
    officer = as_role("grants_officer")
    assert reason in words(officer.get(builder_url(draft_round, f"questions/{question_id}/remove")))
    assert reason in words(post(officer, builder_url(draft_round, f"questions/{question_id}/remove")))
    assert stored(draft_round) == []


def test_a_removal_the_engine_refuses_is_said_on_the_form_page(as_role, draft_round, stored):
    # The budget lines add up to the amount asked for: without it they cannot, and the engine says so.
    officer = as_role("grants_officer")
    post(officer, builder_url(draft_round, "questions/project_cost/remove"))
    assert stored(draft_round) == [(Kind.APPLICATION, 1)]
    assert versions.current(draft_round, Kind.APPLICATION).by_role("project_cost") is None


# Moving ------------------------------------------------------------------------------------------

def test_moving_a_question_up_and_down(as_role, draft_round):
    officer = as_role("grants_officer")
    response = post(officer, builder_url(draft_round, "questions/need/move-up"))
    assert response.headers["Location"] == builder_url(draft_round) + "#question-need"
    shown = officer.get(response.headers["Location"])
    assert "The question “What is the need for your project?” has been moved up" in words(shown)
    assert _labels(shown, "Project summary and activities") == [
        "Project name", "Summarise your project", "What is the need for your project?",
        "What activities will you deliver?"]

    post(officer, builder_url(draft_round, "questions/title/move-down"))
    assert _labels(officer.get(builder_url(draft_round)), "Project summary and activities")[:2] == [
        "Summarise your project", "Project name"]


def test_a_question_moves_across_into_the_next_or_the_section_before(as_role, draft_round):
    officer = as_role("grants_officer")
    post(officer, builder_url(draft_round, "questions/approaches/move-up"))
    post(officer, builder_url(draft_round, "questions/places/move-down"))

    form = versions.current(draft_round, Kind.APPLICATION)
    assert form.sections[0].questions[-1].id == "approaches"
    assert form.sections[3].questions[0].id == "places"


def test_a_move_that_would_ask_a_question_before_the_one_it_depends_on_is_refused(as_role, draft_round, users):
    _with_condition(draft_round, users["grants_officer"])
    officer = as_role("grants_officer")

    response = post(officer, builder_url(draft_round, "questions/dbs_checks/move-up"))

    assert response.headers["Location"] == builder_url(draft_round)
    assert ("The question was not moved up. Question dbs_checks is shown only if vulnerable_people, which comes "
            "after it") in words(officer.get(response.headers["Location"]))
    questions = [q.id for q in versions.current(draft_round, Kind.APPLICATION).sections[7].questions]
    assert questions.index("vulnerable_people") < questions.index("dbs_checks")


@pytest.mark.parametrize("path, message", [
    ("questions/title/move-up", "The question was not moved up. It is already the first question of the form"),
    ("questions/position/move-down", "The question was not moved down. It is already the last question of the form"),
    ("questions/project_outcomes/move-up", "The question was not moved up. It is the only question in the "
                                           "section “Outcomes and how you will measure them”, and a section needs at "
                                           "least one"),
])
def test_a_move_with_nowhere_to_go_is_refused_in_words(as_role, draft_round, stored, path, message):
    officer = as_role("grants_officer")
    response = post(officer, builder_url(draft_round, path))
    assert message in words(officer.get(response.headers["Location"]))
    assert stored(draft_round) == []
