from __future__ import annotations

from decimal import Decimal

import pytest

from scoring.agreement import (
    TOTAL,
    AgreementThresholds,
    find_disagreements,
    icc_2k,
    krippendorff_alpha_interval,
    panel_reliability,
)
from scoring.scores import Score

D = Decimal

# Shrout and Fleiss (1979), Table 2: six targets rated by four judges.
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: four observers,
# twelve units, with missing values (None). Published: interval alpha = 0.849.
KRIPPENDORFF = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


def test_icc_2k_matches_shrout_and_fleiss():
    # Their Table 3 mean squares: BMS 11.24, JMS 32.49, EMS 1.02, so
    # ICC(2,4) = (11.24 - 1.02) / (11.24 + (32.49 - 1.02) / 6) = 0.62 (their Table 4).
    assert round(icc_2k(SHROUT_FLEISS), 2) == 0.62
    assert icc_2k(SHROUT_FLEISS) == pytest.approx(0.62005, abs=1e-5)


def test_icc_2k_is_one_for_perfect_agreement_and_takes_decimals():
    assert icc_2k([[D("1.5"), D("1.5")], [D("3.0"), D("3.0")], [D("2.0"), D("2.0")]]) == pytest.approx(1.0)


def test_icc_2k_penalises_a_scorer_who_is_systematically_higher():
    # Consistent but offset by one point: absolute agreement is below 1 (ICC(3,k) would be 1).
    assert icc_2k([[1, 2], [2, 3], [3, 4]]) < 1


def test_icc_2k_refuses_tables_it_cannot_use():
    with pytest.raises(ValueError, match="at least two bids and two scorers"):
        icc_2k([[1, 2]])
    with pytest.raises(ValueError, match="every scorer to have scored every bid"):
        icc_2k([[1, 2], [3]])
    with pytest.raises(ValueError, match="undefined"):
        icc_2k([[2, 2], [2, 2]])


def test_krippendorff_alpha_interval_matches_the_published_example():
    units = list(zip(*KRIPPENDORFF.values(), strict=True))
    assert round(krippendorff_alpha_interval(units), 3) == 0.849


def test_krippendorff_alpha_edge_cases():
    assert krippendorff_alpha_interval([[1, 1], [3, 3, None]]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="at least two scores"):
        krippendorff_alpha_interval([[1, None], [2]])
    with pytest.raises(ValueError, match="every score is the same"):
        krippendorff_alpha_interval([[2, 2], [2, 2]])


@pytest.fixture
def scores(two_criteria):
    return [
        Score("ana", "B1", {"strategic_fit": 1, "reach": 2}),  # total 1.40
        Score("ben", "B1", {"strategic_fit": 3, "reach": 2}),  # total 2.60
        Score("ana", "B2", {"strategic_fit": 3, "reach": 3}),  # total 3.00
        Score("ben", "B2", {"strategic_fit": 3, "reach": 2}),  # total 2.60
        Score("ana", "B3", {"strategic_fit": 0, "reach": 4}),  # one scorer: cannot disagree
    ]


def test_disagreements_on_a_criterion_and_on_the_total(two_criteria, scores):
    found = find_disagreements(two_criteria, scores)
    assert [(d.bid, d.criterion, d.measure, d.spread) for d in found] == [
        ("B1", "strategic_fit", "range", D(2)),
        ("B1", TOTAL, "range", D("1.20")),
    ]
    assert dict(found[0].values) == {"ana": D(1), "ben": D(3)}


def test_disagreement_thresholds_are_parameters(two_criteria, scores):
    strict = AgreementThresholds(criterion_range=D(1), total_range=None)
    assert [(d.bid, d.criterion) for d in find_disagreements(two_criteria, scores, strict)] == [
        ("B1", "strategic_fit"), ("B2", "reach"),
    ]
    # Sample standard deviation of 1 and 3 is 1.414.
    by_sd = AgreementThresholds(criterion_range=None, total_range=None, criterion_sd=D("1.4"), total_sd=D("0.9"))
    assert [(d.criterion, d.measure, d.spread) for d in find_disagreements(two_criteria, scores, by_sd)] == [
        ("strategic_fit", "sd", D("1.414")),
    ]
    nothing = AgreementThresholds(None, None, None, None)
    assert find_disagreements(two_criteria, scores, nothing) == []


def test_panel_reliability_uses_complete_bids_for_icc_and_all_for_alpha(two_criteria, scores):
    result = panel_reliability(two_criteria, scores)
    assert (result.icc_bids, result.icc_scorers, result.alpha_bids) == (2, 2, 2)
    expected = icc_2k([[D("1.40"), D("2.60")], [D("3.00"), D("2.60")]])
    assert result.icc == pytest.approx(expected)
    assert result.alpha == pytest.approx(krippendorff_alpha_interval([[1.4, 2.6], [3.0, 2.6], [0.4]]))
    assert result.criterion == TOTAL


def test_panel_reliability_on_one_criterion_with_a_reason_when_icc_cannot_be_had(two_criteria):
    scores = [
        Score("ana", "B1", {"strategic_fit": 1, "reach": 2}),
        Score("ben", "B1", {"strategic_fit": 2, "reach": 2}),
        Score("ana", "B2", {"strategic_fit": 3, "reach": 3}),
        Score("cat", "B2", {"strategic_fit": 4, "reach": 2}),
    ]
    result = panel_reliability(two_criteria, scores, criterion="strategic_fit")
    assert result.icc is None
    assert result.notes == ("ICC(2,k) needs at least two bids and two scorers (bids every scorer scored: 0; "
                            "scorers: 3)",)
    assert result.alpha == pytest.approx(krippendorff_alpha_interval([[1, 2], [3, 4]]))
    with pytest.raises(KeyError):
        panel_reliability(two_criteria, scores, criterion="charm")


def scores_of(table: dict[str, dict[str, int]]) -> list[Score]:
    """Scores on the two-criteria rubric: bid -> scorer -> the score given on both criteria."""
    return [Score(scorer, bid, {"strategic_fit": value, "reach": value})
            for bid, by_scorer in table.items() for scorer, value in by_scorer.items()]


def test_a_bid_with_one_scorer_does_not_stop_the_others_being_checked(two_criteria):
    scores = scores_of({"solo": {"ann": 4}, "split": {"ann": 0, "bob": 4}})
    found = find_disagreements(two_criteria, scores)
    assert [(d.bid, d.criterion, d.measure, d.spread, d.threshold) for d in found] == [
        ("split", "strategic_fit", "range", D(4), D(2)), ("split", "reach", "range", D(4), D(2)),
        ("split", TOTAL, "range", D(4), D(1))]


def test_a_spread_of_totals_by_standard_deviation(two_criteria):
    # Totals 1, 2 and 3: sample standard deviation 1.
    scores = scores_of({"b": {"ann": 1, "bob": 2, "cat": 3}})
    thresholds = AgreementThresholds(criterion_range=None, total_range=None, total_sd=D(1))
    (found,) = find_disagreements(two_criteria, scores, thresholds)
    assert (found.criterion, found.measure, found.spread, found.threshold) == (TOTAL, "sd", D("1.000"), D(1))


def test_the_totals_given_are_used_rather_than_worked_out_again(two_criteria):
    scores = scores_of({"b1": {"ann": 2, "bob": 2}, "b2": {"ann": 3, "bob": 1}})
    # Calibrated totals, say: the scorers now nearly agree on b2 and differ on b1.
    totals = {("ann", "b1"): D(1), ("bob", "b1"): D(3), ("ann", "b2"): D(2), ("bob", "b2"): D("2.5")}
    found = find_disagreements(two_criteria, scores, AgreementThresholds(criterion_range=None), totals=totals)
    assert [(d.bid, d.spread) for d in found] == [("b1", D(2))]
    reliability = panel_reliability(two_criteria, scores, totals=totals)
    assert reliability.icc == pytest.approx(icc_2k([[1, 3], [2, 2.5]]))


def test_one_bid_scored_twice_is_enough_for_alpha():
    # Scores 1 and 3: observed and expected disagreement are both 4, so alpha is 0.
    assert krippendorff_alpha_interval([[1, 3]]) == 0.0


def test_every_panel_member_giving_the_same_total_leaves_reliability_undefined():
    # 3.45 from everyone: the sums of squares come out at about 1e-31, not 0, in floating point.
    with pytest.raises(ValueError) as raised:
        icc_2k([[3.45, 3.45]] * 3)
    assert str(raised.value) == "ICC(2,k) is undefined: every scorer gave every bid the same score"
    with pytest.raises(ValueError) as raised:
        krippendorff_alpha_interval([[3.45, 3.45]] * 3)
    assert str(raised.value) == "Krippendorff's alpha is undefined: every score is the same"


def test_the_reliability_errors_say_what_is_missing():
    with pytest.raises(ValueError) as raised:
        icc_2k([[1, 2], [3]])
    assert str(raised.value) == "ICC(2,k) needs every scorer to have scored every bid"
    with pytest.raises(ValueError) as raised:
        krippendorff_alpha_interval([[1, None], [2]])
    assert str(raised.value) == "Krippendorff's alpha needs a bid with at least two scores"


def test_a_measure_that_cannot_be_worked_out_is_none_with_the_reason(two_criteria):
    # One bid, scored by two: no ICC (one bid), and alpha undefined (every score the same).
    reliability = panel_reliability(two_criteria, scores_of({"b1": {"ann": 2, "bob": 2}}))
    assert (reliability.icc, reliability.alpha, reliability.alpha_bids) == (None, None, 1)
    assert reliability.notes == (
        "ICC(2,k) needs at least two bids and two scorers (bids every scorer scored: 1; scorers: 2)",
        "Krippendorff's alpha is undefined: every score is the same",
    )
