"""What a monitoring return reports against: the milestones, groups of people, budget lines and
outcomes of the award's application, read from its answers through the form it answers: the answers
to its (first) milestones, budget_lines, outcome_measures and drug_outcomes questions, and to its
question with the role beneficiary_groups, wherever the form puts them.

An application's answers no longer change once it is submitted, so a return's rows (and the
answers typed against them, kept by row number) stay in step with it.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from grants.extensions import db
from grants.form_definitions import FormDefinition, QuestionType, Role
from grants.interfaces.applications import questions
from grants.models.applications import Application
from grants.models.awards import Award
from grants.models.reference import DrugsOutcome
from grants.question_forms.answers import as_amount, as_date, as_rows
from grants.question_forms.context import BudgetLine, Milestone, Outcome, ReturnPlan
from grants.question_forms.rows import BUDGET_CATEGORIES

__all__ = ["ALL_PEOPLE", "ALL_SPENDING", "GENERAL_MILESTONE", "GENERAL_OUTCOME", "BudgetLine", "Milestone", "Outcome",
           "ReturnPlan", "application_budget", "plan_for"]


GENERAL_MILESTONE = Milestone("The activities of this period", None)
ALL_PEOPLE = ("all", "All the people your project reached")
ALL_SPENDING = BudgetLine("All spending on the project", None)
GENERAL_OUTCOME = Outcome("The difference your project is making", "")


def _filled(rows: object) -> list[dict]:
    return [dict(row) for row in as_rows(rows) if any(value not in (None, "") for value in row.values())]


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _groups(form: FormDefinition, answers: dict[str, object]) -> tuple[tuple[str, str], ...]:
    """(value, label) of the groups of people the application named, in the question's order."""
    question = form.by_role(Role.BENEFICIARY_GROUPS)
    if question is None:
        return ()
    chosen = answers.get(question.id)
    chosen = set(chosen) if isinstance(chosen, list) else set()
    return tuple((option.value, option.label) for option in question.options if option.value in chosen)


def application_budget(application: Application, answers: dict[str, object] | None = None) -> tuple[BudgetLine, ...]:
    """The application's budget lines as typed (empty when it has none), with the VAT of each where
    its round records VAT."""
    answers = questions.kept(application) if answers is None else answers
    categories = {str(choice.value): choice.label for choice in BUDGET_CATEGORIES if choice.value}
    vat = application.funding_round.vat_display.asked
    return tuple(
        BudgetLine(
            ": ".join(part for part in (categories.get(_text(row.get("category")), ""), _text(row.get("description")))
                      if part) or "Budget line",
            as_amount(row.get("amount")),
            (as_amount(row.get("vat")) or Decimal("0.00")) if vat else None,
            (row.get("vat_recoverable") == "yes") if vat else None,
        )
        for row in _filled(questions.of_type(application, QuestionType.BUDGET_LINES, answers))
    )


def plan_for(award: Award) -> ReturnPlan:
    application = award.application
    form = questions.definition(application)
    answers = questions.kept(application)

    def of_type(question_type: QuestionType) -> object:
        return questions.of_type(application, question_type, answers)

    milestones = tuple(Milestone(_text(row.get("description")) or "Milestone", as_date(row.get("due")))
                       for row in _filled(of_type(QuestionType.MILESTONES)))
    lines = application_budget(application, answers)
    outcomes = tuple(Outcome(_text(row.get("outcome")) or "Outcome", _text(row.get("measure")))
                     for row in _filled(of_type(QuestionType.OUTCOME_MEASURES)))
    codes = of_type(QuestionType.DRUG_OUTCOMES)
    codes = [code for code in codes if isinstance(code, str)] if isinstance(codes, list) else []
    named = db.session.scalars(select(DrugsOutcome).where(DrugsOutcome.code.in_(codes)).order_by(DrugsOutcome.position))
    drugs_outcomes = tuple((outcome.code, outcome.name) for outcome in named)
    return ReturnPlan(
        milestones=milestones or (GENERAL_MILESTONE,),
        groups=_groups(form, answers) or (ALL_PEOPLE,),
        budget_lines=lines or (ALL_SPENDING,),
        outcomes=outcomes or (() if drugs_outcomes else (GENERAL_OUTCOME,)),
        drugs_outcomes=drugs_outcomes,
    )
