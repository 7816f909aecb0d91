"""The answers a visitor gave to a round's eligibility check, kept so that they are given once.

They live in the browser's signed session (never the database: the check writes nothing), survive
signing in and registering (``carried`` and ``restore``, the registration link carrying them to
another browser), and fill in the organisation's type and income when it is set up.

Only the answers the round's settings are checked against are kept (the questions with eligibility
roles: docs/form-definitions.md), each None when the round's form does not ask it, with the ids of the
round's own questions that were answered the ineligible way: never the answers to those questions.
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
    """The answers read by role (None: not asked), and ``ruled_out``: the ids of the questions whose
    answer rules the organisation out on its own (its eligibility rule, or a type of organisation the
    service does not know)."""

    legal_type: LegalType | None
    in_area: bool | None
    annual_income: Decimal | None
    amount: Decimal | None
    ruled_out: tuple[str, ...] = ()


@dataclass(frozen=True)
class RememberedCheck:
    """The latest check in this browser: the round, the answers and whether they passed."""

    round_id: int
    answers: EligibilityAnswers
    eligible: bool


def remember(round_id: int, answers: EligibilityAnswers, eligible: bool) -> None:
    session[ANSWERS_KEY] = {
        "round": round_id,
        "legal_type": None if answers.legal_type is None else answers.legal_type.value,
        "in_area": answers.in_area,
        # Strings: the session is JSON, and pounds and pence stay exact.
        "annual_income": _text(answers.annual_income),
        "amount": _text(answers.amount),
        "ruled_out": list(answers.ruled_out),
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


def _text(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount)


def _amount(value) -> Decimal | None:
    if value is None:
        return None
    amount = Decimal(str(value))
    if not amount.is_finite():
        raise ValueError(value)
    return amount


def _ruled_out(value) -> tuple[str, ...]:
    """The ids kept (none in a session from before they were kept)."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(value)
    return tuple(value)


def _check_from(data, round_id: int | None = None) -> RememberedCheck | None:
    if not isinstance(data, dict):
        return None
    try:
        legal_type, in_area = data["legal_type"], data["in_area"]
        check = RememberedCheck(
            round_id=int(data["round"]),
            answers=EligibilityAnswers(
                legal_type=None if legal_type is None else LegalType(legal_type),
                in_area=None if in_area is None else bool(in_area),
                annual_income=_amount(data["annual_income"]),
                amount=_amount(data["amount"]),
                ruled_out=_ruled_out(data.get("ruled_out")),
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
