"""How a question is named on its page and in its error messages, and the messages a definition need
not give: its own ``messages`` win, and otherwise these defaults, in the service's usual words.

- ``{name}`` is the question's ``name_for_errors``, or its label: "Project name must be 100 characters
  or fewer", "Summary must be 100 words or fewer", "Other funding must be £0 or more" (whole pounds
  when the limit is, otherwise with pence).
- An unanswered question asks for its answer: "Enter <name_for_errors>" (or "Select …" for a choice),
  or, with no name_for_errors, "Enter an answer to ‘<label>’".
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from grants.form_definitions.model import CHOICE_TYPES, Question, QuestionType
from grants.formatting import long_date, money

SELECTED_TYPES = CHOICE_TYPES | {
    QuestionType.YES_NO, QuestionType.PLAN_APPROACHES, QuestionType.ADDER_STRANDS, QuestionType.DRUG_OUTCOMES,
    QuestionType.AREAS_SERVED,
}
EMAIL_INVALID = "Enter an email address in the correct format, like name@example.com"
PHONE_INVALID = "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
POSTCODE_INVALID = "Enter a full UK postcode"
# The date limits that name another answer, as messages say them.
DATE_REFERENCES = {"project_start": "the project's start date", "project_end": "the project's end date"}


def name_of(question: Question) -> str:
    """How error messages name the answer: ``name_for_errors``, or else the label."""
    return question.name_for_errors or question.label


def label_of(question: Question) -> str:
    """The label as shown: an optional question's ends "(optional)"."""
    return question.label if question.required else f"{question.label} (optional)"


def lower_first(text: str) -> str:
    """"Project name" as the middle of a sentence says it: "project name"; "DBS checks" and "I…" kept."""
    first = text.split(" ", 1)[0]
    if first == "I" or (len(first) > 1 and first.isupper()):
        return text
    return text[:1].lower() + text[1:]


def given(question: Question, key: str, default: str) -> str:
    """The definition's message for ``key`` (required, invalid or a limit's name), else ``default``."""
    return question.messages.get(key) or default


def required_message(question: Question, default: str | None = None) -> str:
    """What an unanswered required question is told."""
    if default is None:
        if question.type is QuestionType.DECLARATION:
            default = f"Confirm ‘{question.label}’"
        else:
            subject = lower_first(question.name_for_errors) if question.name_for_errors else (
                f"an answer to ‘{question.label}’")
            default = f"{'Select' if question.type in SELECTED_TYPES else 'Enter'} {subject}"
    return given(question, "required", default)


def pounds(amount: Decimal) -> str:
    """£5,000 for a whole amount, £0.01 for one with pence."""
    return money(amount, pence=amount != amount.to_integral_value())


def counted(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def date_limit_default(name: str, limit: str, value: str | date) -> str:
    """"Start date must be the same as or after 1 April 2027" (GOV.UK's words for a date limit)."""
    when = DATE_REFERENCES[value] if isinstance(value, str) and value in DATE_REFERENCES else long_date(value)
    side = "after" if limit == "not_before" else "before"
    return f"{name} must be the same as or {side} {when}"
