"""How long the funding recommendation takes on a large random round.

Run: ``.venv/bin/python -m scoring.bench`` (options: ``--bids 1000 --seed 2026 --repeat 3``).
It prints the time for the whole recommendation (ranking, rank order, the exact MILP and the
reasons) and for the MILP alone. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from scoring.funding import APPROACH, AREA, FundingRules, Minimum, _integer_objective, recommend_funding
from scoring.optimiser import solve
from scoring.ranking import Bid, money

# The five local authority areas of the force area, with a rough share of the population (percent).
AREAS = {"cornwall": 31, "isles-of-scilly": 1, "devon": 45, "plymouth": 15, "torbay": 8}
APPROACHES = ("prevention", "people", "place", "partnership")

T = TypeVar("T")


def random_round(count: int, seed: int) -> tuple[list[Bid], FundingRules]:
    """``count`` random bids and rules with area and approach minimums and an organisation cap."""
    chooser = random.Random(seed)
    organisations = [f"Organisation {number}" for number in range(max(1, count // 3))]
    bids = []
    for number in range(count):
        bids.append(
            Bid(
                reference=f"CGS-2026-{number:04d}",
                organisation=chooser.choice(organisations),
                amount_pence=chooser.randrange(5_000, 150_001) * 100 + chooser.choice((0, 50)),
                panel_score=Decimal(chooser.randrange(100, 401)) / 100,  # 1.00 to 4.00
                strategic_fit_score=Decimal(chooser.randrange(0, 9)) / 2,  # 0 to 4 in halves
                areas=frozenset(chooser.sample(sorted(AREAS), chooser.choice((1, 1, 1, 2)))),
                approaches=frozenset(chooser.sample(APPROACHES, chooser.choice((1, 2, 2, 3)))),
            )
        )
    budget = sum(bid.amount_pence for bid in bids) // 4  # a quarter of what is asked for, in pence
    minimums = [Minimum(AREA, code, spend_pence=budget * share // 200) for code, share in AREAS.items()]
    minimums += [Minimum(APPROACH, code, count=count // 40) for code in APPROACHES]
    rules = FundingRules(
        budget_pence=budget,
        quality_threshold=Decimal("2.00"),
        minimums=tuple(minimums),
        max_organisation_share=Decimal("2"),
    )
    return bids, rules


def _best_of(repeat: int, run: Callable[[], T]) -> tuple[float, T]:
    """The shortest time in seconds over ``repeat`` calls of ``run`` (at least one), and the last call's result."""
    if repeat < 1:
        raise ValueError("Time at least one run (--repeat 1 or more)")
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str] | None = None) -> None:
    """Print the time to recommend funding for a random round (default 1,000 bids)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bids", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args(argv)

    bids, rules = random_round(options.bids, options.seed)
    whole, recommendation = _best_of(options.repeat, lambda: recommend_funding(bids, rules))
    eligible = [bid for bid in bids if bid.panel_score >= rules.quality_threshold]
    requirements = rules.requirements(bids)
    objective = _integer_objective(eligible, rules.objective, frozenset(recommendation.rank_order.references))
    alone, _ = _best_of(options.repeat, lambda: solve(eligible, objective, requirements))

    optimum, rank_order = recommendation.optimum, recommendation.rank_order
    print(f"{options.bids} bids ({len(eligible)} above the threshold), budget {money(rules.budget_pence)}, "
          f"{len(requirements)} rules")
    print(f"status: {recommendation.status}")
    if optimum is not None:
        print(f"optimum: {len(optimum.references)} bids, {money(optimum.spend_pence)}, total score "
              f"{optimum.total_score}")
    print(f"rank order: {len(rank_order.references)} bids, {money(rank_order.spend_pence)}, total score "
          f"{rank_order.total_score}; rules it breaks: {len(rank_order.breaks)}")
    print(f"MILP alone: {alone:.3f} s; whole recommendation: {whole:.3f} s (best of {options.repeat})")


if __name__ == "__main__":
    main()
