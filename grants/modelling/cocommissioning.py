"""Regional co-commissioning scenarios: who joins, what the service costs jointly and alone, and how
the joint cost is shared between the partners (PCCs), year by year over the contract.

Conventions:
- Money is whole pence (int). A year's cost is worked out exactly and rounded half up to the penny;
  the partners' contributions then add up to it exactly (largest remainder, ties by partner code).
- A cost model's figures are in year-1 prices; year y is inflated by (1 + inflation)^(y − 1).
- Clients a service would serve in an area each year = caseload × take-up % (not rounded).
- Running alone, a partner pays the set-up cost (year 1), the fixed annual cost and the cost per
  client for its own clients. Jointly, the fixed costs (set-up and fixed annual) are the sum of the
  partners' standalone fixed costs × the economies-of-scale factor; the client costs are unchanged.
- The factor is a percentage (70% → 0.7) or a curve n^(b − 1) in the number of partners n, with
  b in (0, 1]: b = 1 means no economies, b = 0.8 gives 5^(−0.2) ≈ 0.725 for five partners.
- Saving = standalone cost − contribution; negative means the partner would be better off alone.
- Floors and caps in pence are cash per year (not inflated); in percent they are shares of each
  year's joint cost (cocommissioning_methods.bound_pence).
- ``clients_served`` on a result is the hook for the social-return model: clients per area per year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from grants.modelling.cocommissioning_methods import (
    BASES,
    blend,
    bound_pence,
    method_proportions,
    phase_in_progress,
    split_year,
)
from grants.modelling.cocommissioning_validation import MAX_YEARS as MAX_YEARS  # re-exported: the scenario form uses it
from grants.modelling.cocommissioning_validation import validate as validate

OCU_PER_1000_AGED_15_64 = Decimal("9.5")  # England 2019/20 estimate, used where no local figure is published
# Census 2021, ONS table TS007A (age by five-year bands): the bands 15-19 to 60-64 summed over the area's
# local authorities (for Avon and Somerset, Somerset's four districts of 2021).
CENSUS_15_64_SOURCE = "Census 2021 (ONS table TS007A), aged 15 to 64, sum of the area's local authorities"
CASELOAD_PER_1000 = Decimal("1.2")  # illustrative criminal-justice caseload per 1,000 residents: replace locally


@dataclass(frozen=True)
class Figure:
    """A reference value with where it came from, and whether it is an assumption rather than published."""

    value: Decimal
    assumption: bool = False
    source: str = ""


def _figure(value: Figure | Decimal | int | str) -> Figure:
    return value if isinstance(value, Figure) else Figure(Decimal(value))


@dataclass(frozen=True)
class Partner:
    """A force area and its PCC. Plain numbers are accepted and become published ``Figure``s."""

    code: str
    name: str
    population: Figure
    population_15_64: Figure
    ocu: Figure  # estimated opiate and/or crack users
    caseload: Figure  # criminal-justice clients a service would serve each year

    def __post_init__(self) -> None:
        for name in ("population", "population_15_64", "ocu", "caseload"):
            object.__setattr__(self, name, _figure(getattr(self, name)))

    def basis_value(self, basis: str) -> Decimal:
        """The figure a split by ``basis`` uses (1 for equal shares)."""
        return {"equal": Decimal(1), "population": self.population.value,
                "population_15_64": self.population_15_64.value, "need": self.ocu.value,
                "caseload": self.caseload.value}[basis]


def south_west_partner(code: str, name: str, population: int, aged_15_64: int) -> Partner:
    """A partner from its Census 2021 population, all ages and aged 15 to 64; its estimated users and
    caseload are assumptions derived from them, marked as such."""
    aged = Decimal(aged_15_64)
    return Partner(
        code, name, Figure(Decimal(population), False, "Census 2021, sum of the area's local authorities"),
        Figure(aged, False, CENSUS_15_64_SOURCE),
        Figure((aged * OCU_PER_1000_AGED_15_64 / 1000).quantize(Decimal(1), ROUND_HALF_UP), True,
               "Assumed 9.5 per 1,000 aged 15-64 (England 2019/20): no local estimate published"),
        Figure((Decimal(population) * CASELOAD_PER_1000 / 1000).quantize(Decimal(1), ROUND_HALF_UP), True,
               "Illustrative 1.2 per 1,000 residents: replace with tests on arrest, releases and treatment orders"),
    )


SOUTH_WEST = (
    south_west_partner("avon-somerset", "Avon and Somerset", 1_748_000, 1_114_410),
    south_west_partner("devon-cornwall", "Devon and Cornwall", 1_786_200, 1_076_402),
    south_west_partner("dorset", "Dorset", 779_100, 466_122),
    south_west_partner("gloucestershire", "Gloucestershire", 644_800, 399_360),
    south_west_partner("wiltshire", "Wiltshire and Swindon", 743_500, 466_117),
)


@dataclass(frozen=True)
class ScaleEconomies:
    """The joint service's fixed costs against the sum of standalone ones: a ``percent`` (70 → 0.7)
    or a curve n^(exponent − 1) in the number of partners n, exponent in (0, 1]."""

    percent: Decimal | None = None
    exponent: Decimal | None = None

    def factor(self, partners: int) -> Fraction:
        """The factor for ``partners`` partners (exact for a percentage; 28 significant figures for a curve)."""
        if self.percent is not None:
            return Fraction(self.percent) / 100
        return Fraction(Decimal(partners) ** (self._curve_exponent() - 1))

    def describe(self) -> str:
        if self.percent is not None:
            return f"joint fixed costs are {self.percent.normalize():f}% of the partners' standalone fixed costs"
        exponent = self._curve_exponent().normalize()
        return f"joint fixed costs are the standalone total × n^({exponent:f} − 1) for n partners"

    def _curve_exponent(self) -> Decimal:
        if self.exponent is None:
            raise TypeError("Economies of scale need a percentage or a curve exponent")
        return self.exponent


@dataclass(frozen=True)
class CostModel:
    """A service's costs in year-1 prices, in pence; take-up and inflation in percent."""

    setup_pence: int
    fixed_annual_pence: int  # for one partner running the service alone
    cost_per_client_pence: int
    take_up_percent: Decimal = Decimal(100)
    inflation_percent: Decimal = Decimal(0)
    years: int = 3
    scale: ScaleEconomies = ScaleEconomies(percent=Decimal(100))


@dataclass(frozen=True)
class Bound:
    """A floor or cap on a partner's yearly contribution: a share of the year's joint cost in
    ``percent``, or an amount in ``pence``."""

    percent: Decimal | None = None
    pence: int | None = None

    def describe(self) -> str:
        if self.percent is not None:
            return f"{self.percent.normalize():f}%"
        if self.pence is None:
            raise TypeError("A floor or cap needs a percentage or an amount in pence")
        return f"£{self.pence / 100:,.2f}"


@dataclass(frozen=True)
class CostSplit:
    """How the joint cost is shared: ``weights`` (basis -> percent, adding up to 100), an optional
    floor and cap for every partner (``floors``/``caps`` override them by partner code), and an
    optional phase-in over ``phase_in_years`` years from standalone-cost proportions."""

    weights: Mapping[str, Decimal]
    floor: Bound | None = None
    cap: Bound | None = None
    floors: Mapping[str, Bound] = field(default_factory=dict)
    caps: Mapping[str, Bound] = field(default_factory=dict)
    phase_in_years: int = 0

    @classmethod
    def by(cls, basis: str, *, floor: Bound | None = None, cap: Bound | None = None,
           floors: Mapping[str, Bound] | None = None, caps: Mapping[str, Bound] | None = None,
           phase_in_years: int = 0) -> CostSplit:
        """A single-basis split: ``CostSplit.by("population")``, with the other fields as keywords."""
        return cls({basis: Decimal(100)}, floor, cap, {} if floors is None else floors, {} if caps is None else caps,
                   phase_in_years)

    def floor_for(self, code: str) -> Bound | None:
        return self.floors.get(code, self.floor)

    def cap_for(self, code: str) -> Bound | None:
        return self.caps.get(code, self.cap)


@dataclass(frozen=True)
class Scenario:
    """A named option: the service, the partners, the cost model and the split. ``joint=False`` is
    "each partner alone" (each pays its standalone cost), for comparison."""

    name: str
    partners: tuple[Partner, ...]
    costs: CostModel
    split: CostSplit = CostSplit({"equal": Decimal(100)})
    service: str = ""  # its name, as people read it
    joint: bool = True


@dataclass(frozen=True)
class PartnerYear:
    year: int
    clients: Decimal
    contribution_pence: int
    standalone_pence: int
    saving_pence: int
    cost_per_client_pence: int | None  # contribution ÷ clients, None with no clients


@dataclass(frozen=True)
class PartnerOutcome:
    code: str
    name: str
    years: tuple[PartnerYear, ...]
    contribution_pence: int
    standalone_pence: int
    saving_pence: int
    clients: Decimal
    cost_per_client_pence: int | None

    @property
    def better_off_alone(self) -> bool:
        return self.saving_pence < 0


@dataclass(frozen=True)
class ScenarioResult:
    """A scenario worked out: each partner's years and totals (sorted by code), the joint cost each
    year and in all, and ``clients_served`` (code -> clients per year) for the social-return model."""

    name: str
    service: str
    joint: bool
    scale_factor: Decimal
    year_costs: tuple[int, ...]
    total_pence: int
    standalone_total_pence: int
    saving_pence: int
    partners: tuple[PartnerOutcome, ...]
    clients_served: Mapping[str, tuple[Decimal, ...]]

    def partner(self, code: str) -> PartnerOutcome:
        return next(outcome for outcome in self.partners if outcome.code == code)


# Costs -------------------------------------------------------------------------------------------

def _round(exact: Fraction) -> int:
    """To the nearest penny, halves up."""
    return (2 * exact.numerator + exact.denominator) // (2 * exact.denominator)


def expected_clients(partner: Partner, costs: CostModel) -> Fraction:
    """Clients a year in the partner's area: caseload × take-up."""
    return Fraction(partner.caseload.value) * Fraction(costs.take_up_percent) / 100


def inflation_index(costs: CostModel, year: int) -> Fraction:
    """Prices in ``year`` against year 1: (1 + inflation)^(year − 1)."""
    return (1 + Fraction(costs.inflation_percent) / 100) ** (year - 1)


def standalone_cost(partner: Partner, costs: CostModel, year: int) -> int:
    """What the partner would pay in ``year`` running the same service alone, in pence."""
    fixed = costs.fixed_annual_pence + (costs.setup_pence if year == 1 else 0)
    exact = fixed + expected_clients(partner, costs) * costs.cost_per_client_pence
    return _round(exact * inflation_index(costs, year))


def joint_cost(partners: tuple[Partner, ...], costs: CostModel, year: int) -> int:
    """The joint service's cost in ``year``, in pence: scaled fixed costs plus every area's clients."""
    fixed = len(partners) * (costs.fixed_annual_pence + (costs.setup_pence if year == 1 else 0))
    clients = sum((expected_clients(p, costs) for p in partners), Fraction(0))
    exact = fixed * costs.scale.factor(len(partners)) + clients * costs.cost_per_client_pence
    return _round(exact * inflation_index(costs, year))


def _per_client(pence: int, clients: Fraction) -> int | None:
    return _round(pence / clients) if clients else None


def run(scenario: Scenario) -> ScenarioResult:
    """Work ``scenario`` out: each partner's contribution, standalone cost and saving per year and
    over the contract. Raises ValueError for bad input or floors and caps that cannot be met."""
    validate(scenario)
    partners = tuple(sorted(scenario.partners, key=lambda p: p.code))
    costs, split = scenario.costs, scenario.split
    codes = [p.code for p in partners]
    method: dict[str, Fraction] | None = None  # set for a joint option only
    if scenario.joint:
        values = {basis: {p.code: Fraction(p.basis_value(basis)) for p in partners} for basis in BASES}
        method = method_proportions(values, split.weights)
    rows: dict[str, list[PartnerYear]] = {code: [] for code in codes}
    year_costs = []
    for year in range(1, costs.years + 1):
        alone = {p.code: standalone_cost(p, costs, year) for p in partners}
        if method is not None:
            total = joint_cost(partners, costs, year)
            proportions = blend(alone, method, phase_in_progress(year, split.phase_in_years))
            floors = {code: _bound(split.floor_for(code), total, False) or 0 for code in codes}
            caps = {code: _bound(split.cap_for(code), total, True) for code in codes}
            paid = split_year(total, proportions, floors, caps, f"year {year}")
        else:
            total, paid = sum(alone.values()), alone
        year_costs.append(total)
        for partner in partners:
            clients = expected_clients(partner, costs)
            rows[partner.code].append(PartnerYear(
                year, Decimal(clients.numerator) / Decimal(clients.denominator), paid[partner.code],
                alone[partner.code], alone[partner.code] - paid[partner.code],
                _per_client(paid[partner.code], clients)))
    outcomes = []
    for partner in partners:
        years = tuple(rows[partner.code])
        paid_total = sum(y.contribution_pence for y in years)
        alone_total = sum(y.standalone_pence for y in years)
        clients = expected_clients(partner, costs) * costs.years
        outcomes.append(PartnerOutcome(partner.code, partner.name, years, paid_total, alone_total,
                                       alone_total - paid_total, sum((y.clients for y in years), Decimal(0)),
                                       _per_client(paid_total, clients)))
    total = sum(year_costs)
    standalone_total = sum(o.standalone_pence for o in outcomes)
    factor = costs.scale.factor(len(partners)) if scenario.joint else Fraction(1)
    return ScenarioResult(
        scenario.name, scenario.service, scenario.joint,
        (Decimal(factor.numerator) / Decimal(factor.denominator)).quantize(Decimal("0.0001")),
        tuple(year_costs), total, standalone_total, standalone_total - total, tuple(outcomes),
        {code: tuple(y.clients for y in rows[code]) for code in codes},
    )


def _bound(bound: Bound | None, total: int, is_cap: bool) -> int | None:
    return None if bound is None else bound_pence(total, bound.percent, bound.pence, is_cap=is_cap)
