"""Ranking bids, with tie-break rules that give one order however many bids tie.

Rules, in turn:

1. higher panel score;
2. higher panel score on the strategic-fit criterion (the plan is what the grant is for);
3. lower amount requested (the money goes further);
4. reference, A to Z (references are unique, so the order is total and never depends on input order).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

PENNY = Decimal("0.01")

RULES = (
    "higher panel score",
    "higher strategic fit score",
    "lower amount requested",
    "reference",
)


def pence(pounds: Decimal | int | str) -> int:
    """An amount in pounds (Decimal, int or string such as "12500.50") as whole pence.

    Raises ValueError for fractions of a penny and TypeError for floats, which cannot hold pence
    exactly.
    """
    if isinstance(pounds, float):
        raise TypeError("Give money as a Decimal, an int or a string, not a float")
    amount = Decimal(pounds)
    if amount != amount.quantize(PENNY):
        raise ValueError(f"£{amount} is not a whole number of pence")
    return int(amount * 100)


def pounds(amount_pence: int) -> Decimal:
    """Whole pence as pounds, to the penny."""
    return (Decimal(amount_pence) / 100).quantize(PENNY)


def money(amount_pence: int) -> str:
    """£12,500 or £12,500.50: pence shown only when there are some."""
    value = pounds(amount_pence)
    if value == value.to_integral_value():
        return f"£{value:,.0f}"
    return f"£{value:,.2f}"


@dataclass(frozen=True)
class Bid:
    """What ranking and the funding recommendation need to know about one bid.

    ``areas`` are the local authority areas it serves and ``approaches`` the plan's approaches it
    delivers (codes, such as "torbay" and "prevention"); a bid can have several of each.
    """

    reference: str
    organisation: str
    amount_pence: int  # the grant requested, in whole pence
    panel_score: Decimal  # on the rubric's scale
    strategic_fit_score: Decimal  # the panel's score on the strategic fit criterion
    areas: frozenset[str] = frozenset()
    approaches: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not isinstance(self.amount_pence, int) or isinstance(self.amount_pence, bool):
            raise TypeError(f"{self.reference}: the amount must be whole pence (an int)")
        if self.amount_pence <= 0:
            raise ValueError(f"{self.reference}: the amount requested must be more than £0")
        for name in ("panel_score", "strategic_fit_score"):
            value = getattr(self, name)
            if isinstance(value, float):
                raise TypeError(f"{self.reference}: {name} must be a Decimal, not a float")
            object.__setattr__(self, name, Decimal(value))
        object.__setattr__(self, "areas", frozenset(self.areas))
        object.__setattr__(self, "approaches", frozenset(self.approaches))


@dataclass(frozen=True)
class RankedBid:
    """A bid's place in the ranking (1 is first) and the rule that put it below the bid above."""

    rank: int
    bid: Bid
    decided_by: str | None  # one of RULES; None for the first bid


def rank_key(bid: Bid) -> tuple[Decimal, Decimal, int, str]:
    """The sort key that puts bids in ranking order (see the module's rules)."""
    return (-bid.panel_score, -bid.strategic_fit_score, bid.amount_pence, bid.reference)


def _deciding_rule(above: Bid, below: Bid) -> str:
    for rule, a, b in zip(RULES, rank_key(above), rank_key(below), strict=True):
        if a != b:
            return rule
    raise AssertionError("references are unique")  # checked in rank_bids


def rank_bids(bids: Iterable[Bid]) -> list[RankedBid]:
    """The bids in ranking order, each with its rank and the tie-break rule that placed it.

    Raises ValueError when two bids share a reference (the last rule would not separate them).
    """
    bids = list(bids)
    repeated = sorted(reference for reference, count in Counter(b.reference for b in bids).items() if count > 1)
    if repeated:
        raise ValueError(f"Bid references must be unique; repeated: {', '.join(repeated)}")
    ordered = sorted(bids, key=rank_key)
    return [
        RankedBid(position, bid, None if position == 1 else _deciding_rule(ordered[position - 2], bid))
        for position, bid in enumerate(ordered, start=1)
    ]
