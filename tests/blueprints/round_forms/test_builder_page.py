"""The form builder's form page, and who may open each of the builder's pages: /rounds/<id>/forms/<kind>/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from grants.form_definitions import Kind, dump, load, standard
from grants.interfaces.round_forms import versions
from grants.models.audit import AuditEvent
from grants.models.round_forms import RoundForm
from tests.blueprints.round_forms.conftest import HOTSPOTS, edited
from tests.blueprints.round_forms.pages import builder_url, listed, question_row, words
from tests.helpers import page, post

# Every page of the builder, as a path after /rounds/<id>/forms/application/.
PAGES = ["", "questions/title", "sections/project/questions/new", "questions/need/remove",
         "questions/need/move-up", "questions/need/move-down", "sections/new", "sections/project",
         "sections/areas/remove", "sections/areas/move-up", "sections/project/move-down", "copy", "standard"]


# The form page ----------------------------------------------------------------------------------

def test_the_page_lists_the_sections_and_their_questions_in_order(as_role, draft_round):
    response = as_role("grants_officer").get(builder_url(draft_round))

    assert response.status_code == 200
    expected = [(section.title, [question.label for question in section.questions])
                for section in standard(Kind.APPLICATION).sections]
    assert listed(response) == expected
    text = words(response)
    assert "Application form" in text
    assert "The standard form: this round has not changed it" in text
    assert "Can be changed: the round is a draft" in text
    assert "9 sections and 38 questions" in text


def test_each_question_is_described_in_words(as_role, draft_round):
    response = as_role("grants_officer").get(builder_url(draft_round))

    assert question_row(response, "title") == (
        "Project name Short text: at most 100 characters Required Read by the service as the project's title "
        "Id: title Change Project name Remove Project name Move down Project name")
    assert ("Money: from the round's smallest award to the round's largest award Required "
            "Read by the service as the amount asked for") in (
        question_row(response, "amount_requested"))
    assert "Optional" in question_row(response, "other_funders")
    assert ("Refuses the answer No when “Will your project work with children or adults at risk?” is Yes: "
            "People working with children or adults at risk must have DBS checks") in question_row(
        response, "dbs_checks")
    assert "Refuses the answer No: You must have a safeguarding policy to apply" in question_row(
        response, "safeguarding_policy")


def test_a_condition_is_described_with_the_earlier_question_and_its_answers(as_role, draft_round, users):
    document = dump(standard(Kind.APPLICATION))
    safeguarding = document["sections"][7]["questions"]
    assert [question["id"] for question in safeguarding[2:4]] == ["vulnerable_people", "dbs_checks"]
    safeguarding[3]["show_if"] = {"question": "vulnerable_people", "equals": "yes"}
    safeguarding.append({"id": "young_people_work", "type": "long_text", "label": "How will you work with them?",
                         "required": False, "limits": {"max_words": 150},
                         "show_if": {"question": "age_groups", "any_of": ["13-17", "18-25"]}})
    versions.save(draft_round, Kind.APPLICATION, load(document), users["grants_officer"])

    response = as_role("grants_officer").get(builder_url(draft_round))

    assert question_row(response, "dbs_checks").startswith(
        "Will the people who deliver it have the right DBS checks? One choice from a list Required "
        "Shown if “Will your project work with children or adults at risk?” is Yes "
        "Refuses the answer No when “Will your project work with children or adults at risk?” is Yes: "
        "People working with children or adults at risk must have DBS checks Id: dbs_checks")
    age_groups = standard(Kind.APPLICATION).question("age_groups")
    labels = {option.value: option.label for option in age_groups.options}
    assert question_row(response, "young_people_work").startswith(
        f"How will you work with them? Long text: at most 150 words Optional Shown if “{age_groups.label}” "
        f"includes {labels['13-17']} or {labels['18-25']}")


def test_a_stored_version_shows_its_number_and_its_own_questions(as_role, draft_round, users):
    versions.save(draft_round, Kind.APPLICATION, edited(extra=HOTSPOTS), users["grants_officer"])
    response = as_role("admin").get(builder_url(draft_round))

    text = words(response)
    assert "Version 1" in text and "The standard form" not in text
    assert "Anti-social behaviour fund application" in text
    assert question_row(response, "asb_hotspots").startswith(
        "Which places in your area does anti-social behaviour affect most? Long text: at most 250 words Required")
    assert "Go back to the standard form" in text


def test_a_scheduled_round_says_until_when_the_form_can_change(as_role, scheduled_round):
    text = words(as_role("grants_officer").get(builder_url(scheduled_round)))
    assert "Can be changed until the round opens on" in text


@pytest.mark.parametrize("kind, title", [("eligibility", "Eligibility check"), ("monitoring", "Monitoring return"),
                                         ("expression_of_interest", "Expression of interest form")])
def test_each_kind_of_form_has_its_page(as_role, draft_round, kind, title):
    response = as_role("grants_officer").get(builder_url(draft_round, kind=kind))
    assert response.status_code == 200
    assert page(response).select_one("h1").get_text(strip=True) == title
    assert [section for section, _ in listed(response)] == [s.title for s in standard(Kind(kind)).sections]


def test_the_page_links_to_the_rounds_other_forms_and_the_download(as_role, draft_round):
    links = [a["href"] for a in page(as_role("grants_officer").get(builder_url(draft_round))).select("main a")]
    assert builder_url(draft_round, kind="monitoring") in links
    assert builder_url(draft_round, kind="application") not in links
    assert f"/rounds/{draft_round.id}/form.json?kind=application" in links


def test_only_a_two_stage_round_lists_its_expression_of_interest_form(db, as_role, draft_round):
    officer = as_role("grants_officer")
    one_stage = page(officer.get(builder_url(draft_round)))
    assert "Expression of interest form" not in [a.get_text(strip=True) for a in one_stage.select("main a")]
    draft_round.eoi_closes_at = draft_round.opens_at + timedelta(days=14)
    db.session.flush()
    two_stage = page(officer.get(builder_url(draft_round)))
    assert "Expression of interest form" in [a.get_text(strip=True) for a in two_stage.select("main a")]


def test_a_one_stage_rounds_expression_of_interest_form_says_no_one_sees_it(db, as_role, draft_round):
    officer = as_role("grants_officer")
    url = builder_url(draft_round, kind="expression_of_interest")
    assert "This round has one stage, so applicants never see this form. Give the round a closing date" in words(
        officer.get(url))
    draft_round.eoi_closes_at = draft_round.opens_at + timedelta(days=14)
    db.session.flush()
    assert "applicants never see this form" not in words(officer.get(url))


def test_a_draft_form_moves_by_small_post_forms_each_with_a_csrf_token(as_role, draft_round):
    forms = page(as_role("grants_officer").get(builder_url(draft_round))).select("main form")
    moves = [form for form in forms if "/move-" in form["action"]]
    assert len(moves) > 40
    assert all(form["method"] == "post" and form.select_one("input[name=csrf_token]") for form in moves)
    assert builder_url(draft_round, "questions/summary/move-up") in {form["action"] for form in moves}


# Frozen once the round opens ----------------------------------------------------------------------

def test_an_officer_sees_a_frozen_form_without_ways_to_change_it(as_role, open_round):
    response = as_role("grants_officer").get(builder_url(open_round))

    text = words(response)
    assert "so its application form can no longer be changed" in text
    assert "An administrator can make a new version if they must, giving the reason" in text
    assert "Frozen: the round opened on" in text
    assert page(response).select("main form") == []
    for words_of_a_change in ("Add a section", "Add a question", "Change Project name", "Remove", "Move up",
                              "Copy the form", "Go back to the standard form"):
        assert words_of_a_change not in text


def test_an_administrator_is_told_a_change_makes_a_new_version_and_needs_a_reason(as_role, open_round):
    response = as_role("admin").get(builder_url(open_round))

    text = words(response)
    assert ("A change makes a new version of the application form, which applies to new applications only, "
            "and you must give the reason for it") in text
    # Moving needs a reason now: a link to the page that asks for it, not a button that moves at once.
    assert page(response).select("main form") == []
    assert page(response).select_one(f"a[href='{builder_url(open_round, 'questions/summary/move-up')}']")


@pytest.mark.parametrize("path", PAGES[1:])
def test_an_officer_opening_a_change_page_of_a_frozen_form_is_sent_back_and_told_why(as_role, open_round, path):
    officer = as_role("grants_officer")
    response = officer.get(builder_url(open_round, path))
    assert response.status_code == 302
    assert response.headers["Location"] == builder_url(open_round)
    assert ("This round has opened, so its application form can no longer be changed. An administrator can make "
            "a new version if they must, giving the reason") in words(officer.get(response.headers["Location"]))


# Who may open the pages --------------------------------------------------------------------------

@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("actor", ["grants_officer", "admin"])
def test_the_staff_who_run_rounds_may_open_every_page(as_role, draft_round, path, actor):
    assert as_role(actor).get(builder_url(draft_round, path)).status_code == 200


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("actor", ["applicant", "panel_member", "finance_officer", "commissioner"])
def test_no_one_else_may_open_them(as_role, draft_round, path, actor):
    response = as_role(actor).get(builder_url(draft_round, path))
    assert response.status_code == 403
    assert "You do not have permission to see this page" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_a_visitor_is_sent_to_sign_in(client, draft_round, path):
    response = client.get(builder_url(draft_round, path))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("actor", ["applicant", "commissioner"])
def test_no_one_else_may_change_a_form(as_role, draft_round, stored, actor):
    response = post(as_role(actor), builder_url(draft_round, "questions/need/move-up"))
    assert response.status_code == 403
    assert stored(draft_round) == []


# Not found ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", PAGES)
def test_a_round_that_does_not_exist_is_not_found(as_role, path):
    assert as_role("grants_officer").get(f"/rounds/999999/forms/application/{path}").status_code == 404


@pytest.mark.parametrize("kind", ["budget", "Application", "expression-of-interest", "form"])
def test_an_unknown_kind_of_form_is_not_found(as_role, draft_round, kind):
    assert as_role("grants_officer").get(f"/rounds/{draft_round.id}/forms/{kind}/").status_code == 404
    assert as_role("admin").get(f"/rounds/{draft_round.id}/forms/{kind}/questions/title").status_code == 404


@pytest.mark.parametrize("path", ["questions/no_such_question", "questions/no_such_question/remove",
                                  "questions/no_such_question/move-up", "questions/project",
                                  "sections/no_such_section", "sections/no_such_section/remove",
                                  "sections/no_such_section/questions/new", "sections/title/move-down"])
def test_an_unknown_question_or_section_is_not_found(as_role, draft_round, path):
    officer = as_role("grants_officer")
    assert officer.get(builder_url(draft_round, path)).status_code == 404
    assert post(officer, builder_url(draft_round, path)).status_code == 404


def test_a_question_of_another_kind_of_form_is_not_found(as_role, draft_round):
    # in_area is a question of the eligibility check, not of the application form
    assert as_role("grants_officer").get(builder_url(draft_round, "questions/in_area")).status_code == 404
    eligibility_page = builder_url(draft_round, "questions/in_area", "eligibility")
    assert as_role("grants_officer").get(eligibility_page).status_code == 200


# Cross-site request forgery ----------------------------------------------------------------------

@pytest.mark.parametrize("path, data", [
    ("sections/project/questions/new", {"question_id": "asb", "label": "Where?", "question_type": "short_text",
                                        "required": "yes"}),
    ("questions/need", {"label": "Why?", "question_type": "long_text", "required": "yes", "max_words": "100"}),
    ("questions/need/remove", {}),
    ("questions/need/move-up", {}),
    ("sections/new", {"section_id": "extra", "title": "Extra"}),
    ("sections/project", {"title": "Renamed"}),
    ("sections/areas/remove", {}),
    ("sections/areas/move-up", {}),
    ("standard", {}),
])
def test_a_change_without_the_csrf_token_is_refused_and_saves_nothing(db, as_role, draft_round, users, path, data):
    versions.save(draft_round, Kind.APPLICATION, edited(), users["grants_officer"])
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))

    response = as_role("grants_officer").post(builder_url(draft_round, path), data=data)

    assert response.status_code == 400
    assert versions.current(draft_round, Kind.APPLICATION) == edited()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
    assert db.session.scalar(select(func.count()).select_from(RoundForm)) == 1


def test_the_rounds_page_links_to_its_forms(as_role, draft_round):
    response = as_role("grants_officer").get(f"/rounds/manage/{draft_round.id}")
    link = page(response).find("a", string="See or change the round's forms")
    assert link is not None and link["href"] == builder_url(draft_round)
