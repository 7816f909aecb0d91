"""Changing a rubric on its one edit form: what is saved and audited, the messages that refuse an
unusable rubric (nothing saved), adding and removing criteria, the scale, and two officers editing
at once (the later save is refused and shows the newer rubric)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grants.interfaces.rubrics.editing import CONFLICT
from grants.models.rubrics import Rubric
from tests.blueprints.rubrics.conftest import form_from
from tests.factories import RubricFactory
from tests.helpers import error_messages, page, post


def _error_links(response) -> list[tuple[str, str]]:
    summary = page(response).select(".govuk-error-summary__list a")
    return [(" ".join(a.get_text().split()), a["href"]) for a in summary]


def _criteria(db, rubric) -> list[tuple[str, str, Decimal]]:
    db.session.expire_all()
    return [(c.key, c.title, c.weight) for c in db.session.get(Rubric, rubric.id).criteria]


def test_the_edit_page_labels_every_box_and_groups_each_criterion(officer, rubric):
    soup = page(officer.get(f"/rubrics/{rubric.id}/edit"))
    form = soup.select_one("form[method=post]:not([action])")
    for element in form.select("input:not([type=hidden]), textarea"):
        assert form.select_one(f'label[for="{element["id"]}"]'), element["id"]
    legends = [" ".join(legend.get_text().split()) for legend in form.select("fieldset > legend")]
    assert legends == [
        "Scale",
        "Criterion 1: Strategic fit",
        "What each score means for criterion 1",
        "Criterion 2: Value for money",
        "What each score means for criterion 2",
    ]
    assert [box["id"] for box in soup.select("#criteria-0 textarea[id*=descriptor]")] == [
        f"criteria-0-descriptor_{score}" for score in range(5)
    ]
    assert soup.select_one("#criteria-1-weight")["value"] == "50"
    # Enter in a box presses the first button: it must save, not remove a criterion.
    assert form.select("button")[0]["value"] == "save"


def test_saving_the_page_unchanged_changes_nothing(officer, rubric, edit_form, events):
    response = post(officer, f"/rubrics/{rubric.id}/edit", edit_form(rubric))
    assert response.status_code == 302, error_messages(response)
    assert "Nothing was changed" in officer.get(response.headers["Location"]).get_data(as_text=True)
    assert events("rubric.updated") == []


def test_a_change_is_saved_and_audited_with_before_and_after(officer, db, rubric, edit_form, events, users):
    form = edit_form(rubric, {
        "name": "Community safety rubric 2026",
        "criteria-0-title": "Fit with the plan",
        "criteria-0-weight": "62.5",
        "criteria-1-weight": "37.50",
        "criteria-1-guidance": "Costs against outcomes",
        "criteria-1-descriptor_4": "Excellent value",
    })
    response = post(officer, f"/rubrics/{rubric.id}/edit", form)
    assert response.status_code == 302, error_messages(response)
    assert response.headers["Location"] == f"/rubrics/{rubric.id}"
    assert _criteria(db, rubric) == [
        ("fit", "Fit with the plan", Decimal("62.50")),
        ("value", "Value for money", Decimal("37.50")),
    ]
    saved = db.session.get(Rubric, rubric.id)
    assert saved.name == "Community safety rubric 2026"
    assert saved.criteria[1].descriptors["4"] == "Excellent value"
    [event] = events("rubric.updated")
    assert event.actor_id == users["grants_officer"].id
    assert event.entity_type == "Rubric" and event.entity_id == str(rubric.id)
    assert event.changes == {
        "name": {"before": "Community safety rubric", "after": "Community safety rubric 2026"},
        "criteria.fit.title": {"before": "Strategic fit", "after": "Fit with the plan"},
        "criteria.fit.weight": {"before": "50.00", "after": "62.50"},
        "criteria.value.weight": {"before": "50.00", "after": "37.50"},
        "criteria.value.guidance": {"before": "", "after": "Costs against outcomes"},
        "criteria.value.descriptor.4": {"before": "Score 4", "after": "Excellent value"},
    }


def test_weights_that_do_not_add_up_to_100_are_refused_and_nothing_is_saved(officer, db, rubric, edit_form, events):
    form = edit_form(rubric, {"criteria-0-weight": "45", "criteria-0-title": "Renamed"})
    response = post(officer, f"/rubrics/{rubric.id}/edit", form)
    assert response.status_code == 200
    assert _error_links(response) == [
        ("Criterion weights add up to 95%; they must add up to 100%", "#criteria-0-weight")
    ]
    soup = page(response)
    assert "add up to 95%" in soup.select_one("#criteria-0-weight-error").get_text()
    # What was typed is kept on the page.
    assert soup.select_one("#criteria-0-weight")["value"] == "45"
    assert _criteria(db, rubric)[0] == ("fit", "Strategic fit", Decimal("50.00"))
    assert events("rubric.updated") == []


def test_a_missing_descriptor_is_refused_on_its_box(officer, db, rubric, edit_form):
    response = post(officer, f"/rubrics/{rubric.id}/edit", edit_form(rubric, {"criteria-1-descriptor_3": "  "}))
    assert _error_links(response) == [(
        "Value for money has no descriptor for the score 3; describe every score on the scale",
        "#criteria-1-descriptor_3",
    )]
    db.session.expire_all()
    assert db.session.get(Rubric, rubric.id).criteria[1].descriptors["3"] == "Score 3"


def test_a_key_used_twice_is_refused_on_the_second(officer, db, rubric, edit_form):
    response = post(officer, f"/rubrics/{rubric.id}/edit", edit_form(rubric, {"criteria-1-key": "fit"}))
    assert _error_links(response) == [
        ("Criterion key 'fit' is used 2 times; each key must be unique", "#criteria-1-key")
    ]
    assert [key for key, _, _ in _criteria(db, rubric)] == ["fit", "value"]


@pytest.mark.parametrize(
    "changes, message, href",
    [
        ({"criteria-0-weight": "fifty"}, "Weight of criterion 1 must be a number, like 20", "#criteria-0-weight"),
        ({"criteria-0-weight": ""}, "Enter the weight of criterion 1", "#criteria-0-weight"),
        ({"criteria-0-weight": "NaN"}, "Weight of criterion 1 must be a number, like 20", "#criteria-0-weight"),
        ({"criteria-1-weight": "12.125"}, "Weight of criterion 2 must not have more than 2 decimal places",
         "#criteria-1-weight"),
        ({"criteria-1-weight": "150"}, "Weight of criterion 2 must be between 0% and 100%", "#criteria-1-weight"),
        ({"criteria-1-weight": "-5"}, "Weight of criterion 2 must be between 0% and 100%", "#criteria-1-weight"),
        ({"criteria-1-title": "   "}, "Enter a title for criterion 2", "#criteria-1-title"),
        ({"criteria-0-key": "Fit Key"}, "Key of criterion 1 must start with a letter and have only lowercase "
         "letters, numbers and underscores (60 at most), like value_for_money", "#criteria-0-key"),
        ({"name": ""}, "Enter the name of the rubric", "#name"),
        ({"scale_max": "four"}, "Highest score must be a whole number from 0 to 10", "#scale_max"),
        ({"scale_max": "11"}, "Highest score must be 10 or less", "#scale_max"),
        ({"scale_min": "4"}, "Highest score must be more than the lowest score", "#scale_max"),
    ],
)
def test_what_is_typed_in_each_box_is_checked(officer, db, rubric, edit_form, events, changes, message, href):
    response = post(officer, f"/rubrics/{rubric.id}/edit", edit_form(rubric, changes))
    assert response.status_code == 200
    assert _error_links(response) == [(message, href)]
    assert _criteria(db, rubric) == [
        ("fit", "Strategic fit", Decimal("50.00")),
        ("value", "Value for money", Decimal("50.00")),
    ]
    assert events("rubric.updated") == []


def test_a_weight_may_be_typed_with_a_percent_sign(officer, db, rubric, edit_form):
    form = edit_form(rubric, {"criteria-0-weight": "70%", "criteria-1-weight": "30"})
    assert post(officer, f"/rubrics/{rubric.id}/edit", form).status_code == 302
    assert [weight for _, _, weight in _criteria(db, rubric)] == [Decimal("70.00"), Decimal("30.00")]


def test_a_name_and_version_taken_by_another_rubric_is_refused(officer, db, rubric, edit_form):
    RubricFactory(name="Taken name")
    response = post(officer, f"/rubrics/{rubric.id}/edit", edit_form(rubric, {"name": "Taken name"}))
    assert _error_links(response) == [
        ("A rubric called Taken name already has a version 1. Choose another name", "#name")
    ]


# Adding and removing criteria, changing the scale: buttons that change the page, not the rubric


def test_a_criterion_is_added_on_the_page_then_saved_with_the_rest(officer, db, rubric, edit_form, events):
    form = edit_form(rubric) | {"action": "add"}
    response = post(officer, f"/rubrics/{rubric.id}/edit", form)
    assert response.status_code == 200 and error_messages(response) == []
    soup = page(response)
    assert soup.select_one("#criteria-2 legend").get_text(strip=True) == "Criterion 3"
    assert len(_criteria(db, rubric)) == 2  # nothing saved yet

    form = form_from(soup) | {
        "action": "save",
        "criteria-0-weight": "40",
        "criteria-1-weight": "30",
        "criteria-2-title": "Reach to young people",
        "criteria-2-weight": "30",
    } | {f"criteria-2-descriptor_{score}": f"Reach {score}" for score in range(5)}
    response = post(officer, f"/rubrics/{rubric.id}/edit", form)
    assert response.status_code == 302, error_messages(response)
    assert _criteria(db, rubric) == [
        ("fit", "Strategic fit", Decimal("40.00")),
        ("value", "Value for money", Decimal("30.00")),
        ("reach_to_young_people", "Reach to young people", Decimal("30.00")),
    ]
    [event] = events("rubric.updated")
    assert event.changes["criteria.reach_to_young_people.title"] == {"before": None, "after": "Reach to young people"}


def test_a_criterion_is_removed_on_the_page_then_saved(officer, db, rubric, edit_form, events):
    response = post(officer, f"/rubrics/{rubric.id}/edit", edit_form(rubric) | {"action": "remove-0"})
    soup = page(response)
    assert [legend.get_text(strip=True) for legend in soup.select("fieldset[id^=criteria-] > legend")] == [
        "Criterion 1: Value for money"
    ]
    assert soup.select_one("#criteria-0-key")["value"] == "value"
    # The last criterion cannot be removed: the page offers no button for it.
    assert soup.select('button[value^="remove-"]') == []
    assert len(_criteria(db, rubric)) == 2

    response = post(officer, f"/rubrics/{rubric.id}/edit", form_from(soup) | {
        "action": "save", "criteria-0-weight": "100",
    })
    assert response.status_code == 302, error_messages(response)
    assert _criteria(db, rubric) == [("value", "Value for money", Decimal("100.00"))]
    [event] = events("rubric.updated")
    assert event.changes["criteria.fit.title"] == {"before": "Strategic fit", "after": None}


def test_removing_the_only_criterion_is_ignored(officer, db):
    rubric = RubricFactory()
    rubric.criteria.pop()
    rubric.criteria[0].weight = Decimal("100")
    db.session.flush()
    soup = page(officer.get(f"/rubrics/{rubric.id}/edit"))
    response = post(officer, f"/rubrics/{rubric.id}/edit", form_from(soup) | {"action": "remove-0"})
    assert page(response).select_one("#criteria-0-title")["value"] == "Strategic fit"


def test_a_new_scale_needs_a_descriptor_for_every_score(officer, db, rubric, edit_form):
    form = edit_form(rubric, {"scale_min": "1", "scale_max": "5"})
    # "Update the scale" shows a box for each score, saving nothing and showing no errors.
    soup = page(post(officer, f"/rubrics/{rubric.id}/edit", form | {"action": "scale"}))
    assert [box["id"] for box in soup.select("#criteria-0 textarea[id*=descriptor]")] == [
        f"criteria-0-descriptor_{score}" for score in range(1, 6)
    ]
    assert soup.select_one("#criteria-0-descriptor_5").get_text() == ""
    assert soup.select(".govuk-error-summary") == []

    response = post(officer, f"/rubrics/{rubric.id}/edit", form)
    assert _error_links(response) == [
        ("Strategic fit has no descriptor for the score 5; describe every score on the scale",
         "#criteria-0-descriptor_5"),
        ("Value for money has no descriptor for the score 5; describe every score on the scale",
         "#criteria-1-descriptor_5"),
    ]
    assert all((c.scale_min, c.scale_max) == (0, 4) for c in db.session.get(Rubric, rubric.id).criteria)

    response = post(officer, f"/rubrics/{rubric.id}/edit", form_from(page(response)) | {
        "action": "save", "criteria-0-descriptor_5": "Outstanding", "criteria-1-descriptor_5": "Outstanding",
    })
    assert response.status_code == 302, error_messages(response)
    db.session.expire_all()
    for criterion in db.session.get(Rubric, rubric.id).criteria:
        assert (criterion.scale_min, criterion.scale_max) == (1, 5)
        assert sorted(criterion.descriptors, key=int) == ["1", "2", "3", "4", "5"]


def test_a_scale_that_cannot_be_used_is_explained_when_updating_it(officer, rubric, edit_form):
    response = post(officer, f"/rubrics/{rubric.id}/edit", edit_form(rubric, {"scale_max": "40", "action": "scale"}))
    assert _error_links(response) == [("Highest score must be 10 or less", "#scale_max")]
    # The boxes stay those of the saved scale.
    assert len(page(response).select("#criteria-0 textarea[id*=descriptor]")) == 5


# Two officers at once (optimistic locking on a fingerprint of the rubric)


def test_a_save_over_someone_elses_newer_change_is_refused_and_shows_theirs(officer, db, rubric, edit_form, events):
    mine = edit_form(rubric, {"criteria-0-weight": "60", "criteria-1-weight": "40", "name": "My name"})
    rubric.criteria[0].title = "Their title"
    db.session.flush()

    response = post(officer, f"/rubrics/{rubric.id}/edit", mine)

    assert response.status_code == 200
    assert _error_links(response) == [(CONFLICT, "#updated_from")]
    soup = page(response)
    assert soup.select_one("#criteria-0-title")["value"] == "Their title"
    assert soup.select_one("#criteria-0-weight")["value"] == "50"
    unsaved = {
        " ".join(row.dt.get_text().split()): " ".join(row.dd.get_text().split())
        for row in soup.select("#updated_from .govuk-summary-list__row")
    }
    assert unsaved == {
        "Name": "My name",
        "Criterion 1: title": "Strategic fit",
        "Criterion 1: weight": "60%",
        "Criterion 2: weight": "40%",
    }
    assert _criteria(db, rubric) == [
        ("fit", "Their title", Decimal("50.00")),
        ("value", "Value for money", Decimal("50.00")),
    ]
    assert events("rubric.updated") == []

    # The page now carries the newer rubric's fingerprint: saving it again is a deliberate choice.
    again = form_from(soup) | {"action": "save", "criteria-0-weight": "60", "criteria-1-weight": "40"}
    assert post(officer, f"/rubrics/{rubric.id}/edit", again).status_code == 302
    assert _criteria(db, rubric)[0] == ("fit", "Their title", Decimal("60.00"))


def test_a_form_without_its_fingerprint_is_refused_as_a_conflict(officer, db, rubric, edit_form):
    form = edit_form(rubric, {"criteria-0-weight": "60", "criteria-1-weight": "40"})
    del form["updated_from"]
    assert _error_links(post(officer, f"/rubrics/{rubric.id}/edit", form)) == [(CONFLICT, "#updated_from")]
    assert _criteria(db, rubric)[0][2] == Decimal("50.00")
