"""A co-commissioning scenario worked out, with the social return of the clients each partner's
contribution pays for (the SROI model, through grants.interfaces.social_return.calculator).

The SROI model counts clients by drug-treatment client group and successful completions; a
criminal-justice caseload is not recorded that way, so both are split by stated assumptions, and
every assumption is listed in plain English beside the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from grants.interfaces.social_return.calculator import current_parameters, estimate_with
from grants.modelling.apportionment import apportion
from grants.modelling.cocommissioning import Scenario, ScenarioResult
from grants.modelling.cocommissioning_analysis import run_remembered
from grants.modelling.social_return import SroiInputError, SroiResult
from grants.modelling.sroi_parameters import CLIENT_GROUPS, GROUP_LABELS, ParameterSet

if TYPE_CHECKING:
    from grants.models.cocommissioning import CoCommissioningScenario

# Assumed mix of a criminal-justice caseload by SROI client group (percent, adding up to 100): people
# referred from arrest, prison and probation are mostly opiate and/or crack users.
CLIENT_MIX = {"opiate": Decimal(55), "non_opiate": Decimal(20), "alcohol": Decimal(10),
              "non_opiate_and_alcohol": Decimal(15)}
# Assumed share of each group's clients who leave treatment successfully (percent), of the order of
# England's adult treatment statistics; replace with local NDTMS figures.
COMPLETION_RATES = {"opiate": Decimal(5), "non_opiate": Decimal(30), "alcohol": Decimal(35),
                    "non_opiate_and_alcohol": Decimal(30)}


@dataclass
class AreaReturn:
    """One partner's clients over the contract and the social return of its contribution (None when
    there is nothing to value, with ``note`` saying why)."""

    code: str
    name: str
    clients: Decimal
    sroi: SroiResult | None
    note: str


@dataclass
class ScenarioOutcome:
    scenario_model: Scenario
    result: ScenarioResult
    social_return: list[AreaReturn]
    assumptions: list[str]


def _by_group(clients: int) -> dict[str, int]:
    """Whole clients split by CLIENT_MIX, largest remainder (ties in CLIENT_GROUPS order)."""
    return dict(zip(CLIENT_GROUPS, apportion(clients, [CLIENT_MIX[group] for group in CLIENT_GROUPS]), strict=True))


def _completions(by_group: dict[str, int]) -> dict[str, int]:
    return {group: int((clients * COMPLETION_RATES[group] / 100).quantize(Decimal(1), ROUND_HALF_UP))
            for group, clients in by_group.items()}


def _area_return(parameters: ParameterSet, code: str, name: str, clients: Decimal, contribution_pence: int,
                 years: int) -> AreaReturn:
    whole = int(clients.quantize(Decimal(1), ROUND_HALF_UP))
    if whole == 0:
        return AreaReturn(code, name, clients, None,
                          "No clients are expected in this area (its caseload or the take-up is 0), "
                          "so there is no social return to estimate")
    by_group = _by_group(whole)
    try:
        sroi = estimate_with(parameters, by_group, _completions(by_group), years, Decimal(contribution_pence) / 100)
    except SroiInputError as error:
        return AreaReturn(code, name, clients, None, f"The social return could not be estimated: {error}")
    note = (f"{whole:,} clients over the contract, valued as one group treated for "
            f"{'1 year' if years == 1 else f'{years} years'} of benefits")
    return AreaReturn(code, name, clients, sroi, note)


def assumptions_of(model: Scenario, caseload_label: str = "caseload") -> list[str]:
    """Every assumption behind the outcome, in plain English."""
    mix = ", ".join(f"{CLIENT_MIX[g].normalize():f}% {GROUP_LABELS[g].lower()}" for g in CLIENT_GROUPS)
    rates = ", ".join(f"{COMPLETION_RATES[g].normalize():f}% of {GROUP_LABELS[g].lower()} clients"
                      for g in CLIENT_GROUPS)
    lines = [
        f"Clients each year are the caseload times the take-up of {model.costs.take_up_percent.normalize():f}%.",
        f"The criminal-justice caseload is assumed to be {mix} (the social-return model's client groups).",
        f"Successful completions are assumed to be {rates}.",
        "Each partner's clients over the whole contract are valued as one group, with benefits counted over "
        f"{model.costs.years} year{'s' if model.costs.years != 1 else ''} (the contract length) using the newest "
        "published social-return parameter set.",
        "The cost set against each partner's social return is its contribution over the contract.",
    ]
    if model.joint:
        lines.append(f"Economies of scale: {model.costs.scale.describe()}.")
    for partner in model.partners:
        for label, figure in (("population aged 15 to 64", partner.population_15_64),
                              ("estimated opiate and/or crack users", partner.ocu), (caseload_label, partner.caseload)):
            if figure.assumption:
                lines.append(f"{partner.name}: the {label} ({figure.value:,}) is an assumption"
                             + (f": {figure.source}" if figure.source else "") + ".")
    return lines


def outcome(scenario_or_model: CoCommissioningScenario | Scenario) -> ScenarioOutcome:
    """Work a saved version (with its own figures) or a model out, with each partner's social return.
    Raises ValueError when the scenario cannot be worked out."""
    caseload_label = "caseload"
    if isinstance(scenario_or_model, Scenario):
        model = scenario_or_model
    else:
        from grants.interfaces.cocommissioning.scenarios import FIGURE_LABELS, to_model

        model = to_model(scenario_or_model)
        caseload_label = FIGURE_LABELS.get(scenario_or_model.caseload_kind, caseload_label).lower()
    result = run_remembered(model)
    parameters = current_parameters()  # once for every partner
    returns = [_area_return(parameters, partner.code, partner.name, partner.clients, partner.contribution_pence,
                            model.costs.years) for partner in result.partners]
    return ScenarioOutcome(model, result, returns, assumptions_of(model, caseload_label))


__all__ = ["AreaReturn", "ScenarioOutcome", "assumptions_of", "outcome"]
