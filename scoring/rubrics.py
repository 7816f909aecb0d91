"""Rubrics: the criteria a panel scores bids against, their weights and their scales.

A rubric is data (a name, a version and its criteria), so one form can render any of them and a
round keeps the version it was scored with.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import TypeVar

# Weights are percentages of the total; a valid rubric's weights add up to exactly this.
FULL_WEIGHT = Decimal(100)

K = TypeVar("K")
V = TypeVar("V")


def percent(value: Decimal) -> str:
    """A weight as people write it: 95%, 12.5%, never 1E+2%."""
    text = format(value.normalize(), "f")
    return f"{text}%"


def _as_decimal(value: Decimal | int | str, what: str) -> Decimal:
    # Floats are refused: 0.1 + 0.2 is not 0.3, and weights must add up to 100 exactly.
    if isinstance(value, (bool, float)):
        raise TypeError(f"{what} must be a Decimal, an int or a string, not {type(value).__name__}")
    return Decimal(value)


def frozen_mapping(items: Mapping[K, V] | Iterable[tuple[K, V]]) -> Mapping[K, V]:
    """A read-only copy of ``items`` (a mapping or pairs), safe to keep in a frozen dataclass."""
    return MappingProxyType(dict(items))


@dataclass(frozen=True)
class Criterion:
    """One thing the panel scores, with its weight (a percentage of the total) and its scale.

    ``descriptors`` maps each whole score on the scale to what a bid must show to earn it.
    """

    key: str
    title: str
    weight: Decimal  # percent of the total score, e.g. Decimal("20") for 20%
    descriptors: Mapping[int, str] = field(hash=False)
    scale_min: int = 0
    scale_max: int = 4
    guidance: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "weight", _as_decimal(self.weight, f"The weight of {self.key!r}"))
        object.__setattr__(self, "descriptors", frozen_mapping(self.descriptors))

    @property
    def scale(self) -> range:
        """Every whole score on the scale, lowest first."""
        return range(self.scale_min, self.scale_max + 1)

    def descriptor(self, score: int) -> str:
        """What a score of ``score`` means on this criterion."""
        return self.descriptors[score]


@dataclass(frozen=True)
class Rubric:
    """A named, versioned set of criteria. Every criterion shares one scale (see ``validate_rubric``)."""

    name: str
    version: int
    criteria: tuple[Criterion, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "criteria", tuple(self.criteria))

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(criterion.key for criterion in self.criteria)

    def criterion(self, key: str) -> Criterion:
        """The criterion called ``key``; KeyError when the rubric has none."""
        for criterion in self.criteria:
            if criterion.key == key:
                return criterion
        raise KeyError(f"{key!r} is not a criterion of the rubric {self.name!r}")

    @property
    def scale_min(self) -> int:
        """The bottom of the rubric's scale, which its weighted totals share."""
        return self.criteria[0].scale_min

    @property
    def scale_max(self) -> int:
        """The top of the rubric's scale, which its weighted totals share."""
        return self.criteria[0].scale_max


def validate_rubric(rubric: Rubric) -> list[str]:
    """Everything wrong with ``rubric``, one specific message each; an empty list when it is usable.

    Checks: at least one criterion; keys present and unique; titles present; no negative weights;
    weights adding up to exactly 100%; each scale's top above its bottom; one scale shared by all
    criteria (so that a weighted total sits on it); a descriptor for every score on the scale and
    none off it.
    """
    errors: list[str] = []
    if not rubric.criteria:
        return ["The rubric has no criteria; add at least one"]

    counts = Counter(criterion.key for criterion in rubric.criteria)
    for key, count in counts.items():
        if not key or not key.strip():
            errors.append("Every criterion needs a key")
        elif count > 1:
            errors.append(f"Criterion key {key!r} is used {count} times; each key must be unique")

    for criterion in rubric.criteria:
        name = criterion.title or criterion.key
        if not criterion.title or not criterion.title.strip():
            errors.append(f"Criterion {criterion.key!r} needs a title")
        if criterion.weight < 0:
            errors.append(f"{name} has a negative weight ({percent(criterion.weight)}); weights must be 0% or more")
        if criterion.scale_max <= criterion.scale_min:
            errors.append(
                f"{name} has a scale from {criterion.scale_min} to {criterion.scale_max}; "
                "the top of the scale must be higher than the bottom"
            )
            continue
        errors.extend(_descriptor_errors(criterion, name))

    total = sum((criterion.weight for criterion in rubric.criteria), Decimal(0))
    if total != FULL_WEIGHT:
        errors.append(f"Criterion weights add up to {percent(total)}; they must add up to 100%")

    scales = {(criterion.scale_min, criterion.scale_max) for criterion in rubric.criteria}
    if len(scales) > 1:
        listed = ", ".join(f"{low} to {high}" for low, high in sorted(scales))
        errors.append(f"Criteria use different scales ({listed}); every criterion must use the same scale")
    return errors


def _descriptor_errors(criterion: Criterion, name: str) -> list[str]:
    errors = []
    missing = [score for score in criterion.scale if not str(criterion.descriptors.get(score, "")).strip()]
    if missing:
        listed = ", ".join(str(score) for score in missing)
        plural = "s" if len(missing) > 1 else ""
        errors.append(f"{name} has no descriptor for the score{plural} {listed}; describe every score on the scale")
    extra = sorted((score for score in criterion.descriptors if score not in criterion.scale), key=str)
    if extra:
        listed = ", ".join(str(score) for score in extra)
        errors.append(
            f"{name} describes scores off its scale ({listed}); "
            f"its scale runs from {criterion.scale_min} to {criterion.scale_max}"
        )
    return errors
