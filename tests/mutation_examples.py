"""Fewer property-test examples while `make mutation` runs (tests/scoring and tests/modelling only).

Mutation testing runs the engines' tests once for each of thousands of mutants; a property test that
tries 150 examples (each solving a MILP, say) would take hours. With MUTATION_MAX_EXAMPLES set (the
Makefile sets it) every Hypothesis test in those folders tries at most that many examples, still
derandomised by the "ci" profile, so each mutant sees the same examples. Unset, nothing changes.
"""

from __future__ import annotations

import os

from hypothesis import settings


def cap_examples(item) -> None:
    """Lower the item's Hypothesis max_examples to MUTATION_MAX_EXAMPLES, when that is set."""
    cap = os.environ.get("MUTATION_MAX_EXAMPLES")
    test = getattr(item, "obj", None)
    if not cap or not getattr(test, "is_hypothesis_test", False):
        return
    current = test._hypothesis_internal_use_settings
    if current.max_examples > int(cap):
        test._hypothesis_internal_use_settings = settings(current, max_examples=int(cap))
