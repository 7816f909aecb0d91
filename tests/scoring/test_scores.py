from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.default_rubric import DEFAULT_RUBRIC
from scoring.rubrics import Rubric
from scoring.scores import (
    Aggregation,
    Score,
    check_score,
    combine,
    panel_scores,
    required_comment,
    scorer_totals,
    weighted_total,
)
from tests.scoring.builders import make_criterion


def test_a_complete_score_has_no_errors(two_criteria):
    assert check_score(two_criteria, {"strategic_fit": 3, "reach": 0}) == []


def test_missing_and_out_of_scale_scores_are_reported(two_criteria):
    assert check_score(two_criteria, {"strategic_fit": 5}) == [
        "Score for Strategic fit must be a whole number from 0 to 4",
        "Enter a score for Reach",
    ]
    assert check_score(two_criteria, {"strategic_fit": -1, "reach": None}) == [
        "Score for Strategic fit must be a whole number from 0 to 4",
        "Enter a score for Reach",
    ]


def test_scores_must_be_whole_numbers(two_criteria):
    for value in (Decimal("2.5"), "3", 2.0, True):
        assert check_score(two_criteria, {"strategic_fit": value, "reach": 1}) == [
            "Score for Strategic fit must be a whole number from 0 to 4"
        ]


def test_unknown_criteria_are_reported(two_criteria):
    assert check_score(two_criteria, {"strategic_fit": 1, "reach": 1, "charm": 4}) == [
        "'charm' is not a criterion of Two criteria version 1"
    ]


def test_extreme_scores_need_a_comment(two_criteria):
    assert required_comment(two_criteria, "reach", 0)
    assert required_comment(two_criteria, "reach", 4)
    assert not any(required_comment(two_criteria, "reach", value) for value in (1, 2, 3))
    with pytest.raises(KeyError):
        required_comment(two_criteria, "charm", 4)


def test_required_comment_follows_a_configured_scale():
    rubric = Rubric("One to five", 1, (make_criterion("a", 100, scale_min=1, scale_max=5),))
    assert [required_comment(rubric, "a", value) for value in range(1, 6)] == [True, False, False, False, True]


def test_check_score_asks_for_missing_comments_on_extremes(two_criteria):
    values = {"strategic_fit": 4, "reach": 0}
    assert check_score(two_criteria, values, comments={"strategic_fit": "Delivers prevention directly"}) == [
        "Explain the score of 0 for Reach"
    ]
    assert check_score(two_criteria, values, comments={"strategic_fit": "x", "reach": "y"}) == []


def test_weighted_total_hand_worked(two_criteria):
    # 60% x 3 + 40% x 4 = 1.8 + 1.6 = 3.40
    assert weighted_total(two_criteria, {"strategic_fit": 3, "reach": 4}) == Decimal("3.40")


def test_weighted_total_on_the_default_rubric():
    # 20%x4 + 15%x3 + 15%x2 + 15%x3 + 10%x1 + 15%x4 + 10%x2 = 0.8+0.45+0.3+0.45+0.1+0.6+0.2 = 2.90
    values = dict(zip(DEFAULT_RUBRIC.keys, (4, 3, 2, 3, 1, 4, 2), strict=True))
    assert weighted_total(DEFAULT_RUBRIC, values) == Decimal("2.90")


def test_weighted_total_rounds_halves_up():
    rubric = Rubric("Thirds", 1, (make_criterion("a", "33.33"), make_criterion("b", "33.33"),
                                  make_criterion("c", "33.34")))
    # 0.3333 x 1 + 0.3333 x 2 + 0.3334 x 2 = 1.6667 -> 1.67
    assert weighted_total(rubric, {"a": 1, "b": 2, "c": 2}) == Decimal("1.67")
    # 0.3333 x 1 + 0.3333 x 1 + 0.3334 x 0 = 0.6666 -> 0.67
    assert weighted_total(rubric, {"a": 1, "b": 1, "c": 0}) == Decimal("0.67")


def test_weighted_total_refuses_an_invalid_score(two_criteria):
    with pytest.raises(ValueError, match="Enter a score for Reach"):
        weighted_total(two_criteria, {"strategic_fit": 3})


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_totals_stay_within_the_rubric_range(data):
    scale_min = data.draw(st.integers(-2, 3))
    scale_max = data.draw(st.integers(scale_min + 1, scale_min + 10))
    cuts = sorted(data.draw(st.lists(st.integers(0, 10_000), min_size=0, max_size=4)))
    bounds = [0, *cuts, 10_000]
    # each weight in hundredths of a percent
    weights = [Decimal(high - low) / 100 for low, high in zip(bounds, bounds[1:], strict=False)]
    rubric = Rubric("Random", 1, tuple(
        make_criterion(f"c{index}", weight, scale_min, scale_max) for index, weight in enumerate(weights)
    ))
    values = {key: data.draw(st.integers(scale_min, scale_max)) for key in rubric.keys}
    total = weighted_total(rubric, values)
    assert scale_min <= total <= scale_max
    assert min(values.values()) <= total <= max(values.values())


def test_mean_and_median_hand_worked():
    totals = [Decimal("1.00"), Decimal("3.20"), Decimal("3.60")]
    assert combine(totals) == Decimal("2.60")  # 7.80 / 3
    assert combine(totals, Aggregation.MEDIAN) == Decimal("3.20")
    assert combine(totals[1:], "median") == Decimal("3.40")  # mean of the middle two
    with pytest.raises(ValueError):
        combine([], "median")
    with pytest.raises(ValueError):
        combine(totals, "mode")


def _round(two_criteria):
    return [
        Score("ana", "B1", {"strategic_fit": 4, "reach": 3}),  # 3.60
        Score("ben", "B1", {"strategic_fit": 3, "reach": 3}),  # 3.00
        Score("cat", "B1", {"strategic_fit": 0, "reach": 1}),  # 0.40
        Score("ana", "B2", {"strategic_fit": 2, "reach": 2}),  # 2.00
    ]


def test_panel_scores_mean_and_median(two_criteria):
    scores = _round(two_criteria)
    mean = panel_scores(two_criteria, scores)
    assert mean["B1"].score == Decimal("2.33")  # (3.60 + 3.00 + 0.40) / 3 = 2.333...
    assert mean["B1"].method is Aggregation.MEAN
    assert dict(mean["B1"].raw_totals) == {"ana": Decimal("3.60"), "ben": Decimal("3.00"), "cat": Decimal("0.40")}
    assert mean["B1"].criterion_scores["strategic_fit"] == Decimal("2.33")
    assert mean["B1"].scorer_count == 3
    assert mean["B2"].score == Decimal("2.00")

    median = panel_scores(two_criteria, scores, method="median")
    assert median["B1"].score == Decimal("3.00")
    assert median["B1"].criterion_scores["strategic_fit"] == Decimal("3.00")


def test_panel_scores_can_combine_normalised_totals(two_criteria):
    scores = _round(two_criteria)
    normalised = {("ana", "B1"): Decimal("3.00"), ("ben", "B1"): Decimal("3.00"), ("cat", "B1"): Decimal("3.30"),
                  ("ana", "B2"): Decimal("1.00")}
    result = panel_scores(two_criteria, scores, normalised_totals=normalised)
    assert result["B1"].score == Decimal("3.10")
    assert result["B1"].normalised
    assert result["B1"].raw_totals["cat"] == Decimal("0.40")
    assert result["B1"].totals["cat"] == Decimal("3.30")


def test_two_current_scores_from_one_scorer_are_refused(two_criteria):
    twice = [Score("ana", "B1", {"strategic_fit": 1, "reach": 1}), Score("ana", "B1", {"strategic_fit": 2, "reach": 1})]
    with pytest.raises(ValueError, match="ana has more than one score for B1"):
        scorer_totals(two_criteria, twice)


def test_scores_are_read_only(two_criteria):
    score = Score("ana", "B1", {"strategic_fit": 1, "reach": 1})
    with pytest.raises(TypeError):
        score.values["reach"] = 4


def test_comments_are_kept_read_only():
    score = Score("ann", "b1", {"reach": 4}, {"reach": "Reaches all four areas"})
    assert score.comments == {"reach": "Reaches all four areas"}
    with pytest.raises(TypeError):
        score.comments["reach"] = "changed"


def test_halves_of_a_hundredth_round_up():
    assert combine([Decimal("2.34"), Decimal("2.35")]) == Decimal("2.35")  # 2.345
    assert combine([Decimal("2.36"), Decimal("2.37")]) == Decimal("2.37")  # 2.365: up, not to even


def test_combining_nothing_is_refused():
    with pytest.raises(ValueError) as raised:
        combine([])
    assert str(raised.value) == "There are no scores to combine"


def test_every_problem_with_a_score_is_in_the_error(two_criteria):
    with pytest.raises(ValueError) as raised:
        weighted_total(two_criteria, {})
    assert str(raised.value) == "Enter a score for Strategic fit; Enter a score for Reach"


def test_panel_scores_use_the_totals_given_and_name_each_bid(two_criteria):
    scores = [Score("ann", "b1", {"strategic_fit": 4, "reach": 4}),
              Score("bob", "b1", {"strategic_fit": 2, "reach": 2})]
    totals = {("ann", "b1"): Decimal("3.00"), ("bob", "b1"): Decimal("1.00")}  # worked out elsewhere
    (panel,) = panel_scores(two_criteria, scores, totals=totals).values()
    assert (panel.bid, panel.score, dict(panel.raw_totals)) == ("b1", Decimal("2.00"), {"ann": Decimal("3.00"),
                                                                                       "bob": Decimal("1.00")})
    assert dict(panel.criterion_scores) == {"strategic_fit": Decimal("3.00"), "reach": Decimal("3.00")}
