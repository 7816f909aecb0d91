"""The social-return model's gross present value reconciled with a figure a plan reports, step by step,
with nothing tuned to match.

The two parts live in their own modules; this one puts them together and names everything a page needs.

- ``waterfall`` (grants.modelling.sroi_waterfall): from the model's figure, the steps the published
  material supports, best grounded first, each applied to the result of the step before and recomputed
  with ``estimate``; then "Not explained by published inputs", which closes the gap to the reported
  figure exactly. A step is taken only while the running total is still on the model's side of the
  reported figure and the step moves it towards that figure. Totals are whole pounds (rounded half up),
  so the effects add up exactly.
- ``solved_values`` (grants.modelling.sroi_solved_values): for each assumption the model rests on, the
  one value that would give the reported figure with everything else as the inputs and parameters have
  it. Where the model is linear in the value (client numbers, per-client values) it is solved exactly;
  the horizon, in whole years, by bisection. Where no value can (even 0 leaves the total above the
  figure) the row says so.

What the steps rest on (PHE's "Value for Money" page on NDTMS describes the national tool): benefits
"occur when people are in treatment and they continue for those who recover", in crime, health, social
care and QALY improvements. The tool's horizon, per-client values and the area's treatment numbers are
not published in anything found, so whatever the steps cannot attribute is shown as unexplained.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from grants.modelling.social_return import SroiInputs
from grants.modelling.sroi_parameters import ParameterSet
from grants.modelling.sroi_solved_values import (
    ASSUMPTION,
    DERIVED,
    PUBLISHED,
    SolvedValue,
    scaled_groups,
    solved_values,
    status_of,
)
from grants.modelling.sroi_waterfall import (
    UNEXPLAINED,
    Scenario,
    Step,
    Waterfall,
    gap_summary,
    millions,
    pounds,
    signed_pounds,
    waterfall,
)

__all__ = [
    "ASSUMPTION", "DERIVED", "PUBLISHED", "UNEXPLAINED", "Reconciliation", "Scenario", "SolvedValue", "Step",
    "Waterfall", "gap_summary", "millions", "pounds", "reconcile", "scaled_groups", "signed_pounds", "solved_values",
    "status_of", "waterfall",
]


@dataclass(frozen=True)
class Reconciliation:
    """The reported figure and the model's (whole pounds), the steps between them and the solved values."""

    reported: Decimal
    model: Decimal  # whole pounds
    waterfall: Waterfall
    solved: tuple[SolvedValue, ...]

    def summary(self, reported_name: str = "the reported figure") -> str:
        return gap_summary(self.model, self.reported, self.waterfall, reported_name)

    @property
    def ratio(self) -> Decimal | None:
        """The model's figure ÷ the reported one, to one decimal place (None when nothing is reported)."""
        return (self.model / self.reported).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if self.reported else None


def reconcile(inputs: SroiInputs, parameters: ParameterSet, reported: Decimal) -> Reconciliation:
    """The waterfall and the solved values for ``inputs`` valued with ``parameters`` (already in the
    chosen price year) against ``reported``."""
    scenario = Scenario(inputs, parameters)
    steps = waterfall(scenario, reported)
    return Reconciliation(pounds(Decimal(reported)), steps.start, steps, solved_values(scenario, reported))
