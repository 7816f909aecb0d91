"""A round's results: every bid's submitted scores combined into its panel score (mean or median,
raw or normalised), disagreements flagged, the round's reliability, the ranking, and moderation.

Moderated scores are recorded beside the raw scores, which never change.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import joinedload

import scoring
from grants import audit
from grants.extensions import db
from grants.interfaces.panel.assignment import (
    PanelError,
    round_bids,
    round_rubric,
    scoring_open,
    scoring_rubric,
    tie_break_criterion,
)
from grants.models.accounts import User
from grants.models.applications import Application
from grants.models.panel import ModeratedScore, ScoreSheet, SheetStatus
from grants.models.rounds import FundingRound

# Results -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BidResult:
    """A bid's scores: every submitted sheet, the panel score, any moderation, and the flags."""

    application: Application
    sheets: list[ScoreSheet]  # submitted, by member name
    totals: dict[int, Decimal]  # member user id -> raw weighted total
    normalised: dict[int, Decimal]  # member user id -> normalised total (empty unless calibrated)
    panel: scoring.PanelScore | None  # None until someone has submitted
    moderation: ModeratedScore | None  # the newest, if any
    moderation_history: list[ModeratedScore]  # newest first
    disagreements: list[scoring.Disagreement]
    rank: int | None = None
    decided_by: str | None = None

    @property
    def final_score(self) -> Decimal | None:
        """The moderated score when there is one, otherwise the panel score."""
        if self.moderation is not None:
            return Decimal(self.moderation.score)
        return self.panel.score if self.panel is not None else None

    @property
    def flagged(self) -> bool:
        return bool(self.disagreements)


@dataclass(frozen=True)
class RoundResults:
    funding_round: FundingRound
    rubric: scoring.Rubric
    aggregation: scoring.Aggregation
    normalised: bool
    bids: list[BidResult]  # ranked bids first (by rank), then unscored bids by reference
    calibration: scoring.Calibration | None
    reliability: scoring.Reliability | None
    members: dict[int, User]
    thresholds: scoring.AgreementThresholds

    @property
    def flagged(self) -> list[BidResult]:
        return [bid for bid in self.bids if bid.flagged]

    def bid(self, application_id: int) -> BidResult:
        return self._by_application[application_id]

    @cached_property
    def _by_application(self) -> dict[int, BidResult]:
        # Looked up once per bid by the scoring spreadsheet: a dict, not a scan of the list.
        return {bid.application.id: bid for bid in self.bids}


# The scoring package's thresholds for flagging disagreement (immutable, so one is shared).
DEFAULT_THRESHOLDS = scoring.AgreementThresholds()


def _score(sheet: ScoreSheet) -> scoring.Score:
    return scoring.Score(scorer=str(sheet.user_id), bid=str(sheet.application_id),
                         values={key: int(value) for key, value in sheet.values.items()},
                         comments=sheet.comments)


def round_results(
    funding_round: FundingRound,
    aggregation: str | None = None,
    normalise: bool | None = None,
    thresholds: scoring.AgreementThresholds = DEFAULT_THRESHOLDS,
) -> RoundResults:
    """Every bid's scores and standing in the round, from the submitted sheets.

    ``aggregation`` and ``normalise`` default to the round's panel settings. Moderated scores take
    the place of the panel score in the ranking; raw scores are always kept alongside.
    """
    return _RoundScores.load(funding_round, thresholds).results(aggregation, normalise)


def disagreements_by_bid(rubric: scoring.Rubric, scores: list[scoring.Score], thresholds: scoring.AgreementThresholds,
                         totals: dict[tuple[str, str], Decimal]) -> dict[str, list[scoring.Disagreement]]:
    """The disagreements flagged in the round's scores, by bid (as ``scoring.Score.bid``)."""
    found: dict[str, list[scoring.Disagreement]] = defaultdict(list)
    for flag in scoring.find_disagreements(rubric, scores, thresholds, totals=totals):
        found[flag.bid].append(flag)
    return found


def panel_scores(rubric: scoring.Rubric, scores: list[scoring.Score], totals: dict[tuple[str, str], Decimal],
                 method: scoring.Aggregation, normalise: bool) -> tuple[scoring.Calibration | None, dict]:
    """The calibration (when normalising, and there are scores) and each bid's panel score by
    ``method`` from raw or normalised totals: what the results page and its cached standing share."""
    calibration = normalised_totals = None
    if normalise and scores:
        calibration = scoring.normalise_totals(rubric, totals)
        normalised_totals = {(entry.scorer, entry.bid): entry.normalised for entry in calibration.entries}
    return calibration, scoring.panel_scores(rubric, scores, method, normalised_totals, totals=totals)


def round_results_with_normalised(funding_round: FundingRound) -> tuple[RoundResults, RoundResults]:
    """The round's results by its own settings, and the same scores with each member's totals
    normalised (the same object when the round normalises): read and scored once for both."""
    scores = _RoundScores.load(funding_round, scoring.AgreementThresholds())
    results = scores.results()
    return results, results if results.normalised else scores.results(normalise=True)


@dataclass
class _RoundScores:
    """What a round's results are made from, read in a few set-based queries, with everything that
    does not depend on the aggregation or on normalising worked out once."""

    funding_round: FundingRound
    rubric: scoring.Rubric
    thresholds: scoring.AgreementThresholds
    bids: list[Application]
    sheets: list[ScoreSheet]
    scores: list[scoring.Score]
    totals: dict[tuple[str, str], Decimal]  # (scorer, bid) -> raw weighted total
    disagreements: dict[str, list[scoring.Disagreement]]
    reliability: scoring.Reliability | None
    moderations: dict[int, list[ModeratedScore]]  # newest first
    sheets_by_bid: dict[int, list[ScoreSheet]]  # by member name

    @classmethod
    def load(cls, funding_round: FundingRound, thresholds: scoring.AgreementThresholds) -> _RoundScores:
        rubric = scoring_rubric(round_rubric(funding_round))
        keys = set(rubric.keys)
        bids = round_bids(funding_round)
        bid_ids = {application.id for application in bids}
        sheets = [
            sheet for sheet in db.session.scalars(
                select(ScoreSheet)
                .where(ScoreSheet.round_id == funding_round.id, ScoreSheet.status == SheetStatus.SUBMITTED)
                .options(joinedload(ScoreSheet.user))
            )
            # Sheets scored against another rubric (the round's rubric cannot change once scoring
            # starts, but be safe) or for an application no longer a bid are left out.
            if set(sheet.values) == keys and sheet.rubric_id == funding_round.rubric_id
            and sheet.application_id in bid_ids
        ]
        scores = [_score(sheet) for sheet in sheets]
        totals = scoring.scorer_totals(rubric, scores)

        disagreements = disagreements_by_bid(rubric, scores, thresholds, totals)

        moderations: dict[int, list[ModeratedScore]] = defaultdict(list)
        if bid_ids:
            for row in db.session.scalars(
                select(ModeratedScore)
                .where(ModeratedScore.application_id.in_(bid_ids))
                .options(joinedload(ModeratedScore.moderated_by))
                .order_by(ModeratedScore.created_at.desc(), ModeratedScore.id.desc())
            ):
                moderations[row.application_id].append(row)

        sheets_by_bid: dict[int, list[ScoreSheet]] = defaultdict(list)
        for sheet in sorted(sheets, key=lambda s: (s.user.full_name, s.user_id)):
            sheets_by_bid[sheet.application_id].append(sheet)
        return cls(
            funding_round=funding_round, rubric=rubric, thresholds=thresholds, bids=bids, sheets=sheets,
            scores=scores, totals=totals, disagreements=disagreements,
            reliability=scoring.panel_reliability(rubric, scores, totals=totals) if scores else None,
            moderations=moderations, sheets_by_bid=sheets_by_bid,
        )

    def results(self, aggregation: str | None = None, normalise: bool | None = None) -> RoundResults:
        """The results combined by ``aggregation`` from raw or normalised totals (by default as the
        round is set)."""
        funding_round, rubric, scores = self.funding_round, self.rubric, self.scores
        method = scoring.Aggregation(aggregation or funding_round.score_aggregation)
        normalise = funding_round.normalise_scores if normalise is None else normalise
        calibration, panel = panel_scores(rubric, scores, self.totals, method, normalise)

        moderations, disagreements = self.moderations, self.disagreements
        results = []
        for application in self.bids:
            key = str(application.id)
            entry = panel.get(key)
            history = moderations.get(application.id, [])
            results.append(BidResult(
                application=application,
                sheets=self.sheets_by_bid.get(application.id, []),
                totals={int(scorer): total for scorer, total in entry.raw_totals.items()} if entry else {},
                normalised=({int(scorer): total for scorer, total in entry.totals.items()}
                            if entry and entry.normalised else {}),
                panel=entry,
                moderation=history[0] if history else None,
                moderation_history=history,
                disagreements=disagreements.get(key, []),
            ))

        ranked = scoring.rank_bids(ranking_bid(result, rubric) for result in results if result.final_score is not None)
        by_reference = {result.application.reference: result for result in results}
        ordered = []
        for entry in ranked:
            result = by_reference[entry.bid.reference]
            ordered.append(_with_rank(result, entry.rank, entry.decided_by))
        ordered += [result for result in results if result.final_score is None]
        return RoundResults(
            funding_round=funding_round, rubric=rubric, aggregation=method, normalised=bool(normalise),
            bids=ordered, calibration=calibration, reliability=self.reliability,
            members={sheet.user_id: sheet.user for sheet in self.sheets}, thresholds=self.thresholds,
        )


def _with_rank(result: BidResult, rank: int, decided_by: str | None) -> BidResult:
    return replace(result, rank=rank, decided_by=decided_by)


def ranking_bid(result: BidResult, rubric: scoring.Rubric) -> scoring.Bid:
    """The bid as the ranking and the funding recommendation see it (its final score)."""
    application = result.application
    # A bid is a submitted application (so it has a reference and an amount), ranked once it has a score.
    assert application.reference is not None and application.amount_requested is not None
    assert result.final_score is not None
    tie_break = tie_break_criterion(rubric)
    return scoring.Bid(
        reference=application.reference,
        organisation=application.organisation.name,
        amount_pence=scoring.pence(application.amount_requested),
        panel_score=result.final_score,
        strategic_fit_score=result.panel.criterion_scores[tie_break] if result.panel else Decimal(0),
        areas=frozenset(la.code for la in application.local_authorities),
        approaches=frozenset(approach.code for approach in application.approaches),
    )


# Moderation --------------------------------------------------------------------------------------

def moderate(application: Application, score_text: str, reason: str, officer: User) -> ModeratedScore:
    """Record a moderated panel score for a bid, with the reason. Earlier moderations and every
    member's raw scores are kept unchanged."""
    funding_round = application.funding_round
    if not scoring_open(funding_round):
        raise PanelError("Scores can be moderated only while the round is being assessed")
    rubric = scoring_rubric(round_rubric(funding_round))
    try:
        score = Decimal((score_text or "").strip())
    except InvalidOperation:
        raise PanelError(f"Moderated score must be a number from {rubric.scale_min} to {rubric.scale_max}") from None
    if not score.is_finite() or not rubric.scale_min <= score <= rubric.scale_max:
        raise PanelError(f"Moderated score must be a number from {rubric.scale_min} to {rubric.scale_max}")
    if score != score.quantize(Decimal("0.01")):
        raise PanelError("Moderated score can have at most 2 decimal places")
    reason = (reason or "").strip()
    if not reason:
        raise PanelError("Enter the reason for the moderated score")
    row = ModeratedScore(application_id=application.id, score=score, reason=reason, moderated_by_id=officer.id)
    db.session.add(row)
    db.session.flush()
    audit.record("panel.score_moderated", application,
                 f"Moderated score {score} recorded for {application.reference}: {reason}",
                 changes={"moderated_score": {"before": None, "after": str(score)}}, actor=officer)
    return row
