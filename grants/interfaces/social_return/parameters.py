"""Versioned parameter sets of the social-return (SROI) model: the stored sets, copying one into a
draft, changing a draft, publishing and withdrawing.

A published set is never changed (results name the set and version they used): an administrator
copies it, edits the copy and publishes it as the next version. Every change is audited in the
caller's transaction, and a change that breaks a rule raises SroiError before anything is written.
A draft carries a lock version: a form says which one it was loaded from, and a save over someone
else's newer change is refused (``stale`` set).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from grants import audit
from grants.extensions import db
from grants.modelling.sroi_defaults import DEFAULT_PARAMETERS, GDP_DEFLATOR
from grants.modelling.sroi_parameters import (
    MONEY_CATEGORIES,
    RATE_KEYS,
    ParameterSet,
    Source,
    Sourced,
    parameter_label,
    parameters_from_json,
    parameters_to_json,
)
from grants.models.accounts import Role, User
from grants.models.social_return import ParameterSetStatus, SroiParameterSet
from grants.models.types import utcnow

__all__ = [
    "SROI_ADMINS", "SROI_USERS", "SroiError", "all_sets", "copy_set", "ensure_default_set", "parameter_set_or_404",
    "parameters_from_json", "parameters_of", "parameters_to_json", "publish", "published_sets", "update_draft",
    "withdraw",
]

SROI_USERS = (Role.PANEL_MEMBER, Role.GRANTS_OFFICER, Role.FINANCE_OFFICER, Role.COMMISSIONER, Role.ADMIN)
SROI_ADMINS = (Role.ADMIN,)

STALE_MESSAGE = ("Someone else changed this parameter set while you were editing it. Check the current values "
                 "below and make your changes again")
PUBLISHED_MESSAGE = "Published sets cannot be changed: make a copy"
SOURCE_FIELDS = ("title", "publisher", "location", "year", "url")


class SroiError(Exception):
    """A parameter-set change that cannot be made; ``field`` names the input it is about
    ("crime.opiate-value"), and ``problems`` lists every (message, field) found, first one first."""

    def __init__(self, message: str, field: str | None = None, stale: bool = False,
                 problems: tuple[tuple[str, str | None], ...] = ()):
        super().__init__(message)
        self.field = field
        self.stale = stale
        self.problems = problems or ((message, field),)


# Reading -----------------------------------------------------------------------------------------

def all_sets() -> list[SroiParameterSet]:
    """Every set, by name and newest version first."""
    return list(db.session.scalars(
        select(SroiParameterSet).order_by(SroiParameterSet.name, SroiParameterSet.version.desc())))


def published_sets() -> list[SroiParameterSet]:
    """The sets offered for new results, most recently published first."""
    return list(db.session.scalars(
        select(SroiParameterSet).where(SroiParameterSet.status == ParameterSetStatus.PUBLISHED)
        .order_by(SroiParameterSet.published_at.desc(), SroiParameterSet.id.desc())))


def parameter_set_or_404(set_id: int) -> SroiParameterSet:
    row = db.session.get(SroiParameterSet, set_id)
    if row is None:
        abort(404)
    return row


def parameters_of(row: SroiParameterSet) -> ParameterSet:
    """The model's parameters stored in ``row``, named and numbered as the row."""
    return replace(parameters_from_json(row.parameters), name=row.name, version=row.version)


# Shown on the built-in set's page (migration 0014 rewrote the earlier wording in stored rows).
DEFAULT_SET_NOTES = ("The values shipped with PCC Grants: each gives its published source, or is marked as an "
                     "assumption to check against your area's own figures before relying on it.")


def ensure_default_set() -> SroiParameterSet:
    """The built-in defaults as a published set, stored once; safe to call again (returns that row)."""
    existing = db.session.scalar(
        select(SroiParameterSet).where(SroiParameterSet.name == DEFAULT_PARAMETERS.name)
        .order_by(SroiParameterSet.version))
    if existing is not None:
        return existing
    row = SroiParameterSet(name=DEFAULT_PARAMETERS.name, version=DEFAULT_PARAMETERS.version,
                           status=ParameterSetStatus.PUBLISHED, parameters=parameters_to_json(DEFAULT_PARAMETERS),
                           notes=DEFAULT_SET_NOTES, published_at=utcnow())
    db.session.add(row)
    db.session.flush()
    audit.record("sroi_parameters.seeded", row, f"SROI parameter set {row.label} stored and published",
                 changes=audit.diff({}, audit.snapshot(row)))
    return row


# Changing ----------------------------------------------------------------------------------------

def _flush() -> None:
    try:
        db.session.flush()
    except StaleDataError:  # another transaction saved the row after this one read it
        db.session.rollback()
        raise SroiError(STALE_MESSAGE, stale=True) from None


def copy_set(row: SroiParameterSet, user: User) -> SroiParameterSet:
    """A draft copy of ``row`` under the same name, numbered one after the newest version."""
    newest = db.session.scalar(select(func.max(SroiParameterSet.version)).where(SroiParameterSet.name == row.name))
    version = (newest or 0) + 1
    copy = SroiParameterSet(name=row.name, version=version, status=ParameterSetStatus.DRAFT,
                            parameters={**row.parameters, "version": version}, based_on=row, created_by=user,
                            notes=row.notes)
    db.session.add(copy)
    db.session.flush()
    audit.record("sroi_parameters.copied", copy, f"SROI parameter set {row.label} copied to version {version}",
                 changes=audit.diff({}, audit.snapshot(copy)), actor=user)
    return copy


def update_draft(row: SroiParameterSet, seen_lock_version: int | None, changes: dict, user: User) -> list[str]:
    """Change values of a draft. ``changes`` maps a key to a dict of ``value``, ``low``, ``high``
    (Decimals), ``assumption`` (bool), ``note``, ``price_year`` and the source fields (text).
    Returns the keys that changed; raises SroiError, with nothing changed, when a value breaks a rule.
    """
    if row.status is not ParameterSetStatus.DRAFT:
        raise SroiError(PUBLISHED_MESSAGE)
    if seen_lock_version != row.lock_version:
        raise SroiError(STALE_MESSAGE, stale=True)
    current = parameters_of(row)
    values = dict(current.values)
    problems: list[tuple[str, str | None]] = []
    for key, entry in changes.items():
        if key not in values:
            continue
        try:
            values[key] = _sourced(key, values[key], entry, user)
        except SroiError as problem:
            problems.extend(problem.problems)
    if not problems:
        try:
            updated = ParameterSet(current.name, current.version, values)
        except ValueError as problem:
            problems.append((str(problem), None))
    if problems:
        raise SroiError(problems[0][0], problems[0][1], problems=tuple(problems))
    before, after = parameters_to_json(current)["values"], parameters_to_json(updated)["values"]
    changed = [key for key in after if after[key] != before[key]]
    if not changed:
        return []
    row.parameters = {**row.parameters, "values": after}
    _flush()
    audit.record("sroi_parameters.updated", row,
                 f"SROI parameter set {row.label}: {', '.join(parameter_label(k) for k in changed)} changed",
                 changes={key: {"before": before[key], "after": after[key]} for key in changed}, actor=user)
    return changed


def _is_money(key: str) -> bool:
    return key.split(".")[0] in MONEY_CATEGORIES or key == "value_per_qaly"


def _sourced(key: str, old: Sourced, entry: dict, user: User) -> Sourced:
    """The value as changed, checked; SroiError listing each problem otherwise."""
    label = parameter_label(key)
    problems: list[tuple[str, str]] = []
    numbers = _numbers(key, label, entry, problems)
    assumption = bool(entry.get("assumption"))
    source = _source(key, label, entry, assumption, problems)
    price_year = _price_year(key, label, old, entry, problems)
    if problems:
        raise SroiError(problems[0][0], problems[0][1], problems=tuple(problems))
    changed_value = (numbers["value"], numbers["low"], numbers["high"]) != (old.value, old.low, old.high)
    if not assumption:
        set_by = ""
    elif old.assumption and old.set_by and not changed_value:
        set_by = old.set_by
    else:
        set_by = user.full_name
    try:
        return Sourced(numbers["value"], numbers["low"], numbers["high"], old.unit, source, price_year, assumption,
                       set_by, (entry.get("note") or "").strip())
    except ValueError as problem:
        raise SroiError(str(problem), f"{key}-value") from None


def _numbers(key: str, label: str, entry: dict, problems: list[tuple[str, str]]) -> dict[str, Decimal]:
    """The value, low and high that are right; a problem added for each that is not, and for a value
    outside its low and high."""
    numbers: dict[str, Decimal] = {}
    for part in ("value", "low", "high"):
        number = entry.get(part)
        name = label if part == "value" else f"{label} ({part})"
        if number is None:
            problems.append((f"Enter {name}", f"{key}-{part}"))
        elif not isinstance(number, Decimal) or not number.is_finite():
            problems.append((f"{name} must be a number", f"{key}-{part}"))
        elif key in RATE_KEYS and not 0 <= number <= 1:
            problems.append((f"{name} must be between 0% and 100%", f"{key}-{part}"))
        elif number < 0:
            problems.append((f"{name} cannot be negative", f"{key}-{part}"))
        else:
            numbers[part] = number
    if len(numbers) == 3 and not numbers["low"] <= numbers["value"] <= numbers["high"]:
        problems.append((f"{label} must be between its low and high values", f"{key}-value"))
    return numbers


def _source(key: str, label: str, entry: dict, assumption: bool, problems: list[tuple[str, str]]) -> Source | None:
    """The source as entered (None without a title or publisher); a problem added for each thing missing
    or wrong. Only an assumption may go without one."""
    fields = {name: (entry.get(name) or "").strip() for name in SOURCE_FIELDS}
    source = Source(**fields) if fields["title"] or fields["publisher"] else None
    if not assumption:
        if not fields["title"]:
            problems.append((f"Enter the title of the source of {label}, or mark it as an assumption",
                             f"{key}-title"))
        if not fields["publisher"]:
            problems.append((f"Enter the publisher of the source of {label}, or mark it as an assumption",
                             f"{key}-publisher"))
    elif source is not None and not (fields["title"] and fields["publisher"]):
        problems.append((f"Enter both the title and the publisher of the source of {label}, or neither",
                         f"{key}-title"))
    if fields["url"] and not fields["url"].lower().startswith(("https://", "http://")):
        problems.append((f"The link to the source of {label} must start with https:// or http://", f"{key}-url"))
    return source


def _price_year(key: str, label: str, old: Sourced, entry: dict, problems: list[tuple[str, str]]) -> str | None:
    """A money value's price year as entered (a problem added when it is not one the deflator has);
    any other value keeps its own."""
    if not _is_money(key):
        return old.price_year
    price_year = (entry.get("price_year") or "").strip() or None
    if price_year not in GDP_DEFLATOR.index:
        problems.append((f"Enter the price year of {label} as a financial year from {GDP_DEFLATOR.years[0]} to "
                         f"{GDP_DEFLATOR.years[-1]}, like 2021-22", f"{key}-price_year"))
    return price_year


def publish(row: SroiParameterSet, user: User) -> None:
    """Offer a draft for new results, as it stands."""
    if row.status is not ParameterSetStatus.DRAFT:
        raise SroiError(f"{row.label} is {row.status.value}: only a draft can be published")
    parameters_of(row)  # a stored draft that no longer loads must not be published
    row.status, row.published_at, row.published_by_id = ParameterSetStatus.PUBLISHED, utcnow(), user.id
    changes = audit.pending_changes(row)
    _flush()
    audit.record("sroi_parameters.published", row, f"SROI parameter set {row.label} published", changes=changes,
                 actor=user)


def withdraw(row: SroiParameterSet, user: User) -> None:
    """Stop offering a published set for new results; results that used it keep it."""
    if row.status is not ParameterSetStatus.PUBLISHED:
        raise SroiError(f"{row.label} is {row.status.value}: only a published set can be withdrawn")
    others = db.session.scalar(select(func.count(SroiParameterSet.id)).where(
        SroiParameterSet.status == ParameterSetStatus.PUBLISHED, SroiParameterSet.id != row.id))
    if not others:
        raise SroiError("This is the only published set, and the calculator needs one: publish another set "
                        "before withdrawing this one")
    row.status = ParameterSetStatus.WITHDRAWN
    changes = audit.pending_changes(row)
    _flush()
    audit.record("sroi_parameters.withdrawn", row, f"SROI parameter set {row.label} withdrawn", changes=changes,
                 actor=user)
