"""Creating a rubric, freezing (scoring has started: no more changes), new versions, deleting."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select

from grants.interfaces.rubrics.editing import FROZEN
from grants.models.rubrics import Rubric
from scoring import DEFAULT_RUBRIC
from tests.blueprints.rubrics.conftest import form_from
from tests.factories import FundingRoundFactory, RubricFactory
from tests.helpers import error_messages, page, post


def _freeze(db, rubric) -> None:
    rubric.frozen_at = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
    db.session.flush()


# Creating


def test_a_new_rubric_starts_from_the_standard_rubric(officer, db, events, users):
    response = post(officer, "/rubrics/new", {"name": "Youth diversion rubric", "description": "For youth work"})
    assert response.status_code == 302, error_messages(response)
    rubric = db.session.scalar(select(Rubric).where(Rubric.name == "Youth diversion rubric"))
    assert response.headers["Location"] == f"/rubrics/{rubric.id}/edit"
    assert (rubric.version, rubric.description, rubric.frozen_at) == (1, "For youth work", None)
    assert [(c.key, c.weight) for c in rubric.criteria] == [(c.key, c.weight) for c in DEFAULT_RUBRIC.criteria]
    assert rubric.criteria[0].descriptors["4"] == DEFAULT_RUBRIC.criteria[0].descriptors[4]
    [event] = events("rubric.created")
    assert event.actor_id == users["grants_officer"].id
    assert event.changes["name"] == {"before": None, "after": "Youth diversion rubric"}
    assert event.changes["criteria.strategic_fit.weight"] == {"before": None, "after": "20.00"}
    # It opens on the edit page, ready to change.
    assert "has been created from the standard rubric" in officer.get(response.headers["Location"]).get_data(
        as_text=True
    )


def test_a_new_rubric_needs_a_name_not_already_used(officer, db, rubric):
    assert error_messages(post(officer, "/rubrics/new", {"name": "  "})) == ["Enter the name of the rubric"]
    assert error_messages(post(officer, "/rubrics/new", {"name": rubric.name})) == [
        f"A rubric called {rubric.name} already exists. Make a new version of it instead, or choose another name"
    ]
    assert db.session.scalar(select(Rubric.id).where(Rubric.name == "")) is None


# Frozen: scoring has started in a round that uses the rubric


def test_a_frozen_rubric_cannot_be_edited(officer, db, rubric):
    _freeze(db, rubric)
    soup = page(officer.get(f"/rubrics/{rubric.id}/edit"))
    text = " ".join(soup.get_text().split())
    assert "This rubric was frozen on 1 July 2026" in text
    assert soup.select("input[name^=criteria-]") == []
    assert soup.select_one(f'form[action="/rubrics/{rubric.id}/new-version"]') is not None


def test_a_page_loaded_before_the_freeze_cannot_save(officer, db, rubric, edit_form, events):
    form = edit_form(rubric, {"criteria-0-weight": "60", "criteria-1-weight": "40"})
    _freeze(db, rubric)
    response = post(officer, f"/rubrics/{rubric.id}/edit", form)
    assert response.status_code == 200
    assert error_messages(response) == [FROZEN]
    soup = page(response)
    unsaved = {" ".join(row.dt.get_text().split()): row.dd.get_text(strip=True)
               for row in soup.select("#updated_from .govuk-summary-list__row")}
    assert unsaved == {"Criterion 1: weight": "60%", "Criterion 2: weight": "40%"}
    db.session.expire_all()
    assert [c.weight for c in db.session.get(Rubric, rubric.id).criteria] == [Decimal("50.00")] * 2
    assert events("rubric.updated") == []


def test_a_new_version_of_a_frozen_rubric_can_be_made_and_changed(officer, db, rubric, events):
    _freeze(db, rubric)
    RubricFactory(name=rubric.name, version=2)  # versions count on from the newest
    response = post(officer, f"/rubrics/{rubric.id}/new-version")
    assert response.status_code == 302
    copy = db.session.scalar(select(Rubric).where(Rubric.name == rubric.name, Rubric.version == 3))
    assert response.headers["Location"] == f"/rubrics/{copy.id}/edit"
    assert copy.frozen_at is None
    assert [(c.key, c.title, c.weight, c.descriptors) for c in copy.criteria] == [
        (c.key, c.title, c.weight, c.descriptors) for c in rubric.criteria
    ]
    [event] = events("rubric.version_created")
    assert event.summary == f"Scoring rubric {rubric.name} (version 3) made from version 1"

    soup = page(officer.get(f"/rubrics/{copy.id}/edit"))
    form = form_from(soup) | {"action": "save", "criteria-0-weight": "70", "criteria-1-weight": "30"}
    assert post(officer, f"/rubrics/{copy.id}/edit", form).status_code == 302
    db.session.expire_all()
    assert [c.weight for c in db.session.get(Rubric, copy.id).criteria] == [Decimal("70.00"), Decimal("30.00")]
    assert [c.weight for c in db.session.get(Rubric, rubric.id).criteria] == [Decimal("50.00")] * 2


# Deleting


def test_an_unused_rubric_is_deleted_and_audited(officer, db, rubric, events):
    rubric_id = rubric.id
    page_text = officer.get(f"/rubrics/{rubric_id}/delete").get_data(as_text=True)
    assert "Delete the rubric" in page_text
    response = post(officer, f"/rubrics/{rubric_id}/delete")
    assert response.headers["Location"] == "/rubrics"
    db.session.expire_all()
    assert db.session.get(Rubric, rubric_id) is None
    [event] = events("rubric.deleted")
    assert event.entity_id == str(rubric_id)
    assert event.changes["criteria.fit.title"] == {"before": "Strategic fit", "after": None}


def test_a_rubric_a_round_uses_is_not_deleted(officer, db, rubric, events):
    FundingRoundFactory(name="Safer Streets 2026", rubric=rubric)
    message = (
        f"{rubric.label} cannot be deleted because 1 round uses it: Safer Streets 2026. "
        "Choose another rubric for them first"
    )
    assert message in officer.get(f"/rubrics/{rubric.id}/delete").get_data(as_text=True)
    response = post(officer, f"/rubrics/{rubric.id}/delete", follow_redirects=True)
    assert message in response.get_data(as_text=True)
    assert db.session.get(Rubric, rubric.id) is not None
    assert events("rubric.deleted") == []


def test_a_frozen_rubric_is_not_deleted(officer, db, rubric):
    _freeze(db, rubric)
    response = post(officer, f"/rubrics/{rubric.id}/delete", follow_redirects=True)
    assert "cannot be deleted because scoring has started in a round that uses it" in response.get_data(as_text=True)
    assert db.session.get(Rubric, rubric.id) is not None


def test_the_buttons_that_change_the_page_do_nothing_once_the_rubric_is_frozen(officer, db, rubric, edit_form):
    form = edit_form(rubric) | {"action": "add"}
    _freeze(db, rubric)
    response = post(officer, f"/rubrics/{rubric.id}/edit", form)
    assert error_messages(response) == [FROZEN]
    assert page(response).select("input[name^=criteria-]") == []
