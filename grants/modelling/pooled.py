"""Pooled-budget arithmetic: partners' contributions and shares, payment profiles, outturn and
variance by budget line, and sharing a year's over- or underspend under the risk-share rule.

All money is whole pence (int); every split is by largest remainder (grants.modelling.apportionment),
so parts always add up to the whole to the penny. Partners and lines are identified by any hashable
key the caller chooses (an id, a name).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from grants.modelling.apportionment import apportion

MONTHS = 12  # a financial year's months, 1 = April … 12 = March
PROFILE_PAYMENTS = {"annual": 1, "quarterly": 4, "monthly": 12}


def pounds(pence: int) -> str:
    """£1,234.56 (negative as -£1,234.56), for messages."""
    sign, pence = ("-", -pence) if pence < 0 else ("", pence)
    return f"{sign}£{pence // 100:,}.{pence % 100:02d}"


# Contributions -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ContributionEntry:
    """A partner's contribution for a year: a fixed amount in pence, or a percentage share."""

    partner: Hashable
    fixed_pence: int | None = None
    share_percent: Decimal | None = None


@dataclass(frozen=True)
class YearContributions:
    """Each partner's amount (pence) and share of the pool (exact fraction as a Decimal percent to
    3 dp), and every problem found (empty when the contributions are consistent)."""

    total_pence: int
    amounts: Mapping[Hashable, int]
    shares_percent: Mapping[Hashable, Decimal]
    problems: tuple[str, ...] = ()


def year_contributions(total_pence: int, entries: Sequence[ContributionEntry],
                       year_label: str = "the year") -> YearContributions:
    """Partners' amounts for a year whose agreed total (the sum of its line budgets) is ``total_pence``.

    A fixed contribution is its amount. Shares are percentages of what the fixed contributions
    leave of the total; they must add up to exactly 100%, and the remainder is split between them by
    largest remainder. With no shares, the fixed amounts must add up to the agreed total.
    """
    problems: list[str] = []
    fixed = {e.partner: e.fixed_pence for e in entries if e.fixed_pence is not None}
    shared = [e for e in entries if e.fixed_pence is None]
    for entry in entries:
        if entry.fixed_pence is not None and entry.fixed_pence < 0:
            problems.append(f"A contribution for {year_label} is negative")
        if entry.fixed_pence is None and (entry.share_percent is None or entry.share_percent < 0):
            problems.append(f"A share for {year_label} is missing or negative")
    amounts: dict[Hashable, int] = dict(fixed)
    fixed_sum = sum(fixed.values())
    if shared and not problems:
        percents = [e.share_percent for e in shared if e.share_percent is not None]  # all of them: checked above
        percent_sum = sum(percents, Decimal(0))
        left = total_pence - fixed_sum
        if percent_sum != 100:
            problems.append(f"Shares for {year_label} add up to {percent_sum.normalize():f}%: they must add up to 100%")
        elif left < 0:
            problems.append(f"Fixed contributions for {year_label} come to {pounds(fixed_sum)}, more than the agreed "
                            f"total of {pounds(total_pence)}")
        elif percent_sum == 100:
            for entry, share in zip(shared, apportion(left, percents), strict=True):
                amounts[entry.partner] = share
    elif not shared and fixed_sum != total_pence:
        problems.append(f"Contributions for {year_label} add up to {pounds(fixed_sum)}: the agreed total is "
                        f"{pounds(total_pence)}")
    shares = {
        partner: (Decimal(amount) * 100 / Decimal(total_pence)).quantize(Decimal("0.001"))
        if total_pence else Decimal(0)
        for partner, amount in amounts.items()
    }
    return YearContributions(total_pence, amounts, shares, tuple(problems))


def payment_profile(amount_pence: int, profile: str) -> list[int]:
    """A contribution paid in equal parts (1, 4 or 12) that add up to it, earlier parts taking the odd pennies."""
    if profile not in PROFILE_PAYMENTS:
        raise ValueError(f"Unknown payment profile {profile!r}")
    return apportion(amount_pence, [1] * PROFILE_PAYMENTS[profile])


def monthly_budget(annual_pence: int) -> list[int]:
    """A line's annual budget spread evenly over the 12 months, adding up to the penny."""
    return apportion(annual_pence, [1] * MONTHS)


# Actuals, forecasts and variance -----------------------------------------------------------------

@dataclass(frozen=True)
class LinePosition:
    """A budget line's year: budget, actual to date, forecast outturn (actuals where known and the
    forecast for the other months), the variance (outturn − budget; positive is an overspend) and
    whether it is over budget by more than the tolerance."""

    budget_pence: int
    actual_pence: int
    outturn_pence: int
    variance_pence: int
    variance_percent: Decimal | None  # None when the budget is 0
    flagged: bool


def line_position(budget_pence: int, actuals: Sequence[int | None], forecasts: Sequence[int | None],
                  tolerance_percent: Decimal) -> LinePosition:
    """``actuals`` and ``forecasts`` have one entry per month (None where not entered)."""
    if len(actuals) != MONTHS or len(forecasts) != MONTHS:
        raise ValueError("Give a value (or None) for each of the 12 months")
    actual = sum(a for a in actuals if a is not None)
    outturn = sum(a if a is not None else (f or 0) for a, f in zip(actuals, forecasts, strict=True))
    variance = outturn - budget_pence
    percent = (Decimal(variance) * 100 / Decimal(budget_pence)).quantize(Decimal("0.01")) if budget_pence else None
    flagged = variance > 0 and (percent is None or percent > tolerance_percent)
    return LinePosition(budget_pence, actual, outturn, variance, percent, flagged)


# Risk share --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RiskShare:
    """Each partner's part of a year's variance (pence; positive: overspend they bear, negative:
    underspend returned), what fell to the host beyond the caps, and how it was worked out."""

    shares: Mapping[Hashable, int]
    beyond_caps_pence: int = 0
    notes: tuple[str, ...] = field(default=())


def share_variance(variance_pence: int, rule: str, partners: Sequence[Hashable], host: Hashable,
                   contributions: Mapping[Hashable, int] | None = None,
                   fixed_percent: Mapping[Hashable, Decimal] | None = None,
                   caps: Mapping[Hashable, int | None] | None = None,
                   names: Mapping[Hashable, str] | None = None) -> RiskShare:
    """Share ``variance_pence`` between ``partners`` under ``rule``:

    - "pro_rata": in proportion to the year's ``contributions`` (pence);
    - "fixed": by ``fixed_percent``, which must add up to 100;
    - "host": all to ``host``.

    A partner's part is never more than its cap (``caps``, pence, None for no cap); the excess is
    shared among the partners still under their caps in the same proportions, and anything left
    when every partner has reached its cap falls to the host (noted). Parts add up to the variance.
    The notes are sentences naming each partner by ``names`` (partner → name), or by the partner itself.
    """
    def name(partner: Hashable) -> str:
        return (names or {}).get(partner, str(partner))

    if host not in partners:
        raise ValueError("The host must be one of the partners")
    partner_caps = {partner: (caps or {}).get(partner) for partner in partners}
    if any(cap is not None and cap < 0 for cap in partner_caps.values()):
        raise ValueError("A cap must not be negative")
    weights = _risk_weights(rule, partners, host, contributions, fixed_percent)
    sign, left = (1, variance_pence) if variance_pence >= 0 else (-1, -variance_pence)
    shares, beyond, notes = _share_within_caps(left, partners, weights, partner_caps, name)
    if beyond:
        shares[host] += beyond
        notes.append(f"{pounds(beyond)} beyond every cap falls to the host, {name(host)}.")
    return RiskShare({partner: sign * amount for partner, amount in shares.items()}, sign * beyond, tuple(notes))


def _risk_weights(rule: str, partners: Sequence[Hashable], host: Hashable,
                  contributions: Mapping[Hashable, int] | None,
                  fixed_percent: Mapping[Hashable, Decimal] | None) -> dict[Hashable, Decimal]:
    """Each partner's weight in sharing a variance under ``rule`` (see ``share_variance``)."""
    if rule == "host":
        weights = {partner: Decimal(partner == host) for partner in partners}
    elif rule == "pro_rata":
        weights = {partner: Decimal((contributions or {}).get(partner, 0)) for partner in partners}
        if not any(weights.values()):
            raise ValueError("Pro rata sharing needs contributions for the year")
    elif rule == "fixed":
        weights = {partner: Decimal((fixed_percent or {}).get(partner, 0)) for partner in partners}
        total = sum(weights.values(), Decimal(0))
        if total != 100:
            raise ValueError(f"Fixed risk-share percentages add up to {total.normalize():f}%: they must add up to 100%")
    else:
        raise ValueError(f"Unknown risk-share rule {rule!r}")
    if any(weight < 0 for weight in weights.values()):
        raise ValueError("Weights must not be negative")
    return weights


def _share_within_caps(amount: int, partners: Sequence[Hashable], weights: Mapping[Hashable, Decimal],
                       caps: Mapping[Hashable, int | None],
                       name: Callable[[Hashable], str]) -> tuple[dict[Hashable, int], int, list[str]]:
    """``amount`` (pence, 0 or more) shared by ``weights`` with no partner past its cap (None: no cap),
    the excess passed on to the partners still under theirs: each partner's part, what is left when
    every partner with a weight is at its cap, and a note for each cap reached."""
    left = amount
    shares = {partner: 0 for partner in partners}
    notes: list[str] = []
    open_partners = [p for p in partners if weights[p] > 0 and ((cap := caps[p]) is None or cap > 0)]
    while left and open_partners:
        parts = apportion(left, [weights[p] for p in open_partners])
        left = 0
        still_open = []
        for partner, part in zip(open_partners, parts, strict=True):
            cap = caps[partner]
            if cap is not None and part >= cap - shares[partner]:
                room = cap - shares[partner]
                shares[partner] += room
                left += part - room
                if part > room:
                    notes.append(f"{name(partner)} reached its cap of {pounds(cap)}.")
            else:
                shares[partner] += part
                still_open.append(partner)
        open_partners = still_open
    return shares, left, notes
