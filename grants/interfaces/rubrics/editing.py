"""Scoring rubrics: grants officers list, create, change, version and delete them.

Rules kept here:
- a rubric changes only while it is not frozen (the panel freezes it when the first score is saved
  in a round that uses it); to change a frozen rubric, an officer makes a new version of it;
- a change is checked with ``scoring.validate_rubric`` on the rubric it would make, and nothing
  is saved when that finds a problem;
- a change made on a page loaded before someone else's change is refused: the page carries the
  fingerprint of the rubric it showed (rubrics have no version column to lock on);
- a rubric is deleted only when no round uses it and no one has scored with it.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

import scoring
from grants import audit
from grants.extensions import db
from grants.models.accounts import User
from grants.models.panel import ScoreSheet
from grants.models.rounds import FundingRound
from grants.models.rubrics import Rubric, RubricCriterion
from grants.reference_data import load_rubric
from scoring.rubrics import FULL_WEIGHT

FROZEN = "This rubric is frozen: scoring has started in a round that uses it. Make a new version to change it"
CONFLICT = (
    "This rubric was changed by someone else while you were editing. The page now shows their "
    "changes; nothing of yours has been saved"
)


class RubricError(ValueError):
    """A change that cannot be made; the message is for the officer who tried."""


class RubricFrozen(RubricError):
    def __init__(self):
        super().__init__(FROZEN)


class RubricConflict(RubricError):
    """Someone else changed the rubric after the page being saved was loaded."""

    def __init__(self):
        super().__init__(CONFLICT)


@dataclass(frozen=True)
class Problem:
    """One thing to fix: ``field`` is "name", "scale_min", "scale_max", or, with ``criterion`` (the
    criterion's place in the draft, from 0), "key", "title", "weight" or "descriptor_<score>";
    an empty ``field`` is a problem with the rubric as a whole."""

    message: str
    field: str = ""
    criterion: int | None = None


class RubricInvalid(RubricError):
    """The rubric the change would make is not usable; ``problems`` says what to fix and where."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class CriterionDraft:
    key: str
    title: str
    guidance: str
    weight: Decimal  # percent of the total score
    descriptors: Mapping[int, str]  # score: what it means


@dataclass(frozen=True)
class RubricDraft:
    """A rubric as an officer would have it: every criterion shares the rubric's scale."""

    name: str
    description: str
    scale_min: int
    scale_max: int
    criteria: tuple[CriterionDraft, ...]

    def as_scoring(self, version: int = 1) -> scoring.Rubric:
        return scoring.Rubric(
            name=self.name,
            version=version,
            criteria=tuple(self._scoring_criterion(criterion) for criterion in self.criteria),
        )

    def _scoring_criterion(self, criterion: CriterionDraft) -> scoring.Criterion:
        return scoring.Criterion(
            key=criterion.key,
            title=criterion.title,
            weight=criterion.weight,
            descriptors=dict(criterion.descriptors),
            scale_min=self.scale_min,
            scale_max=self.scale_max,
            guidance=criterion.guidance,
        )


# Reading ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RubricRow:
    rubric: Rubric
    rounds: list[FundingRound]


def list_rubrics() -> list[RubricRow]:
    """Every rubric by name, newest version first, with the rounds that use it."""
    rubrics = db.session.scalars(
        select(Rubric).options(selectinload(Rubric.rounds)).order_by(Rubric.name, Rubric.version.desc())
    )
    return [RubricRow(rubric, sorted(rubric.rounds, key=lambda r: (r.name, r.id))) for rubric in rubrics]


def rubric(rubric_id: int) -> Rubric:
    return db.session.get(Rubric, rubric_id) or abort(404)


def rounds_using(rubric: Rubric) -> list[FundingRound]:
    return list(
        db.session.scalars(
            select(FundingRound).where(FundingRound.rubric_id == rubric.id).order_by(FundingRound.name)
        )
    )


def scale(rubric: Rubric) -> tuple[int, int]:
    """The rubric's scale (every criterion shares it); 0 to 4 for a rubric with no criteria."""
    if not rubric.criteria:
        return 0, 4
    first = rubric.criteria[0]
    return first.scale_min, first.scale_max


def draft_of(rubric: Rubric) -> RubricDraft:
    low, high = scale(rubric)
    return RubricDraft(
        name=rubric.name,
        description=rubric.description or "",
        scale_min=low,
        scale_max=high,
        criteria=tuple(
            CriterionDraft(
                key=criterion.key,
                title=criterion.title,
                guidance=criterion.guidance or "",
                weight=Decimal(criterion.weight),
                descriptors={int(score): text for score, text in criterion.descriptors.items()},
            )
            for criterion in rubric.criteria
        ),
    )


def _weight_text(weight: Decimal) -> str:
    return str(Decimal(weight).quantize(Decimal("0.01")))


def _state(rubric: Rubric) -> dict[str, Any]:
    """The rubric as flat, JSON-safe values: for the audit log's before and after, and the
    fingerprint that detects someone else's change."""
    state: dict[str, Any] = {
        "name": rubric.name,
        "version": rubric.version,
        "description": rubric.description or "",
        "scale": ", ".join(sorted({f"{c.scale_min} to {c.scale_max}" for c in rubric.criteria})),
    }
    for position, criterion in enumerate(rubric.criteria, start=1):
        prefix = f"criteria.{criterion.key}"
        state[f"{prefix}.position"] = position
        state[f"{prefix}.title"] = criterion.title
        state[f"{prefix}.guidance"] = criterion.guidance or ""
        state[f"{prefix}.weight"] = _weight_text(criterion.weight)
        for score, text in sorted(criterion.descriptors.items(), key=lambda item: int(item[0])):
            state[f"{prefix}.descriptor.{int(score)}"] = text
    return state


def fingerprint(rubric: Rubric) -> str:
    """A digest of everything an officer can change: it differs once someone has changed any of it."""
    text = json.dumps(_state(rubric), sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


# Checking -----------------------------------------------------------------------------------------


def rubric_problems(draft: RubricDraft) -> list[Problem]:
    """What ``scoring.validate_rubric`` finds wrong with ``draft``, each message placed on the field
    to fix. A criterion's own problems are found by checking it alone (at full weight)."""
    own: dict[str, list[Problem]] = {}
    for index, criterion in enumerate(draft.criteria):
        alone = replace(draft, criteria=(replace(criterion, weight=FULL_WEIGHT),))
        for message in scoring.validate_rubric(alone.as_scoring()):
            own.setdefault(message, []).append(_criterion_problem(message, index, draft))
    problems = []
    for message in scoring.validate_rubric(draft.as_scoring()):
        placed = own.get(message)
        problems.append(placed.pop(0) if placed else _rubric_problem(message, draft))
    return problems


# The scoring package returns sentences, not fields: the words after the criterion's name say which
# box to point at. A message these do not place still refuses the change, on the whole form.


def _criterion_problem(message: str, index: int, draft: RubricDraft) -> Problem:
    criterion = draft.criteria[index]
    name = criterion.title or criterion.key
    about = message[len(name):] if name and message.startswith(name) else message
    about = about.lower()
    missing = [
        score
        for score in range(draft.scale_min, draft.scale_max + 1)
        if not (criterion.descriptors.get(score) or "").strip()
    ]
    if "descriptor" in about and missing:
        return Problem(message, f"descriptor_{missing[0]}", index)
    for field in ("title", "key", "weight"):
        if field in about:
            return Problem(message, field, index)
    if "scale" in about:
        return Problem(message, "scale_max")
    return Problem(message, "title", index)


def _rubric_problem(message: str, draft: RubricDraft) -> Problem:
    keys = [criterion.key for criterion in draft.criteria]
    for key, count in Counter(keys).items():
        if count > 1 and repr(key) in message:
            second = keys.index(key, keys.index(key) + 1)
            return Problem(message, "key", second)
    lowered = message.lower()
    if "weight" in lowered and draft.criteria:
        return Problem(message, "weight", 0)
    if "scale" in lowered:
        return Problem(message, "scale_min")
    return Problem(message)


def _name_problem(name: str, version: int, rubric_id: int | None) -> Problem | None:
    taken = db.session.scalar(
        select(Rubric.id).where(Rubric.name == name, Rubric.version == version, Rubric.id != (rubric_id or 0))
    )
    if taken is None:
        return None
    return Problem(f"A rubric called {name} already has a version {version}. Choose another name", "name")


def check(draft: RubricDraft, rubric: Rubric) -> list[Problem]:
    """Everything that stops ``draft`` replacing ``rubric``, in the page's order."""
    name = _name_problem(draft.name, rubric.version, rubric.id)
    return ([name] if name else []) + rubric_problems(draft)


# Changing -----------------------------------------------------------------------------------------


def _lock(rubric: Rubric) -> None:
    """Hold the rubric's row until the commit (PostgreSQL), and read it afresh: a freeze or another
    officer's change waits for this one, or is seen by it."""
    db.session.execute(
        select(Rubric)
        .where(Rubric.id == rubric.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def _set_criterion(row: RubricCriterion, criterion: CriterionDraft, draft: RubricDraft, position: int) -> None:
    row.title = criterion.title
    row.guidance = criterion.guidance
    row.weight = criterion.weight
    row.scale_min = draft.scale_min
    row.scale_max = draft.scale_max
    row.descriptors = {
        str(score): criterion.descriptors[score] for score in range(draft.scale_min, draft.scale_max + 1)
    }
    row.position = position


def _apply(rubric: Rubric, draft: RubricDraft) -> None:
    """Make ``rubric`` say what ``draft`` says. Criteria are matched by key: a criterion whose key
    is gone is deleted (first, so that its key can be used again), a new key is a new criterion."""
    rubric.name = draft.name
    rubric.description = draft.description
    wanted = {criterion.key for criterion in draft.criteria}
    gone = [row for row in rubric.criteria if row.key not in wanted]
    for row in gone:
        rubric.criteria.remove(row)
    if gone:
        db.session.flush()
    rows = {row.key: row for row in rubric.criteria}
    ordered = []
    for position, criterion in enumerate(draft.criteria, start=1):
        row = rows.get(criterion.key) or RubricCriterion(key=criterion.key)
        _set_criterion(row, criterion, draft, position)
        ordered.append(row)
    rubric.criteria = ordered


def update_rubric(rubric: Rubric, data: RubricDraft, officer: User, updated_from: str | None) -> bool:
    """Replace the rubric's name, description, scale and criteria with ``data``.

    ``updated_from`` is the fingerprint of the rubric the officer's page showed. Raises
    ``RubricFrozen`` once scoring has started, ``RubricConflict`` if someone else has changed the
    rubric since, ``RubricInvalid`` if the result would not be a usable rubric; nothing is changed
    then. Returns whether anything changed.
    """
    _lock(rubric)
    if rubric.frozen_at is not None:
        raise RubricFrozen()
    if updated_from != fingerprint(rubric):
        raise RubricConflict()
    problems = check(data, rubric)
    if problems:
        raise RubricInvalid(problems)
    before = _state(rubric)
    _apply(rubric, data)
    changes = audit.diff(before, _state(rubric))
    if changes:
        audit.record("rubric.updated", rubric, f"Scoring rubric {rubric.label} changed", changes, actor=officer)
    return bool(changes)


def create_rubric(name: str, description: str, officer: User) -> Rubric:
    """A new rubric, version 1, starting from the standard rubric's criteria."""
    if db.session.scalar(select(Rubric.id).where(Rubric.name == name).limit(1)) is not None:
        message = f"A rubric called {name} already exists. Make a new version of it instead, or choose another name"
        raise RubricInvalid([Problem(message, "name")])
    row = load_rubric(replace(scoring.DEFAULT_RUBRIC, name=name, version=1))
    row.description = description
    db.session.flush()
    audit.record(
        "rubric.created",
        row,
        f"Scoring rubric {row.label} created from {scoring.DEFAULT_RUBRIC.name}",
        audit.diff({}, _state(row)),
        actor=officer,
    )
    return row


def new_version(rubric: Rubric, officer: User) -> Rubric:
    """A copy of ``rubric`` as the next version of its name, not frozen, for changing."""
    latest = db.session.scalar(select(func.max(Rubric.version)).where(Rubric.name == rubric.name))
    copy = Rubric(name=rubric.name, version=(latest or 0) + 1, description=rubric.description)
    copied = ("key", "title", "guidance", "weight", "scale_min", "scale_max", "position")
    for row in rubric.criteria:
        copy.criteria.append(
            RubricCriterion(**{name: getattr(row, name) for name in copied}, descriptors=dict(row.descriptors))
        )
    db.session.add(copy)
    db.session.flush()
    audit.record(
        "rubric.version_created",
        copy,
        f"Scoring rubric {copy.label} made from version {rubric.version}",
        audit.diff({}, _state(copy)),
        actor=officer,
    )
    return copy


def deletion_problem(rubric: Rubric) -> str | None:
    """Why the rubric cannot be deleted, or ``None`` if it can."""
    if rubric.frozen_at is not None:
        return f"{rubric.label} cannot be deleted because scoring has started in a round that uses it"
    rounds = rounds_using(rubric)
    if rounds:
        names = ", ".join(r.name for r in rounds)
        noun = "round uses" if len(rounds) == 1 else "rounds use"
        return (
            f"{rubric.label} cannot be deleted because {len(rounds)} {noun} it: {names}. "
            "Choose another rubric for them first"
        )
    if db.session.scalar(select(func.count(ScoreSheet.id)).where(ScoreSheet.rubric_id == rubric.id)):
        return f"{rubric.label} cannot be deleted because panel members have scored with it"
    return None


def delete_rubric(rubric: Rubric, officer: User) -> None:
    _lock(rubric)
    problem = deletion_problem(rubric)
    if problem:
        raise RubricError(problem)
    audit.record(
        "rubric.deleted",
        ("Rubric", rubric.id),
        f"Scoring rubric {rubric.label} deleted",
        audit.diff(_state(rubric), {}),
        actor=officer,
    )
    db.session.delete(rubric)
