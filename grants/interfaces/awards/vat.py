"""VAT on budgets, awards and claims, in a round that records it (``FundingRound.vat_display``).

Each budget line's amount is the cost to the project including any VAT (the cash the grant pays); the
line records the VAT within it and whether the organisation can recover that VAT from HMRC (when it
can, the VAT is not a cost to it in the end, which officers need to see). A round shows amounts
including VAT or without it first, the other beside (``describe``).

- An application's split is the total of its budget lines.
- An award's is the application's scaled to the amount awarded when the two differ (a part award
  funds each line in proportion), rounded to the penny, so that its VAT is never more than the
  application's and the amounts with and without VAT add up to the award exactly.
- A claim's is the total of its lines, each line's VAT as claimed (grants.interfaces.awards.claims).

Money is Decimal; every figure is to the penny.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from grants.formatting import money
from grants.models.applications import Application
from grants.models.awards import Award
from grants.models.rounds import FundingRound, VatDisplay
from grants.question_forms.context import BudgetLine
from grants.return_form.plan import application_budget

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class VatSplit:
    """An amount including VAT, the VAT within it, and the part of that VAT the organisation can
    recover."""

    including: Decimal
    vat: Decimal
    recoverable: Decimal = ZERO

    @property
    def without(self) -> Decimal:
        return self.including - self.vat

    def scaled_to(self, amount: Decimal) -> VatSplit:
        """The split of ``amount`` in the same proportions (a part award of the lines asked for)."""
        if self.including == amount:
            return self
        if self.including <= 0:
            return VatSplit(amount, ZERO, ZERO)
        vat = (self.vat * amount / self.including).quantize(PENNY, ROUND_HALF_UP)
        recoverable = min(vat, (self.recoverable * amount / self.including).quantize(PENNY, ROUND_HALF_UP))
        return VatSplit(amount, vat, recoverable)


def records_vat(funding_round: FundingRound) -> bool:
    return funding_round.vat_display.asked


def of_lines(lines: Iterable[BudgetLine]) -> VatSplit:
    """The total of budget lines (their amounts include VAT); lines without a readable amount count
    as nothing."""
    including = vat = recoverable = ZERO
    for line in lines:
        if line.budget is None:
            continue
        including += line.budget
        line_vat = line.vat or ZERO
        vat += line_vat
        if line.vat_recoverable:
            recoverable += line_vat
    return VatSplit(including.quantize(PENNY), vat.quantize(PENNY), recoverable.quantize(PENNY))


def of_application(application: Application) -> VatSplit | None:
    """The application's budget with and without VAT; None when its round does not record VAT or it
    has no budget lines."""
    if not records_vat(application.funding_round):
        return None
    lines = application_budget(application)
    return of_lines(lines) if lines else None


def of_award(award: Award) -> VatSplit | None:
    """The award with and without VAT: the application's split scaled to the amount awarded; None when
    the round does not record VAT or the application has no budget lines."""
    split = of_application(award.application)
    return split.scaled_to(award.amount) if split is not None else None


def describe(split: VatSplit, display: VatDisplay) -> str:
    """The amount as the round shows it: "£1,200.00 including VAT (£1,000.00 without VAT)", or the other
    way round, with the VAT the organisation can recover where there is any."""
    including = f"{money(split.including)} including VAT"
    without = f"{money(split.without)} without VAT"
    first, second = (without, including) if display is VatDisplay.EXCLUDING else (including, without)
    text = f"{first} ({second}, VAT {money(split.vat)})"
    if split.recoverable:
        text += f". {money(split.recoverable)} of the VAT is recoverable by the organisation"
    return text
