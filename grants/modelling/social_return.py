"""Social return on investment (SROI) of alcohol and drug treatment, after the shape of the national
SROI tool (Public Health England, now OHID): benefits while people are in treatment and, for those who
leave treatment successfully, after it; in crime, health care, social care and quality of life.

Conventions (money is Decimal pounds, rounded only for display):

- Year one: every client in treatment in the year brings one year of each benefit.
- After treatment: each successful completer brings, in year t = 2 … horizon, the benefit ×
  (1 − drop-off)^(t − 1). The completers' year one is already counted among the clients in treatment.
- Present value: year t is divided by (1 + discount rate)^(t − 1), so year one is undiscounted.
- Net benefit = gross × (1 − deadweight) × (1 − attribution) × (1 − displacement), the same factor for
  every year, group and category; drop-off is applied in the after-treatment stream above.
- Cost of treatment falls in year one: cost per client × clients in treatment, or a total given.
- Return per £1 invested = net present value of benefits ÷ cost of treatment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from grants.modelling.sroi_parameters import (
    CATEGORIES,
    CATEGORY_LABELS,
    CLIENT_GROUPS,
    GROUP_LABELS,
    ParameterSet,
    check_count,
    check_money,
)

MIN_HORIZON, MAX_HORIZON = 1, 10


class SroiInputError(ValueError):
    """Every problem with a set of inputs, each a sentence for the page."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class ClientGroupInput:
    """Clients of one group in treatment in the year, and how many of them left treatment successfully."""

    clients: int
    completions: int


@dataclass(frozen=True)
class SroiInputs:
    """What a commissioner enters: client numbers by group, the cost of treatment and the horizon."""

    groups: Mapping[str, ClientGroupInput]
    horizon_years: int = 1
    cost_per_client: Decimal | None = None
    total_cost: Decimal | None = None


@dataclass(frozen=True)
class SroiResult:
    """Gross benefits by group and category (year one and present value over the horizon), the net
    benefit after SROI adjustments and after the cost of treatment, and the return per £1."""

    horizon_years: int
    year_one: Mapping[str, Mapping[str, Decimal]]
    present_value: Mapping[str, Mapping[str, Decimal]]
    adjustment_factor: Decimal
    cost: Decimal
    parameter_set: str
    parameter_version: int

    @property
    def gross_year_one(self) -> Decimal:
        return sum((sum(row.values(), Decimal(0)) for row in self.year_one.values()), Decimal(0))

    @property
    def gross_present_value(self) -> Decimal:
        return sum((sum(row.values(), Decimal(0)) for row in self.present_value.values()), Decimal(0))

    def by_category(self, present_value: bool = True) -> dict[str, Decimal]:
        table = self.present_value if present_value else self.year_one
        return {c: sum((table[g][c] for g in table), Decimal(0)) for c in CATEGORIES}

    def by_group(self, present_value: bool = True) -> dict[str, Decimal]:
        table = self.present_value if present_value else self.year_one
        return {g: sum(table[g].values(), Decimal(0)) for g in table}

    @property
    def net_present_value(self) -> Decimal:
        """Present value of benefits after deadweight, attribution and displacement."""
        return self.gross_present_value * self.adjustment_factor

    @property
    def net_after_cost(self) -> Decimal:
        return self.net_present_value - self.cost

    @property
    def return_per_pound(self) -> Decimal | None:
        """Net present value of benefits for each £1 of treatment cost; None when there is no cost."""
        return self.net_present_value / self.cost if self.cost else None

    def summary(self) -> str:
        """One plain-English sentence for the page."""
        years = "1 year" if self.horizon_years == 1 else f"{self.horizon_years} years"
        sentence = (f"Over {years}, treatment is estimated to bring {whole_pounds(self.gross_present_value)} "
                    f"of social and economic benefits (present value), {whole_pounds(self.net_present_value)} "
                    f"after allowing for what would have happened anyway, others' contribution and "
                    f"displacement")
        if self.return_per_pound is None:
            return sentence + "; no cost of treatment was entered, so there is no return per £1."
        return (sentence + f": about {pence_pounds(self.return_per_pound)} for every £1 of the "
                f"{whole_pounds(self.cost)} spent on treatment.")


def whole_pounds(amount: Decimal) -> str:
    """£1,234 (negative as -£1,234), rounded half up for display only."""
    rounded = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP) + 0  # + 0 turns -0 into 0
    return f"-£{-rounded:,}" if rounded < 0 else f"£{rounded:,}"


def pence_pounds(amount: Decimal) -> str:
    rounded = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) + 0
    return f"-£{-rounded:,}" if rounded < 0 else f"£{rounded:,}"


def validate(inputs: SroiInputs) -> SroiInputs:
    """The inputs with counts and money checked and normalised, or SroiInputError listing each problem."""
    problems: list[str] = []
    groups: dict[str, ClientGroupInput] = {}
    for group, entry in inputs.groups.items():
        if group not in CLIENT_GROUPS:
            problems.append(f"Unknown client group “{group}”: choose from {', '.join(CLIENT_GROUPS)}")
            continue
        label = GROUP_LABELS[group]
        try:
            clients = check_count(entry.clients, f"Clients in treatment ({label})")
            completions = check_count(entry.completions, f"Successful completions ({label})")
        except ValueError as error:
            problems.append(str(error))
            continue
        if completions > clients:
            problems.append(f"Successful completions ({label}) cannot be more than clients in treatment: "
                            f"{completions:,} completions, {clients:,} clients")
        groups[group] = ClientGroupInput(clients, completions)
    horizon = inputs.horizon_years
    if isinstance(horizon, bool) or not isinstance(horizon, int) or not MIN_HORIZON <= horizon <= MAX_HORIZON:
        problems.append(f"The horizon must be a whole number of years from {MIN_HORIZON} to {MAX_HORIZON}")
    cost_per_client = total_cost = None
    if inputs.cost_per_client is not None and inputs.total_cost is not None:
        problems.append("Enter either a cost per client or a total cost of treatment, not both")
    try:
        if inputs.cost_per_client is not None:
            cost_per_client = check_money(inputs.cost_per_client, "The cost per client")
        if inputs.total_cost is not None:
            total_cost = check_money(inputs.total_cost, "The total cost of treatment")
    except ValueError as error:
        problems.append(str(error))
    if problems:
        raise SroiInputError(problems)
    return SroiInputs(groups, horizon, cost_per_client, total_cost)


def per_client_benefits(parameters: ParameterSet, group: str) -> dict[str, Decimal]:
    """Gross benefit per client per year in each category, in the parameters' prices."""
    return {
        "crime": parameters.value(f"crime.{group}"),
        "health_care": parameters.value(f"health_care.{group}"),
        "social_care": parameters.value(f"social_care.{group}"),
        "quality_of_life": parameters.value(f"qalys.{group}") * parameters.value("value_per_qaly"),
    }


def after_treatment_weight(horizon_years: int, drop_off: Decimal, discount_rate: Decimal) -> Decimal:
    """Sum over years 2 … horizon of (1 − drop-off)^(t − 1) ÷ (1 + rate)^(t − 1): what one year of a
    completer's benefit is worth, in present value, after the treatment year."""
    keep, grow = 1 - drop_off, 1 + discount_rate
    return sum(((keep / grow) ** (t - 1) for t in range(2, horizon_years + 1)), Decimal(0))


def adjustment_factor(parameters: ParameterSet) -> Decimal:
    """(1 − deadweight) × (1 − attribution) × (1 − displacement)."""
    return ((1 - parameters.value("deadweight")) * (1 - parameters.value("attribution"))
            * (1 - parameters.value("displacement")))


def estimate(inputs: SroiInputs, parameters: ParameterSet) -> SroiResult:
    """The social return of a year of treatment for the clients in ``inputs``, valued with ``parameters``
    (already in the chosen price year: see ParameterSet.in_prices_of). See the module docstring for the
    conventions on drop-off, discounting and adjustments."""
    inputs = validate(inputs)
    weight = after_treatment_weight(inputs.horizon_years, parameters.value("drop_off"),
                                    parameters.value("discount_rate"))
    year_one: dict[str, dict[str, Decimal]] = {}
    present_value: dict[str, dict[str, Decimal]] = {}
    for group, entry in inputs.groups.items():
        per_client = per_client_benefits(parameters, group)
        year_one[group] = {c: entry.clients * per_client[c] for c in CATEGORIES}
        present_value[group] = {c: year_one[group][c] + entry.completions * per_client[c] * weight
                                for c in CATEGORIES}
    clients = sum(entry.clients for entry in inputs.groups.values())
    if inputs.total_cost is not None:
        cost = inputs.total_cost
    elif inputs.cost_per_client is not None:
        cost = inputs.cost_per_client * clients
    else:
        cost = Decimal(0)
    return SroiResult(inputs.horizon_years, year_one, present_value, adjustment_factor(parameters), cost,
                      parameters.name, parameters.version)


@dataclass(frozen=True)
class PlanComparison:
    """The model's estimate beside a figure a plan reports, and the difference (model − reported)."""

    reported: Decimal
    estimated: Decimal
    label: str

    @property
    def difference(self) -> Decimal:
        return self.estimated - self.reported

    @property
    def difference_percent(self) -> Decimal:
        return self.difference / self.reported * 100 if self.reported else Decimal(0)

    def summary(self) -> str:
        estimate = f"The model estimates {whole_pounds(self.estimated)} of {self.label}"
        reported = f"the {whole_pounds(self.reported)} the plan reports."
        if self.difference == 0:
            return f"{estimate}, the same as {reported}"
        direction = "more" if self.difference > 0 else "less"
        # A percentage of nothing reported means nothing: the difference alone is given.
        share = f" ({abs(self.difference_percent):.0f}%)" if self.reported else ""
        return f"{estimate}, {whole_pounds(abs(self.difference))}{share} {direction} than {reported}"


def compare_with_reported(result: SroiResult, reported: Decimal,
                          label: str = "gross social and economic benefits") -> PlanComparison:
    """Put the model's gross present value beside a reported figure. Nothing is tuned to match."""
    return PlanComparison(Decimal(reported), result.gross_present_value, label)


def category_label(category: str) -> str:
    return CATEGORY_LABELS[category]
