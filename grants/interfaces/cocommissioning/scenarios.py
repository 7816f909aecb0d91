"""Regional co-commissioning between the South West PCCs: the areas' figures, saved scenarios (each
revision a new version that keeps the figures it was worked out with), copies, the preferred option,
and the worked-out outcome with each area's social return.

Every change is audited in the caller's transaction; the caller commits. Input that breaks a rule
raises ScenarioInputError listing every problem with the field it is about, before anything is
written. Money is whole pence; percentages are Decimals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeAlias

from flask import abort
from sqlalchemy import select

from grants import audit
from grants.extensions import db
from grants.interfaces.cocommissioning.areas import (
    CASELOAD_KINDS,
    FIGURE_LABELS,
    FIGURES,
    ScenarioInputError,
    area_by_code,
    areas_by_code,
    ensure_areas,
    list_areas,
    snapshot_of,
    update_area,
)
from grants.interfaces.cocommissioning.returns import AreaReturn, ScenarioOutcome, outcome
from grants.modelling.cocommissioning import (
    MAX_YEARS,
    Bound,
    CostModel,
    CostSplit,
    Figure,
    Partner,
    ScaleEconomies,
    Scenario,
    run,
)
from grants.modelling.cocommissioning_methods import BASES as MODEL_BASES
from grants.models.accounts import User
from grants.models.cocommissioning import CoCommissioningScenario
from grants.models.types import utcnow

__all__ = [
    "BASES", "FIGURES", "FIGURE_LABELS", "SERVICES", "AreaReturn", "ScenarioInput", "ScenarioInputError",
    "ScenarioOutcome", "area_by_code", "clear_preferred", "copy_scenario", "create_scenario", "ensure_areas",
    "get_scenario", "input_of", "latest_scenarios", "list_areas", "mark_preferred", "model_from_input", "outcome",
    "revise_scenario", "to_model", "update_area", "validate_input", "versions_of",
]

SERVICES: dict[str, tuple[str, str]] = {
    "cj_pathway": ("Criminal justice treatment pathway", "probation_orders"),
    "prison_release": ("Prison-release continuity of care", "prison_releases"),
    "testing_on_arrest": ("Regional drug testing on arrest", "arrest_tests"),
}
BASES: dict[str, str] = {key: label[0].upper() + label[1:] for key, label in MODEL_BASES.items()}
# The area figure each basis reads ("caseload" reads the scenario's caseload kind).
BASIS_FIGURES = {"population": "population", "population_15_64": "population_15_64", "need": "ocu"}
MAX_PENCE = 10**13  # £100 billion: anything more is a typing slip


@dataclass
class ScenarioInput:
    """What the scenario form holds, parsed into numbers (money in pence, percentages as Decimal)."""

    name: str
    service: str
    caseload_kind: str
    partner_codes: list[str]
    joint: bool
    years: int
    setup_pence: int
    fixed_annual_pence: int
    cost_per_client_pence: int
    take_up_percent: Decimal
    inflation_percent: Decimal
    scale_percent: Decimal | None
    scale_exponent: Decimal | None
    weights: dict[str, Decimal] = field(default_factory=dict)
    floor_percent: Decimal | None = None
    floor_pence: int | None = None
    cap_percent: Decimal | None = None
    cap_pence: int | None = None
    phase_in_years: int = 0
    notes: str = ""


# Validation --------------------------------------------------------------------------------------

def _figure_of(code: str, figures: dict, basis: str, caseload_kind: str) -> int:
    key = caseload_kind if basis == "caseload" else BASIS_FIGURES[basis]
    return int(figures.get(key, {}).get("value", 0))


def validate_input(data: ScenarioInput, snapshot: dict[str, dict] | None = None) -> None:
    """Raise ScenarioInputError listing every problem with ``data``, each with its field. Figures come
    from ``snapshot`` (a saved version's) or else the areas as they are now."""
    problems: list[tuple[str, str]] = []
    add = problems.append
    _check_description(data, add)
    codes = list(data.partner_codes or [])
    if snapshot is None:
        known = areas_by_code(codes)
        snapshot = snapshot_of([known[c] for c in codes if c in known])
    _check_partners(data, codes, snapshot, add)
    _check_costs(data, add)
    _check_scale(data, add)
    if data.joint:
        _check_split(data, codes, snapshot, add)
    if not problems:
        try:
            run(_model(data, snapshot))
        except ValueError as error:  # anything else the pure model finds, such as floors beyond a year's cost
            add((str(error), _field_of(str(error), data)))
    if problems:
        raise ScenarioInputError(problems)


# Each check adds a (message, field) problem for each thing wrong.
Problems: TypeAlias = Callable[[tuple[str, str]], None]


def _check_description(data: ScenarioInput, add: Problems) -> None:
    """The name, the service and the caseload it serves."""
    if not (data.name or "").strip():
        add(("Enter a name for the scenario", "name"))
    elif len(data.name.strip()) > 200:
        add(("The name must be 200 characters or fewer", "name"))
    if data.service not in SERVICES:
        add(("Choose the service: " + ", ".join(label for label, _ in SERVICES.values()), "service"))
    if data.caseload_kind not in CASELOAD_KINDS:
        add(("Choose the caseload the service serves: "
             + ", ".join(FIGURE_LABELS[kind].lower() for kind in CASELOAD_KINDS), "caseload_kind"))


def _check_partners(data: ScenarioInput, codes: list[str], snapshot: dict[str, dict], add: Problems) -> None:
    unknown = [c for c in codes if c not in snapshot]
    if unknown:
        add((f"Unknown partner area: {', '.join(unknown)}", "partner_codes"))
    if len(set(codes)) != len(codes):
        add(("Each partner can join a scenario only once", "partner_codes"))
    if not codes:
        add(("Choose at least one partner", "partner_codes"))
    elif data.joint and len(set(codes)) < 2:
        add((f"A joint option needs at least two partners: choose {2 - len(set(codes))} more, or choose "
             "each partner alone", "partner_codes"))


def _check_costs(data: ScenarioInput, add: Problems) -> None:
    """The contract's length, the costs, take-up and inflation."""
    if not isinstance(data.years, int) or not 1 <= data.years <= MAX_YEARS:
        add((f"The contract must be between 1 and {MAX_YEARS} years", "years"))
    for name, label in (("setup_pence", "set-up cost"), ("fixed_annual_pence", "fixed annual cost"),
                        ("cost_per_client_pence", "cost per client")):
        pence = getattr(data, name)
        if pence < 0:
            add((f"The {label} must not be negative", name))
        elif pence > MAX_PENCE:
            add((f"The {label} must be £100,000,000,000 or less", name))
    if not 0 <= data.take_up_percent <= 100:
        add(("Take-up must be between 0% and 100%", "take_up_percent"))
    if not 0 <= data.inflation_percent <= 100:
        add(("Inflation must be between 0% and 100% a year", "inflation_percent"))


def _check_scale(data: ScenarioInput, add: Problems) -> None:
    if (data.scale_percent is None) == (data.scale_exponent is None):
        add(("Give economies of scale as a percentage or as a curve exponent, not both",
             "scale_percent" if data.scale_percent is None else "scale_exponent"))
    elif data.scale_percent is not None and not 0 < data.scale_percent <= 100:
        add(("The joint fixed costs must be more than 0% and at most 100% of the standalone fixed costs",
             "scale_percent"))
    elif data.scale_exponent is not None and not 0 < data.scale_exponent <= 1:
        add(("The economies-of-scale exponent must be more than 0 and at most 1", "scale_exponent"))


def _check_split(data: ScenarioInput, codes: list[str], snapshot: dict[str, dict], add: Problems) -> None:
    """How a joint option shares the cost: the weights, the figures they need, phase-in, floors and caps."""
    _check_weights(data, add)
    _check_figures(data, codes, snapshot, add)
    if not 0 <= data.phase_in_years <= max(data.years, 0):
        add(("The phase-in must be between 0 years and the length of the contract", "phase_in_years"))
    _check_bounds(data, codes, add)


def _check_weights(data: ScenarioInput, add: Problems) -> None:
    weights = data.weights or {}
    for basis, weight in weights.items():
        if basis not in BASES:
            add((f"Unknown way of sharing the cost: {basis}", "weights"))
        elif weight < 0:
            add((f"The weight for {BASES[basis].lower()} must not be negative", f"weights-{basis}"))
    total = sum(weights.values(), Decimal(0))
    if total != 100:
        add((f"The weights add up to {total.normalize():f}%: they must add up to 100%", "weights"))


def _check_figures(data: ScenarioInput, codes: list[str], snapshot: dict[str, dict], add: Problems) -> None:
    """Every partner has the figure that each weighted basis shares by."""
    for basis, weight in (data.weights or {}).items():
        if not weight or basis not in (*BASIS_FIGURES, "caseload"):
            continue
        if basis == "caseload" and data.caseload_kind not in CASELOAD_KINDS:
            continue
        key = data.caseload_kind if basis == "caseload" else BASIS_FIGURES[basis]
        for code in codes:
            if code in snapshot and _figure_of(code, snapshot[code]["figures"], basis, data.caseload_kind) == 0:
                add((f"A split by {BASES[basis].lower()} needs the {FIGURE_LABELS[key].lower()} of every partner: "
                     f"{snapshot[code]['name']} has 0", f"weights-{basis}"))


def _check_bounds(data: ScenarioInput, codes: list[str], add: Problems) -> None:
    """The floor and the cap: each a percentage or an amount, the cap above the floor, and possible
    for the number of partners."""
    for kind in ("floor", "cap"):
        percent, pence = getattr(data, f"{kind}_percent"), getattr(data, f"{kind}_pence")
        if percent is not None and pence is not None:
            add((f"Give the {kind} as a percentage or an amount, not both", f"{kind}_percent"))
        if percent is not None and not 0 <= percent <= 100:
            add((f"The {kind} must be between 0% and 100% of each year's cost", f"{kind}_percent"))
        if pence is not None and pence < 0:
            add((f"The {kind} must not be negative", f"{kind}_pence"))
    if data.floor_percent is not None and data.cap_percent is not None and data.cap_percent < data.floor_percent:
        add((f"The cap ({data.cap_percent.normalize():f}%) is below the floor ({data.floor_percent.normalize():f}%)",
             "cap_percent"))
    if data.floor_pence is not None and data.cap_pence is not None and data.cap_pence < data.floor_pence:
        add((f"The cap (£{data.cap_pence / 100:,.2f}) is below the floor (£{data.floor_pence / 100:,.2f})",
             "cap_pence"))
    partners = len(set(codes))
    if data.floor_percent is not None and partners and data.floor_percent * partners > 100:
        add((f"A floor of {data.floor_percent.normalize():f}% for each of {partners} partners comes to more than "
             "100% of the cost", "floor_percent"))
    if data.cap_percent is not None and partners and data.cap_percent * partners < 100:
        add((f"A cap of {data.cap_percent.normalize():f}% for each of {partners} partners comes to less than "
             "100% of the cost", "cap_percent"))


def _field_of(message: str, data: ScenarioInput) -> str:
    """The field a pure-model message is about, by its wording."""
    lowered = message.lower()
    for kind in ("floor", "cap"):
        if kind in lowered and getattr(data, f"{kind}_percent") is None and getattr(data, f"{kind}_pence") is not None:
            return f"{kind}_pence"
    for words, name in (("floor", "floor_percent"), ("cap", "cap_percent"), ("phase-in", "phase_in_years"),
                        ("weight", "weights"), ("split", "weights"), ("contract", "years"),
                        ("take-up", "take_up_percent"), ("inflation", "inflation_percent"),
                        ("exponent", "scale_exponent"), ("percentage", "scale_percent"),
                        ("partner", "partner_codes")):
        if words in lowered:
            return name
    return "name"


# The pure model ----------------------------------------------------------------------------------

def _partner(entry: dict, caseload_kind: str) -> Partner:
    def figure(key: str) -> Figure:
        item = entry["figures"].get(key) or {"value": 0, "assumption": True, "source": "Not entered"}
        return Figure(Decimal(int(item["value"])), bool(item.get("assumption")), item.get("source", ""))

    return Partner(entry["code"], entry["name"], figure("population"), figure("population_15_64"), figure("ocu"),
                   figure(caseload_kind))


def _model(data: ScenarioInput, snapshot: dict[str, dict]) -> Scenario:
    scale = ScaleEconomies(percent=data.scale_percent, exponent=data.scale_exponent if data.scale_percent is None
                           else None)
    costs = CostModel(data.setup_pence, data.fixed_annual_pence, data.cost_per_client_pence,
                      Decimal(data.take_up_percent), Decimal(data.inflation_percent), data.years, scale)
    floor = (Bound(percent=data.floor_percent) if data.floor_percent is not None
             else Bound(pence=data.floor_pence) if data.floor_pence is not None else None)
    cap = (Bound(percent=data.cap_percent) if data.cap_percent is not None
           else Bound(pence=data.cap_pence) if data.cap_pence is not None else None)
    weights = {basis: Decimal(weight) for basis, weight in (data.weights or {}).items()}
    split = CostSplit(weights or {"equal": Decimal(100)}, floor, cap, phase_in_years=data.phase_in_years)
    partners = tuple(_partner(snapshot[code], data.caseload_kind) for code in data.partner_codes)
    # The model carries the service's name as people read it ("Criminal justice treatment pathway"):
    # the exports write it as it comes.
    service = SERVICES[data.service][0] if data.service in SERVICES else data.service
    return Scenario(data.name, partners, costs, split, service, data.joint)


def to_model(scenario: CoCommissioningScenario) -> Scenario:
    """The saved version as the pure model's scenario, with the figures it was saved with."""
    return _model(input_of(scenario), scenario.reference_snapshot)


def model_from_input(data: ScenarioInput) -> Scenario:
    """Unsaved input as the pure model's scenario, with the areas' figures as they are now (a preview).
    Unknown partner codes are left out; validate_input first."""
    known = areas_by_code(list(data.partner_codes))
    codes = [code for code in data.partner_codes if code in known]
    snapshot = snapshot_of([known[code] for code in codes])
    return _model(ScenarioInput(**{**data.__dict__, "partner_codes": codes}), snapshot)


def input_of(scenario: CoCommissioningScenario) -> ScenarioInput:
    """A saved version's inputs, as the form would hold them."""
    return ScenarioInput(
        scenario.name, scenario.service, scenario.caseload_kind, list(scenario.partner_codes), scenario.joint,
        scenario.years, scenario.setup_pence, scenario.fixed_annual_pence, scenario.cost_per_client_pence,
        Decimal(scenario.take_up_percent), Decimal(scenario.inflation_percent),
        None if scenario.scale_percent is None else Decimal(scenario.scale_percent),
        None if scenario.scale_exponent is None else Decimal(scenario.scale_exponent),
        {basis: Decimal(weight) for basis, weight in (scenario.weights or {}).items()},
        None if scenario.floor_percent is None else Decimal(scenario.floor_percent), scenario.floor_pence,
        None if scenario.cap_percent is None else Decimal(scenario.cap_percent), scenario.cap_pence,
        scenario.phase_in_years, scenario.notes or "")


# Reading -----------------------------------------------------------------------------------------

def get_scenario(scenario_id: int) -> CoCommissioningScenario:
    row = db.session.get(CoCommissioningScenario, scenario_id)
    if row is None:
        abort(404)
    return row


def get_scenarios(scenario_ids: list[int]) -> list[CoCommissioningScenario]:
    """The scenarios asked for, in the order asked, in one query; any that does not exist is "not found"."""
    rows = {row.id: row for row in db.session.scalars(
        select(CoCommissioningScenario).where(CoCommissioningScenario.id.in_(scenario_ids)))}
    if any(scenario_id not in rows for scenario_id in scenario_ids):
        abort(404)
    return [rows[scenario_id] for scenario_id in scenario_ids]


def latest_scenarios() -> list[CoCommissioningScenario]:
    """The latest version of each scenario: the preferred one (or the one whose earlier version is
    preferred) first, then by name."""
    rows = list(db.session.scalars(select(CoCommissioningScenario).where(CoCommissioningScenario.is_latest)))
    preferred = set(db.session.scalars(select(CoCommissioningScenario.family_id)
                                       .where(CoCommissioningScenario.preferred)))
    return sorted(rows, key=lambda row: (row.family_id not in preferred, row.name.lower(), row.id))


def versions_of(scenario: CoCommissioningScenario) -> list[CoCommissioningScenario]:
    """Every version of the scenario, newest first."""
    return list(db.session.scalars(select(CoCommissioningScenario)
                                   .where(CoCommissioningScenario.family_id == scenario.family_id)
                                   .order_by(CoCommissioningScenario.version.desc())))


# Saving ------------------------------------------------------------------------------------------

def _row(data: ScenarioInput, snapshot: dict[str, dict], user: User, **values) -> CoCommissioningScenario:
    weights = {basis: str(Decimal(weight)) for basis, weight in (data.weights or {}).items()}
    return CoCommissioningScenario(
        name=data.name.strip(), service=data.service, caseload_kind=data.caseload_kind,
        partner_codes=list(data.partner_codes), joint=data.joint, years=data.years, setup_pence=data.setup_pence,
        fixed_annual_pence=data.fixed_annual_pence, cost_per_client_pence=data.cost_per_client_pence,
        take_up_percent=data.take_up_percent, inflation_percent=data.inflation_percent,
        scale_percent=data.scale_percent, scale_exponent=data.scale_exponent if data.scale_percent is None else None,
        weights=weights, floor_percent=data.floor_percent, floor_pence=data.floor_pence,
        cap_percent=data.cap_percent, cap_pence=data.cap_pence, phase_in_years=data.phase_in_years,
        notes=(data.notes or "").strip(), reference_snapshot=snapshot, created_by_id=user.id, is_latest=True,
        preferred=False, preferred_note="", **values)


def _current_snapshot(data: ScenarioInput) -> dict[str, dict]:
    known = areas_by_code(list(data.partner_codes))
    return snapshot_of([known[code] for code in data.partner_codes if code in known])


def _new_family(data: ScenarioInput, user: User, based_on: CoCommissioningScenario | None) -> CoCommissioningScenario:
    snapshot = _current_snapshot(data)
    validate_input(data, snapshot)
    row = _row(data, snapshot, user, version=1, based_on_id=based_on.id if based_on else None)
    db.session.add(row)
    db.session.flush()
    row.family_id = row.id
    db.session.flush()
    return row


def create_scenario(data: ScenarioInput, user: User) -> CoCommissioningScenario:
    """Save a new scenario as version 1, with the partners' figures as they are now."""
    row = _new_family(data, user, None)
    audit.record("cocommissioning.scenario_created", row, f"Co-commissioning scenario {row.label} saved",
                 changes=audit.diff({}, audit.snapshot(row)), actor=user)
    return row


def revise_scenario(scenario: CoCommissioningScenario, data: ScenarioInput, user: User) -> CoCommissioningScenario:
    """Save ``data`` as the next version of ``scenario`` (which must be the latest), with the partners'
    figures as they are now; the earlier version is kept as it was. A preference stays with the
    version it was given to."""
    if not scenario.is_latest:
        raise ValueError(f"Version {scenario.version} of {scenario.name} is not the latest: revise the latest version")
    snapshot = _current_snapshot(data)
    validate_input(data, snapshot)
    row = _row(data, snapshot, user, family_id=scenario.family_id, version=scenario.version + 1,
               based_on_id=scenario.based_on_id)
    scenario.is_latest = False
    db.session.add(row)
    db.session.flush()
    before, after = audit.snapshot(scenario), audit.snapshot(row)
    audit.record("cocommissioning.scenario_revised", row,
                 f"Co-commissioning scenario {scenario.name} revised to version {row.version}",
                 changes=audit.diff({k: v for k, v in before.items() if k not in ("version", "is_latest")},
                                    {k: v for k, v in after.items() if k not in ("version", "is_latest")}),
                 actor=user)
    return row


def copy_scenario(scenario: CoCommissioningScenario, user: User, name: str | None = None) -> CoCommissioningScenario:
    """A new scenario (version 1) with the same inputs, the areas' figures as they are now, and
    ``name`` ("Copy of …" by default)."""
    data = input_of(scenario)
    data.name = (name or "").strip() or f"Copy of {scenario.name}"[:200]
    row = _new_family(data, user, scenario)
    audit.record("cocommissioning.scenario_copied", row,
                 f"Co-commissioning scenario {scenario.label} copied to {row.name}",
                 changes=audit.diff({}, audit.snapshot(row)), actor=user)
    return row


def mark_preferred(scenario: CoCommissioningScenario, note: str, user: User) -> None:
    """Mark the scenario as the preferred option, saying why; any other preferred scenario stops
    being preferred. The view checks the user is a commissioner."""
    note = (note or "").strip()
    if not note:
        raise ValueError("Enter a note saying why this is the preferred option")
    for other in db.session.scalars(select(CoCommissioningScenario).where(
            CoCommissioningScenario.preferred, CoCommissioningScenario.id != scenario.id)):
        clear_preferred(other, user)
    scenario.preferred, scenario.preferred_note = True, note
    scenario.preferred_by_id, scenario.preferred_at = user.id, utcnow()
    changes = audit.pending_changes(scenario)
    db.session.flush()
    audit.record("cocommissioning.scenario_preferred", scenario,
                 f"Co-commissioning scenario {scenario.label} marked as the preferred option", changes=changes,
                 actor=user)


def clear_preferred(scenario: CoCommissioningScenario, user: User) -> None:
    """Stop the scenario being the preferred option (its note is kept for the record)."""
    if not scenario.preferred:
        return
    scenario.preferred = False
    changes = audit.pending_changes(scenario)
    db.session.flush()
    audit.record("cocommissioning.scenario_preference_cleared", scenario,
                 f"Co-commissioning scenario {scenario.label} is no longer the preferred option", changes=changes,
                 actor=user)
