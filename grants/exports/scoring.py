"""A round's scoring matrix as an Excel workbook.

"Scores": one row per submitted score sheet (bid × member, by reference then member name) with
every criterion's score and comment, the member's total as scored and normalised. "Bids": one row
per bid in ranking order, unscored bids last, with the raw and normalised panel scores, any
moderation, the final score, the disagreement flags, the conflicts declared and, once one has been
made, the funding recommendation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from io import BytesIO

from grants.formatting import LONDON
from grants.interfaces.panel.assignment import tie_break_criterion
from grants.interfaces.panel.reports import describe, placed_by, raw_panel_score
from grants.interfaces.panel.results import RoundResults
from grants.models.rounds import FundingRound
from grants.models.types import utcnow
from grants.spreadsheets import MONEY_FORMAT, ExportSheet, ExportWorkbook

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCORE_FORMAT = "0.00"
SCORE_HEADINGS = ("Reference", "Organisation", "Panel member", "Submitted at (UK time)")
SCORE_TOTALS = ("Total (as scored)", "Normalised total")
BID_HEADINGS = (
    "Rank",
    "Reference",
    "Organisation",
    "Amount requested",
    "Scorers",
    "Panel score (raw)",
    "Normalised panel score",
    "Moderated score",
    "Moderation reason",
    "Final score",
    "Why it ranks here",
    "Flags",
    "Conflicts declared",
)
RECOMMENDATION = "Recommendation"
# Characters wide, roughly.
SCORE_WIDTHS = (16, 36, 28, 20)
BID_WIDTHS = (8, 16, 36, 18, 10, 16, 20, 16, 50, 12, 26, 60, 18)
COMMENT_WIDTH = 50


def filename(funding_round: FundingRound) -> str:
    """``scoring-community-safety-fund-2026-2026-11-28.xlsx``: ASCII only, safe in any header."""
    slug = re.sub(r"[^a-z0-9]+", "-", funding_round.name.lower()).strip("-")[:60].strip("-") or "round"
    return f"scoring-{slug}-{utcnow().astimezone(LONDON):%Y-%m-%d}.xlsx"


class Score(Decimal):
    """A score on the rubric's scale, shown as a number to two places."""


class Money(Decimal):
    """An amount in pounds, shown as £1,234.50."""


def _score(value: Decimal | int | None) -> Score | None:
    return None if value is None else Score(value)


def _append(sheet: ExportSheet, row: int, values: list) -> None:
    """A row of cells, each typed by its value: text (never a formula), a score, an amount, a count
    or a moment in UK time; None leaves a cell empty."""
    for column, value in enumerate(values, start=1):
        if isinstance(value, Score):
            sheet.number(row, column, value, SCORE_FORMAT)
        elif isinstance(value, Money):
            sheet.number(row, column, value, MONEY_FORMAT)
        elif isinstance(value, datetime):
            sheet.moment(row, column, value)
        elif isinstance(value, int) and not isinstance(value, bool):
            sheet.number(row, column, value)
        elif value is not None:
            sheet.text(row, column, value)


def _scores_sheet(book: ExportWorkbook, results: RoundResults, normalised: RoundResults) -> None:
    sheet = book.sheet("Scores")
    criteria = results.rubric.criteria
    sheet.widths((*SCORE_WIDTHS, *([10, COMMENT_WIDTH] * len(criteria)), 16, 16))
    sheet.freeze("D2")
    headings = [*SCORE_HEADINGS]
    for criterion in criteria:
        headings += [f"{criterion.title}: score", f"{criterion.title}: comment"]
    _append(sheet, 1, [*headings, *SCORE_TOTALS])
    number = 1
    for bid in sorted(results.bids, key=lambda bid: (bid.application.reference, bid.application.id)):
        application = bid.application
        calibrated = normalised.bid(application.id).normalised
        for score_sheet in bid.sheets:
            row: list = [application.reference, application.organisation.name, score_sheet.user.full_name,
                         score_sheet.submitted_at]
            for criterion in criteria:
                row += [_score(score_sheet.values.get(criterion.key)),
                        (score_sheet.comments or {}).get(criterion.key, "")]
            row += [_score(bid.totals.get(score_sheet.user_id)), _score(calibrated.get(score_sheet.user_id))]
            number += 1
            _append(sheet, number, row)


def _recommendation_text(entry: Mapping | None) -> str:
    if not entry:
        return "Not in the recommendation"
    verdict = "Recommended" if entry.get("recommended") else "Not recommended"
    explanation = entry.get("explanation") or entry.get("reason") or ""
    return f"{verdict}: {explanation}" if explanation else verdict


def _bids_sheet(
    book: ExportWorkbook,
    results: RoundResults,
    normalised: RoundResults,
    conflicts: Mapping[int, int],
    recommendation: Mapping[str, Mapping] | None,
) -> None:
    sheet = book.sheet("Bids")
    with_recommendation = recommendation is not None
    sheet.widths((*BID_WIDTHS, *((60,) if with_recommendation else ())))
    sheet.freeze("C2")
    _append(sheet, 1, [*BID_HEADINGS, *((RECOMMENDATION,) if with_recommendation else ())])
    tie_break = results.rubric.criterion(tie_break_criterion(results.rubric)).title.lower()
    for number, bid in enumerate(results.bids, start=2):
        application = bid.application
        calibrated = normalised.bid(application.id).panel
        moderation = bid.moderation
        row = [
            bid.rank,
            application.reference,
            application.organisation.name,
            None if application.amount_requested is None else Money(application.amount_requested),
            len(bid.sheets),
            _score(raw_panel_score(bid)),
            _score(calibrated.score if calibrated is not None else None),
            _score(moderation.score if moderation is not None else None),
            moderation.reason if moderation is not None else "",
            _score(bid.final_score),
            placed_by(bid.decided_by, tie_break) if bid.rank else "Not ranked: no submitted scores",
            "; ".join(describe(flag, results.rubric) for flag in bid.disagreements),
            conflicts.get(application.id, 0),
        ]
        if recommendation is not None:
            entry = recommendation.get(application.reference) if application.reference is not None else None
            row.append(_recommendation_text(entry))
        _append(sheet, number, row)


def scoring_workbook(
    results: RoundResults,
    normalised: RoundResults,
    conflicts: Mapping[int, int],
    recommendation: Mapping[str, Mapping] | None = None,
) -> BytesIO:
    """The workbook. ``results`` follow the round's settings (ranking, final scores); ``normalised``
    are the same scores with each member's totals normalised, for the normalised columns (pass
    ``results`` again when the round normalises). ``recommendation`` maps bid reference to the
    latest recommendation's decision; without one there is no Recommendation column."""
    book = ExportWorkbook(constant_memory=True)
    _scores_sheet(book, results, normalised)
    _bids_sheet(book, results, normalised, conflicts, recommendation)
    return BytesIO(book.close())
