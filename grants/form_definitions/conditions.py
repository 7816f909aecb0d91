"""What a definition asks, given the answers so far: which questions are shown (``show_if``), and
whether an answer to an eligibility question rules a group out.

Answers are keyed by question id: a string for most questions (``yes``/``no`` for yes_no, an option's
value for one_choice), a list of option values for several_choices, a number (int, Decimal or its
text) for the number types.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal, InvalidOperation

from grants.form_definitions.model import FormDefinition, Question, Threshold


def matches(answer: object, values: Collection[str]) -> bool:
    """Whether ``answer`` is one of ``values``; for a list of choices, whether any chosen one is."""
    if isinstance(answer, str):
        return answer in values
    if isinstance(answer, list | tuple | set | frozenset):
        return any(isinstance(chosen, str) and chosen in values for chosen in answer)
    return False


def visible_questions(definition: FormDefinition, answers: Mapping[str, object]) -> list[Question]:
    """The questions asked, in order: each without ``show_if``, and each whose controlling question is
    itself shown and has one of the condition's answers. A hidden question's answer shows nothing, so
    the questions that depend on it are hidden too. Answers to ids the form does not have are ignored."""
    shown: set[str] = set()
    visible = []
    for question in definition.questions():
        condition = question.show_if
        if condition is None or (condition.question in shown and matches(answers.get(condition.question),
                                                                          condition.values)):
            visible.append(question)
            shown.add(question.id)
    return visible


def is_ineligible(question: Question, answer: object,
                  round_values: Mapping[str, Decimal] | None = None) -> str | None:
    """The reason to show when ``answer`` meets the question's eligibility rule, or None when it does
    not (or the question has no rule, or no answer that can be compared).

    ``round_values`` gives the amounts a rule may name instead of a number (``round_min_award``,
    ``round_max_award``); a rule that names one not given raises ValueError.
    """
    rule = question.eligibility
    if rule is None or answer is None:
        return None
    if rule.values:
        return rule.reason if matches(answer, rule.values) else None
    number = _number(answer)
    if number is None:
        return None
    if rule.less_than is not None and number < _amount(rule.less_than, question, round_values):
        return rule.reason
    if rule.more_than is not None and number > _amount(rule.more_than, question, round_values):
        return rule.reason
    return None


def _number(answer: object) -> Decimal | None:
    if isinstance(answer, bool) or not isinstance(answer, int | str | Decimal):
        return None
    try:
        number = Decimal(answer.strip() if isinstance(answer, str) else answer)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _amount(threshold: Threshold, question: Question, round_values: Mapping[str, Decimal] | None) -> Decimal:
    if isinstance(threshold, int):
        return Decimal(threshold)
    try:
        return Decimal(threshold)
    except InvalidOperation:
        if round_values is not None and threshold in round_values:
            return round_values[threshold]
    raise ValueError(f"the eligibility rule of {question.id} compares the answer with {threshold}: "
                     "give the round's value in round_values")
