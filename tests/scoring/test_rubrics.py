from __future__ import annotations

from decimal import Decimal

import pytest

from scoring.default_rubric import DEFAULT_RUBRIC, STRATEGIC_FIT
from scoring.rubrics import Criterion, Rubric, percent, validate_rubric
from tests.scoring.builders import make_criterion


def test_a_sound_rubric_has_no_errors(two_criteria):
    assert validate_rubric(two_criteria) == []


def test_weights_must_add_up_to_exactly_100_percent():
    rubric = Rubric("Short", 1, (make_criterion("a", 60), make_criterion("b", 35)))
    assert validate_rubric(rubric) == ["Criterion weights add up to 95%; they must add up to 100%"]


def test_fractional_weights_are_added_exactly():
    thirds = Rubric("Thirds", 1, (make_criterion("a", "33.33"), make_criterion("b", "33.33"),
                                  make_criterion("c", "33.34")))
    assert validate_rubric(thirds) == []
    over = Rubric("Over", 1, (make_criterion("a", "50.5"), make_criterion("b", "50")))
    assert validate_rubric(over) == ["Criterion weights add up to 100.5%; they must add up to 100%"]


def test_every_score_on_the_scale_needs_a_descriptor():
    gappy = make_criterion("reach", 100, descriptors={0: "None", 1: "Weak", 3: "Good", 4: " "})
    assert validate_rubric(Rubric("Gappy", 1, (gappy,))) == [
        "Reach has no descriptor for the scores 2, 4; describe every score on the scale"
    ]


def test_descriptors_off_the_scale_are_reported():
    extra = make_criterion("reach", 100, descriptors={**{s: "text" for s in range(5)}, 5: "Beyond"})
    assert validate_rubric(Rubric("Extra", 1, (extra,))) == [
        "Reach describes scores off its scale (5); its scale runs from 0 to 4"
    ]


def test_keys_must_be_unique():
    rubric = Rubric("Twice", 1, (make_criterion("reach", 50), make_criterion("reach", 50)))
    assert validate_rubric(rubric) == ["Criterion key 'reach' is used 2 times; each key must be unique"]


def test_top_of_scale_must_be_above_bottom():
    flat = make_criterion("reach", 100, scale_min=3, scale_max=3)
    assert validate_rubric(Rubric("Flat", 1, (flat,))) == [
        "Reach has a scale from 3 to 3; the top of the scale must be higher than the bottom"
    ]


def test_negative_weights_are_refused_even_when_the_sum_is_100():
    rubric = Rubric("Negative", 1, (make_criterion("a", 110), make_criterion("b", -10)))
    assert validate_rubric(rubric) == ["B has a negative weight (-10%); weights must be 0% or more"]


def test_criteria_must_share_one_scale():
    rubric = Rubric("Mixed", 1, (make_criterion("a", 50), make_criterion("b", 50, scale_min=1, scale_max=5)))
    assert validate_rubric(rubric) == [
        "Criteria use different scales (0 to 4, 1 to 5); every criterion must use the same scale"
    ]


def test_a_configurable_scale_is_accepted():
    rubric = Rubric("One to seven", 2, (make_criterion("a", 100, scale_min=1, scale_max=7),))
    assert validate_rubric(rubric) == []
    assert (rubric.scale_min, rubric.scale_max) == (1, 7)


def test_empty_rubric_and_missing_title_and_key():
    assert validate_rubric(Rubric("Empty", 1, ())) == ["The rubric has no criteria; add at least one"]
    nameless = make_criterion("", 100, title="")
    assert validate_rubric(Rubric("Nameless", 1, (nameless,))) == [
        "Every criterion needs a key", "Criterion '' needs a title"
    ]


def test_several_problems_are_all_reported():
    rubric = Rubric("Bad", 1, (make_criterion("a", 50, descriptors={}), make_criterion("a", 40)))
    assert len(validate_rubric(rubric)) == 3


def test_float_weights_are_refused():
    with pytest.raises(TypeError, match="not float"):
        Criterion("a", "A", 0.5, {score: "text" for score in range(5)})


def test_criterion_lookup_and_descriptors(two_criteria):
    assert two_criteria.keys == ("strategic_fit", "reach")
    assert two_criteria.criterion("reach").descriptor(3) == "reach scored 3"
    assert list(two_criteria.criterion("reach").scale) == [0, 1, 2, 3, 4]
    with pytest.raises(KeyError):
        two_criteria.criterion("nothing")


def test_descriptors_cannot_be_changed_after_the_rubric_is_built(two_criteria):
    with pytest.raises(TypeError):
        two_criteria.criterion("reach").descriptors[0] = "changed"


def test_percent_formats_weights_as_people_write_them():
    assert percent(Decimal("100")) == "100%"
    assert percent(Decimal("12.50")) == "12.5%"


def test_the_default_rubric_is_valid_and_covers_the_plan():
    assert validate_rubric(DEFAULT_RUBRIC) == []
    assert DEFAULT_RUBRIC.keys == (
        STRATEGIC_FIT, "evidence_of_need", "outcomes", "reach", "partnership", "deliverability", "value_for_money",
    )
    assert (DEFAULT_RUBRIC.scale_min, DEFAULT_RUBRIC.scale_max) == (0, 4)
    text = " ".join(c.guidance + " ".join(c.descriptors.values()) for c in DEFAULT_RUBRIC.criteria)
    for phrase in ("Isles of Scilly", "Combating Drugs outcomes", "young people", "criminal justice system",
                   "safeguarding", "treatment or recovery", "drug supply"):
        assert phrase in text
    # Real descriptors: each score on each criterion says something different.
    for criterion in DEFAULT_RUBRIC.criteria:
        assert len(set(criterion.descriptors.values())) == 5


def test_one_missing_descriptor_is_named_in_the_singular():
    gappy = make_criterion("reach", 100, descriptors={0: "None", 1: "Weak", 3: "Good", 4: "Strong"})
    assert validate_rubric(Rubric("Gappy", 1, (gappy,))) == [
        "Reach has no descriptor for the score 2; describe every score on the scale"
    ]


def test_descriptors_keyed_by_text_off_the_scale_are_reported_not_a_crash():
    # A descriptor keyed "5" (as a form might send it) and one keyed 6: both off the 0 to 4 scale.
    extra = make_criterion("reach", 100, descriptors={**{s: "text" for s in range(5)}, "5": "Beyond", 6: "Further"})
    assert validate_rubric(Rubric("Extra", 1, (extra,))) == [
        "Reach describes scores off its scale (5, 6); its scale runs from 0 to 4"
    ]


def test_blank_keys_and_titles_count_as_missing():
    blank = make_criterion("  ", 100, title="   ")
    assert validate_rubric(Rubric("Blank", 1, (blank,))) == ["Every criterion needs a key",
                                                             "Criterion '  ' needs a title"]


def test_weights_of_0_and_under_1_percent_are_allowed():
    rubric = Rubric("Small", 1, (make_criterion("a", "99.5"), make_criterion("b", "0.5"), make_criterion("c", 0)))
    assert validate_rubric(rubric) == []


def test_a_flat_scale_does_not_stop_the_next_criterion_being_checked():
    rubric = Rubric("Two problems", 1, (make_criterion("a", 50, scale_min=2, scale_max=2),
                                        make_criterion("b", 50, descriptors={0: "x", 1: "y", 2: "z", 3: "w"})))
    assert validate_rubric(rubric) == [
        "A has a scale from 2 to 2; the top of the scale must be higher than the bottom",
        "B has no descriptor for the score 4; describe every score on the scale",
        "Criteria use different scales (0 to 4, 2 to 2); every criterion must use the same scale",
    ]


def test_weights_and_criteria_are_kept_exactly():
    criterion = Criterion("a", "A", "12.5", {score: "text" for score in range(5)})
    assert criterion.weight == Decimal("12.5") and isinstance(criterion.weight, Decimal)
    rubric = Rubric("Listed", 1, [make_criterion("a", 100)])
    assert rubric.criteria == (make_criterion("a", 100),)  # a list becomes a tuple
    with pytest.raises(TypeError) as raised:
        Criterion("a", "A", 0.5, {})
    assert str(raised.value) == "The weight of 'a' must be a Decimal, an int or a string, not float"


def test_an_unknown_criterion_is_named_with_the_rubric(two_criteria):
    with pytest.raises(KeyError) as raised:
        two_criteria.criterion("nothing")
    assert raised.value.args == ("'nothing' is not a criterion of the rubric 'Two criteria'",)
