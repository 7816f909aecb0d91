"""The answers a visitor gave to a round's eligibility check, kept so that they are given once.

They live in the browser's signed session (never the database: the check writes nothing), survive
signing in and registering (``carried`` and ``restore``, the registration link carrying them to
another browser), and fill in the organisation's type and income when it is set up.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask import session

from grants.models.organisations import LegalType

ANSWERS_KEY = "eligibility"
# The rounds this browser was found eligible for: starting an application needs the round here.
ELIGIBLE_ROUNDS_KEY = "eligible_rounds"


@dataclass(frozen=True)
class EligibilityAnswers:
    legal_type: LegalType
    in_area: bool
    annual_income: Decimal
    amount: Decimal


@dataclass(frozen=True)
class RememberedCheck:
    """The latest check in this browser: the round, the answers and whether they passed."""

    round_id: int
    answers: EligibilityAnswers
    eligible: bool


def remember(round_id: int, answers: EligibilityAnswers, eligible: bool) -> None:
    session[ANSWERS_KEY] = {
        "round": round_id,
        "legal_type": answers.legal_type.value,
        "in_area": answers.in_area,
        # Strings: the session is JSON, and pounds and pence stay exact.
        "annual_income": str(answers.annual_income),
        "amount": str(answers.amount),
        "eligible": eligible,
    }
    others = [rid for rid in eligible_rounds() if rid != round_id]
    session[ELIGIBLE_ROUNDS_KEY] = [*others, round_id] if eligible else others


def eligible_rounds() -> list[int]:
    rounds = session.get(ELIGIBLE_ROUNDS_KEY)
    return [rid for rid in rounds if isinstance(rid, int)] if isinstance(rounds, list) else []


def remembered(round_id: int | None = None) -> RememberedCheck | None:
    """The latest check's answers (for ``round_id`` only, if given), or None."""
    return _check_from(session.get(ANSWERS_KEY), round_id)


def _check_from(data, round_id: int | None = None) -> RememberedCheck | None:
    if not isinstance(data, dict):
        return None
    try:
        check = RememberedCheck(
            round_id=int(data["round"]),
            answers=EligibilityAnswers(
                legal_type=LegalType(data["legal_type"]),
                in_area=bool(data["in_area"]),
                annual_income=Decimal(str(data["annual_income"])),
                amount=Decimal(str(data["amount"])),
            ),
            eligible=bool(data["eligible"]),
        )
    except (KeyError, TypeError, ValueError, InvalidOperation):
        return None
    if round_id is not None and check.round_id != round_id:
        return None
    return check


def carried() -> dict:
    """What to keep of the session when it is cleared at sign-in, or to put in a registration link."""
    values = {}
    if remembered() is not None:
        values[ANSWERS_KEY] = session[ANSWERS_KEY]
    if eligible_rounds():
        values[ELIGIBLE_ROUNDS_KEY] = eligible_rounds()
    return values


def restore(values) -> None:
    """Put back what ``carried`` gave, unless this browser has answers of its own already."""
    if not isinstance(values, dict) or remembered() is not None:
        return
    if _check_from(values.get(ANSWERS_KEY)) is not None:
        session[ANSWERS_KEY] = values[ANSWERS_KEY]
    rounds = values.get(ELIGIBLE_ROUNDS_KEY)
    if isinstance(rounds, list):
        session[ELIGIBLE_ROUNDS_KEY] = [rid for rid in rounds if isinstance(rid, int)]
