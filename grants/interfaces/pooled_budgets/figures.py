"""A pooled-budget agreement's financial year: monthly actuals and forecasts by budget line, the
variance against budget, and closing the year (the variance shared under the risk-share rule, any
underspend carried forward).

Money is Decimal pounds in the database and whole pence in grants.modelling.pooled; every figure is
worked out there. Saving figures is all or nothing: every row is checked first, and a row another
person changed since the form was loaded (its version moved on) stops the whole save.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import abort
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from grants import audit
from grants.extensions import db
from grants.formatting import money
from grants.interfaces.awards.payments import uk_today
from grants.interfaces.pooled_budgets.agreements import POOLED_MANAGERS, POOLED_VIEWERS, pence  # noqa: F401 - the views use them
from grants.modelling import pooled
from grants.modelling.calendar import financial_year_label as year_label
from grants.models.accounts import User
from grants.models.pooled_budgets import (
    Agreement,
    BudgetLine,
    Contribution,
    ContributionBasis,
    LineBudget,
    MonthlyFigure,
    YearEnd,
    month_start,
)

PENNY = Decimal("0.01")
AMOUNT_LIMIT = Decimal("1000000000000")  # Numeric(14, 2): twelve digits of pounds
STALE_MESSAGE = ("Someone else changed these figures after you opened the page, so nothing was saved. "
                 "The newest figures are shown below: enter your changes again")


class PooledError(Exception):
    """A change refused, with the reason in words; ``field`` names the input, when there is one."""

    def __init__(self, message: str, field: str | None = None, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.field = field
        self.errors = errors or {}  # input name → message, for a form with many inputs


class StaleFigures(PooledError):
    pass




def month_label(year: int, month: int) -> str:
    """Month 2 of 2026 → "May 2026"."""
    return month_start(year, month).strftime("%B %Y")


def agreement_year(agreement_id: int, year: int) -> Agreement:
    """The agreement, when ``year`` is one of its financial years; otherwise "not found"."""
    agreement = db.get_or_404(Agreement, agreement_id)
    if year not in agreement.years:
        abort(404)
    return agreement


# Reading a year ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class MonthCell:
    month: int
    label: str  # "April 2026"
    budget_pence: int
    actual: Decimal | None
    forecast: Decimal | None
    version: int  # 0 when nothing has been entered for the month


@dataclass(frozen=True)
class LineYear:
    line: BudgetLine
    budget: Decimal
    months: list[MonthCell]
    position: pooled.LinePosition


@dataclass(frozen=True)
class YearFigures:
    agreement: Agreement
    year: int
    label: str
    lines: list[LineYear]
    totals: pooled.LinePosition
    year_end: YearEnd | None
    carried_in: YearEnd | None  # the previous year's close, when it carried an underspend forward

    @property
    def tolerance_label(self) -> str:
        """5.00 → "5", 2.50 → "2.5"."""
        return f"{self.agreement.tolerance_percent.normalize():f}"

    @property
    def month_labels(self) -> list[str]:
        return [month_label(self.year, month) for month in range(1, pooled.MONTHS + 1)]


def _budgets(agreement: Agreement, year: int) -> dict[int, Decimal]:
    rows = db.session.scalars(select(LineBudget).join(BudgetLine).where(
        BudgetLine.agreement_id == agreement.id, LineBudget.year == year)).all()
    return {row.line_id: row.amount for row in rows}


def _figures(agreement: Agreement, year: int) -> dict[tuple[int, int], MonthlyFigure]:
    rows = db.session.scalars(select(MonthlyFigure).join(BudgetLine).where(
        BudgetLine.agreement_id == agreement.id, MonthlyFigure.year == year)).all()
    return {(row.line_id, row.month): row for row in rows}


def _year_end(agreement: Agreement, year: int) -> YearEnd | None:
    return db.session.scalar(select(YearEnd).where(YearEnd.agreement_id == agreement.id, YearEnd.year == year))


def year_figures(agreement: Agreement, year: int) -> YearFigures:
    """Every line's budget, monthly figures and position for the year, with totals over lines."""
    budgets, figures = _budgets(agreement, year), _figures(agreement, year)
    tolerance = agreement.tolerance_percent
    lines = []
    for line in agreement.lines:
        budget = budgets.get(line.id, Decimal("0.00"))
        profile = pooled.monthly_budget(pence(budget))
        months = []
        for month in range(1, pooled.MONTHS + 1):
            row = figures.get((line.id, month))
            months.append(MonthCell(month, month_label(year, month), profile[month - 1],
                                    row.actual if row else None, row.forecast if row else None,
                                    row.version if row else 0))
        position = pooled.line_position(pence(budget), [None if c.actual is None else pence(c.actual) for c in months],
                                        [None if c.forecast is None else pence(c.forecast) for c in months], tolerance)
        lines.append(LineYear(line, budget, months, position))
    budget_total = sum(item.position.budget_pence for item in lines)
    variance = sum(item.position.variance_pence for item in lines)
    percent = (Decimal(variance) * 100 / Decimal(budget_total)).quantize(PENNY) if budget_total else None
    totals = pooled.LinePosition(budget_total, sum(item.position.actual_pence for item in lines),
                                 sum(item.position.outturn_pence for item in lines), variance, percent,
                                 variance > 0 and (percent is None or percent > tolerance))
    previous = _year_end(agreement, year - 1) if year - 1 in agreement.years else None
    carried_in = previous if previous is not None and previous.carry_forward > 0 else None
    return YearFigures(agreement, year, year_label(year), lines, totals, _year_end(agreement, year), carried_in)


# Saving figures ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class FigureRow:
    """What the form sent for one line and month: the text typed (None when the input was not sent)
    and the version of the row when the form was loaded (0 for no row)."""

    line_id: int
    month: int
    actual: str | None
    forecast: str | None
    seen_version: int


def parse_amount(text: str) -> Decimal | None:
    """ "£1,250.50" → Decimal("1250.50"); "" → None; ValueError with the reason otherwise."""
    cleaned = text.strip().replace(",", "").replace("£", "").strip()
    if not cleaned:
        return None
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"\u201c{text.strip()}\u201d is not an amount") from None
    if not amount.is_finite():
        raise ValueError(f"\u201c{text.strip()}\u201d is not an amount")
    if amount < 0:
        raise ValueError("must not be negative")
    if amount >= AMOUNT_LIMIT:
        raise ValueError(f"must be less than {money(AMOUNT_LIMIT, pence=False)}")
    if amount != amount.quantize(PENNY):
        raise ValueError("must not have more than 2 decimal places")
    return amount.quantize(PENNY)


def input_name(kind: str, line_id: int, month: int) -> str:
    """The form input for a line and month: kind "actual", "forecast" or "version"."""
    return f"{kind}-{line_id}-{month}"


@dataclass(frozen=True)
class SavedFigures:
    """What a save changed: the month (1 to 12 of the financial year) of each line's figures changed."""

    year: int
    months: tuple[int, ...]

    @property
    def count(self) -> int:
        return len(self.months)

    def describe(self) -> str:
        """ "5 figures changed in April 2026", "2 figures changed in April 2026 and January 2027",
        "14 figures changed across 5 months", or "No figures changed"."""
        if not self.months:
            return "No figures changed"
        figures = f"{self.count} figure{'s' if self.count != 1 else ''} changed"
        labels = [month_label(self.year, month) for month in sorted(set(self.months))]
        if len(labels) > 3:
            return f"{figures} across {len(labels)} months"
        listed = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"
        return f"{figures} in {listed}"


def save_figures(agreement: Agreement, year: int, rows: list[FigureRow], user: User,
                 today: date | None = None) -> SavedFigures:
    """Check every row, then save them all; return what changed (a line's actual and forecast for a
    month are one figure here).

    Raises PooledError listing every problem (``errors``: input name → message) and saving nothing;
    StaleFigures when a row changed since the form was loaded. Actuals only for months that have
    started (UK date); forecasts for any month.
    """
    if year not in agreement.years:
        raise PooledError(f"{year_label(year)} is not a year of this agreement")
    today = today or uk_today()
    lines = {line.id: line for line in agreement.lines}
    parsed = _parsed_rows(year, rows, lines, today)

    current = _figures(agreement, year)
    stale = [f"{lines[row.line_id].name}, {month_label(year, row.month)}" for row, _a, _f in parsed
             if (current[(row.line_id, row.month)].version if (row.line_id, row.month) in current else 0)
             != row.seen_version]
    if stale:
        raise StaleFigures(STALE_MESSAGE, errors={"stale": f"Changed by someone else: {', '.join(stale)}"})

    changed: list[int] = []
    try:
        with db.session.begin_nested():
            for row, actual, forecast in parsed:
                if row.actual is None and row.forecast is None:
                    continue  # inputs not sent: leave the month as it is
                figure = current.get((row.line_id, row.month))
                before = {"actual": figure.actual if figure else None, "forecast": figure.forecast if figure else None}
                after = {"actual": actual if row.actual is not None else before["actual"],
                         "forecast": forecast if row.forecast is not None else before["forecast"]}
                if after == before:
                    continue
                if figure is None:
                    figure = MonthlyFigure(line_id=row.line_id, year=year, month=row.month)
                    db.session.add(figure)
                figure.actual, figure.forecast, figure.updated_by_id = after["actual"], after["forecast"], user.id
                db.session.flush()
                audit.record("pooled.figures", figure,
                             f"{agreement.reference}: {lines[row.line_id].name}, {month_label(year, row.month)} "
                             "actual and forecast changed", changes=audit.diff(before, after), actor=user)
                changed.append(row.month)
    except (StaleDataError, IntegrityError):
        raise StaleFigures(STALE_MESSAGE, errors={"stale": "Changed by someone else while saving"}) from None
    return SavedFigures(year, tuple(changed))


def _parsed_rows(year: int, rows: list[FigureRow], lines: dict[int, BudgetLine],
                 today: date) -> list[tuple[FigureRow, Decimal | None, Decimal | None]]:
    """Each row with its actual and forecast as amounts; PooledError listing every problem otherwise."""
    errors: dict[str, str] = {}
    parsed: list[tuple[FigureRow, Decimal | None, Decimal | None]] = []
    for row in rows:
        if row.line_id not in lines or not 1 <= row.month <= pooled.MONTHS:
            raise PooledError("The form named a budget line or month that is not part of this year")
        where = f"{lines[row.line_id].name}, {month_label(year, row.month)}"
        values = {}
        for kind, text in (("actual", row.actual), ("forecast", row.forecast)):
            try:
                values[kind] = parse_amount(text or "")
            except ValueError as problem:
                errors[input_name(kind, row.line_id, row.month)] = f"{where} {kind}: {problem}"
                values[kind] = None
        if values["actual"] is not None and month_start(year, row.month) > today:
            errors[input_name("actual", row.line_id, row.month)] = (
                f"{where} actual: {month_label(year, row.month)} has not started yet. Enter a forecast for it, "
                "and the actual once the month has begun")
        parsed.append((row, values["actual"], values["forecast"]))
    if errors:
        raise PooledError(f"{len(errors)} figure{'s' if len(errors) != 1 else ''} could not be saved", errors=errors)
    return parsed


# The year end ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class YearEndPreview:
    budget_pence: int
    outturn_pence: int
    variance_pence: int
    shares: dict[int, int]  # partner id → pence (positive: overspend they bear)
    notes: tuple[str, ...]
    problems: list[str]  # why the year cannot be closed yet

    @property
    def underspend_pence(self) -> int:
        return max(-self.variance_pence, 0)


def contributions_pence(agreement: Agreement, year: int, total_pence: int) -> pooled.YearContributions:
    """The partners' contributions for the year, worked out from the Contribution rows."""
    rows = db.session.scalars(select(Contribution).where(Contribution.agreement_id == agreement.id,
                                                         Contribution.year == year)).all()
    entries = [pooled.ContributionEntry(row.partner_id, fixed_pence=pence(row.amount))
               if row.basis is ContributionBasis.FIXED
               else pooled.ContributionEntry(row.partner_id, share_percent=row.share_percent) for row in rows]
    return pooled.year_contributions(total_pence, entries, year_label(year))


def year_end_preview(agreement: Agreement, year: int) -> YearEndPreview:
    """The outturn, variance and each partner's share if the year were closed now, and what stops it."""
    figures = year_figures(agreement, year)
    problems = []
    if figures.year_end is not None:
        problems.append(f"{figures.label} has already been closed")
    for item in figures.lines:
        missing = [cell.label for cell in item.months if cell.actual is None]
        if missing:
            problems.append(f"{item.line.name} has no actual for {', '.join(missing)}")
    outturn, budget = figures.totals.outturn_pence, figures.totals.budget_pence
    variance = outturn - budget
    members = agreement.members
    shares: dict[int, int] = {member.partner_id: 0 for member in members}
    notes: tuple[str, ...] = ()
    contributions = contributions_pence(agreement, year, budget)
    if agreement.risk_share_rule.value == "pro_rata" and contributions.problems:
        problems.extend(contributions.problems)
    else:
        try:
            share = pooled.share_variance(
                variance, agreement.risk_share_rule.value, [m.partner_id for m in members], agreement.host_partner_id,
                contributions=contributions.amounts,
                fixed_percent={m.partner_id: m.risk_share_percent for m in members if m.risk_share_percent is not None},
                caps={m.partner_id: None if m.risk_cap is None else pence(m.risk_cap) for m in members},
                names={m.partner_id: m.partner.name for m in members})
        except ValueError as problem:
            problems.append(str(problem))
        else:
            # share_variance gives every partner a part, keyed as it was given them: by partner id.
            shares, notes = {m.partner_id: share.shares[m.partner_id] for m in members}, share.notes
    return YearEndPreview(budget, outturn, variance, shares, notes, problems)


def close_year(agreement: Agreement, year: int, carry_forward: Decimal | None, user: User) -> YearEnd:
    """Close the year: record its outturn and the variance shared under the risk-share rule, and any
    part of an underspend carried forward to the next year of the agreement."""
    if year not in agreement.years:
        raise PooledError(f"{year_label(year)} is not a year of this agreement")
    preview = year_end_preview(agreement, year)
    if preview.problems:
        raise PooledError(f"{year_label(year)} cannot be closed yet: {'; '.join(preview.problems)}")
    carry = carry_forward or Decimal("0.00")
    if carry < 0:
        raise PooledError("The amount to carry forward must not be negative", "carry_forward")
    if carry > 0:
        if preview.variance_pence >= 0:
            raise PooledError("Only an underspend can be carried forward: this year has none", "carry_forward")
        if year + 1 not in agreement.years:
            raise PooledError(f"Nothing can be carried forward: {year_label(year)} is the agreement's last year",
                              "carry_forward")
        if pence(carry) > preview.underspend_pence:
            raise PooledError(f"The amount to carry forward must be {pooled.pounds(preview.underspend_pence)} "
                              "(the underspend) or less", "carry_forward")
    year_end = YearEnd(agreement_id=agreement.id, year=year,
                       budget=(Decimal(preview.budget_pence) / 100).quantize(PENNY),
                       outturn=(Decimal(preview.outturn_pence) / 100).quantize(PENNY),
                       variance_shares={str(partner): f"{Decimal(amount) / 100:.2f}"
                                        for partner, amount in preview.shares.items()},
                       carry_forward=carry.quantize(PENNY), closed_by_id=user.id)
    try:
        with db.session.begin_nested():
            db.session.add(year_end)
            db.session.flush()
    except IntegrityError:
        raise PooledError(f"{year_label(year)} has already been closed") from None
    audit.record("pooled.year_closed", year_end,
                 f"{agreement.reference}: {year_label(year)} closed with outturn {money(year_end.outturn)} "
                 f"and variance {pooled.pounds(preview.variance_pence)}",
                 changes={key: {"before": None, "after": value} for key, value in audit.snapshot(year_end).items()},
                 actor=user)
    return year_end
