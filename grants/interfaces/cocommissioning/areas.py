"""The South West force areas as co-commissioning partners: their starting figures, each with its
source, year and whether it is an assumption, and changing them.

Public names are re-exported by ``grants.interfaces.cocommissioning.scenarios``; import them from there.
An area carries a lock version: a form says which one it was loaded from, and a save over someone
else's newer change is refused (``ScenarioInputError`` with ``stale`` set), as for SROI parameter sets.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from grants import audit
from grants.extensions import db
from grants.modelling.cocommissioning import SOUTH_WEST
from grants.models.accounts import User
from grants.models.cocommissioning import CommissioningArea

FIGURES: tuple[str, ...] = ("population", "population_15_64", "ocu", "arrest_tests", "prison_releases",
                            "probation_orders")
FIGURE_LABELS: dict[str, str] = {
    "population": "Population (Census 2021)",
    "population_15_64": "Population aged 15 to 64",
    "ocu": "Estimated opiate and/or crack users",
    "arrest_tests": "Positive drug tests on arrest a year",
    "prison_releases": "Prison releases needing continuity of care a year",
    "probation_orders": "Probation orders with a drug treatment requirement a year",
}
CASELOAD_KINDS = ("arrest_tests", "prison_releases", "probation_orders")

STALE_MESSAGE = ("Someone else changed this area's figures while you were editing them. Check the current "
                 "figures below and make your changes again")
YEAR_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2}))?$")

# (code, name, PCC) in the pure model's SOUTH_WEST order; codes are the model's partner codes.
AREAS = (
    ("avon-somerset", "Avon and Somerset", "Police and Crime Commissioner for Avon and Somerset"),
    ("devon-cornwall", "Devon and Cornwall",
     "Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly"),
    ("dorset", "Dorset", "Police and Crime Commissioner for Dorset"),
    ("gloucestershire", "Gloucestershire", "Police and Crime Commissioner for Gloucestershire"),
    ("wiltshire", "Wiltshire and Swindon", "Police and Crime Commissioner for Wiltshire and Swindon"),
)
SEEDED_BY = "Reference data"
# Illustrative criminal-justice caseloads per 1,000 residents a year, until local figures are entered.
CASELOAD_RATES = {"arrest_tests": Decimal("1.2"), "prison_releases": Decimal("0.5"), "probation_orders": Decimal("0.3")}
# Published in the OPCC's Drugs strategic intentions plan 2022-2025 (there "7.8 per 1,000 aged 15-64").
DEVON_CORNWALL_OCU = 8_178
DEVON_CORNWALL_OCU_SOURCE = ("Drugs strategic intentions plan 2022-2025, OPCC for Devon, Cornwall and the Isles of "
                             "Scilly (it says 7.8 per 1,000 aged 15-64; on the Census 2021 figure it is 7.6)")


class ScenarioInputError(ValueError):
    """Every problem with a scenario or an area's figures: ``problems`` is a list of (specific message,
    field name), first one first. ``stale`` is set when someone else saved a newer change first."""

    def __init__(self, problems: list[tuple[str, str]], stale: bool = False):
        self.problems = list(problems)
        self.stale = stale
        super().__init__("; ".join(message for message, _ in self.problems))


def _entry(value: Decimal | int, source: str, year: str, assumption: bool) -> dict:
    return {"value": int(value), "source": source, "year": year, "assumption": assumption,
            "set_by": SEEDED_BY}


def starting_figures(code: str) -> dict[str, dict]:
    """An area's figures before anyone has entered local ones: Census 2021 population (all ages and aged
    15 to 64), the rest assumptions derived from it (see grants.modelling.cocommissioning.south_west_partner)."""
    partner = next(p for p in SOUTH_WEST if p.code == code)
    population = partner.population.value
    figures = {
        "population": _entry(population, "Census 2021 (ONS), sum of the area's local authorities", "2021", False),
        "population_15_64": _entry(partner.population_15_64.value, partner.population_15_64.source, "2021",
                                   partner.population_15_64.assumption),
        "ocu": _entry(partner.ocu.value, partner.ocu.source, "2019-20", True),
    }
    if code == "devon-cornwall":
        figures["ocu"] = _entry(DEVON_CORNWALL_OCU, DEVON_CORNWALL_OCU_SOURCE, "2021", False)
    for kind, rate in CASELOAD_RATES.items():
        value = (population * rate / 1000).quantize(Decimal(1), ROUND_HALF_UP)
        figures[kind] = _entry(value, f"Illustrative {rate} per 1,000 residents: replace with the local figure",
                               "2022-23", True)
    return figures


def ensure_areas() -> None:
    """Store the five South West areas with their starting figures, once; an area already stored
    keeps the figures people have entered. Safe to call again; the caller commits."""
    existing = set(db.session.scalars(select(CommissioningArea.code)))
    for position, (code, name, pcc) in enumerate(AREAS, start=1):
        if code in existing:
            continue
        area = CommissioningArea(code=code, name=name, pcc_name=pcc, figures=starting_figures(code),
                                 sort_order=position)
        db.session.add(area)
        db.session.flush()
        audit.record("cocommissioning.area_seeded", area, f"Co-commissioning area {name} stored",
                     changes=audit.diff({}, audit.snapshot(area)))


def list_areas() -> list[CommissioningArea]:
    return list(db.session.scalars(select(CommissioningArea).order_by(CommissioningArea.sort_order,
                                                                       CommissioningArea.name)))


def area_by_code(code: str) -> CommissioningArea:
    area = db.session.scalar(select(CommissioningArea).where(CommissioningArea.code == code))
    if area is None:
        abort(404)
    return area


def areas_by_code(codes: list[str]) -> dict[str, CommissioningArea]:
    if not codes:
        return {}
    rows = db.session.scalars(select(CommissioningArea).where(CommissioningArea.code.in_(codes)))
    return {row.code: row for row in rows}


def _whole_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip().replace(",", "")
    return int(text) if re.fullmatch(r"-?\d+", text) else None


def _year_ok(year: str) -> bool:
    match = YEAR_PATTERN.match(year)
    if not match:
        return False
    start, end = int(match.group(1)), match.group(2)
    return 1990 <= start <= 2100 and (end is None or int(end) == (start + 1) % 100)


def check_figures(values: dict[str, dict]) -> tuple[dict[str, dict], list[tuple[str, str]]]:
    """The figures as entered, checked: (cleaned entries by key, problems)."""
    cleaned: dict[str, dict] = {}
    problems: list[tuple[str, str]] = []
    for key in FIGURES:
        if key not in values:
            continue
        entry, label = values[key], FIGURE_LABELS[key]
        raw = entry.get("value")
        number = None if raw is None or str(raw).strip() == "" else _whole_number(raw)
        if raw is None or str(raw).strip() == "":
            problems.append((f"Enter the {label.lower()}", f"{key}-value"))
        elif number is None:
            problems.append((f"The {label.lower()} must be a whole number", f"{key}-value"))
        elif number < 0:
            problems.append((f"The {label.lower()} must be 0 or more", f"{key}-value"))
        elif key == "population" and number == 0:
            problems.append(("The population must be more than 0", f"{key}-value"))
        assumption = bool(entry.get("assumption"))
        source = (entry.get("source") or "").strip()
        year = (entry.get("year") or "").strip()
        if not source and not assumption:
            problems.append((f"Enter the source of the {label.lower()}, or mark it as an assumption",
                             f"{key}-source"))
        if not year:
            problems.append((f"Enter the year of the {label.lower()}, like 2021 or 2021-22", f"{key}-year"))
        elif not _year_ok(year):
            problems.append((f"Enter the year of the {label.lower()} as a year like 2021 or a financial year "
                             "like 2021-22", f"{key}-year"))
        cleaned[key] = {"value": number, "source": source, "year": year, "assumption": assumption}
    return cleaned, problems


def update_area(area: CommissioningArea, values: dict[str, dict], lock_version: int, user: User) -> None:
    """Change an area's figures. ``values`` maps a figure key to ``value`` (a whole number, as text or
    int), ``source``, ``year`` and ``assumption``; keys left out keep their figures. Raises
    ScenarioInputError with every problem, or with ``stale`` set when the area changed since the
    form was loaded (``lock_version``). Saved scenarios keep the figures they were saved with."""
    if lock_version != area.lock_version:
        raise ScenarioInputError([(STALE_MESSAGE, "")], stale=True)
    cleaned, problems = check_figures(values)
    if problems:
        raise ScenarioInputError(problems)
    figures = {key: dict(entry) for key, entry in area.figures.items()}
    changes = {}
    for key, entry in cleaned.items():
        old = figures.get(key, {})
        if all(old.get(part) == entry[part] for part in ("value", "source", "year", "assumption")):
            continue
        figures[key] = {**entry, "set_by": user.full_name}
        changes[key] = {"before": old or None, "after": figures[key]}
    if not changes:
        return
    area.figures = figures
    area.updated_by_id = user.id
    try:
        db.session.flush()
    except StaleDataError:  # another transaction saved the area after this one read it
        db.session.rollback()
        raise ScenarioInputError([(STALE_MESSAGE, "")], stale=True) from None
    audit.record("cocommissioning.area_updated", area,
                 f"Co-commissioning figures for {area.name} changed: "
                 + ", ".join(FIGURE_LABELS[key].lower() for key in changes), changes=changes, actor=user)


def snapshot_of(areas: list[CommissioningArea]) -> dict[str, dict]:
    """The areas' figures as they are now, for a scenario version to keep."""
    return {area.code: {"code": area.code, "name": area.name, "pcc_name": area.pcc_name,
                        "figures": {key: dict(entry) for key, entry in area.figures.items()}}
            for area in areas}
