"""Reference data: loaded idempotently, with the values and sources of the brief, shown read-only."""

from __future__ import annotations

import pytest

from grants.extensions import db
from grants.models.reference import (
    AdderStrand,
    DrugsOutcome,
    LocalAuthority,
    PlanApproach,
    PlanCommitment,
    PoliceForceArea,
)
from grants.reference_data import load_reference_data
from tests.helpers import page


def _counts():
    return {
        model.__name__: db.session.scalar(db.select(db.func.count()).select_from(model))
        for model in (PlanApproach, PlanCommitment, AdderStrand, DrugsOutcome, LocalAuthority, PoliceForceArea)
    }


def test_the_loaded_values(db):
    approaches = db.session.scalars(db.select(PlanApproach).order_by(PlanApproach.position)).all()
    assert [a.name for a in approaches] == ["Prevention", "People", "Place", "Partnership"]
    people = approaches[1]
    assert any("Commissioners Grant scheme" in c.text for c in people.commitments)
    assert any("pooled budget" in c.text for c in people.commitments)
    assert [s.name for s in db.session.scalars(db.select(AdderStrand).order_by(AdderStrand.position))] == [
        "Addiction", "Diversion", "Disruption", "Enforcement", "Recovery",
    ]
    outcomes = db.session.scalars(db.select(DrugsOutcome)).all()
    assert sum(o.level == "strategic" for o in outcomes) == 3
    assert sum(o.level == "intermediate" for o in outcomes) == 3
    areas = {la.name: la.population for la in db.session.scalars(db.select(LocalAuthority))}
    assert areas == {
        "Cornwall": 569_800, "Isles of Scilly": 2_100, "Devon": 810_600, "Plymouth": 264_400, "Torbay": 139_300,
    }
    assert sum(areas.values()) == 1_786_200
    forces = {f.name: f.population for f in db.session.scalars(db.select(PoliceForceArea))}
    assert forces["Devon and Cornwall"] == sum(areas.values())
    assert set(forces) == {"Avon and Somerset", "Devon and Cornwall", "Dorset", "Gloucestershire",
                           "Wiltshire and Swindon"}


def test_loading_again_changes_nothing(db):
    before = _counts()
    load_reference_data()
    load_reference_data()
    assert _counts() == before


def test_loading_again_repairs_an_edited_value(db):
    cornwall = db.session.scalars(db.select(LocalAuthority).filter_by(code="cornwall")).one()
    cornwall.population = 1
    db.session.flush()
    load_reference_data()
    assert cornwall.population == 569_800


def test_reference_page_lists_everything_with_sources(client):
    response = client.get("/reference")
    assert response.status_code == 200
    html = page(response)
    text = html.get_text(" ")
    for expected in ("Prevention", "Partnership", "Operation Scorpion", "Recovery", "Reduce drug-related crime",
                     "E06000052", "1,786,200", "Wiltshire and Swindon", "Census 2021",
                     "Drugs strategic intentions plan"):
        assert expected in text, expected
    assert html.find("form") is None or not html.select("main form")  # read-only: no forms in the page body


def test_the_default_rubric_is_loaded_once_with_its_weights_and_descriptors(db):
    from grants.models.rubrics import Rubric
    from scoring import DEFAULT_RUBRIC

    load_reference_data()
    rubrics = db.session.scalars(db.select(Rubric)).all()
    assert [(r.name, r.version) for r in rubrics] == [(DEFAULT_RUBRIC.name, DEFAULT_RUBRIC.version)]
    stored = rubrics[0]
    assert stored.total_weight == 100
    assert [c.key for c in stored.criteria] == list(DEFAULT_RUBRIC.keys)
    for criterion in stored.criteria:
        assert set(criterion.descriptors) == {str(n) for n in range(criterion.scale_min, criterion.scale_max + 1)}


@pytest.mark.parametrize("commitment, partners", [
    ("World Class Treatment and Recovery System", ("Drug Treatment Services", "Community Safety", "NHS", "Probation",
                                                   "HMPPS", "SWAS", "the Local Directors of Public Health",
                                                   "people with lived experience")),
    ("regional operations and days of action", ("British Transport Police", "Regional Organised Crime Unit")),
])
def test_commitments_name_the_partners_the_plan_names(client, commitment, partners):
    """Issue 22: the plan's own words, partners included, on the public reference page."""
    text = " ".join(page(client.get("/reference")).get_text(" ").split())
    [sentence] = [part for part in text.split(". ") if commitment in part]
    for partner in partners:
        assert partner in sentence, partner
