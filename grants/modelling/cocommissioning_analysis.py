"""Analysis of co-commissioning scenarios: side-by-side comparison, what happens to the others when
one partner drops out, and where each partner would be better off alone as economies of scale,
take-up or the cost per client move (break-even).

Everything here re-runs grants.modelling.cocommissioning.run on changed copies of a scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from grants.modelling.cocommissioning import Scenario, ScenarioResult, run

PARAMETERS = {
    "scale": "economies of scale",  # the joint fixed-cost percentage, or the curve's exponent
    "take_up": "take-up (%)",
    "cost_per_client": "cost per client (pence)",
}


# Comparison --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ComparisonRow:
    """One partner across the scenarios compared (None where it is not in a scenario)."""

    code: str
    name: str
    contributions: tuple[int | None, ...]
    savings: tuple[int | None, ...]
    cheapest: int  # index of the scenario in which the partner pays least


# Results of scenarios already worked out, by the scenario's full description (its repr names every
# input), newest last. A scenario is plain immutable data and ``run`` a pure function of it, so a
# remembered result can never be out of date: each process keeps its own, and a page that shows the
# same saved scenarios again (a comparison, the scenario page) does not work them out again.
_REMEMBERED: dict[str, ScenarioResult] = {}
REMEMBER_AT_MOST = 256


def run_remembered(scenario: Scenario) -> ScenarioResult:
    """``run(scenario)``, remembered for the same inputs (see ``_REMEMBERED``); errors are not remembered."""
    key = repr(scenario)
    result = _REMEMBERED.get(key)
    if result is None:
        result = run(scenario)
        if len(_REMEMBERED) >= REMEMBER_AT_MOST:
            _REMEMBERED.pop(next(iter(_REMEMBERED)), None)  # the oldest
        _REMEMBERED[key] = result
    return result


@dataclass(frozen=True)
class Comparison:
    results: tuple[ScenarioResult, ...]
    rows: tuple[ComparisonRow, ...]


def compare(scenarios: tuple[Scenario, ...] | list[Scenario]) -> Comparison:
    """Two to four scenarios side by side: each partner's contribution and saving over the contract."""
    if not 2 <= len(scenarios) <= 4:
        raise ValueError(f"Compare two to four scenarios; {len(scenarios)} were chosen")
    results = tuple(run_remembered(scenario) for scenario in scenarios)
    names = {o.code: o.name for result in results for o in result.partners}
    rows = []
    for code in sorted(names):
        outcomes = [next((o for o in result.partners if o.code == code), None) for result in results]
        contributions = tuple(o.contribution_pence if o else None for o in outcomes)
        present = [i for i, amount in enumerate(contributions) if amount is not None]
        savings = tuple(o.saving_pence if o else None for o in outcomes)
        rows.append(ComparisonRow(code, names[code], contributions, savings,
                                  min(present, key=lambda i: (contributions[i], i))))
    return Comparison(results, tuple(rows))


# Drop-out ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DropOut:
    """The scenario re-run without ``leaver``: each remaining partner's change in contribution over
    the contract (positive: it pays more), or ``problem`` when the rest cannot go ahead as set."""

    leaver: str
    result: ScenarioResult | None
    changes: Mapping[str, int]
    problem: str = ""
    note: str = ""


def drop_out(scenario: Scenario) -> tuple[DropOut, ...]:
    """Re-run ``scenario`` without each partner in turn (by partner code).

    With one partner left, it runs the service alone (its change is its standalone cost less its
    contribution). Per-partner floors and caps of the leaver are dropped; floors and caps that can
    no longer be met are reported as the problem rather than raised.
    """
    base = run(scenario)
    outcomes = []
    for leaver in sorted(p.code for p in scenario.partners):
        remaining = tuple(p for p in scenario.partners if p.code != leaver)
        split = replace(scenario.split, floors={k: v for k, v in scenario.split.floors.items() if k != leaver},
                        caps={k: v for k, v in scenario.split.caps.items() if k != leaver})
        alone = len(remaining) < 2
        changed = replace(scenario, name=f"{scenario.name} without {leaver}", partners=remaining, split=split,
                          joint=scenario.joint and not alone)
        try:
            result = run(changed)
        except ValueError as error:
            outcomes.append(DropOut(leaver, None, {}, str(error)))
            continue
        changes = {o.code: o.contribution_pence - base.partner(o.code).contribution_pence for o in result.partners}
        note = f"{remaining[0].name} would be left to run the service alone" if alone and remaining else ""
        outcomes.append(DropOut(leaver, result, changes, note=note))
    return tuple(outcomes)


# Sensitivity and break-even ----------------------------------------------------------------------

@dataclass(frozen=True)
class BreakEven:
    """Where a partner would be better off alone over the range tried.

    ``verdict`` is "never" (the joint option is as cheap or cheaper throughout), "always" (dearer
    throughout) or "at": it is better off alone from ``value`` on, going in the direction
    ``alone_when`` ("above" or "below"). ``value`` is found to within ``resolution``.
    """

    code: str
    parameter: str
    verdict: str
    value: Decimal | None = None
    alone_when: str | None = None

    def describe(self) -> str:
        if self.verdict == "never":
            return "never better off alone in this range"
        if self.verdict == "always":
            return "better off alone throughout this range"
        assert self.value is not None, "a break-even point has a value"  # break_even sets it with "at"
        return f"better off alone at {PARAMETERS[self.parameter]} of {self.value.normalize():f} or {self.alone_when}"


def with_parameter(scenario: Scenario, parameter: str, value: Decimal) -> Scenario:
    """A copy of ``scenario`` with one parameter changed (see PARAMETERS)."""
    costs = scenario.costs
    if parameter == "scale":
        scale = (replace(costs.scale, percent=value) if costs.scale.percent is not None
                 else replace(costs.scale, exponent=value))
        return replace(scenario, costs=replace(costs, scale=scale))
    if parameter == "take_up":
        return replace(scenario, costs=replace(costs, take_up_percent=value))
    if parameter == "cost_per_client":
        pence = int(value.to_integral_value(ROUND_HALF_UP))
        return replace(scenario, costs=replace(costs, cost_per_client_pence=pence))
    raise ValueError(f"Unknown parameter {parameter!r}: choose from {', '.join(PARAMETERS)}")


def savings_over(scenario: Scenario, parameter: str, values: list[Decimal]) -> dict[str, list[int]]:
    """Each partner's saving over the contract at each of ``values`` of ``parameter`` (for a chart)."""
    savings: dict[str, list[int]] = {p.code: [] for p in scenario.partners}
    for value in values:
        for outcome in run(with_parameter(scenario, parameter, value)).partners:
            savings[outcome.code].append(outcome.saving_pence)
    return savings


def break_even(scenario: Scenario, parameter: str, low: Decimal, high: Decimal, steps: int = 40,
               resolution: Decimal | None = None) -> tuple[BreakEven, ...]:
    """For each partner, where over ``low``..``high`` it would be better off alone (saving below 0).

    The range is tried at ``steps`` even intervals; at the first change the value is narrowed by
    halving to ``resolution`` (default: a hundredth of a unit, a penny for the cost per client).
    A saving that changes sign more than once reports the first change from ``low``.
    """
    if low >= high:
        raise ValueError("The low end of the range must be below the high end")
    resolution = resolution or (Decimal(1) if parameter == "cost_per_client" else Decimal("0.01"))
    values = [low + (high - low) * k / steps for k in range(steps + 1)]
    savings = savings_over(scenario, parameter, values)
    answers = []
    for code in sorted(savings):
        alone = [saving < 0 for saving in savings[code]]
        if not any(alone):
            answers.append(BreakEven(code, parameter, "never"))
        elif all(alone):
            answers.append(BreakEven(code, parameter, "always"))
        else:
            k = next(i for i in range(1, len(alone)) if alone[i] != alone[i - 1])
            answers.append(_narrow(scenario, parameter, code, values[k - 1], values[k], alone[k], resolution))
    return tuple(answers)


def _narrow(scenario: Scenario, parameter: str, code: str, before: Decimal, after: Decimal, alone_after: bool,
            resolution: Decimal) -> BreakEven:
    """Halve the interval on the grid of multiples of ``resolution``, keeping: at ``high`` the
    partner's better-off-alone state is ``alone_after``, at ``low`` it is not."""
    def alone(steps: int) -> bool:
        return run(with_parameter(scenario, parameter, steps * resolution)).partner(code).saving_pence < 0

    low = int((before / resolution).to_integral_value(ROUND_FLOOR))
    high = int((after / resolution).to_integral_value(ROUND_CEILING))
    if alone(low) == alone_after or alone(high) != alone_after:  # the grid does not bracket it: keep the try
        return BreakEven(code, parameter, "at", after if alone_after else before, "above" if alone_after else "below")
    while high - low > 1:
        middle = (low + high) // 2
        if alone(middle) == alone_after:
            high = middle
        else:
            low = middle
    # the value on the better-off-alone side
    value = (high if alone_after else low) * resolution
    return BreakEven(code, parameter, "at", value, "above" if alone_after else "below")
