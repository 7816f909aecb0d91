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
from decimal import Decimal
from io import BytesIO
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from grants.formatting import LONDON
from grants.interfaces.panel.assignment import tie_break_criterion
from grants.interfaces.panel.reports import describe, placed_by, raw_panel_score
from grants.interfaces.panel.results import RoundResults
from grants.models.rounds import FundingRound
from grants.models.types import utcnow
from grants.spreadsheets import datetime_cell, money_cell, text_cell

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

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


def score_cell(sheet, value: Decimal | int | None) -> Cell:
    """A score on the rubric's scale as a number to two places; empty when there is none."""
    # The stub types WriteOnlyCell's value narrower than the Cell it returns, which takes a Decimal.
    cell = WriteOnlyCell(sheet, value=None if value is None else Decimal(value))  # type: ignore[arg-type]
    cell.number_format = SCORE_FORMAT
    return cell


def _widths(sheet, widths) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _scores_sheet(workbook: Workbook, results: RoundResults, normalised: RoundResults) -> None:
    sheet = workbook.create_sheet("Scores")
    criteria = results.rubric.criteria
    _widths(sheet, (*SCORE_WIDTHS, *([10, COMMENT_WIDTH] * len(criteria)), 16, 16))
    sheet.freeze_panes = "D2"
    headings = [*SCORE_HEADINGS]
    for criterion in criteria:
        headings += [f"{criterion.title}: score", f"{criterion.title}: comment"]
    sheet.append([text_cell(sheet, heading) for heading in (*headings, *SCORE_TOTALS)])
    for bid in sorted(results.bids, key=lambda bid: (bid.application.reference, bid.application.id)):
        application = bid.application
        calibrated = normalised.bid(application.id).normalised
        for score_sheet in bid.sheets:
            row = [
                text_cell(sheet, application.reference),
                text_cell(sheet, application.organisation.name),
                text_cell(sheet, score_sheet.user.full_name),
                datetime_cell(sheet, score_sheet.submitted_at),
            ]
            for criterion in criteria:
                row += [
                    score_cell(sheet, score_sheet.values.get(criterion.key)),
                    text_cell(sheet, (score_sheet.comments or {}).get(criterion.key, "")),
                ]
            row += [
                score_cell(sheet, bid.totals.get(score_sheet.user_id)),
                score_cell(sheet, calibrated.get(score_sheet.user_id)),
            ]
            sheet.append(row)


def _recommendation_text(entry: Mapping | None) -> str:
    if not entry:
        return "Not in the recommendation"
    verdict = "Recommended" if entry.get("recommended") else "Not recommended"
    explanation = entry.get("explanation") or entry.get("reason") or ""
    return f"{verdict}: {explanation}" if explanation else verdict


def _bids_sheet(
    workbook: Workbook,
    results: RoundResults,
    normalised: RoundResults,
    conflicts: Mapping[int, int],
    recommendation: Mapping[str, Mapping] | None,
) -> None:
    sheet = workbook.create_sheet("Bids")
    with_recommendation = recommendation is not None
    _widths(sheet, (*BID_WIDTHS, *((60,) if with_recommendation else ())))
    sheet.freeze_panes = "C2"
    headings = (*BID_HEADINGS, *((RECOMMENDATION,) if with_recommendation else ()))
    sheet.append([text_cell(sheet, heading) for heading in headings])
    tie_break = results.rubric.criterion(tie_break_criterion(results.rubric)).title.lower()
    for bid in results.bids:
        application = bid.application
        calibrated = normalised.bid(application.id).panel
        moderation = bid.moderation
        row = [
            bid.rank,
            text_cell(sheet, application.reference),
            text_cell(sheet, application.organisation.name),
            money_cell(sheet, application.amount_requested),
            len(bid.sheets),
            score_cell(sheet, raw_panel_score(bid)),
            score_cell(sheet, calibrated.score if calibrated is not None else None),
            score_cell(sheet, moderation.score if moderation is not None else None),
            text_cell(sheet, moderation.reason if moderation is not None else ""),
            score_cell(sheet, bid.final_score),
            text_cell(sheet, placed_by(bid.decided_by, tie_break) if bid.rank else "Not ranked: no submitted scores"),
            text_cell(sheet, "; ".join(describe(flag, results.rubric) for flag in bid.disagreements)),
            conflicts.get(application.id, 0),
        ]
        if recommendation is not None:
            entry = recommendation.get(application.reference) if application.reference is not None else None
            row.append(text_cell(sheet, _recommendation_text(entry)))
        sheet.append(row)


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
    workbook = Workbook(write_only=True)
    _scores_sheet(workbook, results, normalised)
    _bids_sheet(workbook, results, normalised, conflicts, recommendation)
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer
