"""A form definition in words, for the staff who build forms: each type's name, which limits each type
takes (read from the published JSON Schema, so that the builder and import never disagree), a
question's limits and condition as sentences, and the engine's problems as sentences.

Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from grants.form_definitions import FormDefinition, Problem, Question, QuestionType, Role, schema
from grants.form_definitions.model import LIMIT_NAMES, MONITORING_ONLY_TYPES, LimitValue

# Each type's name and what its answer is, as the builder's radios show them.
TYPE_WORDS: Mapping[QuestionType, tuple[str, str]] = {
    QuestionType.SHORT_TEXT: ("Short text", "One line, such as a name"),
    QuestionType.LONG_TEXT: ("Long text", "Paragraphs, with a word limit"),
    QuestionType.WHOLE_NUMBER: ("Whole number", "A number with no decimals"),
    QuestionType.MONEY: ("Money", "Pounds and pence"),
    QuestionType.PERCENTAGE: ("Percentage", "From 0 to 100, up to 2 decimal places"),
    QuestionType.DATE: ("Date", "A day, month and year"),
    QuestionType.YES_NO: ("Yes or no", "The applicant chooses yes or no"),
    QuestionType.ONE_CHOICE: ("One choice from a list", "The applicant chooses one of the options you give"),
    QuestionType.SEVERAL_CHOICES: ("Several choices from a list",
                                   "The applicant chooses one or more of the options you give"),
    QuestionType.DECLARATION: ("Declaration", "A box the applicant must tick"),
    QuestionType.EMAIL: ("Email address", "Checked to be an email address"),
    QuestionType.PHONE: ("UK phone number", "Checked to be a UK phone number"),
    QuestionType.UK_ADDRESS: ("UK address", "Address lines, town and postcode"),
    QuestionType.FILE: ("File upload", "A document, checked by its content"),
    QuestionType.BUDGET_LINES: ("Budget lines",
                                "Rows of category, description and amount, adding up to the amount asked for"),
    QuestionType.MILESTONES: ("Milestones", "Rows of description and date, within the project's dates"),
    QuestionType.PLAN_APPROACHES: ("Plan approaches", "Chosen from the round's plan approaches"),
    QuestionType.ADDER_STRANDS: ("ADDER strands", "Chosen from the round's ADDER strands"),
    QuestionType.DRUG_OUTCOMES: ("Combating Drugs outcomes", "Chosen from the round's Combating Drugs outcomes"),
    QuestionType.OUTCOME_MEASURES: ("Outcomes and measures", "Rows of an outcome and how it will be measured"),
    QuestionType.AREAS_SERVED: ("Local authority areas served", "Chosen from the round's areas"),
    QuestionType.PEOPLE_REACHED: ("Number of people reached", "A whole number of people"),
    QuestionType.MILESTONE_PROGRESS: ("Progress on each milestone",
                                      "For each milestone of the application: its progress and what happened"),
    QuestionType.PEOPLE_BY_GROUP: ("People reached in each group",
                                   "For each group of people the application named: how many were reached"),
    QuestionType.SPEND_BY_BUDGET_LINE: ("Spend on each budget line",
                                        "For each budget line: the spend to date, in total at most the award"),
    QuestionType.OUTCOME_PROGRESS: ("Progress on each outcome", "For each outcome the application named: progress"),
}
STRUCTURED_TYPES = (QuestionType.BUDGET_LINES, QuestionType.MILESTONES, QuestionType.PLAN_APPROACHES,
                    QuestionType.ADDER_STRANDS, QuestionType.DRUG_OUTCOMES, QuestionType.OUTCOME_MEASURES,
                    QuestionType.AREAS_SERVED, QuestionType.PEOPLE_REACHED)
ROLE_WORDS: Mapping[Role, str] = {
    Role.PROJECT_TITLE: "the project's title",
    Role.PROJECT_SUMMARY: "the project's summary",
    Role.AMOUNT_REQUESTED: "the amount asked for",
    Role.PROJECT_COST: "the project's total cost",
    Role.PROJECT_START: "the project's start date",
    Role.PROJECT_END: "the project's end date",
    Role.OTHER_FUNDING: "the funding from other funders",
    Role.MATCH_FUNDING: "the organisation's own contribution",
    Role.BENEFICIARY_GROUPS: "the groups of people the project reaches",
    Role.ORGANISATION_TYPE: "the type of organisation, checked against the types the round funds",
    Role.IN_AREA: "whether the work is in the round's area",
    Role.ANNUAL_INCOME: "the organisation's annual income, checked against the round's income limit",
    Role.AMOUNT_SOUGHT: "the amount to ask for, checked against the round's smallest and largest award",
}
FILE_TYPE_WORDS = {"pdf": "PDF", "docx": "Word (.docx)", "xlsx": "Excel (.xlsx)", "odt": "OpenDocument text (.odt)",
                   "jpg": "JPEG image", "png": "PNG image"}
# What a limit may name instead of a value, in words.
NAMED_VALUES = {"round_min_award": "the round's smallest award", "round_max_award": "the round's largest award",
                "project_start": "the project's start date", "project_end": "the project's end date"}


def type_name(question_type: QuestionType | str) -> str:
    """'Long text', 'One choice from a list'."""
    return TYPE_WORDS[QuestionType(question_type)][0]


def types_for(monitoring: bool) -> list[QuestionType]:
    """The types a form may use, in the order the builder lists them: a monitoring return also has
    the monitoring types."""
    return [kind for kind in QuestionType if monitoring or kind not in MONITORING_ONLY_TYPES]


def joined(words: Sequence[str], conjunction: str = "or") -> str:
    """'a', 'a or b', 'a, b or c'."""
    if not words:
        return ""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


# Which limits each type takes, from the schema -------------------------------------------------------

def _limit_definition(branch: Mapping[str, Any]) -> Mapping[str, Any] | None:
    reference = branch.get("then", {}).get("properties", {}).get("limits", {}).get("$ref")
    if not isinstance(reference, str):
        return None
    definition: Mapping[str, Any] = schema()["$defs"][reference.rsplit("/", 1)[1]]
    return definition


def _branch_types(branch: Mapping[str, Any]) -> list[str]:
    test = branch.get("if", {}).get("properties", {}).get("type", {})
    return [test["const"]] if "const" in test else list(test.get("enum", []))


@cache
def _limits_by_type() -> Mapping[str, Mapping[str, Any]]:
    """Each type's limits definition in the schema (its properties, bounds and required limits)."""
    found: dict[str, Mapping[str, Any]] = {}
    for branch in schema()["$defs"]["question"]["allOf"]:
        definition = _limit_definition(branch)
        if definition is not None:
            found.update((name, definition) for name in _branch_types(branch))
    return found


@cache
def _needs_limits() -> frozenset[str]:
    """The types whose questions must have limits (long_text: its word limit)."""
    return frozenset(name for branch in schema()["$defs"]["question"]["allOf"]
                     if "limits" in branch.get("then", {}).get("required", []) for name in _branch_types(branch))


def limit_names(question_type: QuestionType | str) -> tuple[str, ...]:
    """The limits a question of this type takes, in the format's order."""
    properties = _limits_by_type().get(str(question_type), {}).get("properties", {})
    return tuple(name for name in LIMIT_NAMES if name in properties)


def required_limits(question_type: QuestionType | str) -> tuple[str, ...]:
    """The limits a question of this type must have (a long text's word limit)."""
    if str(question_type) not in _needs_limits():
        return ()
    return tuple(_limits_by_type().get(str(question_type), {}).get("required", ()))


def limit_bounds(question_type: QuestionType | str, name: str) -> tuple[int | None, int | None]:
    """The smallest and largest whole number the schema lets this limit be, for this type."""
    prop = _limits_by_type().get(str(question_type), {}).get("properties", {}).get(name, {})
    return prop.get("minimum"), prop.get("maximum")


def types_with_limit(name: str, monitoring: bool = True) -> list[QuestionType]:
    """The types that take the limit ``name``."""
    return [kind for kind in types_for(monitoring) if name in limit_names(kind)]


# A question in words ------------------------------------------------------------------------------

def _amount(question: Question, value: LimitValue) -> str:
    text = str(value)
    if text in NAMED_VALUES:
        return NAMED_VALUES[text]
    if question.type is QuestionType.MONEY:
        try:
            amount = Decimal(text)
        except InvalidOperation:
            return text
        return f"£{amount:,.2f}".removesuffix(".00")
    if question.type is QuestionType.PERCENTAGE:
        return f"{text}%"
    if question.type is QuestionType.DATE:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return text
        return f"{day.day} {day:%B %Y}"
    return f"{value:,}" if isinstance(value, int) else text


def _range(question: Question, low: str, high: str, noun: str = "") -> list[str]:
    limits = question.limits
    suffix = f" {noun}" if noun else ""
    if low in limits and high in limits:
        return [f"from {_amount(question, limits[low])} to {_amount(question, limits[high])}{suffix}"]
    if low in limits:
        return [f"at least {_amount(question, limits[low])}{suffix}"]
    if high in limits:
        return [f"at most {_amount(question, limits[high])}{suffix}"]
    return []


def limit_words(question: Question) -> list[str]:
    """The question's limits as phrases: 'at most 250 words', 'from £0.01 to the round's largest award'."""
    limits = question.limits
    words = []
    if "max_length" in limits:
        words.append(f"at most {_amount(question, limits['max_length'])} characters")
    if "max_words" in limits:
        words.append(f"at most {_amount(question, limits['max_words'])} words")
    words += _range(question, "min", "max")
    if "not_before" in limits:
        words.append(f"not before {_amount(question, limits['not_before'])}")
    if "not_after" in limits:
        words.append(f"not after {_amount(question, limits['not_after'])}")
    words += _range(question, "min_selected", "max_selected", "chosen")
    words += _range(question, "min_rows", "max_rows", "rows")
    file_types = limits.get("file_types")
    if isinstance(file_types, tuple):
        words.append(joined([FILE_TYPE_WORDS.get(name, name) for name in file_types]))
    if "max_mb" in limits:
        words.append(f"at most {limits['max_mb']} MB")
    return words


def answer_words(controlling: Question, values: Sequence[str]) -> str:
    """The answers of a yes_no or choice question as people read them: 'Yes', 'Children or Adults'."""
    labels = {option.value: option.label for option in controlling.options} | {"yes": "Yes", "no": "No"}
    return joined([labels.get(value, value) for value in values])


def condition_words(definition: FormDefinition, question: Question) -> str:
    """'Shown if “Will your project work with children…?” is Yes', or '' for a question always asked."""
    condition = question.show_if
    if condition is None:
        return ""
    try:
        controlling = definition.question(condition.question)
    except KeyError:
        return f"Shown if {condition.question} is {joined(list(condition.values))}"
    verb = "includes" if controlling.type is QuestionType.SEVERAL_CHOICES else "is"
    return f"Shown if “{controlling.label}” {verb} {answer_words(controlling, condition.values)}"


def eligibility_words(question: Question) -> str:
    """'Ineligible if the answer is No: <reason>', or '' for a question without a rule."""
    rule = question.eligibility
    if rule is None:
        return ""
    if rule.values:
        test = f"is {answer_words(question, rule.values)}"
    elif rule.less_than is not None:
        test = f"is less than {_amount(question, rule.less_than)}"
    else:
        test = f"is more than {_amount(question, rule.more_than or 0)}"
    return f"Ineligible if the answer {test}: {rule.reason}"


def refusal_words(definition: FormDefinition, question: Question) -> str:
    """'Refuses the answer No when “Will your project work with children…?” is Yes: <message>', or ''."""
    refusal = question.refuse
    if refusal is None:
        return ""
    words = f"Refuses the answer {answer_words(question, refusal.values)}"
    if refusal.when is not None:
        try:
            controlling = definition.question(refusal.when.question)
            verb = "includes" if controlling.type is QuestionType.SEVERAL_CHOICES else "is"
            words += f" when “{controlling.label}” {verb} {answer_words(controlling, refusal.when.values)}"
        except KeyError:
            words += f" when {refusal.when.question} is {joined(list(refusal.when.values))}"
    return f"{words}: {refusal.message}"


def question_summary(definition: FormDefinition, question: Question) -> list[str]:
    """The lines that describe a question on the builder's form page, after its label."""
    limits = limit_words(question)
    lines = [type_name(question.type) + (f": {', '.join(limits)}" if limits else "")]
    lines.append("Required" if question.required else "Optional")
    lines += [text for text in (condition_words(definition, question), refusal_words(definition, question),
                                eligibility_words(question)) if text]
    if question.role is not None:
        lines.append(f"Read by the service as {ROLE_WORDS[question.role]}")
    return lines


# The engine's problems in words ---------------------------------------------------------------------

def sentence(problem: Problem, this: str | None = None, field_names: Mapping[str, str] | None = None) -> str:
    """The engine's problem as a sentence that names what it is about.

    The engine writes a rule's message to follow the question's id ("dbs_checks: shown only if …"),
    and a schema problem's to name the part at fault ("max_words of question q must be …"). A problem
    of the question ``this`` (the one a page is about) is said of "this question"; ``field_names``
    gives the words for parts that the page names differently ({"max_words": "Most words"}).
    """
    message = problem.message
    for part, words in (field_names or {}).items():
        if this is not None and message.startswith(f"{part} of question {this}"):
            return words + message.removeprefix(f"{part} of question {this}")
    if this is not None and message.startswith(f"question {this} "):
        return "This question " + message.removeprefix(f"question {this} ")
    if "[" in problem.where or "." in problem.where or problem.where == "form":
        return message[:1].upper() + message[1:]
    subject = "This question" if problem.where == this else f"Question {problem.where}"
    if message.startswith("shown only if"):
        return f"{subject} is {message}"
    if message.startswith("its "):
        return f"I{message[1:]}" if problem.where == this else f"{subject}: {message}"
    if message.startswith(("has ", "is ")):
        return f"{subject} {message}"
    return f"{problem.where}: {message}"
