"""What a round supplies to its forms: the smallest and largest award, the longest project, and the
choices of the structured question types; and, for a monitoring return, what the award supplies: the
items of its application (``ReturnPlan``) and the amount awarded. Plain values, so that this package
needs no database; the service builds them from a FundingRound and an Award."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from grants.form_definitions.model import QuestionType

# (code, name) pairs, in the order the round lists them
Choices = tuple[tuple[str, str], ...]

ROUND_AMOUNTS = ("round_min_award", "round_max_award")


@dataclass(frozen=True)
class Milestone:
    description: str
    due: date | None


@dataclass(frozen=True)
class BudgetLine:
    label: str
    budget: Decimal | None  # what the application asked for on this line, VAT included
    vat: Decimal | None = None  # the VAT within ``budget``; None where the round does not record VAT
    vat_recoverable: bool | None = None  # whether the organisation can recover that VAT from HMRC


@dataclass(frozen=True)
class Outcome:
    text: str
    measure: str


@dataclass(frozen=True)
class ReturnPlan:
    """What a monitoring return reports against: the rows of the award's application, each a tuple in
    the application's order (grants.return_form.plan builds it, never empty but for the Combating
    Drugs outcomes, so that the return still asks each question)."""

    milestones: tuple[Milestone, ...]
    groups: tuple[tuple[str, str], ...]  # (code, label) of the groups of people the project serves
    budget_lines: tuple[BudgetLine, ...]
    outcomes: tuple[Outcome, ...]  # the outcomes the applicant proposed
    drugs_outcomes: tuple[tuple[str, str], ...]  # (code, name) of the Combating Drugs outcomes named


@dataclass(frozen=True)
class RoundContext:
    """The round's values a form definition may name (``round_min_award``, ``round_max_award``) or that
    its structured questions offer (plan approaches, ADDER strands, Combating Drugs outcomes, local
    authority areas), and a monitoring return's ``return_plan`` and ``award_amount``.
    ``max_project_months`` limits the time from the ``project_start`` answer to the ``project_end``
    answer; None sets no limit."""

    min_award: Decimal | None = None
    max_award: Decimal | None = None
    max_project_months: int | None = None
    approaches: Choices = ()
    adder_strands: Choices = ()
    drug_outcomes: Choices = ()
    local_authorities: Choices = ()
    # Whether budget lines record the VAT in each amount and whether it is recoverable (the round's
    # vat_display is not "not_asked").
    vat: bool = False
    # A monitoring return's: the award's items its monitoring questions ask about, and the amount
    # awarded (spend to date is at most that). None on any other form.
    return_plan: ReturnPlan | None = None
    award_amount: Decimal | None = None

    def choices(self, question_type: QuestionType) -> Choices:
        """What a structured choice question (plan_approaches, adder_strands, drug_outcomes,
        areas_served) offers; KeyError for any other type."""
        return {
            QuestionType.PLAN_APPROACHES: self.approaches,
            QuestionType.ADDER_STRANDS: self.adder_strands,
            QuestionType.DRUG_OUTCOMES: self.drug_outcomes,
            QuestionType.AREAS_SERVED: self.local_authorities,
        }[question_type]

    def amount(self, limit: str) -> Decimal:
        """A money limit in pounds: the round's award named by ``round_min_award`` or
        ``round_max_award``, or the limit's own amount ("0.01"). ValueError when the round has not
        given the award named."""
        if limit not in ROUND_AMOUNTS:
            return Decimal(limit)
        amount = self.min_award if limit == "round_min_award" else self.max_award
        if amount is None:
            which = "smallest" if limit == "round_min_award" else "largest"
            raise ValueError(f"the form names {limit}, but the round context gives no {which} award")
        return amount
