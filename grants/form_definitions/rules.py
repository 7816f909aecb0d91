"""The rules a definition must keep beyond its JSON Schema (docs/form-definitions.md, "What import
refuses"): ids used once, conditions on earlier questions and their real answers, refusals of real
answers on the forms and types that have them, roles, limits that can be met, eligibility rules on
eligibility forms only. ``rule_problems`` finds every broken rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from grants.form_definitions.model import (
    ANSWER_LIST_TYPES,
    APPLICATION_ROLES,
    CHOICE_TYPES,
    ELIGIBILITY_ROLES,
    MONITORING_ONLY_TYPES,
    NUMBER_TYPES,
    ROLE_TYPES,
    WHOLE_NUMBER_TYPES,
    YES_NO_ANSWERS,
    Condition,
    FormDefinition,
    Kind,
    LimitValue,
    Problem,
    Question,
    QuestionType,
    Role,
    Threshold,
    a_or_an,
)

ORDERED_LIMITS = (("min", "max"), ("min_selected", "max_selected"), ("min_rows", "max_rows"))
ROUND_AMOUNTS = ("round_min_award", "round_max_award")
DATE_ROLES = {"project_start": Role.PROJECT_START, "project_end": Role.PROJECT_END}


# Names a section's page already uses for itself, which no question id may take: the web form's own
# attributes and methods, its hidden fields (the CSRF token, the one-time form key) and the buttons
# (``action…``), whose values are never kept as answers. tests/question_forms keeps this in step with
# the names the form builder really uses.
RESERVED_QUESTION_IDS = frozenset({
    "csrf_token", "data", "errors", "form_errors", "form_key", "hidden_tag", "is_submitted", "meta",
    "on_submit", "populate_obj", "post_process", "process", "validate", "validate_on_submit",
})


def _reserved_id_problems(question: Question) -> list[str]:
    if question.id in RESERVED_QUESTION_IDS or question.id.startswith("action"):
        return [f"{question.id} is a name the application's pages use for themselves; choose another id"]
    return []


def rule_problems(definition: FormDefinition) -> list[Problem]:
    """Every rule ``definition`` breaks, question by question in order, then the form's own."""
    problems = _duplicate_ids(definition)
    questions = definition.questions()
    everything = {question.id: question for question in reversed(questions)}  # the first of a repeated id
    earlier: dict[str, Question] = {}
    roles: dict[Role, Question] = {}
    for question in questions:
        found = [
            *_reserved_id_problems(question),
            *_option_problems(question),
            *_condition_problems(question, earlier, everything),
            *_refusal_problems(question, definition.kind, earlier, everything),
            *_limit_problems(question),
            *_eligibility_problems(question, definition.kind),
            *_type_problems(question, definition),
            *_role_problems(question, roles, definition.kind),
        ]
        problems += [Problem(question.id, message) for message in found]
        earlier.setdefault(question.id, question)
    if definition.kind is Kind.APPLICATION:
        problems += [
            Problem("form", f"an application form needs a {ROLE_TYPES[role]} question with the role {role}")
            for role in APPLICATION_ROLES if role not in roles
        ]
    return problems


def answers_of(question: Question) -> tuple[str, ...]:
    """The answers a condition or an eligibility rule can name: yes and no, or the option values."""
    if question.type is QuestionType.YES_NO:
        return YES_NO_ANSWERS
    return tuple(option.value for option in question.options)


def _joined(words: Sequence[str], conjunction: str = "or") -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def _counted(count: int, noun: str) -> str:
    return f"a {noun}" if count == 1 else f"{count} {noun}s"


def _duplicate_ids(definition: FormDefinition) -> list[Problem]:
    sections = Counter(section.id for section in definition.sections)
    questions = Counter(question.id for question in definition.questions())
    problems = []
    for given in dict.fromkeys([*sections, *questions]):
        if sections[given] + questions[given] > 1:
            holders = [_counted(count, noun) for count, noun in ((sections[given], "section"),
                                                                  (questions[given], "question")) if count]
            problems.append(Problem(given, f"{' and '.join(holders)} have this id; give each section and "
                                           "question its own id"))
    return problems


def _option_problems(question: Question) -> list[str]:
    counts = Counter(option.value for option in question.options)
    return [f"has the option value {value} more than once; give each option its own value"
            for value, count in counts.items() if count > 1]


def _condition_problems(question: Question, earlier: Mapping[str, Question],
                        everything: Mapping[str, Question]) -> list[str]:
    if question.show_if is None:
        return []
    return _dependency_problems(question, question.show_if, earlier, everything, "shown only if", "a question")


def _dependency_problems(question: Question, condition: Condition, earlier: Mapping[str, Question],
                         everything: Mapping[str, Question], lead: str, dependent: str) -> list[str]:
    """What is wrong with ``condition`` on another answer (a ``show_if``, a refusal's ``when``): it
    must name an earlier yes_no or choice question, and answers that question can have. ``lead`` starts
    each message ("shown only if"); ``dependent`` is what depends on the answer ("a question")."""
    other = condition.question
    if other == question.id:
        earlier_one = "an earlier one" if dependent == "a question" else "an earlier question"
        return [f"{lead} {other}, which is this question itself; {dependent} can depend only on {earlier_one}"]
    if other not in everything:
        return [f"{lead} {other}, which is not a question in this form"]
    if other not in earlier:
        return [f"{lead} {other}, which comes after it"]
    controlling = earlier[other]
    if controlling.type not in ANSWER_LIST_TYPES:
        return [f"{lead} {other}, {a_or_an(controlling.type)} question; {dependent} can depend only on a yes_no, "
                "one_choice or several_choices question"]
    answers = answers_of(controlling)
    return [f"{lead} {other} is {value}, which is not one of its answers ({_joined(answers)})"
            for value in condition.values if value not in answers]


def _refusal_problems(question: Question, kind: Kind, earlier: Mapping[str, Question],
                      everything: Mapping[str, Question]) -> list[str]:
    refusal = question.refuse
    if refusal is None:
        return []
    if kind is Kind.ELIGIBILITY:
        return ["has a refuse rule, which an eligibility form does not have: an eligibility form rules a group "
                "out with an eligibility rule (ineligible_if) instead"]
    if question.type not in ANSWER_LIST_TYPES:
        return [f"has a refuse rule, but {a_or_an(question.type)} answer is not one of a list; refuse is for yes_no, "
                "one_choice and several_choices questions"]
    answers = answers_of(question)
    problems = [f"its refuse rule names {value}, which is not one of its answers ({_joined(answers)})"
                for value in refusal.values if value not in answers]
    if refusal.when is not None:
        problems += _dependency_problems(question, refusal.when, earlier, everything,
                                         "its refuse rule applies only if", "a refuse rule")
    elif set(answers) <= set(refusal.values):  # always, with no condition: a rule no answer can meet
        problems.append(f"its refuse rule refuses every one of its answers ({_joined(answers, 'and')}), so no "
                        "answer can be given")
    return problems


def _limit_problems(question: Question) -> list[str]:
    limits = question.limits
    problems = []
    for low, high in ORDERED_LIMITS:
        least, most = _number(limits.get(low)), _number(limits.get(high))
        if least is not None and most is not None and least > most:
            problems.append(f"its {low} ({limits[low]}) is above its {high} ({limits[high]}), so no answer "
                            "can meet both")
    least_selected = _number(limits.get("min_selected"))
    if question.type in CHOICE_TYPES and least_selected is not None and least_selected > len(question.options):
        problems.append(f"its min_selected ({limits['min_selected']}) is more than its {len(question.options)} "
                        "options, so no answer can meet it")
    return problems + _date_limit_problems(limits)


def _date_limit_problems(limits: Mapping[str, LimitValue]) -> list[str]:
    days: dict[str, date] = {}
    problems = []
    for key in ("not_before", "not_after"):
        value = limits.get(key)
        if isinstance(value, str) and value not in DATE_ROLES:
            try:
                days[key] = date.fromisoformat(value)
            except ValueError:
                problems.append(f"its {key} ({value}) is not a real date")
    if len(days) == 2 and days["not_before"] > days["not_after"]:
        problems.append(f"its not_before ({limits['not_before']}) is after its not_after ({limits['not_after']}), "
                        "so no date can meet both")
    return problems


def _number(value: LimitValue | None) -> Decimal | None:
    """A limit as a number, or None when it is missing or names something else (round_max_award)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def _eligibility_problems(question: Question, kind: Kind) -> list[str]:
    rule = question.eligibility
    if rule is None:
        return []
    if kind is not Kind.ELIGIBILITY:
        return [f"has an eligibility rule, but only eligibility forms have them; this is {kind.in_sentence}"]
    if rule.values:
        if question.type not in ANSWER_LIST_TYPES:
            return [f"is ineligible if its answer is {_joined(rule.values)}, but {a_or_an(question.type)} answer is "
                    "not one of a list; equals and any_of are for yes_no, one_choice and several_choices questions"]
        answers = answers_of(question)
        return [f"is ineligible if its answer is {value}, which is not one of its answers ({_joined(answers)})"
                for value in rule.values if value not in answers]
    problems = []
    for test, threshold in (("less_than", rule.less_than), ("more_than", rule.more_than)):
        if threshold is not None:
            problems += _threshold_problems(question, test, threshold)
    return problems


def _threshold_problems(question: Question, test: str, threshold: Threshold) -> list[str]:
    if question.type not in NUMBER_TYPES:
        return [f"is ineligible if its answer is {test.replace('_', ' ')} {threshold}, but a {question.type} "
                "answer is not a number; less_than and more_than are for whole_number, money, percentage and "
                "people_reached questions"]
    if question.type in WHOLE_NUMBER_TYPES and not isinstance(threshold, int):
        return [f"its eligibility test {test} must be a whole number such as 5, not \"{threshold}\""]
    if question.type not in WHOLE_NUMBER_TYPES and isinstance(threshold, int):
        return [f"its eligibility test {test} must be written as text, such as \"{threshold}\", for a "
                f"{question.type} question"]
    if threshold in ROUND_AMOUNTS and question.type is not QuestionType.MONEY:
        return [f"its eligibility test {test} is {threshold}, which only a money question can use"]
    return []


def _type_problems(question: Question, definition: FormDefinition) -> list[str]:
    kind = definition.kind
    problems = []
    if question.type is QuestionType.DECLARATION and not question.required:
        problems.append("is a declaration, so it must be required: a declaration is a box the applicant must tick")
    if question.type in MONITORING_ONLY_TYPES and kind is not Kind.MONITORING:
        problems.append(f"is {a_or_an(question.type)} question, which only a monitoring form can have; this is "
                        f"{kind.in_sentence}")
    if kind is not Kind.MONITORING:  # a monitoring return reads these from the award's application
        problems += _missing_role_problems(question, definition)
    return problems


def _missing_role_problems(question: Question, definition: FormDefinition) -> list[str]:
    needed: dict[Role, str] = {}
    if question.type is QuestionType.BUDGET_LINES:
        needed[Role.AMOUNT_REQUESTED] = "its lines must add up to the amount asked for"
    if question.type is QuestionType.MILESTONES:
        needed[Role.PROJECT_START] = needed[Role.PROJECT_END] = "its dates must fall within the project"
    for key in ("not_before", "not_after"):
        value = question.limits.get(key)
        if isinstance(value, str) and value in DATE_ROLES:
            needed.setdefault(DATE_ROLES[value], f"its {key} is {value}")
    return [f"{why}, but no question has the role {role}" for role, why in needed.items()
            if definition.by_role(role) is None]


def _role_problems(question: Question, roles: dict[Role, Question], kind: Kind) -> list[str]:
    role = question.role
    if role is None:
        return []
    problems = []
    if role in ELIGIBILITY_ROLES and kind is not Kind.ELIGIBILITY:
        problems.append(f"has the role {role}, which only an eligibility form can have; this is {kind.in_sentence}")
    if question.type is not ROLE_TYPES[role]:
        problems.append(f"has the role {role}, which needs a {ROLE_TYPES[role]} question, "
                        f"not {a_or_an(question.type)} one")
    if role in roles:
        problems.append(f"has the role {role}, which {roles[role].id} has already; a role can be used once in a form")
    roles.setdefault(role, question)
    return problems
