"""Funding rounds: what the public and staff see, changes with their audit trail, and the rules of
the public eligibility check (which reads and never writes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from grants import audit
from grants.extensions import db
from grants.formatting import london_datetime
from grants.interfaces.due_diligence.checklists import default_checklist
from grants.models.accounts import Role, User
from grants.models.applications import Application
from grants.models.organisations import LegalType
from grants.models.reference import AdderStrand, DrugsOutcome, LocalAuthority, PlanApproach
from grants.models.rounds import FundingRound, RoundState
from grants.models.rubrics import Rubric
from grants.models.types import utcnow

# Staff who run rounds (grants officers) or may correct them (administrators).
ROUND_STAFF = (Role.GRANTS_OFFICER, Role.ADMIN)

TEXT_FIELDS = ("name", "description", "guidance")
RULE_COLUMNS = (
    "total_budget", "min_award", "max_award", "max_project_months", "max_annual_income", "rubric_id",
    "payment_basis", "claim_tolerance_percent",  # paying on claim (issue 21): frozen with the money rules
    "vat_display",  # budget lines record VAT or not: frozen once bids have them
)
# The reference lists a round funds, by attribute, with the model each list holds.
REFERENCE_LISTS: dict[str, type[LocalAuthority | PlanApproach | AdderStrand | DrugsOutcome]] = {
    "local_authorities": LocalAuthority,
    "approaches": PlanApproach,
    "adder_strands": AdderStrand,
    "outcomes": DrugsOutcome,
}
RULE_LISTS = ("legal_types", *REFERENCE_LISTS)
# What cannot change once a published round has opened, except by an administrator's override.
FROZEN_FIELDS = (*RULE_COLUMNS, *RULE_LISTS)
# The whole area the OPCC serves; a round listing all of it is described in these words.
WHOLE_AREA = "Devon, Cornwall, Plymouth, Torbay or the Isles of Scilly"


class RoundProblem(ValueError):
    """A change that cannot be made; the message is for the user."""


class EditConflict(RoundProblem):
    """Someone else saved the round after the page being submitted was loaded."""

    def __init__(self):
        super().__init__("This round was changed by someone else while you were editing")


class RulesFrozen(RoundProblem):
    """The round has opened, so its rules can only be changed by an administrator's override."""


@dataclass(frozen=True)
class RoundChoices:
    """Checkbox choices, as (value, label) pairs, for the reference lists a round funds."""

    local_authorities: list[tuple[str, str]]
    approaches: list[tuple[str, str]]
    adder_strands: list[tuple[str, str]]
    outcomes: list[tuple[str, str]]
    rubrics: list[tuple[str, str]]


def round_choices() -> RoundChoices:
    def pairs(model) -> list[tuple[str, str]]:
        return [
            (str(row.id), row.name)
            for row in db.session.scalars(select(model).order_by(model.position))
        ]

    rubrics = [
        (str(rubric.id), rubric.label)
        for rubric in db.session.scalars(select(Rubric).order_by(Rubric.name, Rubric.version.desc()))
    ]
    return RoundChoices(**{key: pairs(model) for key, model in REFERENCE_LISTS.items()}, rubrics=rubrics)


def round_for_staff(round_id: int) -> FundingRound:
    return db.session.get(FundingRound, round_id) or abort(404)


def is_round_staff(user: User) -> bool:
    return user.is_authenticated and user.has_role(*ROUND_STAFF)


def round_for_public(user: User, round_id: int) -> FundingRound:
    """A published round; a draft is "not found" to everyone but the staff who run rounds."""
    funding_round = db.session.get(FundingRound, round_id)
    if funding_round is None or (funding_round.published_at is None and not is_round_staff(user)):
        abort(404)
    return funding_round


@dataclass(frozen=True)
class ManagedRound:
    funding_round: FundingRound
    state: RoundState
    applications: int


def _application_count():
    return (
        select(func.count(Application.id))
        .where(Application.round_id == FundingRound.id)
        .correlate(FundingRound)
        .scalar_subquery()
    )


def managed_rounds(now: datetime | None = None) -> list[ManagedRound]:
    """Every round, latest opening first, with its state and number of applications."""
    now = now or utcnow()
    rows = db.session.execute(
        select(FundingRound, _application_count()).order_by(
            FundingRound.opens_at.desc(), FundingRound.id.desc()
        )
    )
    return [
        ManagedRound(funding_round, funding_round.state(now), count)
        for funding_round, count in rows
    ]


def application_count(funding_round: FundingRound) -> int:
    return db.session.execute(
        select(func.count(Application.id)).where(Application.round_id == funding_round.id)
    ).scalar_one()


def public_rounds(now: datetime | None = None) -> tuple[list[FundingRound], list[FundingRound]]:
    """The open rounds (closing soonest first) and the published ones still to open, without their
    lists (areas, approaches, rubric…): the pages that list rounds show their names, dates and awards."""
    now = now or utcnow()
    rounds = db.session.scalars(
        select(FundingRound)
        .options(lazyload("*"))
        .where(
            FundingRound.published_at.is_not(None),
            FundingRound.decided_at.is_(None),
            FundingRound.closes_at > now,
        )
        .order_by(FundingRound.closes_at, FundingRound.id)
    )
    open_rounds: list[FundingRound] = []
    opening_soon: list[FundingRound] = []
    for funding_round in rounds:
        (open_rounds if funding_round.opens_at <= now else opening_soon).append(funding_round)
    opening_soon.sort(key=lambda r: (r.opens_at, r.id))
    return open_rounds, opening_soon


def list_names(funding_round: FundingRound, key: str) -> list[str]:
    """The names in one of the round's lists, as people read them (and the audit log keeps them)."""
    if key == "legal_types":
        chosen = set(funding_round.legal_types)
        return [legal_type.label for legal_type in LegalType if legal_type in chosen]
    return [row.name for row in getattr(funding_round, key)]


def joined(names: list[str], last: str = "and") -> str:
    """ "A, B and C"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {last} {names[-1]}"


def area_text(funding_round: FundingRound) -> str:
    """Where the work must be, in words: "Plymouth or Torbay"."""
    names = list_names(funding_round, "local_authorities")
    if len(names) >= db.session.execute(select(func.count(LocalAuthority.id))).scalar_one():
        return WHOLE_AREA
    return joined(names, "or")


def round_values(funding_round: FundingRound) -> dict[str, Any]:
    """The round's values in the shape its forms give them: lists of types and of reference ids."""
    columns = (*TEXT_FIELDS, "opens_at", "closes_at", "eoi_closes_at", "panel_scores_eoi", *RULE_COLUMNS)
    return (
        {key: getattr(funding_round, key) for key in columns}
        | {"legal_types": list(funding_round.legal_types)}
        | {key: [row.id for row in getattr(funding_round, key)] for key in REFERENCE_LISTS}
    )


def _snapshot(funding_round: FundingRound) -> dict[str, Any]:
    return audit.snapshot(funding_round) | {
        key: list_names(funding_round, key) for key in RULE_LISTS
    }


def _apply(funding_round: FundingRound, values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Set ``values`` on the round and return what changed, lists as before/after names."""
    # Read the chosen rows first: a query after a change would flush it, and its history with it.
    rows = {
        key: list(
            db.session.scalars(
                select(model).where(model.id.in_(values[key])).order_by(model.position)
            )
        )
        for key, model in REFERENCE_LISTS.items()
        if key in values
    }
    with db.session.no_autoflush:
        lists_before = {key: list_names(funding_round, key) for key in RULE_LISTS if key in values}
        for key, value in values.items():
            if key == "legal_types":
                funding_round.legal_types = [LegalType(v) for v in value]
            else:
                setattr(funding_round, key, rows.get(key, value))
        changes = audit.pending_changes(funding_round)
        changes |= audit.diff(
            lists_before, {key: list_names(funding_round, key) for key in lists_before}
        )
    if changes:
        # A change to the lists alone updates no column: this makes every change bump the version.
        funding_round.updated_at = utcnow()
    return changes


def _check_version(funding_round: FundingRound, expected_version: int | None) -> None:
    if expected_version != funding_round.version:
        raise EditConflict()


def create_round(values: dict[str, Any]) -> FundingRound:
    funding_round = FundingRound(
        name=values["name"], opens_at=values["opens_at"], closes_at=values["closes_at"],
        due_diligence=default_checklist(),  # the shipped default; officers change the round's own copy
    )
    _apply(funding_round, values)
    db.session.add(funding_round)
    db.session.flush()
    audit.record(
        "round.created",
        funding_round,
        f"Funding round {funding_round.name} created as a draft",
        changes=audit.diff({}, _snapshot(funding_round)),
    )
    return funding_round


def update_round(
    funding_round: FundingRound,
    values: dict[str, Any],
    expected_version: int | None,
    now: datetime | None = None,
) -> bool:
    """Change the round; once it has opened, only its name, description and guidance.

    Raises ``EditConflict`` if the round is no longer at ``expected_version``, ``RulesFrozen`` for a
    change to the rules of a round that has opened. Returns whether anything changed.
    """
    _check_version(funding_round, expected_version)
    if funding_round.rules_frozen(now) and set(values) - set(TEXT_FIELDS):
        raise RulesFrozen(
            "This round has opened, so only its name, description and guidance can be changed. "
            "An administrator can change its rules if they must"
        )
    changes = _apply(funding_round, values)
    if changes:
        audit.record(
            "round.updated",
            funding_round,
            f"Funding round {funding_round.name} changed",
            changes=changes,
        )
    return bool(changes)


def override_rules(
    funding_round: FundingRound, values: dict[str, Any], reason: str, expected_version: int | None
) -> bool:
    """An administrator's change to the frozen rules, kept in the audit log with its reason."""
    _check_version(funding_round, expected_version)
    unknown = set(values) - set(FROZEN_FIELDS)
    if unknown:
        raise RoundProblem(
            f"An override changes only the round's rules, not {', '.join(sorted(unknown))}"
        )
    changes = _apply(funding_round, values)
    if changes:
        audit.record(
            "round.rules_overridden",
            funding_round,
            f"Rules of funding round {funding_round.name} changed by an administrator. "
            f"Reason: {reason}",
            changes=changes | {"reason": {"before": None, "after": reason}},
        )
    return bool(changes)


def publish_round(funding_round: FundingRound, now: datetime | None = None) -> None:
    now = now or utcnow()
    if funding_round.published_at is not None:
        raise RoundProblem(f"{funding_round.name} has already been published")
    if funding_round.closes_at <= now:
        raise RoundProblem(
            "The closing date has passed. Change the closing date before you publish the round"
        )
    if funding_round.rubric_id is None:
        raise RoundProblem("Choose the scoring rubric before you publish the round")
    funding_round.published_at = now
    changes = audit.pending_changes(funding_round)
    visible = (
        "now"
        if funding_round.opens_at <= now
        else f"from {london_datetime(funding_round.opens_at)}"
    )
    audit.record(
        "round.published",
        funding_round,
        f"Funding round {funding_round.name} published, open {visible}",
        changes=changes,
    )


def extend_closing(
    funding_round: FundingRound, closes_at: datetime, now: datetime | None = None
) -> None:
    """Move the closing time later; refused once the funding decisions are made."""
    now = now or utcnow()
    if funding_round.decided_at is not None:
        raise RoundProblem(
            "The funding decisions for this round have been made, so it cannot be extended"
        )
    if closes_at <= funding_round.closes_at:
        raise RoundProblem(
            "New closing date must be later than the current closing date, "
            f"{london_datetime(funding_round.closes_at)}"
        )
    if closes_at <= now:
        raise RoundProblem("New closing date must be in the future")
    funding_round.closes_at = closes_at
    changes = audit.pending_changes(funding_round)
    audit.record(
        "round.closing_extended",
        funding_round,
        f"Closing date of funding round {funding_round.name} extended to "
        f"{london_datetime(closes_at)}",
        changes=changes,
    )


def deletion_problem(funding_round: FundingRound) -> str | None:
    """Why the round cannot be deleted, or ``None`` if it can."""
    count = application_count(funding_round)
    if count:
        return (
            f"{funding_round.name} cannot be deleted because it has {count} "
            f"application{'' if count == 1 else 's'}"
        )
    return None


def delete_round(funding_round: FundingRound) -> None:
    problem = deletion_problem(funding_round)
    if problem:
        raise RoundProblem(problem)
    audit.record(
        "round.deleted",
        ("FundingRound", funding_round.id),
        f"Funding round {funding_round.name} deleted",
        changes=audit.diff(_snapshot(funding_round), {}),
    )
    db.session.delete(funding_round)
