"""The public eligibility check for a round: its questions, and the rules that say why an
organisation cannot apply and what else may help. It reads and never writes."""

from __future__ import annotations

from dataclasses import dataclass

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import RadioField, ValidationError
from wtforms.validators import InputRequired

from grants.blueprints.rounds.forms import LEGAL_TYPE_CHOICES
from grants.eligibility import EligibilityAnswers
from grants.formatting import money
from grants.forms import GovForm, MoneyField, SelectChoice, required, submit
from grants.interfaces.rounds.funding_rounds import WHOLE_AREA, area_text, joined, list_names
from grants.models.organisations import LegalType
from grants.models.rounds import FundingRound


@dataclass(frozen=True)
class Ineligibility:
    """Why an answer rules the organisation out of a round, and what else may help."""

    reason: str
    advice: str


def _in_sentence(label: str) -> str:
    """A label inside a sentence: "community interest company (CIC)", acronyms kept."""
    return label[0].lower() + label[1:]


def eligibility_problems(
    funding_round: FundingRound, answers: EligibilityAnswers
) -> list[Ineligibility]:
    """Every reason the answers rule the organisation out of the round; empty if they may apply."""
    problems = []
    if answers.legal_type not in funding_round.legal_types:
        kind = _in_sentence(answers.legal_type.label)
        allowed = joined([_in_sentence(name) for name in list_names(funding_round, "legal_types")])
        problems.append(
            Ineligibility(
                f"Your type of organisation, {kind}, cannot apply to this round. "
                f"It is open to these types of organisation: {allowed}.",
                "An organisation of a type that can apply could lead the project with you as "
                "a partner. Other funders, such as the National Lottery Community Fund and local "
                "community foundations, fund other types of organisation.",
            )
        )
    if not answers.in_area:
        problems.append(
            Ineligibility(
                f"This round funds work in {area_text(funding_round)} only.",
                "For work elsewhere, contact the Police and Crime Commissioner for that area, "
                "who may run a similar fund.",
            )
        )
    limit = funding_round.max_annual_income
    if limit is not None and answers.annual_income > limit:
        income = money(answers.annual_income, pence=False)
        problems.append(
            Ineligibility(
                f"Organisations with an annual income above {money(limit, pence=False)} cannot "
                f"apply to this round. You told us your income is {income}.",
                "This round is for smaller groups. Larger organisations may be able to bid when "
                "the OPCC commissions services, or could support a smaller local group to apply.",
            )
        )
    low, high = (
        money(funding_round.min_award, pence=False),
        money(funding_round.max_award, pence=False),
    )
    asked = (
        f"This round gives grants of between {low} and {high}. "
        f"You want to ask for {money(answers.amount)}."
    )
    if answers.amount < funding_round.min_award:
        problems.append(
            Ineligibility(
                asked,
                f"You could ask for at least {low} if your project needs it, or look for a "
                "small-grants scheme, such as one run by your town or parish council or a "
                "community foundation.",
            )
        )
    elif answers.amount > funding_round.max_award:
        problems.append(
            Ineligibility(
                asked,
                f"You could ask for {high} or less, for example for one part of your project, and "
                "look for other funding for the rest.",
            )
        )
    return problems


YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


class EligibilityForm(GovForm):
    legal_type = RadioField(
        "What type of organisation are you?",
        choices=LEGAL_TYPE_CHOICES,
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[InputRequired(message="Select the type of organisation")],
    )
    in_area = RadioField(
        f"Will the work take place in {WHOLE_AREA}?",
        choices=YES_NO,
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[InputRequired(message="Select yes if the work will take place in the area")],
        render_kw={"params": {"classes": "govuk-radios--inline"}},
    )
    annual_income = MoneyField(
        "What is your organisation's annual income?",
        description="From your latest accounts, in pounds. Enter 0 if you are a new group.",
        name_for_errors="Annual income",
    )
    amount = MoneyField("How much do you want to ask for?", name_for_errors="Amount")
    submit = submit("Check eligibility")

    def __init__(self, *args, area: str = WHOLE_AREA, **kwargs):
        super().__init__(*args, **kwargs)
        self.in_area.label.text = f"Will the work take place in {area}?"

    def answers(self) -> EligibilityAnswers:
        return EligibilityAnswers(
            legal_type=LegalType(self.legal_type.data),
            in_area=self.in_area.data == "yes",
            annual_income=required(self.annual_income.data),
            amount=required(self.amount.data),
        )

    def validate_legal_type(self, field):
        if field.data not in {choice.value for choice in LEGAL_TYPE_CHOICES}:
            raise ValidationError("Select the type of organisation")

    def validate_in_area(self, field):
        if field.data not in {"yes", "no"}:
            raise ValidationError("Select yes if the work will take place in the area")

    def validate_annual_income(self, field):
        if field.data is None:
            if not field.errors:
                raise ValidationError("Enter your organisation's annual income")
        elif field.data < 0:
            raise ValidationError("Annual income must be 0 or more")

    def validate_amount(self, field):
        if field.data is None:
            if not field.errors:
                raise ValidationError("Enter how much you want to ask for")
        elif field.data <= 0:
            raise ValidationError("Amount must be more than £0")
