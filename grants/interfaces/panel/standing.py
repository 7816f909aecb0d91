"""A round's standing for the results page: every bid's rank, panel scores and flags as plain
values, worked out once for a given state of the round's scores and then read from a cache.

Why a cache, and why this one. Ranking a round means scoring all of it: a 1,000-bid round has
6,000 sheets to total, check for disagreement, calibrate and rank (tens of milliseconds, growing
with the round), while the page shows 50 bids at a time. The inputs change only when a member
submits a sheet, an officer moderates, a bid enters or leaves assessment, or the round's settings
change, so the result is kept keyed by a *fingerprint* of exactly those inputs, read from the
database on every request in one aggregate query (counts, sums of ids and versions, the latest
change times of the round's bids, submitted sheets and moderations). A worker never serves a
standing computed from other inputs than the database holds now: when anything changes the
fingerprint changes and the standing is worked out again. Each worker (and host) keeps its own
small LRU, so nothing needs invalidating across processes and no schema change is needed; the
price is that each worker computes a changed round once.

The full results, with every member's sheet (the bid page, the scoring spreadsheet, the
funding recommendation), still come from ``results.round_results``: this module uses the
same ``scoring`` functions on the same inputs, read as plain columns instead of ORM objects.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache

from sqlalchemy import Integer, Select, bindparam, func, select, true

import scoring
from grants.extensions import db
from grants.interfaces.panel.assignment import full_bid, round_rubric, scoring_rubric, tie_break_criterion
from grants.interfaces.panel.results import DEFAULT_THRESHOLDS, disagreements_by_bid, panel_scores
from grants.lru import LRU, app_cache
from grants.models.applications import Application
from grants.models.organisations import Organisation
from grants.models.panel import ModeratedScore, ScoreSheet, SheetStatus
from grants.models.rounds import FundingRound

CACHE_SIZE = 32  # standings kept per worker: a few views (mean/median, raw/normalised) of the live rounds


@dataclass(frozen=True)
class BidStanding:
    """One bid's place and scores in the round, without the bid itself (load the page's bids)."""

    application_id: int
    reference: str
    rank: int | None  # None until it has a final score
    decided_by: str | None  # the ranking rule that placed it below the bid above (None for the first)
    raw_score: Decimal | None  # the panel score from members' totals as scored
    panel_score: Decimal | None  # the panel score as asked for (raw or normalised totals)
    moderated_score: Decimal | None  # the newest moderation, if any
    sheets: int  # submitted sheets counted
    disagreements: tuple[scoring.Disagreement, ...]

    @property
    def final_score(self) -> Decimal | None:
        return self.moderated_score if self.moderated_score is not None else self.panel_score

    @property
    def flagged(self) -> bool:
        return bool(self.disagreements)


@dataclass(frozen=True)
class Standing:
    """The round's bids, ranked bids first (by rank) then unscored bids by reference."""

    aggregation: scoring.Aggregation
    normalised: bool
    bids: tuple[BidStanding, ...]
    reliability: scoring.Reliability | None
    calibration: scoring.Calibration | None
    thresholds: scoring.AgreementThresholds
    ranked: int  # bids with a final score (the first ``ranked`` of ``bids``)
    flagged: int  # bids flagged for moderation


def round_standing(
    funding_round: FundingRound,
    aggregation: str | None = None,
    normalise: bool | None = None,
    thresholds: scoring.AgreementThresholds = DEFAULT_THRESHOLDS,
) -> Standing:
    """The round's standing by ``aggregation`` from raw or normalised totals (by default as the
    round is set): from the cache when the round's scores are as they were, worked out otherwise.
    Two queries when cached, five when not, however many bids and sheets the round has."""
    rubric = scoring_rubric(round_rubric(funding_round))
    method = scoring.Aggregation(aggregation or funding_round.score_aggregation)
    normalise = funding_round.normalise_scores if normalise is None else bool(normalise)
    key = (funding_round.id, funding_round.rubric_id, repr(rubric), method.value, normalise, thresholds,
           _fingerprint(funding_round))
    return _cache().get_or_make(key, lambda: _work_out(funding_round, rubric, method, normalise, thresholds))


def _cache() -> LRU[Standing]:
    return app_cache("round_standings", CACHE_SIZE)


def _fingerprint(funding_round: FundingRound) -> tuple:
    """What the standing is made from, summarised in one statement: the round's bids (a status,
    amount or reference change bumps a bid's version and time), its submitted sheets (never
    changed once submitted; a sheet deleted or added changes the count and the sums) and its
    moderations (append-only)."""
    row = db.session.execute(_fingerprint_statement(), {"round_id": funding_round.id}).one()
    return (funding_round.version, *(str(value) for value in row))


@cache
def _fingerprint_statement() -> Select:
    """``_fingerprint``'s statement, built once for the parameter ``round_id`` (building it took
    longer than running it)."""
    round_id = bindparam("round_id", type_=Integer)
    bids = (
        select(func.count(Application.id).label("bids"), func.coalesce(func.sum(Application.id), 0).label("bid_ids"),
               func.coalesce(func.sum(Application.version), 0).label("bid_versions"),
               func.max(Application.updated_at).label("bids_changed"))
        .where(Application.round_id == round_id, full_bid())
        .subquery()
    )
    sheets = (
        select(func.count(ScoreSheet.id).label("sheets"), func.coalesce(func.sum(ScoreSheet.id), 0).label("sheet_ids"),
               func.coalesce(func.sum(ScoreSheet.version), 0).label("sheet_versions"),
               func.max(ScoreSheet.updated_at).label("sheets_changed"))
        .where(ScoreSheet.round_id == round_id, ScoreSheet.status == SheetStatus.SUBMITTED)
        .subquery()
    )
    moderations = (
        select(func.count(ModeratedScore.id).label("moderations"),
               func.coalesce(func.max(ModeratedScore.id), 0).label("last_moderation"),
               func.coalesce(func.sum(ModeratedScore.score), 0).label("moderated"))
        .join(Application, Application.id == ModeratedScore.application_id)
        .where(Application.round_id == round_id)
        .subquery()
    )
    # Three one-row aggregates side by side.
    return select(bids, sheets, moderations).join_from(bids, sheets, true()).join_from(bids, moderations, true())


def _work_out(funding_round: FundingRound, rubric: scoring.Rubric, method: scoring.Aggregation, normalise: bool,
              thresholds: scoring.AgreementThresholds) -> Standing:
    """The standing from the round's bids, submitted sheets and moderations, read as plain columns
    (three queries). The same calculation as ``results.round_results``."""
    bids = db.session.execute(
        select(Application.id, Application.reference, Application.amount_requested)
        .where(Application.round_id == funding_round.id, full_bid())
        .order_by(Application.reference, Application.id)
    ).all()
    bid_ids = {row.id for row in bids}
    keys = set(rubric.keys)
    scores = [
        scoring.Score(scorer=str(user_id), bid=str(application_id),
                      values={key: int(value) for key, value in values.items()})
        for user_id, application_id, values in db.session.execute(
            select(ScoreSheet.user_id, ScoreSheet.application_id, ScoreSheet.values)
            .where(ScoreSheet.round_id == funding_round.id, ScoreSheet.status == SheetStatus.SUBMITTED,
                   ScoreSheet.rubric_id == funding_round.rubric_id)
        )
        # As round_results: sheets against another set of criteria, or for a bid no longer being
        # assessed, are left out.
        if application_id in bid_ids and set(values) == keys
    ]
    moderated: dict[int, Decimal] = {}
    for application_id, moderated_score in db.session.execute(
        select(ModeratedScore.application_id, ModeratedScore.score)
        .join(Application, Application.id == ModeratedScore.application_id)
        .where(Application.round_id == funding_round.id, full_bid())
        .order_by(ModeratedScore.created_at.desc(), ModeratedScore.id.desc())
    ):
        moderated.setdefault(application_id, Decimal(moderated_score))  # the newest

    totals = scoring.scorer_totals(rubric, scores)
    disagreements = disagreements_by_bid(rubric, scores, thresholds, totals)
    calibration, panel = panel_scores(rubric, scores, totals, method, normalise)
    sheets: dict[str, int] = {}
    for score in scores:
        sheets[score.bid] = sheets.get(score.bid, 0) + 1

    tie_break = tie_break_criterion(rubric)
    standings = []
    for row in bids:
        entry = panel.get(str(row.id))
        standings.append(BidStanding(
            application_id=row.id, reference=row.reference, rank=None, decided_by=None,
            raw_score=scoring.combine(entry.raw_totals.values(), entry.method) if entry else None,
            panel_score=entry.score if entry else None,
            moderated_score=moderated.get(row.id),
            sheets=sheets.get(str(row.id), 0),
            disagreements=tuple(disagreements.get(str(row.id), ())),
        ))
    amounts = {row.id: row.amount_requested for row in bids}
    by_reference = {standing.reference: standing for standing in standings}
    ranked = scoring.rank_bids(
        scoring.Bid(
            reference=standing.reference, organisation="", amount_pence=scoring.pence(amounts[standing.application_id]),
            panel_score=standing.final_score,
            strategic_fit_score=(panel[str(standing.application_id)].criterion_scores[tie_break]
                                 if str(standing.application_id) in panel else Decimal(0)),
        )
        for standing in standings if standing.final_score is not None
    )
    ordered = [_placed(by_reference[entry.bid.reference], entry.rank, entry.decided_by) for entry in ranked]
    ordered += [standing for standing in standings if standing.final_score is None]
    return Standing(
        aggregation=method, normalised=normalise, bids=tuple(ordered),
        reliability=scoring.panel_reliability(rubric, scores, totals=totals) if scores else None,
        calibration=calibration, thresholds=thresholds, ranked=len(ranked),
        flagged=sum(1 for standing in standings if standing.flagged),
    )


def _placed(standing: BidStanding, rank: int, decided_by: str | None) -> BidStanding:
    return replace(standing, rank=rank, decided_by=decided_by)


@dataclass(frozen=True, slots=True)
class PageBid:
    """What the results page shows of a bid beside its standing, read as plain columns."""

    id: int
    reference: str | None
    amount_requested: Decimal | None
    organisation_name: str | None


def page_of_bids(standing: Standing, page: int, per_page: int) -> tuple[list[BidStanding], dict[int, PageBid]]:
    """One page of the standing's bids, and those bids (with their organisations' names) by id:
    one query, of the four columns shown. The caller checks ``page`` is in range."""
    rows = list(standing.bids[(page - 1) * per_page: page * per_page])
    applications = {
        row.id: PageBid(*row) for row in db.session.execute(
            select(Application.id, Application.reference, Application.amount_requested, Organisation.name)
            .outerjoin(Organisation, Organisation.id == Application.organisation_id)
            .where(Application.id.in_([row.application_id for row in rows]))
        )
    } if rows else {}
    return rows, applications
