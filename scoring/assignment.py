"""Assigning panel members to bids: each bid gets enough scorers, conflicts are respected and the
work is shared out as evenly as the conflicts allow.

Officers may already have assigned some pairs by hand; those are kept and counted in the load.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DEFAULT_SCORERS_PER_BID = 3


@dataclass(frozen=True)
class Shortfall:
    """A bid that cannot get enough scorers: fewer members are free of conflicts than needed."""

    bid: str
    needed: int
    available: int

    @property
    def message(self) -> str:
        return (
            f"Bid {self.bid} needs {self.needed} scorers but only {self.available} panel "
            f"member{'s are' if self.available != 1 else ' is'} free of conflicts"
        )


@dataclass(frozen=True)
class Assignment:
    """Who scores what (bid → members, sorted), each member's load, and any shortfalls."""

    scorers: Mapping[str, tuple[str, ...]]
    load: Mapping[str, int]
    shortfalls: tuple[Shortfall, ...]


def assign_scorers(
    bids: Iterable[str],
    members: Iterable[str],
    conflicts: Iterable[tuple[str, str]] = (),
    per_bid: int = DEFAULT_SCORERS_PER_BID,
    existing: Iterable[tuple[str, str]] = (),
) -> Assignment:
    """Give every bid ``per_bid`` scorers from ``members``.

    ``conflicts`` and ``existing`` are (member, bid) pairs: a conflicted member never scores that
    bid; an existing (hand-made) assignment is kept unless it is conflicted. Bids with the fewest
    free members are filled first, and each place goes to the free member with the least work so
    far (ties by member id, so the result is the same every time). Without conflicts the loads
    differ by at most one.
    """
    if per_bid < 1:
        raise ValueError("Each bid needs at least 1 scorer")
    bid_list = sorted(set(bids))
    member_list = sorted(set(members))
    blocked = set(conflicts)
    scorers: dict[str, set[str]] = {bid: set() for bid in bid_list}
    load = {member: 0 for member in member_list}
    for member, bid in existing:
        if bid in scorers and member in load and (member, bid) not in blocked and member not in scorers[bid]:
            scorers[bid].add(member)
            load[member] += 1

    def free(bid: str) -> list[str]:
        return [m for m in member_list if (m, bid) not in blocked]

    shortfalls = []
    # Most constrained first: a bid that few can score should not find them all busy.
    for bid in sorted(bid_list, key=lambda b: (len(free(b)), b)):
        candidates = [m for m in free(bid) if m not in scorers[bid]]
        while len(scorers[bid]) < per_bid and candidates:
            chosen = min(candidates, key=lambda m: (load[m], m))
            candidates.remove(chosen)
            scorers[bid].add(chosen)
            load[chosen] += 1
        if len(scorers[bid]) < per_bid:
            shortfalls.append(Shortfall(bid, per_bid, len(free(bid))))
    return Assignment(
        scorers={bid: tuple(sorted(members_)) for bid, members_ in scorers.items()},
        load=dict(load),
        shortfalls=tuple(sorted(shortfalls, key=lambda s: s.bid)),
    )
