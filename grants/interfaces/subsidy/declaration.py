"""The subsidy-control section of an application: whether the project is economic activity and, if
so, the minimal financial assistance (MFA) and SPEI assistance the organisation has had in the current
financial year and the two before it (Subsidy Control Act 2022, sections 36 and 37).

The answers are kept in an ``ApplicationSection`` under ``SECTION_KEY``, as typed (``typed``) so that
nothing is lost, and, once valid, as a clean declaration (``declared``: ISO dates, amounts as text)
that the ledger takes on submission. The form checks what was typed; ``window_problems`` checks the
declaration again at submission, since the window moves on each 1 April.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from grants import audit
from grants.formatting import london_today, long_date
from grants.models.accounts import User
from grants.models.applications import Application, ApplicationSection
from grants.models.organisations import LegalType
from grants.models.subsidy import AssistanceKind
from grants.models.types import utcnow

SECTION_KEY = "subsidy_control"
TITLE = "Subsidy control"
# Charities may trade too (selling goods or services, charging, contracts): they answer like any other
# body that may carry on economic activity, and a purely charitable project answers "No".
CHARITIES = frozenset({LegalType.REGISTERED_CHARITY, LegalType.CIO})
# Bodies that may carry on economic activity, all of which must answer. An unincorporated group, a
# faith group or a statutory body is not asked.
MUST_ANSWER = CHARITIES | {LegalType.CIC, LegalType.COMPANY_LIMITED_BY_GUARANTEE, LegalType.SOCIAL_ENTERPRISE}
# Rows of assistance on the page ("Add another" stops here): more would be a list better sent as a document.
MAX_AMOUNTS = 20
# The financial year starts on 1 April (UK public sector).
FINANCIAL_YEAR_START_MONTH = 4


@dataclass(frozen=True)
class DeclaredAmount:
    giver: str
    given_on: date
    amount: Decimal
    kind: AssistanceKind


@dataclass(frozen=True)
class Declaration:
    economic: bool
    amounts: tuple[DeclaredAmount, ...]


# A "No": the project is not economic activity, and no amounts are asked for.
NOT_ECONOMIC = Declaration(economic=False, amounts=())


# The window: the current financial year and the two before it ------------------------------------

def financial_year_start(day: date) -> date:
    """1 April of the financial year ``day`` falls in."""
    year = day.year if day.month >= FINANCIAL_YEAR_START_MONTH else day.year - 1
    return date(year, FINANCIAL_YEAR_START_MONTH, 1)


def window_start(day: date) -> date:
    """The first day of the period section 36 counts on ``day``: 1 April two financial years before
    the current one (the window ends on ``day`` itself: only the elapsed part of this year counts)."""
    start = financial_year_start(day)
    return start.replace(year=start.year - 2)


def window_text(day: date) -> str:
    return f"{long_date(window_start(day))} to {long_date(day)}"


# Who answers -------------------------------------------------------------------------------------

def applies(application: Application) -> bool:
    """Whether the application has the section at all: a full application from a body that may
    carry on economic activity (an expression of interest is too short to ask)."""
    return (not application.is_expression_of_interest
            and application.organisation.legal_type in MUST_ANSWER)


def required(application: Application) -> bool:
    """Whether it must be completed before submission: whenever the application has it (a charity
    whose project is purely charitable says so with "No", and is asked no amounts)."""
    return applies(application)


def is_charity(application: Application) -> bool:
    """Whether the page explains what trading means for a charity."""
    return application.organisation.legal_type in CHARITIES


def record(application: Application) -> ApplicationSection | None:
    return application.section(SECTION_KEY)


def typed(application: Application) -> dict:
    section = record(application)
    return dict((section.answers or {}).get("typed", {})) if section is not None else {}


def status(application: Application) -> str | None:
    """"Completed", "In progress" or "Not yet started"; None when the application has no such task."""
    if not applies(application):
        return None
    section = record(application)
    if section is None:
        return "Not yet started"
    return "Completed" if section.complete else "In progress"


def declaration(application: Application) -> Declaration | None:
    """The clean declaration of a completed section; None when it has none."""
    section = record(application)
    if section is None or not section.complete or not applies(application):
        return None
    declared = (section.answers or {}).get("declared")
    if not declared:
        return None
    return Declaration(
        economic=bool(declared["economic"]),
        amounts=tuple(
            DeclaredAmount(row["giver"], date.fromisoformat(row["given_on"]), Decimal(row["amount"]),
                           AssistanceKind(row["kind"]))
            for row in declared.get("amounts", ())
        ),
    )


def is_economic(application: Application) -> bool:
    declared = declaration(application)
    return declared is not None and declared.economic


# Checks ------------------------------------------------------------------------------------------

def date_problem(given_on: date, today: date, number: int) -> str | None:
    """Why a date of assistance is outside the window, if it is."""
    if given_on > today:
        return f"Date of assistance {number} must be today or in the past"
    if given_on < window_start(today):
        return (f"Date of assistance {number} must be on or after {long_date(window_start(today))}: "
                "list only what you had in this financial year and the two before it")
    return None


def window_problems(application: Application, today: date | None = None) -> list[str]:
    """Why the section stops submission now; empty when it does not."""
    if not applies(application):
        return []
    section = record(application)
    if section is None or not section.complete:
        return [f"Complete the section ‘{TITLE}’"]
    declared = declaration(application)
    today = today or london_today()
    if declared is None:
        return [f"Complete the section ‘{TITLE}’"]
    if any(date_problem(row.given_on, today, number) for number, row in enumerate(declared.amounts, start=1)):
        return [f"Check your answers in ‘{TITLE}’: a date of assistance is no longer in the period asked about"]
    return []


# Saving ------------------------------------------------------------------------------------------

def stored_answers(typed_answers: dict, declared: Declaration | None) -> dict:
    """The section's answers as kept: what was typed and, once valid, the clean declaration."""
    answers: dict = {"typed": typed_answers}
    if declared is not None:
        answers["declared"] = {
            "economic": declared.economic,
            "amounts": [{"giver": row.giver, "given_on": row.given_on.isoformat(), "amount": str(row.amount),
                         "kind": row.kind.value} for row in declared.amounts],
        }
    return answers


def save(application: Application, typed_answers: dict, declared: Declaration | None, user: User) -> None:
    """Keep what was typed; with a valid ``declared``, the section is complete."""
    section = record(application)
    before = section.complete if section is not None else None
    if section is None:
        section = ApplicationSection(key=SECTION_KEY, answers={}, complete=False)
        application.sections.append(section)
    section.answers = stored_answers(typed_answers, declared)
    section.complete = declared is not None
    section.updated_by_id = user.id
    section.updated_at = utcnow()
    audit.record("application.section_saved", application,
                 f"{TITLE} saved ({'complete' if section.complete else 'in progress'})",
                 changes=audit.diff({f"{SECTION_KEY}.complete": before}, {f"{SECTION_KEY}.complete": section.complete}))


def total(declared: Declaration) -> Decimal:
    return sum((row.amount for row in declared.amounts), Decimal("0.00"))
