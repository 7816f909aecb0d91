"""The panel's scoring engine: rubrics, scores, calibration, agreement, ranking and the funding recommendation.

Pure Python with Decimal money and scores: no Flask, no database. Views pass plain values in and
show the results; see each module for the method and its sources.
"""

from scoring.agreement import (
    TOTAL,
    AgreementThresholds,
    Disagreement,
    Reliability,
    find_disagreements,
    icc_2k,
    krippendorff_alpha_interval,
    panel_reliability,
)
from scoring.assignment import DEFAULT_SCORERS_PER_BID, Assignment, Shortfall, assign_scorers
from scoring.calibration import Calibration, NormalisedTotal, normalise_totals
from scoring.default_rubric import DEFAULT_RUBRIC, STRATEGIC_FIT
from scoring.funding import (
    APPROACH,
    AREA,
    BidDecision,
    FundingRecommendation,
    FundingRules,
    Minimum,
    Objective,
    Reason,
    RequirementCheck,
    Selection,
    fund_in_rank_order,
    objective_value,
    recommend_funding,
)
from scoring.optimiser import Status
from scoring.ranking import RULES, Bid, RankedBid, pence, pounds, rank_bids
from scoring.rubrics import Criterion, Rubric, validate_rubric
from scoring.scores import (
    Aggregation,
    PanelScore,
    Score,
    check_score,
    combine,
    panel_scores,
    required_comment,
    scorer_totals,
    weighted_total,
)

__all__ = [
    "APPROACH", "AREA", "DEFAULT_RUBRIC", "DEFAULT_SCORERS_PER_BID", "Assignment", "Shortfall", "assign_scorers",
    "RULES", "STRATEGIC_FIT", "TOTAL",
    "Aggregation", "AgreementThresholds", "Bid", "BidDecision", "Calibration", "Criterion", "Disagreement",
    "FundingRecommendation", "FundingRules", "Minimum", "NormalisedTotal", "Objective", "PanelScore",
    "RankedBid", "Reason", "Reliability", "RequirementCheck", "Rubric", "Score", "Selection", "Status",
    "check_score", "combine", "find_disagreements", "fund_in_rank_order", "icc_2k", "krippendorff_alpha_interval",
    "normalise_totals", "objective_value", "panel_reliability", "panel_scores", "pence", "pounds", "rank_bids",
    "recommend_funding", "required_comment", "scorer_totals", "validate_rubric", "weighted_total",
]
