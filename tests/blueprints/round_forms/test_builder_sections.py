"""The form builder's section pages, copying a form from another round, going back to the standard
form, and a form frozen once its round opens (an administrator's change, with a reason, is a new
version)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.extensions import db
from grants.form_definitions import Kind, standard
from grants.interfaces.round_forms import versions
from grants.models.types import utcnow
from tests.blueprints.round_forms.conftest import HOTSPOTS, edited
from tests.blueprints.round_forms.pages import builder_url, listed, words
from tests.helpers import error_messages, page, post

NEW_SECTION = {"section_id": "asb", "title": "Anti-social behaviour", "description": "Tell us about **local** harm.",
               "question_id": "asb_hotspots", "label": "Which places does it affect most?",
               "question_type": "long_text", "max_words": "250", "required": "yes"}
REASON = "The Home Office asked for the places served"


def _titles(response) -> list[str]:
    return [title for title, _ in listed(response)]


# Sections ----------------------------------------------------------------------------------------

def test_a_new_section_comes_with_its_first_question_at_the_end(as_role, draft_round, events):
    officer = as_role("grants_officer")
    response = post(officer, builder_url(draft_round, "sections/new"), NEW_SECTION)

    assert response.headers["Location"] == builder_url(draft_round) + "#section-asb"
    shown = officer.get(response.headers["Location"])
    assert "The section “Anti-social behaviour” has been added" in words(shown)
    assert listed(shown)[-1] == ("Anti-social behaviour", ["Which places does it affect most?"])
    assert page(shown).select_one("#section-asb strong").get_text() == "local"  # the description is Markdown
    assert events("round_form.edited")[0].summary.endswith("edited (section asb added)")


@pytest.mark.parametrize("changes, message, box", [
    ({"section_id": ""}, "Enter the section id", "section_id"),
    ({"section_id": "Safety First"}, "The section id must be 1 to 40 lower-case letters, digits and underscores, "
                                     "starting with a letter, like community_safety", "section_id"),
    ({"section_id": "budget"}, "The id budget is already used by a section in this form. Choose another id",
     "section_id"),
    ({"section_id": "need"}, "The id need is already used by a question in this form. Choose another id",
     "section_id"),
    ({"title": ""}, "Enter the section title", "title"),
    ({"question_id": "budget"}, "The id budget is already used by a section in this form. Choose another id",
     "question_id"),
    ({"label": ""}, "Enter the question", "label"),
    ({"question_type": "one_choice"}, "Enter at least 2 options, one on each line", "options"),
])
def test_a_bad_new_section_is_refused_naming_the_box_to_fix(as_role, draft_round, stored, changes, message, box):
    response = post(as_role("grants_officer"), builder_url(draft_round, "sections/new"), NEW_SECTION | changes)
    assert message in error_messages(response)
    assert f"#{box}" in [a["href"] for a in page(response).select(".govuk-error-summary__list a")]
    assert page(response).select_one(f"#{box}") is not None  # the link goes to the box
    assert stored(draft_round) == []


def test_a_new_sections_id_and_its_questions_id_cannot_be_the_same(as_role, draft_round, stored):
    response = post(as_role("grants_officer"), builder_url(draft_round, "sections/new"),
                    NEW_SECTION | {"question_id": "asb"})
    assert error_messages(response) == ["The question id must not be the same as the section id"]
    assert stored(draft_round) == []


def test_changing_a_sections_title_and_description(as_role, draft_round):
    officer = as_role("grants_officer")
    boxes = page(officer.get(builder_url(draft_round, "sections/budget")))
    assert boxes.select_one("input[name=title]")["value"] == "Budget"
    assert boxes.select_one("input[name=section_id]") is None

    response = post(officer, builder_url(draft_round, "sections/budget"),
                    {"title": "Money", "description": "What it costs", "section_id": "renamed"})

    shown = officer.get(response.headers["Location"])
    assert "The section “Money” has been changed" in words(shown)
    section = versions.current(draft_round, Kind.APPLICATION).sections[5]
    assert (section.id, section.title, section.description) == ("budget", "Money", "What it costs")
    assert error_messages(post(officer, builder_url(draft_round, "sections/budget"), {"title": ""})) == [
        "Enter the section title"]


def test_removing_a_section_lists_its_questions_then_removes_them(as_role, draft_round):
    officer = as_role("grants_officer")
    confirm = words(officer.get(builder_url(draft_round, "sections/areas/remove")))
    assert "Are you sure you want to remove this section?" in confirm
    assert ("with its questions: Which areas will your project work in? Towns, villages or neighbourhoods"
            in confirm)

    response = post(officer, builder_url(draft_round, "sections/areas/remove"))

    shown = officer.get(response.headers["Location"])
    assert "The section “Where your project will work” has been removed" in words(shown)
    assert "Where your project will work" not in _titles(shown)


@pytest.mark.parametrize("kind, section_id, reason", [
    ("application", "budget", "The service reads “How much are you asking us for?” as the amount asked for, "
                              "which every application form needs"),
    ("eligibility", "eligibility", "It is the form's only section, and a form needs at least one"),
])
def test_a_section_the_form_needs_cannot_be_removed(as_role, draft_round, stored, kind, section_id, reason):
    officer = as_role("grants_officer")
    for response in (officer.get(builder_url(draft_round, f"sections/{section_id}/remove", kind)),
                     post(officer, builder_url(draft_round, f"sections/{section_id}/remove", kind))):
        assert "You cannot remove this section" in words(response)
        assert reason in words(response)
    assert stored(draft_round) == []


def test_a_section_with_a_question_another_section_depends_on_cannot_be_removed(as_role, draft_round):
    officer = as_role("grants_officer")
    post(officer, builder_url(draft_round, "sections/new"), NEW_SECTION | {
        "question_type": "short_text", "show_if": "vulnerable_people=yes"})
    text = words(officer.get(builder_url(draft_round, "sections/safeguarding/remove")))
    assert ("“Which places does it affect most?” (asb_hotspots) is shown only if a question in this section has a "
            "certain answer: change or remove it first") in text


def test_moving_a_section_up_and_down(as_role, draft_round):
    officer = as_role("grants_officer")
    post(officer, builder_url(draft_round, "sections/areas/move-up"))
    shown = officer.get(builder_url(draft_round))
    assert _titles(shown)[1:3] == ["Where your project will work", "How your project fits the plan"]
    assert "The section “Where your project will work” has been moved up" in words(shown)

    response = post(officer, builder_url(draft_round, "sections/declarations/move-down"))
    assert "The section was not moved down. It is already the last section of the form" in words(
        officer.get(response.headers["Location"]))


# Copying and going back to the standard form ------------------------------------------------------

def test_copying_the_form_of_another_round(as_role, draft_round, scheduled_round, open_round, users, events):
    versions.save(scheduled_round, Kind.APPLICATION, edited(extra=HOTSPOTS), users["grants_officer"])
    officer = as_role("grants_officer")
    choices = page(officer.get(builder_url(draft_round, "copy")))
    offered = {radio.find_next("label").get_text(strip=True): radio["value"]
               for radio in choices.select("input[name=source]")}
    assert set(offered) == {"Youth Diversion 2027", "Community Safety Fund 2026"}
    text = " ".join(choices.get_text(" ").split())
    assert "Its own application form, version 1" in text and "The standard application form" in text

    response = post(officer, builder_url(draft_round, "copy"), {"source": offered["Youth Diversion 2027"]})

    shown = officer.get(response.headers["Location"])
    assert ("The application form of Youth Diversion 2027 has been copied to this round as version 1"
            in words(shown))
    assert versions.current(draft_round, Kind.APPLICATION) == edited(extra=HOTSPOTS)
    assert events("round_form.copied")[0].actor_id == users["grants_officer"].id


@pytest.mark.parametrize("source", [None, "", "999999", "own round"])
def test_copying_needs_another_round_chosen(as_role, draft_round, scheduled_round, stored, source):
    data = {} if source is None else {"source": str(draft_round.id) if source == "own round" else source}
    response = post(as_role("grants_officer"), builder_url(draft_round, "copy"), data)
    assert error_messages(response) == ["Select the round to copy the form from"]
    assert stored(draft_round) == []


def test_going_back_to_the_standard_form(as_role, draft_round, users, events):
    versions.save(draft_round, Kind.APPLICATION, edited(extra=HOTSPOTS), users["grants_officer"])
    officer = as_role("grants_officer")
    assert "The standard application form, “Commissioners Grant application”, replaces this round's" in words(
        officer.get(builder_url(draft_round, "standard")))

    response = post(officer, builder_url(draft_round, "standard"))

    assert ("The round asks the standard application form again, as version 2"
            in words(officer.get(response.headers["Location"])))
    assert versions.current(draft_round, Kind.APPLICATION) == standard(Kind.APPLICATION)
    assert events("round_form.reset")[0].summary == (
        "Version 2 of the application form of Safer Neighbourhoods 2027 reset to the standard form")


def test_a_round_that_asks_the_standard_form_has_nothing_to_go_back_to(as_role, draft_round, stored):
    officer = as_role("grants_officer")
    assert "This round already asks the standard application form" in words(
        officer.get(builder_url(draft_round, "standard")))
    response = post(officer, builder_url(draft_round, "standard"))
    assert "This round already asks the standard application form" in words(officer.get(response.headers["Location"]))
    assert stored(draft_round) == []


# Frozen once the round opens ----------------------------------------------------------------------

@pytest.mark.parametrize("path, data", [
    ("questions/need", {"label": "Why?", "question_type": "long_text", "max_words": "100", "required": "yes"}),
    ("questions/need/remove", {}),
    ("questions/need/move-up", {}),
    ("sections/new", NEW_SECTION),
    ("sections/budget", {"title": "Money"}),
    ("sections/areas/move-up", {}),
    ("copy", {"source": "1"}),
])
def test_an_officer_cannot_change_the_form_of_an_open_round(as_role, open_round, stored, events, path, data):
    officer = as_role("grants_officer")
    response = post(officer, builder_url(open_round, path), data | {"reason": REASON})
    assert response.headers["Location"] == builder_url(open_round)
    assert "This round has opened, so its application form can no longer be changed" in words(
        officer.get(response.headers["Location"]))
    assert stored(open_round) == [] and events() == []


def test_an_administrators_change_after_opening_is_a_new_version_with_its_reason(as_role, open_round, users,
                                                                               stored, events):
    versions.save(open_round, Kind.APPLICATION, edited(), users["admin"], reason="Set up late")
    admin = as_role("admin")
    change_page = page(admin.get(builder_url(open_round, "questions/need")))
    assert change_page.select_one("textarea[name=reason]") is not None

    response = post(admin, builder_url(open_round, "questions/need"), {
        "label": "Why is it needed?", "question_type": "long_text", "max_words": "300", "required": "yes",
        "reason": REASON})

    shown = admin.get(response.headers["Location"])
    assert ("The question “Why is it needed?” has been changed. This is version 2 of the application form, "
            "for new applications only") in words(shown)
    assert "Version 2" in words(shown)
    assert stored(open_round) == [(Kind.APPLICATION, 1), (Kind.APPLICATION, 2)]
    newest = versions.current_version(open_round, Kind.APPLICATION)
    assert newest.reason == REASON
    assert versions.current(open_round, Kind.APPLICATION).question("need").label == "Why is it needed?"
    assert edited().question("need").label == "What is the need for your project?"  # version 1 unchanged
    [event] = events("round_form.edited")
    assert event.summary == (
        "Version 2 of the application form of Community Safety Fund 2026 edited (question need changed), after "
        f"the round opened (an administrator's override). Reason: {REASON}")

    post(admin, builder_url(open_round, "questions/need/move-up"), {"reason": "Reads better"})
    assert stored(open_round)[-1] == (Kind.APPLICATION, 3)


@pytest.mark.parametrize("path, data", [
    ("questions/need", {"label": "Why?", "question_type": "long_text", "max_words": "100", "required": "yes"}),
    ("questions/need/remove", {}),
    ("questions/need/move-up", {}),
    ("sections/budget", {"title": "Money"}),
    ("sections/areas/remove", {}),
    ("standard", {}),
])
def test_an_administrators_change_after_opening_needs_a_reason(as_role, open_round, users, stored, path, data):
    versions.save(open_round, Kind.APPLICATION, edited(), users["admin"], reason="Set up late")
    response = post(as_role("admin"), builder_url(open_round, path), data | {"reason": "  "})
    assert response.status_code == 200
    assert error_messages(response) == ["Enter the reason for changing the application form of a round that has opened"]
    assert [a["href"] for a in page(response).select(".govuk-error-summary__list a")] == ["#reason"]
    assert stored(open_round) == [(Kind.APPLICATION, 1)]


def test_an_administrator_copies_onto_an_open_round_giving_a_reason(as_role, open_round, draft_round, stored):
    admin = as_role("admin")
    missing = post(admin, builder_url(open_round, "copy"), {"source": str(draft_round.id)})
    assert error_messages(missing) == ["Enter the reason for changing the application form of a round that has opened"]
    response = post(admin, builder_url(open_round, "copy"), {"source": str(draft_round.id), "reason": REASON})
    assert ("The application form of Safer Neighbourhoods 2027 has been copied to this round as version 1, for new "
            "applications only") in words(admin.get(response.headers["Location"]))
    assert stored(open_round) == [(Kind.APPLICATION, 1)]
    assert versions.current_version(open_round, Kind.APPLICATION).reason == REASON


def test_edits_change_the_version_in_place_until_the_round_opens_then_make_new_ones(as_role, scheduled_round,
                                                                                   stored):
    officer = as_role("grants_officer")
    post(officer, builder_url(scheduled_round, "questions/need/move-up"))
    post(officer, builder_url(scheduled_round, "questions/need/move-down"))
    assert stored(scheduled_round) == [(Kind.APPLICATION, 1)]

    scheduled_round.opens_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    assert post(officer, builder_url(scheduled_round, "questions/need/move-up")).headers["Location"] == (
        builder_url(scheduled_round))
    assert stored(scheduled_round) == [(Kind.APPLICATION, 1)]
    post(as_role("admin"), builder_url(scheduled_round, "questions/need/move-up"), {"reason": REASON})
    assert stored(scheduled_round) == [(Kind.APPLICATION, 1), (Kind.APPLICATION, 2)]
