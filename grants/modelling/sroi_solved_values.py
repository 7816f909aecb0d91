"""The value each assumption of the social-return model would need, alone, to give a figure a plan
reports, with everything else as the inputs and parameters have it. Where the model is linear in the
value (client numbers, per-client values) it is solved exactly; the horizon, in whole years, by
bisection. Where no value can (even 0 leaves the total above the figure) the row says so, with what
the rest of the model gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from grants.modelling.apportionment import apportion
from grants.modelling.social_return import (
    MAX_HORIZON,
    MIN_HORIZON,
    ClientGroupInput,
    after_treatment_weight,
    estimate,
    whole_pounds,
)
from grants.modelling.sroi_parameters import CLIENT_GROUPS, Sourced
from grants.modelling.sroi_waterfall import Scenario, millions, pounds, years_text

ASSUMPTION, DERIVED, PUBLISHED = "assumption", "derived", "published"
# The Devon and Cornwall preset's client numbers (grants.modelling.sroi_defaults): how each is known.
PRESET_CLIENT_STATUS = (ASSUMPTION, "The total is the opiate clients ÷ 0.52, an assumed share of everyone in "
                                    "treatment; the other groups’ shares are assumed too.")
PRESET_OPIATE_STATUS = (DERIVED, "60% (the national share in treatment, NTA 2012) of the plan’s 8,178 opiate "
                                 "and crack users.")


@dataclass(frozen=True)
class SolvedValue:
    """An assumption, its value in the model and the value that would give the reported figure.

    ``solved`` is None when no value can; ``gives`` is the model's figure (whole pounds) with the solved
    value put back (whole clients or years where the value is a count).
    """

    assumption: str
    assumed: str
    status: str
    basis: str
    solved: Decimal | None
    solved_text: str
    gives: Decimal | None = None

    @property
    def possible(self) -> bool:
        return self.solved is not None


def status_of(item: Sourced) -> str:
    """published (a source gives it), derived (worked out from published figures with an assumed step) or
    assumption (no source)."""
    if item.source is None:
        return ASSUMPTION
    return DERIVED if item.assumption else PUBLISHED


def _impossible(rest: Decimal, reported: Decimal, what: str = "the rest of the model alone gives") -> str:
    side = "above" if rest > reported else "below"
    return f"Not possible: {what} {millions(rest)}, {side} the {millions(reported)} reported"


def scaled_groups(groups: dict[str, ClientGroupInput], clients: int) -> dict[str, ClientGroupInput]:
    """``clients`` in all, shared among the groups in their present proportions (whole clients, adding
    up exactly), each group keeping its completion rate."""
    names = list(groups)
    shares = apportion(clients, [groups[name].clients for name in names])
    return {name: _with_clients(groups[name], share) for name, share in zip(names, shares, strict=True)}


def _with_clients(entry: ClientGroupInput, clients: int) -> ClientGroupInput:
    completions = pounds(Decimal(entry.completions) * clients / entry.clients) if entry.clients else Decimal(0)
    return ClientGroupInput(clients, min(int(completions), clients))


def _solve_all_clients(scenario: Scenario, reported: Decimal, gross: Decimal, status: tuple[str, str]) -> SolvedValue:
    groups = dict(scenario.inputs.groups)
    total = sum(entry.clients for entry in groups.values())
    label = "Clients in treatment, all groups (in the same proportions)"
    if not total or not gross:
        return SolvedValue(label, f"{total:,}", *status, None, "Not possible: the model has no clients")
    exact = Decimal(total) * reported / gross  # gross is proportional to the clients, completions in step
    whole = int(pounds(exact))
    gives = Scenario(replace(scenario.inputs, groups=scaled_groups(groups, whole)), scenario.parameters).gross()
    return SolvedValue(label, f"{total:,}", *status, exact, f"{whole:,}", pounds(gives))


def _solve_opiate_clients(scenario: Scenario, reported: Decimal, status: tuple[str, str]) -> SolvedValue:
    groups = dict(scenario.inputs.groups)
    label = "Opiate clients (the other groups as assumed)"
    entry = groups.get("opiate")
    if entry is None or not entry.clients:
        return SolvedValue(label, "0", *status, None, "Not possible: the inputs have no opiate clients")
    result = estimate(scenario.inputs, scenario.parameters)
    per_client = result.by_group()["opiate"] / entry.clients  # completions keep their rate
    rest = result.gross_present_value - result.by_group()["opiate"]
    exact = (reported - rest) / per_client
    if exact < 0:
        return SolvedValue(label, f"{entry.clients:,}", *status, None,
                           _impossible(rest, reported, "the other groups alone give"))
    whole = int(pounds(exact))
    groups["opiate"] = _with_clients(entry, whole)
    gives = Scenario(replace(scenario.inputs, groups=groups), scenario.parameters).gross()
    return SolvedValue(label, f"{entry.clients:,}", *status, exact, f"{whole:,}", pounds(gives))


def _clientyears_text(scenario: Scenario, groups: Sequence[str]) -> Decimal:
    """Clients plus completers' after-treatment years (present value): what a per-client-year value is
    multiplied by in the gross present value."""
    weight = after_treatment_weight(scenario.inputs.horizon_years, scenario.parameters.value("drop_off"),
                                    scenario.parameters.value("discount_rate"))
    return sum((scenario.inputs.groups[g].clients + scenario.inputs.groups[g].completions * weight for g in groups),
               Decimal(0))


def _solve_opiate_crime(scenario: Scenario, reported: Decimal, gross: Decimal) -> SolvedValue:
    key = "crime.opiate"
    item = scenario.parameters.values[key]
    label = f"Crime avoided per opiate client a year ({scenario.parameters.values[key].price_year} prices)"
    basis = item.note.removeprefix("Derived: ") or "As the parameter set has it."
    multiplier = _clientyears_text(scenario, ["opiate"]) if "opiate" in scenario.inputs.groups else Decimal(0)
    if not multiplier:
        return SolvedValue(label, whole_pounds(item.value), status_of(item), basis, None,
                           "Not possible: the inputs have no opiate clients")
    rest = gross - item.value * multiplier
    solved = (reported - rest) / multiplier
    if solved < 0:
        return SolvedValue(label, whole_pounds(item.value), status_of(item), basis, None,
                           _impossible(rest, reported))
    gives = Scenario(scenario.inputs, scenario.parameters.with_value(key, solved)).gross()
    return SolvedValue(label, whole_pounds(item.value), status_of(item), basis, solved, whole_pounds(solved),
                       pounds(gives))


def _solve_qalys(scenario: Scenario, reported: Decimal, gross: Decimal) -> SolvedValue:
    groups = [group for group in CLIENT_GROUPS if group in scenario.inputs.groups]
    values = [scenario.parameters.value(f"qalys.{group}") for group in groups]
    label = "QALYs gained per client a year (one value for every group)"
    assumed = _range_text([value.normalize() for value in values])
    statuses = {status_of(scenario.parameters.values[f"qalys.{group}"]) for group in groups}
    status = ASSUMPTION if ASSUMPTION in statuses or not statuses else statuses.pop()
    basis = "Assumed gains per client; no published per-client value was found."
    per_qaly = scenario.parameters.value("value_per_qaly")
    multiplier = _clientyears_text(scenario, groups) * per_qaly
    if not multiplier:
        return SolvedValue(label, assumed, status, basis, None, "Not possible: the model has no clients")
    rest = gross - sum((scenario.parameters.value(f"qalys.{g}") * _clientyears_text(scenario, [g]) * per_qaly
                        for g in groups), Decimal(0))
    solved = (reported - rest) / multiplier
    if solved < 0:
        return SolvedValue(label, assumed, status, basis, None, _impossible(rest, reported))
    parameters = scenario.parameters.with_values({f"qalys.{group}": solved for group in groups})
    gives = Scenario(scenario.inputs, parameters).gross()
    return SolvedValue(label, assumed, status, basis, solved, f"{solved.quantize(Decimal('0.0001'))}", pounds(gives))


def _range_text(values: Sequence[Decimal]) -> str:
    low, high = min(values, default=Decimal(0)), max(values, default=Decimal(0))
    return f"{low:f}" if low == high else f"{low:f} to {high:f}"


def _at_horizon(scenario: Scenario, years: int) -> Decimal:
    return Scenario(replace(scenario.inputs, horizon_years=years), scenario.parameters).gross()


def _solve_horizon(scenario: Scenario, reported: Decimal) -> SolvedValue:
    """The whole-year horizon whose figure is nearest ``reported``, by bisection: the figure grows with
    the horizon (completers' benefits are never negative)."""
    label = "Horizon (years of benefit counted)"
    assumed = years_text(scenario.inputs.horizon_years)
    basis = "The national tool’s horizon is not published; the preset’s is assumed."
    shortest, longest = _at_horizon(scenario, MIN_HORIZON), _at_horizon(scenario, MAX_HORIZON)
    if shortest > reported:
        return SolvedValue(label, assumed, ASSUMPTION, basis, None,
                           _impossible(shortest, reported, "the treatment year alone gives"))
    if longest < reported:
        return SolvedValue(label, assumed, ASSUMPTION, basis, None,
                           _impossible(longest, reported, f"even {years_text(MAX_HORIZON)} give"))
    low, high = MIN_HORIZON, MAX_HORIZON  # figure(low) <= reported <= figure(high)
    while high - low > 1:
        middle = (low + high) // 2
        if _at_horizon(scenario, middle) <= reported:
            low = middle
        else:
            high = middle
    below, above = _at_horizon(scenario, low), _at_horizon(scenario, high)
    nearest, gives = (low, below) if reported - below <= above - reported else (high, above)
    other, other_gives = (high, above) if nearest == low else (low, below)
    text = f"{years_text(nearest)} comes nearest ({millions(gives)}; {years_text(other)} gives {millions(other_gives)})"
    if gives == reported:
        text = years_text(nearest)
    return SolvedValue(label, assumed, ASSUMPTION, basis, Decimal(nearest), text, pounds(gives))


def solved_values(scenario: Scenario, reported: Decimal, client_status: tuple[str, str] = PRESET_CLIENT_STATUS,
                  opiate_status: tuple[str, str] = PRESET_OPIATE_STATUS) -> tuple[SolvedValue, ...]:
    """For each assumption, alone, the value that gives ``reported`` (see the module docstring).
    ``client_status`` and ``opiate_status`` say how the inputs' client numbers are known (status, basis)."""
    reported = Decimal(reported)
    gross = scenario.gross()
    return (
        _solve_all_clients(scenario, reported, gross, client_status),
        _solve_opiate_clients(scenario, reported, opiate_status),
        _solve_opiate_crime(scenario, reported, gross),
        _solve_qalys(scenario, reported, gross),
        _solve_horizon(scenario, reported),
    )
