"""The South West areas: starting figures with sources, and changing them."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from grants.interfaces.cocommissioning.scenarios import (
    FIGURE_LABELS,
    FIGURES,
    ScenarioInputError,
    area_by_code,
    ensure_areas,
    list_areas,
    update_area,
)
from grants.models.cocommissioning import CommissioningArea


def _entries(area, **changes):
    return {key: {**area.figures[key], **changes.get(key, {})} for key in FIGURES}


def test_the_five_areas_are_stored_with_every_figure_sourced(db):
    areas = list_areas()
    assert [a.name for a in areas] == ["Avon and Somerset", "Devon and Cornwall", "Dorset", "Gloucestershire",
                                       "Wiltshire and Swindon"]
    assert sum(a.figure_value("population") for a in areas) == 1_748_000 + 1_786_200 + 779_100 + 644_800 + 743_500
    for area in areas:
        assert set(area.figures) == set(FIGURES) == set(FIGURE_LABELS)
        for entry in area.figures.values():
            assert entry["source"] and entry["year"] and isinstance(entry["value"], int)
        assert area.figures["population"]["assumption"] is False
        assert area.figures["probation_orders"]["assumption"] is True
    assert area_by_code("devon-cornwall").figures["ocu"]["value"] == 8_178


def test_storing_the_areas_again_keeps_what_people_entered(db, users):
    dorset = area_by_code("dorset")
    update_area(dorset, {"ocu": {"value": "4,000", "source": "Local estimate", "year": "2022-23",
                                 "assumption": False}}, dorset.lock_version, users["commissioner"])
    ensure_areas()
    assert db.session.scalar(select(db.func.count(CommissioningArea.id))) == 5
    assert area_by_code("dorset").figures["ocu"]["value"] == 4_000


def test_an_edit_is_saved_with_who_set_it_and_audited(db, users, audit_actions):
    dorset, officer = area_by_code("dorset"), users["grants_officer"]
    version = dorset.lock_version
    update_area(dorset, {"ocu": {"value": 4_100, "source": "", "year": "2023", "assumption": True}}, version, officer)
    assert dorset.figures["ocu"] == {"value": 4_100, "source": "", "year": "2023", "assumption": True,
                                     "set_by": officer.full_name}
    assert dorset.lock_version == version + 1 and dorset.updated_by_id == officer.id
    assert audit_actions() == ["cocommissioning.area_updated"]
    update_area(dorset, _entries(dorset), dorset.lock_version, officer)  # nothing changed: nothing logged
    assert audit_actions() == ["cocommissioning.area_updated"]


@pytest.mark.parametrize("key, entry, field, message", [
    ("ocu", {"value": "12.5"}, "ocu-value", "The estimated opiate and/or crack users must be a whole number"),
    ("ocu", {"value": "-3"}, "ocu-value", "The estimated opiate and/or crack users must be 0 or more"),
    ("ocu", {"value": ""}, "ocu-value", "Enter the estimated opiate and/or crack users"),
    ("population", {"value": "0"}, "population-value", "The population must be more than 0"),
    ("ocu", {"source": " ", "assumption": False}, "ocu-source",
     "Enter the source of the estimated opiate and/or crack users, or mark it as an assumption"),
    ("ocu", {"year": "last year"}, "ocu-year", "as a year like 2021 or a financial year like 2021-22"),
    ("ocu", {"year": "2021-23"}, "ocu-year", "as a year like 2021 or a financial year like 2021-22"),
    ("ocu", {"year": ""}, "ocu-year", "Enter the year of the estimated opiate and/or crack users"),
])
def test_each_bad_figure_has_its_own_message(db, users, key, entry, field, message):
    dorset = area_by_code("dorset")
    with pytest.raises(ScenarioInputError) as raised:
        update_area(dorset, _entries(dorset, **{key: entry}), dorset.lock_version, users["admin"])
    assert (message, field) in raised.value.problems or any(
        name == field and message in text for text, name in raised.value.problems)
    assert not raised.value.stale


def test_every_bad_figure_is_listed_and_nothing_changes(db, users):
    dorset = area_by_code("dorset")
    before = {key: dict(entry) for key, entry in dorset.figures.items()}
    with pytest.raises(ScenarioInputError) as raised:
        update_area(dorset, _entries(dorset, ocu={"value": "x"}, population={"value": "0"},
                                     arrest_tests={"year": "soon"}), dorset.lock_version, users["admin"])
    assert {field for _, field in raised.value.problems} == {"ocu-value", "population-value", "arrest_tests-year"}
    assert dorset.figures == before


def test_a_save_over_someone_elses_change_is_refused(db, users):
    dorset = area_by_code("dorset")
    seen = dorset.lock_version
    update_area(dorset, {"ocu": {**dorset.figures["ocu"], "value": 4_200}}, seen, users["admin"])
    with pytest.raises(ScenarioInputError) as raised:
        update_area(dorset, {"ocu": {**dorset.figures["ocu"], "value": 4_300}}, seen, users["commissioner"])
    assert raised.value.stale and "Someone else changed this area" in str(raised.value)
    assert dorset.figures["ocu"]["value"] == 4_200


def test_a_missing_area_is_not_found(db):
    with pytest.raises(NotFound):
        area_by_code("atlantis")
