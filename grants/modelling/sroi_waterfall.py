"""The waterfall from the social-return model's gross present value to a figure a plan reports: the steps
the published material supports, best grounded first, each applied to the result of the step before and
recomputed with ``estimate``, then "Not explained by published inputs", which closes the gap exactly.

A step is taken only while the running total is still on the model's side of the reported figure and
the step moves it towards that figure. Totals are whole pounds (rounded half up), so the effects add
up exactly. What the steps rest on: PHE's "Value for Money" page on NDTMS says the national tool's
benefits "occur when people are in treatment and they continue for those who recover", in crime,
health, social care and QALY improvements; its horizon and per-client values are not published in
anything found. See grants.modelling.sroi_reconciliation for the whole reconciliation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from grants.modelling.social_return import SroiInputs, estimate, whole_pounds
from grants.modelling.sroi_parameters import CLIENT_GROUPS, GROUP_LABELS, ParameterSet

UNEXPLAINED = "Not explained by published inputs"


@dataclass(frozen=True)
class Scenario:
    """Inputs and parameters (already in the chosen price year) that ``estimate`` runs on."""

    inputs: SroiInputs
    parameters: ParameterSet

    def gross(self) -> Decimal:
        """The gross present value, unrounded."""
        return estimate(self.inputs, self.parameters).gross_present_value


def pounds(amount: Decimal) -> Decimal:
    """Whole pounds, rounded half up."""
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP) + 0


def signed_pounds(amount: Decimal) -> str:
    """+£1,234, -£1,234 or £0."""
    return f"+{whole_pounds(amount)}" if pounds(amount) > 0 else whole_pounds(amount)


def millions(amount: Decimal) -> str:
    """£68.2m: pounds in millions to one decimal place."""
    return f"£{(amount / 1_000_000).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,}m"


def percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def years_text(count: int) -> str:
    return "1 year" if count == 1 else f"{count} years"


@dataclass(frozen=True)
class Step:
    """One step of the waterfall: what the model assumes, what the step takes instead and why; its
    effect on the total and the running total after it, both in whole pounds."""

    name: str
    model_assumes: str
    step_takes: str
    why: str
    effect: Decimal
    total: Decimal

    @property
    def explained(self) -> bool:
        return self.name != UNEXPLAINED


@dataclass(frozen=True)
class _Change:
    scenario: Scenario
    name: str
    model_assumes: str
    step_takes: str
    why: str


def _treatment_year_only(scenario: Scenario) -> _Change | None:
    inputs, parameters = scenario.inputs, scenario.parameters
    completions = sum(entry.completions for entry in inputs.groups.values())
    if inputs.horizon_years <= 1 or not completions:
        return None
    return _Change(
        Scenario(replace(inputs, horizon_years=1), parameters),
        f"Benefits after treatment (years 2 to {inputs.horizon_years} for those who complete)",
        f"The {completions:,} people who complete treatment keep bringing benefits in years 2 to "
        f"{inputs.horizon_years}, falling {percent(parameters.value('drop_off'))} a year and discounted at "
        f"{percent(parameters.value('discount_rate'))} a year.",
        "The treatment year alone (a 1-year horizon).",
        "The national tool counts benefits after treatment only for people who recover, and its horizon is not "
        "published, so the step shows the treatment year alone: the part of the estimate both count.")


def _qaly_text(scenario: Scenario) -> str:
    by_value: dict[Decimal, list[str]] = {}
    for group in CLIENT_GROUPS:
        if group in scenario.inputs.groups:
            by_value.setdefault(scenario.parameters.value(f"qalys.{group}"), []).append(GROUP_LABELS[group])
    parts = [f"{value.normalize():f} QALYs a year for each {', '.join(labels)} client"
             for value, labels in sorted(by_value.items(), reverse=True)]
    return (f"{'; '.join(parts)}, each QALY valued at {whole_pounds(scenario.parameters.value('value_per_qaly'))}: "
            f"assumed gains, not published values.")


def _no_quality_of_life(scenario: Scenario) -> _Change | None:
    groups = [group for group in CLIENT_GROUPS if group in scenario.inputs.groups]
    if not any(scenario.parameters.value(f"qalys.{group}") for group in groups):
        return None
    parameters = scenario.parameters.with_values({f"qalys.{group}": Decimal(0) for group in groups})
    return _Change(
        Scenario(scenario.inputs, parameters), "Quality of life (assumed QALY gains)", _qaly_text(scenario),
        "No quality-of-life benefit.",
        "The plan’s figure is of “social and economic benefits”, and the model’s QALY gains per client are "
        "assumptions. The national tool does count QALY improvements, so this step shows how much of the "
        "estimate rests on the assumed gains; it does not find that the plan left them out.")


# Best grounded first: the tool's own description (benefits after treatment), then the model's assumed
# QALY gains against the plan's wording.
STEPS: tuple[Callable[[Scenario], _Change | None], ...] = (_treatment_year_only, _no_quality_of_life)


@dataclass(frozen=True)
class Waterfall:
    """From the model's figure (``start``) to the reported figure (``end``), both whole pounds."""

    start: Decimal
    steps: tuple[Step, ...]
    end: Decimal

    @property
    def unexplained(self) -> Step:
        return self.steps[-1]

    @property
    def explained(self) -> tuple[Step, ...]:
        return self.steps[:-1]

    @property
    def explained_effect(self) -> Decimal:
        """What the explained steps move the total by, together."""
        return sum((step.effect for step in self.explained), Decimal(0))


def waterfall(scenario: Scenario, reported: Decimal) -> Waterfall:
    """The steps from the model's gross present value to ``reported`` (see the module docstring)."""
    target = pounds(Decimal(reported))
    start = total = pounds(scenario.gross())
    steps: list[Step] = []
    for make in STEPS:
        change = make(scenario)
        if change is None or total == target:
            continue
        after = pounds(change.scenario.gross())
        towards = (after - total) * (target - total) > 0
        if not towards:
            continue
        steps.append(Step(change.name, change.model_assumes, change.step_takes, change.why, after - total, after))
        scenario, total = change.scenario, after
    steps.append(Step(
        UNEXPLAINED,
        "The inputs’ client numbers and the parameters’ per-client values, most of them assumptions.",
        "The reported figure.",
        "The plan gives no year, horizon, client numbers or per-client values, and neither the national tool’s "
        "per-client values nor the area’s numbers in treatment (NDTMS) were found, so the rest of the gap "
        "cannot be put down to any one input. The solved values show what each assumption would have to be.",
        target - total, target))
    return Waterfall(start, tuple(steps), target)


NUMBER_WORDS = ("No", "One", "Two", "Three", "Four", "Five")


def gap_summary(model: Decimal, reported: Decimal, steps: Waterfall, reported_name: str = "the reported figure") -> str:
    """The difference and how much of it the steps explain, in a sentence or two."""
    gap = model - reported
    if gap == 0:
        return f"The model’s figure is the same as {reported_name}."
    direction = "more" if gap > 0 else "less"
    sentence = f"The model’s figure is {whole_pounds(abs(gap))} {direction} than {reported_name}."
    count = len(steps.explained)
    if not count:
        return f"{sentence} No difference the published material supports moves it towards {reported_name}."
    rest = steps.unexplained.effect
    said = (f"{NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else count} "
            f"difference{'' if count == 1 else 's'} the published material supports")
    account, go = ("accounts", "goes") if count == 1 else ("account", "go")
    if rest == 0:
        return f"{sentence} {said} {account} for all of it."
    if (rest < 0) == (gap > 0):
        return (f"{sentence} {said} {account} for {whole_pounds(abs(steps.explained_effect))} of it; the other "
                f"{whole_pounds(abs(rest))} cannot be put down to any published input.")
    return f"{sentence} {said} {go} {whole_pounds(abs(rest))} past it, which no published input accounts for."
