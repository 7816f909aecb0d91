"""The public eligibility check for a round: the round's current eligibility form
(docs/form-definitions.md) on one page, and the reasons its answers rule an organisation out.

Two kinds of reason: the round's own settings (the types of organisation it funds, its area, the
largest annual income, the smallest and largest award), checked against the answers read by
eligibility role, each with what else may help; and a question's own ``eligibility`` rule, whose reason
the round's staff wrote. A question gives one reason at most, its round setting's first. It reads and
never writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from wtforms import Field

from grants.eligibility import EligibilityAnswers
from grants.form_definitions import FormDefinition, Kind, Question, QuestionType, Role, Section, is_ineligible
from grants.formatting import money
from grants.interfaces.applications.questions import round_context
from grants.interfaces.round_forms import versions
from grants.interfaces.rounds.funding_rounds import WHOLE_AREA, area_text, joined, list_names
from grants.models.organisations import LegalType
from grants.models.rounds import FundingRound
from grants.question_forms import QuestionForm, kept_answers, list_nouns, section_form
from grants.question_forms.answers import as_amount
from grants.question_forms.fields import TAMPERED
from grants.question_forms.messages import required_message

# Radios sent with a value they do not offer are asked for again, in the question's own words.
RADIO_TYPES = frozenset({QuestionType.YES_NO, QuestionType.ONE_CHOICE})


@dataclass(frozen=True)
class Ineligibility:
    """Why an answer rules the organisation out of a round, and what else may help (if the service
    knows)."""

    reason: str
    advice: str = ""


def _in_sentence(label: str) -> str:
    """A label inside a sentence: "community interest company (CIC)", acronyms kept."""
    return label[0].lower() + label[1:]


# The round's settings, each read from the answer with its role ------------------------------------

def _type_problem(funding_round: FundingRound, answers: EligibilityAnswers, question: Question) -> Ineligibility | None:
    if answers.legal_type in funding_round.legal_types:
        return None
    if answers.legal_type is None and question.id not in answers.ruled_out:
        return None  # not asked
    kind = "" if answers.legal_type is None else f", {_in_sentence(answers.legal_type.label)},"
    allowed = joined([_in_sentence(name) for name in list_names(funding_round, "legal_types")])
    return Ineligibility(
        f"Your type of organisation{kind} cannot apply to this round. "
        f"It is open to these types of organisation: {allowed}.",
        "An organisation of a type that can apply could lead the project with you as "
        "a partner. Other funders, such as the National Lottery Community Fund and local "
        "community foundations, fund other types of organisation.",
    )


def _area_problem(funding_round: FundingRound, answers: EligibilityAnswers, question: Question) -> Ineligibility | None:
    if answers.in_area is not False:
        return None
    return Ineligibility(
        f"This round funds work in {area_text(funding_round)} only.",
        "For work elsewhere, contact the Police and Crime Commissioner for that area, "
        "who may run a similar fund.",
    )


def _income_problem(funding_round: FundingRound, answers: EligibilityAnswers,
                    question: Question) -> Ineligibility | None:
    limit, income = funding_round.max_annual_income, answers.annual_income
    if limit is None or income is None or income <= limit:
        return None
    return Ineligibility(
        f"Organisations with an annual income above {money(limit, pence=False)} cannot "
        f"apply to this round. You told us your income is {money(income, pence=False)}.",
        "This round is for smaller groups. Larger organisations may be able to bid when "
        "the OPCC commissions services, or could support a smaller local group to apply.",
    )


def _amount_problem(funding_round: FundingRound, answers: EligibilityAnswers,
                    question: Question) -> Ineligibility | None:
    amount = answers.amount
    if amount is None or funding_round.min_award <= amount <= funding_round.max_award:
        return None
    low, high = money(funding_round.min_award, pence=False), money(funding_round.max_award, pence=False)
    asked = f"This round gives grants of between {low} and {high}. You want to ask for {money(amount)}."
    if amount < funding_round.min_award:
        return Ineligibility(
            asked,
            f"You could ask for at least {low} if your project needs it, or look for a "
            "small-grants scheme, such as one run by your town or parish council or a "
            "community foundation.",
        )
    return Ineligibility(
        asked,
        f"You could ask for {high} or less, for example for one part of your project, and "
        "look for other funding for the rest.",
    )


SettingCheck = Callable[[FundingRound, EligibilityAnswers, Question], Ineligibility | None]
SETTING_CHECKS: Mapping[Role, SettingCheck] = {
    Role.ORGANISATION_TYPE: _type_problem,
    Role.IN_AREA: _area_problem,
    Role.ANNUAL_INCOME: _income_problem,
    Role.AMOUNT_SOUGHT: _amount_problem,
}


def eligibility_problems(funding_round: FundingRound, answers: EligibilityAnswers,
                         definition: FormDefinition | None = None) -> list[Ineligibility]:
    """Every reason the answers rule the organisation out of the round, in the order of the eligibility
    form's questions (``definition``, else the round's current one); empty if they may apply.

    A round setting is checked only when the form has the question with its role and the answer was
    given (None is not asked); a question's own rule gives its reason when its id is in
    ``answers.ruled_out`` and its setting, if any, has none to give."""
    if definition is None:
        definition = versions.current(funding_round, Kind.ELIGIBILITY)
    problems = []
    for question in definition.questions():
        check = SETTING_CHECKS.get(question.role) if question.role is not None else None
        problem = None if check is None else check(funding_round, answers, question)
        if problem is None and question.eligibility is not None and question.id in answers.ruled_out:
            problem = Ineligibility(question.eligibility.reason)
        if problem is not None:
            problems.append(problem)
    return problems


# The page's form ---------------------------------------------------------------------------------

def as_asked(definition: FormDefinition, funding_round: FundingRound) -> FormDefinition:
    """The form as this round asks it: a label or hint that names the whole area names the round's own
    areas on the ``in_area`` question, and the amount's question, with no hint of its own, says the
    round's range of awards."""
    area = area_text(funding_round)
    awards = (f"This round gives grants of between {money(funding_round.min_award, pence=False)} and "
              f"{money(funding_round.max_award, pence=False)}")

    def for_round(question: Question) -> Question:
        if question.role is Role.IN_AREA and area != WHOLE_AREA:
            return replace(question, label=question.label.replace(WHOLE_AREA, area),
                           hint=question.hint.replace(WHOLE_AREA, area))
        if question.role is Role.AMOUNT_SOUGHT and not question.hint:
            return replace(question, hint=awards)
        return question

    sections = tuple(replace(section, questions=tuple(for_round(question) for question in section.questions))
                     for section in definition.sections)
    return replace(definition, sections=sections)


class EligibilityCheck:
    """The eligibility form's sections as one page: each section's form (grants.question_forms), in
    order, the first with the page's CSRF token. The page and its error summary read it as one form:
    its fields in order, its ``errors`` and ``form_errors``."""

    def __init__(self, funding_round: FundingRound, definition: FormDefinition, formdata: Any = None) -> None:
        self.definition = definition
        self.round_values = {"round_min_award": funding_round.min_award,
                             "round_max_award": funding_round.max_award}
        asked = as_asked(definition, funding_round)
        context = round_context(funding_round)
        self.sections: list[tuple[Section, QuestionForm]] = []
        earlier: dict[str, object] = {}  # a later section's show_if reads the answers above it
        for index, section in enumerate(asked.sections):
            form = section_form(asked, section, context, formdata=formdata, answers=earlier,
                                meta=None if index == 0 else {"csrf": False})
            self.sections.append((section, form))
            earlier |= kept_answers(form)

    def __iter__(self) -> Iterator[Field]:
        return (field for _, form in self.sections for field in form)

    @property
    def errors(self) -> dict[str, Any]:
        return {name: errors for _, form in self.sections for name, errors in form.errors.items()}

    @property
    def form_errors(self) -> list[Any]:
        return [error for _, form in self.sections for error in form.form_errors]

    def validate(self) -> bool:
        """Check each section's answers as the form says (questions hidden by show_if are not asked)."""
        valid = True
        for section, form in self.sections:
            valid = form.validate() and valid
            for question in section.questions:
                field = form[question.id]
                if question.type in RADIO_TYPES and TAMPERED in field.errors:
                    field.errors = [required_message(question) if error == TAMPERED else error
                                    for error in field.errors]
        return valid

    def answers(self) -> EligibilityAnswers:
        """The answers the service keeps, once valid: those read by role, and the ids of the questions
        answered the ineligible way (a rule met, or a type of organisation the service does not know)."""
        kept: dict[str, object] = {}
        for _, form in self.sections:
            kept |= kept_answers(form)  # the questions asked only
        ruled_out = [question.id for question in self.definition.questions()
                     if question.id in kept and is_ineligible(question, kept[question.id], self.round_values)]
        legal_type = None
        typed = self._answer(kept, Role.ORGANISATION_TYPE)
        if isinstance(typed, str):
            try:
                legal_type = LegalType(typed)
            except ValueError:
                question = self.definition.by_role(Role.ORGANISATION_TYPE)
                assert question is not None
                ruled_out.append(question.id)
        in_area = self._answer(kept, Role.IN_AREA)
        return EligibilityAnswers(
            legal_type=legal_type,
            in_area=None if in_area is None else in_area == "yes",
            annual_income=as_amount(self._answer(kept, Role.ANNUAL_INCOME)),
            amount=as_amount(self._answer(kept, Role.AMOUNT_SOUGHT)),
            ruled_out=tuple(dict.fromkeys(ruled_out)),
        )

    def _answer(self, kept: Mapping[str, object], role: Role) -> object:
        question = self.definition.by_role(role)
        return None if question is None else kept.get(question.id)

    def fill_in(self, answers: EligibilityAnswers) -> None:
        """Show ``answers`` (those given) as the answers to the questions with their roles."""
        shown: dict[Role, object] = {
            Role.ORGANISATION_TYPE: None if answers.legal_type is None else answers.legal_type.value,
            Role.IN_AREA: None if answers.in_area is None else ("yes" if answers.in_area else "no"),
            Role.ANNUAL_INCOME: answers.annual_income,
            Role.AMOUNT_SOUGHT: answers.amount,
        }
        for role, value in shown.items():
            question = self.definition.by_role(role)
            if question is None or value is None:
                continue
            for _, form in self.sections:
                if question.id in form:
                    form[question.id].data = value

    @staticmethod
    def list_labels(section: Section) -> dict[str, dict[str, str]]:
        """How the section's repeating rows are named (the section template's ``list_labels``)."""
        return list_nouns(section)

    @staticmethod
    def guidance(section: Section) -> dict[str, str]:
        """Each question's guidance (Markdown) by field name."""
        return {question.id: question.guidance for question in section.questions if question.guidance}

