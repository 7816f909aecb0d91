"""What a form definition is: its kinds, question types and roles, and the frozen values that hold a
loaded definition (sections, questions, options, conditions, refusals, eligibility rules).

A definition is built by ``load`` (which checks it); building these values by hand checks nothing.
Limits and eligibility thresholds keep the JSON's own values: whole numbers as ``int``; money,
percentages and dates as strings ("5000.00", "12.5", "2025-04-01", "round_max_award", "project_start").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

FORMAT = "pcc-grants-form/1"


def a_or_an(word: str) -> str:
    """'an email', 'a one_choice', 'a uk_address': a type or a kind as a sentence names it."""
    vowel = word[:1] in ("a", "e", "i", "o") and not word.startswith("one")
    return f"{'an' if vowel else 'a'} {word}"


class Kind(StrEnum):
    APPLICATION = "application"
    ELIGIBILITY = "eligibility"
    MONITORING = "monitoring"
    EXPRESSION_OF_INTEREST = "expression_of_interest"

    @property
    def in_sentence(self) -> str:
        """'an application form', 'a monitoring form', for messages."""
        return f"{a_or_an(self.value.replace('_', ' '))} form"


class QuestionType(StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    WHOLE_NUMBER = "whole_number"
    MONEY = "money"
    PERCENTAGE = "percentage"
    DATE = "date"
    YES_NO = "yes_no"
    ONE_CHOICE = "one_choice"
    SEVERAL_CHOICES = "several_choices"
    DECLARATION = "declaration"
    EMAIL = "email"
    PHONE = "phone"
    UK_ADDRESS = "uk_address"
    FILE = "file"
    # structured: the service reads these wherever a form places them
    BUDGET_LINES = "budget_lines"
    MILESTONES = "milestones"
    PLAN_APPROACHES = "plan_approaches"
    ADDER_STRANDS = "adder_strands"
    DRUG_OUTCOMES = "drug_outcomes"
    OUTCOME_MEASURES = "outcome_measures"
    AREAS_SERVED = "areas_served"
    PEOPLE_REACHED = "people_reached"
    # monitoring returns only: one answer per item of the award's application
    MILESTONE_PROGRESS = "milestone_progress"
    PEOPLE_BY_GROUP = "people_by_group"
    SPEND_BY_BUDGET_LINE = "spend_by_budget_line"
    OUTCOME_PROGRESS = "outcome_progress"


class Role(StrEnum):
    PROJECT_TITLE = "project_title"
    PROJECT_SUMMARY = "project_summary"
    AMOUNT_REQUESTED = "amount_requested"
    PROJECT_COST = "project_cost"
    PROJECT_START = "project_start"
    PROJECT_END = "project_end"
    OTHER_FUNDING = "other_funding"
    MATCH_FUNDING = "match_funding"
    BENEFICIARY_GROUPS = "beneficiary_groups"
    # eligibility forms only: the answers the eligibility check compares with the round's own settings
    ORGANISATION_TYPE = "organisation_type"
    IN_AREA = "in_area"
    ANNUAL_INCOME = "annual_income"
    AMOUNT_SOUGHT = "amount_sought"


CHOICE_TYPES = frozenset({QuestionType.ONE_CHOICE, QuestionType.SEVERAL_CHOICES})
# Questions whose answers are one of a known list, so a condition or an eligibility rule can name them.
ANSWER_LIST_TYPES = CHOICE_TYPES | {QuestionType.YES_NO}
NUMBER_TYPES = frozenset({QuestionType.WHOLE_NUMBER, QuestionType.MONEY, QuestionType.PERCENTAGE,
                          QuestionType.PEOPLE_REACHED})
WHOLE_NUMBER_TYPES = frozenset({QuestionType.WHOLE_NUMBER, QuestionType.PEOPLE_REACHED})
MONITORING_ONLY_TYPES = frozenset({QuestionType.MILESTONE_PROGRESS, QuestionType.PEOPLE_BY_GROUP,
                                   QuestionType.SPEND_BY_BUDGET_LINE, QuestionType.OUTCOME_PROGRESS})
YES_NO_ANSWERS = ("yes", "no")

ROLE_TYPES: Mapping[Role, QuestionType] = MappingProxyType({
    Role.PROJECT_TITLE: QuestionType.SHORT_TEXT,
    Role.PROJECT_SUMMARY: QuestionType.LONG_TEXT,
    Role.AMOUNT_REQUESTED: QuestionType.MONEY,
    Role.PROJECT_COST: QuestionType.MONEY,
    Role.PROJECT_START: QuestionType.DATE,
    Role.PROJECT_END: QuestionType.DATE,
    Role.OTHER_FUNDING: QuestionType.MONEY,
    Role.MATCH_FUNDING: QuestionType.MONEY,
    Role.BENEFICIARY_GROUPS: QuestionType.SEVERAL_CHOICES,
    Role.ORGANISATION_TYPE: QuestionType.ONE_CHOICE,
    Role.IN_AREA: QuestionType.YES_NO,
    Role.ANNUAL_INCOME: QuestionType.MONEY,
    Role.AMOUNT_SOUGHT: QuestionType.MONEY,
})
APPLICATION_ROLES = (Role.PROJECT_TITLE, Role.AMOUNT_REQUESTED, Role.PROJECT_START, Role.PROJECT_END)
# The roles only an eligibility form has: the check reads these answers against the round's settings
# (the types of organisation it funds, its area, the largest annual income, the smallest and largest award).
ELIGIBILITY_ROLES = (Role.ORGANISATION_TYPE, Role.IN_AREA, Role.ANNUAL_INCOME, Role.AMOUNT_SOUGHT)

# Every limit's name, in the order the spec lists them (and ``dump`` writes them).
LIMIT_NAMES = ("max_length", "max_words", "min", "max", "not_before", "not_after", "min_selected",
               "max_selected", "file_types", "max_mb", "min_rows", "max_rows")
# The keys of ``messages``: unanswered, not understood (not a number, a date, an email address…), or
# a limit's own message in place of its default.
MESSAGE_KEYS = ("required", "invalid", *LIMIT_NAMES)

LimitValue = int | str | tuple[str, ...]
Threshold = int | str


def _no_entries() -> Mapping[str, str]:
    return MappingProxyType({})


def _no_limits() -> Mapping[str, LimitValue]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Option:
    """One answer of a choice question: ``value`` is what is stored, ``label`` what people read."""

    value: str
    label: str
    hint: str = ""


@dataclass(frozen=True)
class Condition:
    """Ask a question only when an earlier ``question``'s answer is one of ``values`` (one for
    ``equals``, several for ``any_of``)."""

    question: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Refusal:
    """An answer the question does not take: one among ``values`` (``equals``/``any_of``; for several
    choices, any chosen value among them), refused with ``message``; with ``when``, only while that
    condition on an earlier answer holds."""

    message: str
    values: tuple[str, ...]
    when: Condition | None = None


@dataclass(frozen=True)
class EligibilityRule:
    """The answer that makes a group ineligible, and the ``reason`` it is shown: an answer among
    ``values`` (``equals``/``any_of``), or a number below ``less_than`` or above ``more_than``."""

    reason: str
    values: tuple[str, ...] = ()
    less_than: Threshold | None = None
    more_than: Threshold | None = None


@dataclass(frozen=True)
class Question:
    id: str
    type: QuestionType
    label: str
    hint: str = ""
    guidance: str = ""
    required: bool = True
    name_for_errors: str = ""
    messages: Mapping[str, str] = field(default_factory=_no_entries, hash=False)
    limits: Mapping[str, LimitValue] = field(default_factory=_no_limits, hash=False)
    options: tuple[Option, ...] = ()
    show_if: Condition | None = None
    role: Role | None = None
    refuse: Refusal | None = None
    eligibility: EligibilityRule | None = None


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    description: str = ""
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True)
class FormDefinition:
    kind: Kind
    title: str
    sections: tuple[Section, ...]

    def questions(self) -> list[Question]:
        """Every question, section by section, in order."""
        return [question for section in self.sections for question in section.questions]

    def question(self, question_id: str) -> Question:
        """The question with this id; KeyError if there is none."""
        for question in self.questions():
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def by_role(self, role: Role) -> Question | None:
        """The question the service reads as ``role``, or None if the form has none."""
        return next((question for question in self.questions() if question.role == role), None)

    def section_of(self, question_id: str) -> Section:
        """The section that holds the question; KeyError if there is none."""
        for section in self.sections:
            if any(question.id == question_id for question in section.questions):
                return section
        raise KeyError(question_id)


@dataclass(frozen=True)
class Problem:
    """One reason a document is refused: ``where`` is "form", a section's or a question's id, or (for
    a document not in this format) the JSON path of the part at fault, such as
    ``sections[0].questions[2].limits``."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class FormDefinitionError(ValueError):
    """A document that is not a valid form definition, with every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        super().__init__("\n".join([f"The form definition has {count}:", *(f"- {p}" for p in problems)]))
