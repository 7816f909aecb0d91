"""Re-planning an award's payments and monitoring periods after a variation.

Plain values in and out: amounts in whole pence, dates, and the reporting periods of
grants.modelling.calendar. The awards interface applies the results to the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from grants.modelling.apportionment import apportion
from grants.modelling.calendar import Period, reporting_periods


class ReplanError(ValueError):
    """The change cannot be fitted to the schedule; the message says why, in words for the officer."""


def replan_instalments(amounts: Sequence[int], open_: Sequence[bool], new_total: int) -> list[int]:
    """The instalments' amounts (pence) once the award becomes ``new_total`` pence.

    Instalments that are not open (approved for payment or paid) keep their amounts. The
    difference between the new total and the old is shared over the open ones in proportion to
    their amounts (largest remainder, so to the penny; ties to the earlier): an increase
    adds to each, a decrease takes from each, never below 0. An open instalment may come out at
    0 (the caller drops it).

    Raises ReplanError when the new total is below what the closed instalments already hold, or
    when the total changes and no instalment is open. The result always sums to ``new_total``.
    """
    if len(amounts) != len(open_):
        raise ValueError("Give one open flag per instalment")
    if any(amount < 0 for amount in amounts):
        raise ValueError("Instalment amounts must not be negative")
    fixed = sum(amount for amount, is_open in zip(amounts, open_, strict=True) if not is_open)
    if new_total < fixed:
        raise ReplanError("below fixed")
    difference = new_total - sum(amounts)
    if difference == 0:
        return list(amounts)
    open_amounts = [amount for amount, is_open in zip(amounts, open_, strict=True) if is_open]
    if not open_amounts:
        raise ReplanError("no open instalments")
    # The open instalments' new total, shared in proportion to their amounts: each moves by within
    # a penny of its share of the difference, and none goes below 0. If they are all 0 (only for
    # callers that keep £0 instalments), share equally.
    weights = open_amounts if sum(open_amounts) > 0 else [1] * len(open_amounts)
    shares = iter(apportion(new_total - fixed, weights))
    return [next(shares) if is_open else amount for amount, is_open in zip(amounts, open_, strict=True)]


def replan_periods(start: date, end: date, frequency: str, reported_until: date | None) -> list[Period]:
    """The reporting periods still to plan for an award now running ``start`` to ``end``.

    ``reported_until`` is the end of the last period whose return is kept (already started,
    submitted or accepted), or None if none is kept. The new periods are the award's periods
    (grants.modelling.calendar.reporting_periods) that end after it, the first cut to begin the
    day after it; the last one is the final return. Raises ReplanError if no period is left,
    that is if ``end`` is not after ``reported_until``.
    """
    if end < start:
        raise ValueError("The end date must not be before the start date")
    if reported_until is not None and end <= reported_until:
        raise ReplanError("no period left")
    periods = reporting_periods(start, end, frequency)
    if reported_until is None:
        return periods
    left = [period for period in periods if period.end > reported_until]
    first = left[0]
    if first.start <= reported_until:
        left[0] = replace(first, start=reported_until + timedelta(days=1))
    return left
