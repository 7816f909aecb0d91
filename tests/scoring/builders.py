"""Small builders for the scoring tests: criteria and bids with sensible defaults."""

from __future__ import annotations

from decimal import Decimal

from scoring.ranking import Bid
from scoring.rubrics import Criterion


def make_criterion(key: str, weight: str | int, scale_min: int = 0, scale_max: int = 4, **changes) -> Criterion:
    """A criterion with a descriptor for every score on its scale."""
    descriptors = {score: f"{key} scored {score}" for score in range(scale_min, scale_max + 1)}
    fields = dict(key=key, title=key.replace("_", " ").capitalize(), weight=Decimal(weight),
                  descriptors=descriptors, scale_min=scale_min, scale_max=scale_max)
    fields.update(changes)
    return Criterion(**fields)


def make_bid(reference: str, pounds: int, score: str, fit: str = "2", organisation: str | None = None,
             areas=(), approaches=()) -> Bid:
    """A bid asking for whole ``pounds``, with panel score ``score`` and strategic fit ``fit``."""
    return Bid(
        reference=reference,
        organisation=organisation or f"Organisation {reference}",
        amount_pence=pounds * 100,
        panel_score=Decimal(score),
        strategic_fit_score=Decimal(fit),
        areas=frozenset(areas),
        approaches=frozenset(approaches),
    )
