"""Hypothesis strategies for valid form definitions: every kind and type, limits that can be met,
options, conditions on earlier questions, roles, refused answers and eligibility rules where the
format allows them."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from grants.form_definitions import (
    APPLICATION_ROLES,
    ELIGIBILITY_ROLES,
    ROLE_TYPES,
    Condition,
    EligibilityRule,
    FormDefinition,
    Kind,
    Option,
    Question,
    QuestionType,
    Refusal,
    Role,
    Section,
)
from grants.form_definitions.model import (
    ANSWER_LIST_TYPES,
    CHOICE_TYPES,
    MESSAGE_KEYS,
    MONITORING_ONLY_TYPES,
    NUMBER_TYPES,
    WHOLE_NUMBER_TYPES,
)
from grants.form_definitions.rules import answers_of

IDS = st.from_regex(r"[a-z][a-z0-9_]{0,39}", fullmatch=True)
TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)
MAYBE_TEXT = st.one_of(st.just(""), TEXT)
FILE_TYPES = ("pdf", "docx", "xlsx", "odt", "jpg", "png")
ROLE_QUESTIONS = ((Role.PROJECT_TITLE, QuestionType.SHORT_TEXT), (Role.AMOUNT_REQUESTED, QuestionType.MONEY),
                  (Role.PROJECT_START, QuestionType.DATE), (Role.PROJECT_END, QuestionType.DATE))
# The roles no form needs, which any form may give (each once), but those only an eligibility form has.
OPTIONAL_ROLES = tuple(role for role in Role if role not in APPLICATION_ROLES and role not in ELIGIBILITY_ROLES)


def _hundredths(value: int) -> str:
    """12345 as "123.45", or sometimes as whole units ("123") when it has no fraction."""
    return str(value // 100) if value % 100 == 0 else f"{value // 100}.{value % 100:02d}"


def _pair(draw: st.DrawFn, values: st.SearchStrategy[int]) -> tuple[int, int]:
    low, high = sorted(draw(st.lists(values, min_size=2, max_size=2)))
    return low, high


def _some(draw: st.DrawFn, limits: dict[str, object]) -> dict[str, object]:
    """Any of ``limits``, each kept or left out."""
    return {key: value for key, value in limits.items() if draw(st.booleans())}


@st.composite
def limits_for(draw: st.DrawFn, type: QuestionType, options: int, dated_roles: bool) -> dict[str, object]:
    if type is QuestionType.SHORT_TEXT:
        return _some(draw, {"max_length": draw(st.integers(1, 1000))})
    if type is QuestionType.LONG_TEXT:
        return {"max_words": draw(st.integers(1, 5000))}
    if type in (QuestionType.MILESTONE_PROGRESS, QuestionType.OUTCOME_PROGRESS):
        return _some(draw, {"max_words": draw(st.integers(1, 5000))})
    if type in WHOLE_NUMBER_TYPES:
        low, high = _pair(draw, st.integers(0 if type is QuestionType.PEOPLE_REACHED else -10**6, 10**6))
        return _some(draw, {"min": low, "max": high})
    if type is QuestionType.MONEY:
        low, high = _pair(draw, st.integers(0, 10**11))
        return _some(draw, {"min": draw(st.sampled_from([_hundredths(low), "round_min_award"])),
                            "max": draw(st.sampled_from([_hundredths(high), "round_max_award"]))})
    if type is QuestionType.PERCENTAGE:
        low, high = _pair(draw, st.integers(0, 10000))
        return _some(draw, {"min": _hundredths(low), "max": _hundredths(high)})
    if type is QuestionType.DATE:
        return _some(draw, _date_limits(draw, dated_roles))
    if type is QuestionType.SEVERAL_CHOICES:
        least = draw(st.integers(1, options))
        return _some(draw, {"min_selected": least, "max_selected": draw(st.integers(least, 10))})
    if type is QuestionType.FILE:
        kinds = tuple(draw(st.lists(st.sampled_from(FILE_TYPES), min_size=1, unique=True)))
        return _some(draw, {"file_types": kinds, "max_mb": draw(st.integers(1, 10))})
    if type in (QuestionType.BUDGET_LINES, QuestionType.MILESTONES, QuestionType.OUTCOME_MEASURES):
        low, high = _pair(draw, st.integers(1, 100))
        return _some(draw, {"min_rows": low, "max_rows": high})
    if type in (QuestionType.PLAN_APPROACHES, QuestionType.ADDER_STRANDS, QuestionType.DRUG_OUTCOMES,
                QuestionType.AREAS_SERVED):
        return _some(draw, {"min_selected": draw(st.integers(1, 10))})
    return {}


def _date_limits(draw: st.DrawFn, dated_roles: bool) -> dict[str, object]:
    first, last = sorted(draw(st.lists(st.dates(min_value=date(1900, 1, 1)), min_size=2, max_size=2)))
    roles = ["project_start", "project_end"] if dated_roles else []
    return {"not_before": draw(st.sampled_from([first.isoformat(), *roles])),
            "not_after": draw(st.sampled_from([last.isoformat(), *roles]))}


@st.composite
def eligibility_rules(draw: st.DrawFn, type: QuestionType, answers: tuple[str, ...]) -> EligibilityRule | None:
    reason = draw(TEXT)
    if type in ANSWER_LIST_TYPES:
        return EligibilityRule(reason, tuple(draw(st.lists(st.sampled_from(answers), min_size=1, unique=True))))
    if type not in NUMBER_TYPES:
        return None
    if type in WHOLE_NUMBER_TYPES:
        threshold: int | str = draw(st.integers(-10**6, 10**6))
    elif type is QuestionType.MONEY:
        threshold = draw(st.sampled_from([_hundredths(draw(st.integers(0, 10**9))), "round_max_award"]))
    else:
        threshold = _hundredths(draw(st.integers(0, 10000)))
    test = draw(st.sampled_from(["less_than", "more_than"]))
    return EligibilityRule(reason, **{test: threshold})


def _condition(draw: st.DrawFn, controlling: list[Question]) -> Condition:
    """A condition on one of the ``controlling`` questions (earlier, with a list of answers)."""
    other = draw(st.sampled_from(controlling))
    return Condition(other.id, tuple(draw(st.lists(st.sampled_from(answers_of(other)), min_size=1, unique=True))))


@st.composite
def refusals(draw: st.DrawFn, answers: tuple[str, ...], controlling: list[Question]) -> Refusal:
    """Some of ``answers`` refused (all of them only given a condition, so that one can be given)."""
    when = _condition(draw, controlling) if controlling and draw(st.booleans()) else None
    most = len(answers) if when is not None else len(answers) - 1
    values = tuple(draw(st.lists(st.sampled_from(answers), min_size=1, max_size=most, unique=True)))
    return Refusal(draw(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=300)), values, when)


@st.composite
def questions(draw: st.DrawFn, question_id: str, kind: Kind, earlier: list[Question],
              type: QuestionType | None = None, role: Role | None = None) -> Question:
    has_project = kind in (Kind.APPLICATION, Kind.MONITORING)  # the project's roles are there to read
    allowed = [each for each in QuestionType
               if (each not in MONITORING_ONLY_TYPES or kind is Kind.MONITORING)
               and (each not in (QuestionType.BUDGET_LINES, QuestionType.MILESTONES) or has_project)]
    chosen = type or draw(st.sampled_from(allowed))
    options: tuple[Option, ...] = ()
    if chosen in CHOICE_TYPES:
        values = draw(st.lists(TEXT, min_size=2, max_size=5, unique=True))
        options = tuple(Option(value, draw(TEXT), draw(MAYBE_TEXT)) for value in values)
    controlling = [question for question in earlier if question.type in ANSWER_LIST_TYPES]
    show_if = _condition(draw, controlling) if controlling and draw(st.booleans()) else None
    answers = tuple(o.value for o in options) or ("yes", "no")
    refuse = None
    if kind is not Kind.ELIGIBILITY and chosen in ANSWER_LIST_TYPES and draw(st.booleans()):
        refuse = draw(refusals(answers, controlling))
    eligibility = None
    if kind is Kind.ELIGIBILITY and draw(st.booleans()):
        eligibility = draw(eligibility_rules(chosen, answers))
    return Question(
        id=question_id, type=chosen, label=draw(TEXT), hint=draw(MAYBE_TEXT), guidance=draw(MAYBE_TEXT),
        required=chosen is QuestionType.DECLARATION or draw(st.booleans()), name_for_errors=draw(MAYBE_TEXT),
        messages=draw(st.dictionaries(st.sampled_from(MESSAGE_KEYS), TEXT, max_size=3)),
        limits=draw(limits_for(chosen, len(options), has_project)),
        options=options, show_if=show_if, role=role, refuse=refuse, eligibility=eligibility,
    )


@st.composite
def definitions(draw: st.DrawFn) -> FormDefinition:
    kind = draw(st.sampled_from(Kind))
    count = draw(st.integers(1, 8))
    allowed = (*OPTIONAL_ROLES, *ELIGIBILITY_ROLES) if kind is Kind.ELIGIBILITY else OPTIONAL_ROLES
    optional = draw(st.lists(st.sampled_from(allowed), max_size=3, unique=True))
    roles = (*(ROLE_QUESTIONS if kind is Kind.APPLICATION else ()), *((role, ROLE_TYPES[role]) for role in optional))
    ids = draw(st.lists(IDS, min_size=count + len(roles) + 3, max_size=count + len(roles) + 3, unique=True))
    question_ids, section_ids = ids[:count + len(roles)], ids[count + len(roles):]
    built: list[Question] = []
    for question_id, (role, type) in zip(question_ids, roles, strict=False):
        built.append(draw(questions(question_id, kind, built, type=type, role=role)))
    for question_id in question_ids[len(roles):]:
        built.append(draw(questions(question_id, kind, built)))
    cuts = sorted(draw(st.sets(st.integers(1, len(built) - 1), max_size=2)) if len(built) > 1 else set())
    bounds = [0, *cuts, len(built)]
    sections = tuple(
        Section(section_ids[index], draw(TEXT), draw(MAYBE_TEXT), tuple(built[start:end]))
        for index, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False))
    )
    return FormDefinition(kind, draw(TEXT), sections)
