"""What a monitoring return reports against: the milestones, groups of people, budget lines and
outcomes of the award's application, read from its answers.

An application's answers no longer change once it is submitted, so a return's rows (and the
answers typed against them, kept by row number) stay in step with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from grants.application_form.forms import BENEFICIARY_GROUPS, BUDGET_CATEGORIES
from grants.application_form.sections import BY_KEY, typed_answers
from grants.extensions import db
from grants.models.applications import Application
from grants.models.awards import Award
from grants.models.reference import DrugsOutcome


@dataclass(frozen=True)
class Milestone:
    description: str
    due: date | None


@dataclass(frozen=True)
class BudgetLine:
    label: str
    budget: Decimal | None  # what the application asked for on this line


@dataclass(frozen=True)
class Outcome:
    text: str
    measure: str


@dataclass(frozen=True)
class ReturnPlan:
    """The rows of a return, each a tuple in the application's order (never empty: an application
    without a list gets one general row, so that the return still asks the question)."""

    milestones: tuple[Milestone, ...]
    groups: tuple[tuple[str, str], ...]  # (code, label) of the groups of people the project serves
    budget_lines: tuple[BudgetLine, ...]
    outcomes: tuple[Outcome, ...]  # the outcomes the applicant proposed
    drugs_outcomes: tuple[tuple[str, str], ...]  # (code, name) of the Combating Drugs outcomes named


GENERAL_MILESTONE = Milestone("The activities of this period", None)
ALL_PEOPLE = ("all", "All the people your project reached")
ALL_SPENDING = BudgetLine("All spending on the project", None)
GENERAL_OUTCOME = Outcome("The difference your project is making", "")


def _answers(application: Application, key: str) -> dict:
    return typed_answers(application, BY_KEY[key]) or {}


def _filled(rows) -> list[dict]:
    return [row for row in rows or [] if any(value not in (None, "") for value in row.values())]


def plan_for(award: Award) -> ReturnPlan:
    application = award.application
    milestones = tuple(
        Milestone(row["description"] or "Milestone", row.get("due"))
        for row in _filled(_answers(application, "delivery").get("milestones"))
    )
    chosen = set(_answers(application, "beneficiaries").get("groups") or [])
    groups = tuple((str(choice.value), choice.label) for choice in BENEFICIARY_GROUPS if choice.value in chosen)
    categories = {str(choice.value): choice.label for choice in BUDGET_CATEGORIES if choice.value}
    lines = tuple(
        BudgetLine(
            ": ".join(part for part in (categories.get(row.get("category") or ""), row.get("description")) if part)
            or "Budget line",
            row.get("amount"),
        )
        for row in _filled(_answers(application, "budget").get("lines"))
    )
    outcomes = tuple(
        Outcome(row.get("outcome") or "Outcome", row.get("measure") or "")
        for row in _filled(_answers(application, "outcomes").get("outcomes"))
    )
    codes = _answers(application, "priorities").get("outcomes") or []
    named = db.session.scalars(select(DrugsOutcome).where(DrugsOutcome.code.in_(codes)).order_by(DrugsOutcome.position))
    drugs_outcomes = tuple((outcome.code, outcome.name) for outcome in named)
    return ReturnPlan(
        milestones=milestones or (GENERAL_MILESTONE,),
        groups=groups or (ALL_PEOPLE,),
        budget_lines=lines or (ALL_SPENDING,),
        outcomes=outcomes or (() if drugs_outcomes else (GENERAL_OUTCOME,)),
        drugs_outcomes=drugs_outcomes,
    )
