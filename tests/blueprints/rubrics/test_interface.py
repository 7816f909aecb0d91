"""grants.interfaces.rubrics.editing without the pages: scoring.validate_rubric's messages refuse a change
(nothing saved), each placed on the field to fix; the panel's freeze stops changes."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import update

import scoring
from grants.interfaces.panel.assignment import freeze_rubric, scoring_rubric
from grants.interfaces.rubrics import editing as rubrics
from grants.models.rubrics import Rubric, RubricCriterion
from tests.factories import FundingRoundFactory


def _changed(draft, index, **changes):
    criteria = list(draft.criteria)
    criteria[index] = replace(criteria[index], **changes)
    return replace(draft, criteria=tuple(criteria))


def test_an_unchanged_draft_of_a_valid_rubric_has_no_problems(rubric):
    assert rubrics.rubric_problems(rubrics.draft_of(rubric)) == []


def test_the_scoring_packages_messages_refuse_the_change_and_nothing_is_saved(db, rubric, users):
    draft = _changed(rubrics.draft_of(rubric), 0, weight=Decimal("45"), title="Renamed")
    draft = _changed(draft, 1, descriptors={0: "a", 1: "b", 2: "", 3: "d", 4: "e"})
    with pytest.raises(rubrics.RubricInvalid) as refused:
        rubrics.update_rubric(rubric, draft, users["grants_officer"], rubrics.fingerprint(rubric))
    assert [problem.message for problem in refused.value.problems] == scoring.validate_rubric(draft.as_scoring())
    assert refused.value.problems == [
        rubrics.Problem(
            "Value for money has no descriptor for the score 2; describe every score on the scale", "descriptor_2", 1
        ),
        rubrics.Problem("Criterion weights add up to 95%; they must add up to 100%", "weight", 0),
    ]
    db.session.expire_all()
    saved = db.session.get(Rubric, rubric.id)
    assert (saved.criteria[0].title, saved.criteria[0].weight) == ("Strategic fit", Decimal("50.00"))


def test_problems_with_keys_and_titles_are_placed_on_their_fields(rubric):
    draft = _changed(rubrics.draft_of(rubric), 1, key="fit")
    assert rubrics.rubric_problems(draft) == [
        rubrics.Problem("Criterion key 'fit' is used 2 times; each key must be unique", "key", 1)
    ]
    draft = _changed(rubrics.draft_of(rubric), 0, title="")
    assert rubrics.rubric_problems(draft) == [rubrics.Problem("Criterion 'fit' needs a title", "title", 0)]


def test_a_frozen_rubric_is_not_changed_but_a_new_version_is_made(db, rubric, users):
    officer = users["grants_officer"]
    FundingRoundFactory(rubric=rubric)
    freeze_rubric(rubric)  # what the panel does when the first score is saved
    draft = _changed(rubrics.draft_of(rubric), 0, title="Renamed")
    with pytest.raises(rubrics.RubricFrozen) as refused:
        rubrics.update_rubric(rubric, draft, officer, rubrics.fingerprint(rubric))
    assert str(refused.value) == (
        "This rubric is frozen: scoring has started in a round that uses it. Make a new version to change it"
    )
    with pytest.raises(rubrics.RubricError):
        rubrics.delete_rubric(rubric, officer)

    copy = rubrics.new_version(rubric, officer)
    assert (copy.version, copy.frozen_at) == (2, None)
    assert rubrics.update_rubric(copy, replace(draft), officer, rubrics.fingerprint(copy)) is True
    assert scoring_rubric(copy).criterion("fit").title == "Renamed"
    assert scoring_rubric(rubric).criterion("fit").title == "Strategic fit"


def test_a_stale_fingerprint_is_a_conflict(db, rubric, users):
    stale = rubrics.fingerprint(rubric)
    rubric.description = "Changed by someone else"
    db.session.flush()
    assert rubrics.fingerprint(rubric) != stale
    with pytest.raises(rubrics.RubricConflict):
        rubrics.update_rubric(rubric, rubrics.draft_of(rubric), users["grants_officer"], stale)


def test_a_change_made_elsewhere_after_the_rubric_was_read_is_seen_before_saving(db, rubric, users):
    page_showed = rubrics.fingerprint(rubric)
    # Another officer's change, committed after this request read the rubric: not in its session.
    db.session.execute(
        update(RubricCriterion)
        .where(RubricCriterion.rubric_id == rubric.id, RubricCriterion.key == "fit")
        .values(title="Their title")
        .execution_options(synchronize_session=False)
    )
    assert rubric.criteria[0].title == "Strategic fit"
    with pytest.raises(rubrics.RubricConflict):
        rubrics.update_rubric(rubric, rubrics.draft_of(rubric), users["grants_officer"], page_showed)
    assert rubric.criteria[0].title == "Their title"


def test_an_edited_rubric_is_still_valid_for_the_panel(db, rubric, users):
    draft = rubrics.draft_of(rubric)
    draft = replace(
        draft,
        scale_min=1,
        scale_max=3,
        criteria=tuple(
            replace(c, descriptors={1: "Weak", 2: "Fair", 3: "Strong"}, weight=w)
            for c, w in zip(draft.criteria, (Decimal("33.33"), Decimal("66.67")), strict=True)
        ),
    )
    assert rubrics.update_rubric(rubric, draft, users["grants_officer"], rubrics.fingerprint(rubric))
    db.session.flush()
    db.session.expire_all()
    stored = scoring_rubric(db.session.get(Rubric, rubric.id))
    assert scoring.validate_rubric(stored) == []
    assert (stored.scale_min, stored.scale_max) == (1, 3)
    assert stored.criterion("value").weight == Decimal("66.67")
