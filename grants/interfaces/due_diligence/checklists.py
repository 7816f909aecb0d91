"""Each round's due-diligence checklist: data on the round (``FundingRound.due_diligence``), a list of
``{"id", "label", "hint", "required"}``. New rounds start from the shipped default
(grants/data/due_diligence.json); officers add, change, remove and reorder a round's items, each change
audited. An item already marked on a bid can be renamed but not removed: its findings would lose
the item they answer."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, Literal

from flask import abort
from sqlalchemy import select

from grants import audit
from grants.extensions import db
from grants.models.accounts import User
from grants.models.applications import Application
from grants.models.due_diligence import DueDiligenceCheck
from grants.models.rounds import FundingRound

Direction = Literal["up", "down"]
LABEL_MAX = 120
HINT_MAX = 500
ID_MAX = 60
# The item whose finding the register checks inform (grants.interfaces.due_diligence.findings).
REGISTER_ITEM_ID = "register-checks"


class ChecklistProblem(ValueError):
    """A change the checklist cannot take; the message is for the officer."""


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    label: str
    hint: str
    required: bool

    def as_data(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "hint": self.hint, "required": self.required}


def default_checklist() -> list[dict[str, Any]]:
    """The checklist a new round starts with, a fresh copy each time."""
    data = json.loads(files("grants").joinpath("data/due_diligence.json").read_text(encoding="utf-8"))
    return [ChecklistItem(**item).as_data() for item in data["items"]]


def items_of(funding_round: FundingRound) -> list[ChecklistItem]:
    """The round's checklist in its order (empty: the round has none)."""
    return [
        ChecklistItem(str(item["id"]), str(item["label"]), str(item.get("hint") or ""), bool(item.get("required")))
        for item in funding_round.due_diligence or []
    ]


def item_of(funding_round: FundingRound, item_id: str) -> ChecklistItem:
    """One item of the round's checklist; an unknown id is "not found"."""
    for item in items_of(funding_round):
        if item.id == item_id:
            return item
    abort(404)


def marked_counts(funding_round: FundingRound) -> dict[str, int]:
    """How many of the round's bids have a finding on each item, by item id."""
    rows = db.session.execute(
        select(DueDiligenceCheck.item_id, db.func.count())
        .join(DueDiligenceCheck.application)
        .where(Application.round_id == funding_round.id)
        .group_by(DueDiligenceCheck.item_id)
    )
    return {item_id: count for item_id, count in rows}


def _new_id(label: str, taken: set[str]) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[: ID_MAX - 4] or "item"
    candidate, number = stem, 2
    while candidate in taken:
        candidate, number = f"{stem}-{number}", number + 1
    return candidate


def _store(funding_round: FundingRound, items: list[ChecklistItem], action: str, summary: str,
           officer: User | None) -> None:
    before = [item.as_data() for item in items_of(funding_round)]
    after = [item.as_data() for item in items]
    funding_round.due_diligence = after  # a new list, so the JSON column is seen to change
    # Before and after as they are, in order: a move changes the order alone.
    audit.record(action, funding_round, summary, changes={"due_diligence": {"before": before, "after": after}},
                 actor=officer)


def _clean(label: str, hint: str) -> tuple[str, str]:
    label, hint = " ".join(label.split()), hint.strip()
    if not label:
        raise ChecklistProblem("Enter what the officer checks")
    if len(label) > LABEL_MAX or len(hint) > HINT_MAX:
        raise ChecklistProblem(f"The item must be {LABEL_MAX} characters or fewer and its hint {HINT_MAX} or fewer")
    return label, hint


def _refuse_duplicate(items: list[ChecklistItem], label: str, except_id: str | None = None) -> None:
    if any(item.label.lower() == label.lower() and item.id != except_id for item in items):
        raise ChecklistProblem(f"The checklist already has an item called “{label}”")


def add_item(funding_round: FundingRound, label: str, hint: str, required: bool,
             officer: User | None = None) -> ChecklistItem:
    label, hint = _clean(label, hint)
    items = items_of(funding_round)
    _refuse_duplicate(items, label)
    item = ChecklistItem(_new_id(label, {item.id for item in items}), label, hint, required)
    _store(funding_round, [*items, item], "due_diligence.item_added",
           f"Due-diligence item “{label}” added to {funding_round.name}", officer)
    return item


def change_item(funding_round: FundingRound, item_id: str, label: str, hint: str, required: bool,
                officer: User | None = None) -> bool:
    """Change an item's words or whether it is required (its id, and so its findings, stay).
    Returns whether anything changed."""
    label, hint = _clean(label, hint)
    items = items_of(funding_round)
    _refuse_duplicate(items, label, except_id=item_id)
    old = item_of(funding_round, item_id)
    new = ChecklistItem(item_id, label, hint, required)
    if new == old:
        return False
    _store(funding_round, [new if item.id == item_id else item for item in items], "due_diligence.item_changed",
           f"Due-diligence item “{old.label}” of {funding_round.name} changed", officer)
    return True


def removal_problem(funding_round: FundingRound, item_id: str) -> str | None:
    """Why the item cannot be removed, or None: one marked on a bid keeps the finding's meaning."""
    count = marked_counts(funding_round).get(item_id, 0)
    if count:
        bids = "1 bid" if count == 1 else f"{count} bids"
        return (f"This item cannot be removed: it has been marked on {bids}, and those findings would lose "
                "the item they answer. You can change its words, or make it not required")
    return None


def remove_item(funding_round: FundingRound, item_id: str, officer: User | None = None) -> ChecklistItem:
    item = item_of(funding_round, item_id)
    problem = removal_problem(funding_round, item_id)
    if problem:
        raise ChecklistProblem(problem)
    _store(funding_round, [other for other in items_of(funding_round) if other.id != item_id],
           "due_diligence.item_removed", f"Due-diligence item “{item.label}” removed from {funding_round.name}",
           officer)
    return item


def move_item(funding_round: FundingRound, item_id: str, direction: Direction, officer: User | None = None) -> None:
    items = items_of(funding_round)
    position = items.index(item_of(funding_round, item_id))
    target = position - 1 if direction == "up" else position + 1
    if not 0 <= target < len(items):
        raise ChecklistProblem(f"“{items[position].label}” is already {'first' if direction == 'up' else 'last'}")
    items[position], items[target] = items[target], items[position]
    _store(funding_round, items, "due_diligence.item_moved",
           f"Due-diligence item “{items[target].label}” of {funding_round.name} moved {direction}", officer)
