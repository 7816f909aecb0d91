"""The question library: on the way to adding a question, an officer starts from a question of the
standard form or of another round's form, found by a filter and paged; the copy keeps what the question
asks but not its role nor a condition on a question this form lacks (saying so), goes through the same
checks and audit as any change, and asks for a new id on the question page when its own is taken."""

from __future__ import annotations

import pytest

from grants.form_definitions import Kind, dump, load, standard
from grants.form_definitions.model import MONITORING_ONLY_TYPES
from grants.interfaces.round_forms import library, versions
from grants.interfaces.round_forms.describe import type_name
from tests.blueprints.round_forms.conftest import HOTSPOTS, edited
from tests.blueprints.round_forms.pages import builder_url, question_row, words
from tests.factories import FundingRoundFactory
from tests.helpers import error_messages, page, post

LIBRARY = "sections/project/questions/library"
SAFEGUARDING_LIBRARY = "sections/safeguarding/questions/library"
OTHER_ROUND = "Commissioners Grant 2026"
OTHER_SOURCE = f"{OTHER_ROUND}: Project summary and activities"
FROZEN = ("This round has opened, so its application form can no longer be changed. An administrator can make "
          "a new version if they must, giving the reason")
# A question with everything a copy keeps.
CLUBS = {
    "id": "club_kind", "type": "one_choice", "label": "What kind of club do you run?", "hint": "Choose the nearest",
    "guidance": "See [the plan](https://example.org/plan).", "required": False, "name_for_errors": "Kind of club",
    "messages": {"required": "Select the kind of club you run"},
    "options": [{"value": "youth", "label": "Youth club"}, {"value": "sports", "label": "Sports club",
                                                            "hint": "Any sport"}],
}
# Asked only if club_kind is youth, refusing "no" then: neither condition can come to a form without club_kind.
CLUB_DBS = {
    "id": "club_dbs", "type": "yes_no", "label": "Do your club's volunteers have DBS checks?",
    "show_if": {"question": "club_kind", "equals": "youth"},
    "refuse": {"equals": "no", "when": {"question": "club_kind", "equals": "youth"},
               "message": "Volunteers at a youth club must have DBS checks"},
}


def other_round(questions: list[dict], name: str = OTHER_ROUND, title_id: str | None = None):
    """Another round whose application form adds ``questions`` to its first section (and, with
    ``title_id``, asks the project's title by that id instead of title)."""
    funding_round = FundingRoundFactory(name=name, published_at=None)
    document = dump(standard(Kind.APPLICATION))
    document["sections"][0]["questions"] += questions
    if title_id is not None:
        document["sections"][0]["questions"][0]["id"] = title_id
    versions.save(funding_round, Kind.APPLICATION, load(document), None)
    return funding_round


def items(response) -> list[tuple[str, str, str]]:
    """The library's questions on the page: (label, its hint, the value sent to choose it)."""
    found = []
    for item in page(response).select(".govuk-radios__item"):
        hint = item.select_one(".govuk-radios__hint")
        found.append((" ".join(item.select_one("label").get_text().split()),
                      " ".join(hint.get_text().split()) if hint else "", item.select_one("input")["value"]))
    return found


def count_line(response) -> str:
    return " ".join(page(response).select_one("#library-count").get_text().split())


# Listing, filtering, paging -----------------------------------------------------------------------

def test_the_library_lists_the_standard_forms_questions_with_their_type_and_source(as_role, draft_round):
    response = as_role("grants_officer").get(builder_url(draft_round, LIBRARY))

    assert response.status_code == 200
    assert count_line(response) == "Showing 1 to 20 of 38 questions"
    assert items(response)[:2] == [
        ("Project name", "Short text. From: Standard application form", "standard:title"),
        ("Summarise your project", "Long text. From: Standard application form", "standard:summary"),
    ]


def test_other_rounds_questions_are_listed_named_by_round_and_section(as_role, draft_round):
    source = other_round([HOTSPOTS])

    response = as_role("grants_officer").get(builder_url(draft_round, LIBRARY) + "?q=anti-social")

    assert items(response) == [
        (HOTSPOTS["label"], f"Long text. From: {OTHER_SOURCE}", f"round-{source.id}:asb_hotspots")]


def test_a_question_asked_in_several_places_is_listed_once(draft_round):
    other_round([HOTSPOTS])
    other_round([HOTSPOTS], name="Youth Diversion 2025")

    everything = library.library(draft_round, Kind.APPLICATION)

    assert len(everything) == 39  # the standard form's 38, which the other rounds ask too, and asb_hotspots
    assert [entry.source for entry in everything].count("Standard application form") == 38
    # The same id with another label is another question.
    other_round([HOTSPOTS | {"label": "Where is anti-social behaviour worst?"}], name="Safer Streets 2025")
    assert [entry.question.id for entry in library.library(draft_round, Kind.APPLICATION)].count("asb_hotspots") == 2


def test_this_rounds_own_form_is_not_in_its_library(draft_round):
    versions.save(draft_round, Kind.APPLICATION, edited(extra=HOTSPOTS), None)

    assert "asb_hotspots" not in [entry.question.id for entry in library.library(draft_round, Kind.APPLICATION)]


def test_the_filter_finds_by_words_of_the_label_type_or_source(as_role, draft_round):
    other_round([HOTSPOTS])
    officer = as_role("grants_officer")

    by_label = officer.get(builder_url(draft_round, LIBRARY) + "?q=Safeguarding+POLICY")
    by_source = officer.get(builder_url(draft_round, LIBRARY) + "?q=commissioners+grant")
    by_type = officer.get(builder_url(draft_round, LIBRARY) + "?q=Declaration")

    assert [label for label, _, _ in items(by_label)] == ["Does your organisation have a safeguarding policy?"]
    assert count_line(by_label) == "Showing 1 to 1 of 1 question matching “Safeguarding POLICY”"
    assert [label for label, _, _ in items(by_source)] == [HOTSPOTS["label"]]
    assert len(items(by_type)) == 4
    assert page(by_type).select_one("input#q")["value"] == "Declaration"


def test_a_filter_matching_nothing_says_so(as_role, draft_round):
    response = as_role("grants_officer").get(builder_url(draft_round, LIBRARY) + "?q=zebra+crossings")

    assert items(response) == []
    assert "No question in the library matches “zebra crossings”" in words(response)
    assert page(response).select("main form[method=post]") == []


def test_a_long_library_is_paged_keeping_the_filter(as_role, draft_round):
    officer = as_role("grants_officer")

    second = officer.get(builder_url(draft_round, LIBRARY) + "?page=2")
    filtered = officer.get(builder_url(draft_round, LIBRARY) + "?q=your")

    assert count_line(second) == "Showing 21 to 38 of 38 questions"
    assert items(second)[-1][0] == "Your position in the organisation"
    next_link = page(filtered).select_one(".govuk-pagination__next a")
    assert next_link is not None and "q=your" in next_link["href"] and "page=2" in next_link["href"]
    assert officer.get(builder_url(draft_round, LIBRARY) + "?page=3").status_code == 404
    assert officer.get(builder_url(draft_round, LIBRARY) + "?page=0").status_code == 404
    assert officer.get(builder_url(draft_round, LIBRARY) + "?page=two").status_code == 404


def test_monitoring_only_types_are_in_the_monitoring_library_only(as_role, draft_round):
    monitoring_only = {type_name(kind) for kind in MONITORING_ONLY_TYPES}
    application = library.library(draft_round, Kind.APPLICATION)
    monitoring = library.library(draft_round, Kind.MONITORING)

    assert not {entry.type_name for entry in application} & monitoring_only
    assert {entry.type_name for entry in monitoring} >= monitoring_only
    response = as_role("grants_officer").get(builder_url(draft_round, "sections/activities/questions/library",
                                                         kind="monitoring"))
    assert any(hint.startswith("Progress on each milestone. From: Standard monitoring return")
               for _, hint, _ in items(response))


@pytest.mark.parametrize("kind, name", [("eligibility", "Standard eligibility check"),
                                        ("monitoring", "Standard monitoring return"),
                                        ("expression_of_interest", "Standard expression of interest form")])
def test_each_kind_of_form_has_its_own_library(as_role, draft_round, kind, name):
    section = standard(Kind(kind)).sections[0]
    response = as_role("grants_officer").get(builder_url(draft_round, f"sections/{section.id}/questions/library",
                                                         kind=kind))

    assert response.status_code == 200
    assert items(response)[0] == (section.questions[0].label,
                                  f"{type_name(section.questions[0].type)}. From: {name}",
                                  f"standard:{section.questions[0].id}")
    assert all(hint.endswith(f"From: {name}") for _, hint, _ in items(response))


@pytest.mark.visible_text(allow=["<b>", "</b>", "<script>alert(1)</script>"])  # typed by an officer, shown as typed
def test_a_label_with_markup_is_shown_as_text(as_role, draft_round):
    other_round([HOTSPOTS | {"id": "marked", "label": "<b>Bold</b> <script>alert(1)</script>?"}])
    officer = as_role("grants_officer")

    response = officer.get(builder_url(draft_round, LIBRARY) + "?q=bold")
    html = response.get_data(as_text=True)

    assert items(response)[0][0] == "<b>Bold</b> <script>alert(1)</script>?"
    assert "<script>alert(1)" not in html and "&lt;b&gt;Bold&lt;/b&gt;" in html
    added = post(officer, builder_url(draft_round, LIBRARY), {"choice": items(response)[0][2]})
    assert "<script>alert(1)" not in officer.get(added.headers["Location"]).get_data(as_text=True)


# Adding a copy ------------------------------------------------------------------------------------

def test_choosing_a_question_with_a_free_id_adds_a_copy_audited_like_any_change(as_role, draft_round, stored,
                                                                              events):
    source = other_round([HOTSPOTS])
    officer = as_role("grants_officer")

    response = post(officer, builder_url(draft_round, LIBRARY), {"choice": f"round-{source.id}:asb_hotspots"})

    assert response.status_code == 302
    assert response.headers["Location"] == builder_url(draft_round) + "#question-asb_hotspots"
    shown = officer.get(response.headers["Location"])
    assert f"The question “{HOTSPOTS['label']}” has been added from {OTHER_SOURCE}" in words(shown)
    assert question_row(shown, "asb_hotspots").startswith(f"{HOTSPOTS['label']} Long text: at most 250 words")
    assert dump(versions.current(draft_round, Kind.APPLICATION))["sections"][0]["questions"][-1] == HOTSPOTS
    assert stored(draft_round) == [(Kind.APPLICATION, 1)]
    [event] = events("round_form.edited")
    assert event.summary == ("Version 1 of the application form of Safer Neighbourhoods 2027 edited "
                             "(question asb_hotspots added to section project from the question library)")


def test_a_copy_keeps_label_hint_guidance_options_limits_and_messages(as_role, draft_round):
    source = other_round([CLUBS, HOTSPOTS | {"id": "club_size", "type": "whole_number", "label": "How many members?",
                                             "limits": {"min": 1, "max": 500},
                                             "messages": {"max": "A club has at most 500 members"}}])
    officer = as_role("grants_officer")

    post(officer, builder_url(draft_round, LIBRARY), {"choice": f"round-{source.id}:club_kind"})
    post(officer, builder_url(draft_round, LIBRARY), {"choice": f"round-{source.id}:club_size"})

    added = dump(versions.current(draft_round, Kind.APPLICATION))["sections"][0]["questions"][-2:]
    assert added[0] == CLUBS
    assert added[1] == {"id": "club_size", "type": "whole_number", "label": "How many members?",
                        "messages": {"max": "A club has at most 500 members"}, "limits": {"min": 1, "max": 500}}


def test_a_copy_leaves_its_role_behind_and_says_so(as_role, draft_round):
    source = other_round([], title_id="project_name")
    officer = as_role("grants_officer")

    response = post(officer, builder_url(draft_round, LIBRARY), {"choice": f"round-{source.id}:project_name"})

    assert response.status_code == 302
    assert (f"The question “Project name” has been added from {OTHER_SOURCE}. Its role was not copied: in "
            f"{OTHER_SOURCE} the service reads it as the project's title, and each role is used by one question of "
            "a form only") in words(officer.get(response.headers["Location"]))
    form = versions.current(draft_round, Kind.APPLICATION)
    assert form.question("project_name").role is None
    assert form.question("title").role == "project_title"


def test_a_copy_leaves_behind_conditions_on_questions_this_form_does_not_have_and_says_so(as_role, draft_round):
    source = other_round([CLUBS, CLUB_DBS])
    officer = as_role("grants_officer")

    response = post(officer, builder_url(draft_round, LIBRARY), {"choice": f"round-{source.id}:club_dbs"})

    assert response.status_code == 302
    text = words(officer.get(response.headers["Location"]))
    assert ("It was shown only if the answer to club_kind was a certain one, and this form has no such question, "
            "so it is always asked") in text
    assert ("Its refuse rule (“Volunteers at a youth club must have DBS checks”) applied only if the answer to "
            "club_kind was a certain one, and this form has no such question, so the rule was not copied") in text
    copied = versions.current(draft_round, Kind.APPLICATION).question("club_dbs")
    assert (copied.label, copied.show_if, copied.refuse) == (CLUB_DBS["label"], None, None)


def test_a_copy_keeps_conditions_on_questions_this_form_has(as_role, draft_round):
    source = other_round([CLUBS, CLUB_DBS])
    officer = as_role("grants_officer")
    post(officer, builder_url(draft_round, LIBRARY), {"choice": f"round-{source.id}:club_kind"})

    response = post(officer, builder_url(draft_round, SAFEGUARDING_LIBRARY), {"choice": f"round-{source.id}:club_dbs"})

    assert response.status_code == 302
    assert "was not copied" not in words(officer.get(response.headers["Location"]))
    assert dump(versions.current(draft_round, Kind.APPLICATION))["sections"][7]["questions"][-1] == CLUB_DBS


def test_a_copy_the_form_cannot_take_is_refused_in_words_and_nothing_saved(as_role, draft_round, stored):
    # Shown only if vulnerable_people (in the safeguarding section): added to the first section, it would
    # come before the question it depends on.
    source = other_round([], title_id="project_name")
    dbs_again = {"id": "dbs_again", "type": "yes_no", "label": "DBS checks for the new staff?",
                 "show_if": {"question": "vulnerable_people", "equals": "yes"}}
    document = dump(versions.current(source, Kind.APPLICATION))
    document["sections"][7]["questions"].append(dbs_again)
    versions.save(source, Kind.APPLICATION, load(document), None)

    response = post(as_role("grants_officer"), builder_url(draft_round, LIBRARY),
                    {"choice": f"round-{source.id}:dbs_again"})

    assert response.status_code == 200
    assert error_messages(response) == [
        "Question dbs_again is shown only if vulnerable_people, which comes after it"]
    assert stored(draft_round) == []


def test_a_question_whose_id_is_taken_is_added_on_the_question_page_with_a_new_id(as_role, draft_round, stored):
    officer = as_role("grants_officer")

    chosen = post(officer, builder_url(draft_round, SAFEGUARDING_LIBRARY), {"choice": "standard:dbs_checks"})

    question_page = builder_url(draft_round, "sections/safeguarding/questions/new") + "?from=standard%3Adbs_checks"
    assert chosen.status_code == 302 and chosen.headers["Location"] == question_page
    assert stored(draft_round) == []
    shown = officer.get(question_page)
    assert ("This is a copy of “Will the people who deliver it have the right DBS checks?” from Standard application "
            "form. This form already uses its id, dbs_checks, so give the copy an id of its own") in words(shown)
    assert page(shown).select_one("input#question_id")["value"] == ""
    assert page(shown).select_one("input#label")["value"] == "Will the people who deliver it have the right DBS checks?"
    assert error_messages(shown) == []

    fields = {"label": "Will the new staff have DBS checks?", "question_type": "one_choice", "required": "yes",
              "options": page(shown).select_one("textarea#options").get_text(), "show_if": "vulnerable_people=yes"}
    taken = post(officer, question_page, fields | {"question_id": "dbs_checks"})
    assert error_messages(taken) == ["The id dbs_checks is already used by a question in this form. Choose another id"]
    added = post(officer, question_page, fields | {"question_id": "new_staff_dbs"})

    assert added.status_code == 302
    assert ("The question “Will the new staff have DBS checks?” has been added from Standard application form"
            in words(officer.get(added.headers["Location"])))
    form = versions.current(draft_round, Kind.APPLICATION)
    assert form.question("new_staff_dbs").refuse == form.question("dbs_checks").refuse  # kept: its when is here
    assert form.question("new_staff_dbs").options == form.question("dbs_checks").options


def test_choosing_nothing_or_a_question_not_in_the_library_is_refused(as_role, draft_round, stored):
    officer = as_role("grants_officer")

    for sent in ({}, {"choice": "standard:no_such_question"}, {"choice": "round-999999:title"}):
        response = post(officer, builder_url(draft_round, LIBRARY), sent)
        assert response.status_code == 200
        assert error_messages(response) == ["Select the question to add"]
    assert stored(draft_round) == []
    assert officer.get(builder_url(draft_round, "sections/project/questions/new") + "?from=standard:nope"
                       ).status_code == 404


def test_the_library_is_linked_from_the_form_page_and_the_question_page(as_role, draft_round):
    officer = as_role("grants_officer")
    href = builder_url(draft_round, LIBRARY)

    assert page(officer.get(builder_url(draft_round))).select_one(f"a[href='{href}']") is not None
    assert page(officer.get(builder_url(draft_round, "sections/project/questions/new"))).select_one(
        f"a[href='{href}']") is not None


def test_the_choice_needs_the_forms_csrf_token(as_role, draft_round, stored):
    response = as_role("grants_officer").post(builder_url(draft_round, LIBRARY), data={"choice": "standard:title"})

    assert response.status_code == 400
    assert stored(draft_round) == []
    library_page = as_role("grants_officer").get(builder_url(draft_round, LIBRARY))
    page_form = page(library_page).select_one("main form[method=post]")
    assert page_form.select_one("input[name=csrf_token]")["value"]


# A frozen form ------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["get", "post"])
def test_an_officer_cannot_use_the_library_once_the_round_has_opened(as_role, open_round, stored, method):
    officer = as_role("grants_officer")
    if method == "get":
        response = officer.get(builder_url(open_round, LIBRARY))
    else:
        response = post(officer, builder_url(open_round, LIBRARY), {"choice": "standard:title"})

    assert response.status_code == 302 and response.headers["Location"] == builder_url(open_round)
    assert FROZEN in words(officer.get(response.headers["Location"]))
    assert stored(open_round) == []


def test_an_administrator_adds_from_the_library_after_opening_giving_a_reason(as_role, open_round, stored):
    source = other_round([HOTSPOTS])
    admin = as_role("admin")
    choice = {"choice": f"round-{source.id}:asb_hotspots"}

    without = post(admin, builder_url(open_round, LIBRARY), choice)
    assert without.status_code == 200
    assert error_messages(without) == ["Enter the reason for changing the application form of a round that has opened"]
    assert stored(open_round) == []

    response = post(admin, builder_url(open_round, LIBRARY), choice | {"reason": "The panel asked for it"})

    assert response.status_code == 302
    assert (f"The question “{HOTSPOTS['label']}” has been added from {OTHER_SOURCE}. This is version 1 of the "
            "application form, for new applications only") in words(admin.get(response.headers["Location"]))
    assert stored(open_round) == [(Kind.APPLICATION, 1)]
    assert versions.current_version(open_round, Kind.APPLICATION).reason == "The panel asked for it"
