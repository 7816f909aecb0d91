"""Forms for the funding recommendation, the commissioner's approval and feedback to applicants."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    RadioField,
    SelectMultipleField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import InputRequired, Length, StopValidation

import scoring
from grants.field_components import CharacterCount, Checkbox, Checkboxes, Radios, TextInput
from grants.forms import MAGNITUDE, GovForm, MoneyField, SelectChoice, WholeNumberField, submit, without_nul
from grants.interfaces.panel.decisions import REASON_MAX_CHARACTERS, minimum_places
from grants.interfaces.panel.feedback import FEEDBACK_MAX_CHARACTERS
from grants.models.rounds import FundingRound

# Far more bids than a round ever has; stops numbers the solver has no use for.
MAX_MINIMUM_COUNT = 999

OBJECTIVE_CHOICES = [
    SelectChoice(scoring.Objective.TOTAL_SCORE.value, "Highest total score"),
    SelectChoice(scoring.Objective.SCORE_WEIGHTED_SPEND.value, "Most score-weighted spend"),
]
# Shown under each choice (the template passes them to the radios).
OBJECTIVE_HINTS = {
    scoring.Objective.TOTAL_SCORE.value: "Fund the bids whose panel scores add up to the most. Several good bids "
    "can beat one slightly better bid that costs as much as all of them",
    scoring.Objective.SCORE_WEIGHTED_SPEND.value: "Make the most of the money: each bid counts for its panel score "
    "times the amount it asks for (in pounds), so more of the budget goes to well-scored bids",
}


class DecimalText(Field):
    """A number typed as text ("2.5", "25%"): ``data`` is a Decimal with at most 2 decimal places,
    or None when left empty; the text typed is kept for showing back on error. A text input, but a
    plain ``Field``: a ``StringField`` holds text."""

    data: Decimal | None
    widget = TextInput()

    def __init__(self, label=None, validators=None, name_for_errors: str = "Number", example: str = "2.5", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.name_for_errors = name_for_errors
        self.example = example

    def process_formdata(self, valuelist):
        self.raw_text = valuelist[0] if valuelist else ""
        text = without_nul(self.raw_text).strip().rstrip("%").strip()
        self.data = None
        if not text:
            return
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{self.name_for_errors} must be a number, like {self.example}") from None
        if not number.is_finite() or number.adjusted() > MAGNITUDE:  # 1E1000000 cannot be rounded to pence
            raise ValueError(f"{self.name_for_errors} must be a number, like {self.example}")
        if number != number.quantize(Decimal("0.01")):
            raise ValueError(f"{self.name_for_errors} must not have more than 2 decimal places")
        self.data = number

    def _value(self):
        if getattr(self, "raw_text", None) is not None:
            return self.raw_text
        return "" if self.data is None else str(self.data)


class CountText(WholeNumberField):
    """A whole number of bids, with its own words for a negative number."""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        if text.startswith("-") and text[1:].replace(",", "").strip().isdigit():
            self.raw_text, self.data = valuelist[0], None
            raise ValueError(f"{self.name_for_errors} must be 0 or more")
        super().process_formdata(valuelist)


class Needed:
    """Like InputRequired, for a field that parses its own text: only spaces is empty too."""

    field_flags = {"required": True}

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if field.data is None and not field.errors:
            raise StopValidation(self.message)


class NotNegative:
    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if field.data is not None and field.data < 0:
            raise ValidationError(self.message)


class AtMost:
    def __init__(self, limit, message: str):
        self.limit, self.message = limit, message

    def __call__(self, form, field):
        if field.data is not None and field.data > self.limit:
            raise ValidationError(self.message)


@dataclass(frozen=True)
class MinimumRow:
    """One line of the minimums table: an area or approach of the round and its two inputs."""

    kind: str  # scoring.AREA or scoring.APPROACH
    code: str
    name: str

    @property
    def key(self) -> str:
        return f"minimum_{self.kind}_{self.code.replace('-', '_')}"

    @property
    def spend_field(self) -> str:
        return f"{self.key}_spend"

    @property
    def count_field(self) -> str:
        return f"{self.key}_count"


def minimum_rows(funding_round: FundingRound) -> list[MinimumRow]:
    """The round's local authority areas, then its approaches, in their reference order."""
    return [MinimumRow(kind, code, name) for kind, code, name in minimum_places(funding_round)]


class RecommendationForm(GovForm):
    """The rules for a recommendation. Built per round by ``recommendation_form``, which adds a
    spend and a count input for each area and approach of the round."""

    quality_threshold = DecimalText(
        "Quality threshold",
        name_for_errors="Quality threshold",
        description="The lowest final panel score that can be funded. Enter 0 to consider every scored bid",
        validators=[Needed("Enter the quality threshold, or 0 for none"),
                    NotNegative("Quality threshold must be 0 or more")],
    )
    objective = RadioField(
        "What should the recommendation aim for?",
        choices=OBJECTIVE_CHOICES,
        widget=Radios(),
        default=scoring.Objective.TOTAL_SCORE.value,
        validate_choice=False,  # validate_objective says it in GOV.UK words
    )
    max_share = DecimalText(
        "Maximum share of the budget for one organisation (optional)",
        name_for_errors="Maximum share",
        example="25",
        description="As a percentage of the budget, for example 25. Leave it empty for no limit",
        validators=[AtMost(Decimal(100), "Maximum share must be 100% or less")],
    )
    # Shown only before the scoring deadline while score sheets are missing (``early_problem``).
    run_early = BooleanField(
        "Run the recommendation now, before every score sheet is in",
        description="Only if it cannot wait: it will use the scores submitted so far",
        widget=Checkbox(),
    )
    early_reason = TextAreaField(
        "Why must it be run before the scoring deadline?",
        description="For example, the commissioner’s decision meeting is before the deadline. The reason is kept "
                    "with the recommendation and shown on this page",
        widget=CharacterCount(),
        render_kw={"params": {"maxlength": REASON_MAX_CHARACTERS}},
        validators=[Length(max=REASON_MAX_CHARACTERS,
                           message=f"Reason must be {REASON_MAX_CHARACTERS:,} characters or fewer")],
    )
    submit = submit("Run the recommendation")

    rows: list[MinimumRow] = []
    scale_max: int = 0
    # Why the recommendation should wait for the panel (decisions.early_run_problem), set by the view.
    early_problem: str | None = None

    def validate_run_early(self, field):
        if self.early_problem and not field.data:
            raise ValidationError(self.early_problem)

    def validate_early_reason(self, field):
        if self.early_problem and self.run_early.data and not (field.data or "").strip():
            raise ValidationError("Enter why the recommendation must be run before the scoring deadline")

    @property
    def early_reason_given(self) -> str | None:
        """The reason to run early, when the officer chose to (else None)."""
        return self.early_reason.data if self.run_early.data else None

    def validate_quality_threshold(self, field):
        if field.data is not None and field.data > self.scale_max:
            raise ValidationError(f"Quality threshold must be {self.scale_max} or less, the top of the rubric's scale")

    def validate_objective(self, field):
        if field.data not in {choice.value for choice in OBJECTIVE_CHOICES}:
            raise ValidationError("Select what the recommendation should aim for")

    def validate_max_share(self, field):
        if field.data is not None and field.data <= 0:
            raise ValidationError("Maximum share must be more than 0%")

    def minimums(self) -> list[scoring.Minimum]:
        """The minimums typed in, blanks as nothing (the interface leaves minimums of nothing out)."""
        return [
            scoring.Minimum(
                kind=row.kind, code=row.code, name=row.name,
                spend_pence=scoring.pence(self[row.spend_field].data or 0), count=self[row.count_field].data or 0,
            )
            for row in self.rows
        ]


def recommendation_form(funding_round: FundingRound, scale_max: int, rows: list[MinimumRow] | None = None,
                        **kwargs) -> RecommendationForm:
    """The recommendation form for ``funding_round``, its minimum inputs named after the areas and
    approaches (so that each error message says which one); ``rows`` when the caller has them."""
    rows = minimum_rows(funding_round) if rows is None else rows
    fields: dict[str, object] = {"rows": rows, "scale_max": scale_max}
    for row in rows:
        spend = f"Minimum spend for {row.name}"
        count = f"Minimum number of bids for {row.name}"
        fields[row.spend_field] = MoneyField(spend, name_for_errors=spend,
                                             validators=[NotNegative(f"{spend} must be £0 or more")])
        fields[row.count_field] = CountText(count, name_for_errors=count, validators=[
            AtMost(MAX_MINIMUM_COUNT, f"{count} must be {MAX_MINIMUM_COUNT} or fewer")])
    form_class = type("RoundRecommendationForm", (RecommendationForm,), fields)
    return form_class(**kwargs)


def rules_data(rules: dict | None, funding_round: FundingRound, rows: list[MinimumRow] | None = None) -> dict:
    """A recommendation's stored rules as the form's starting values (the last run's, or none);
    ``rows`` the round's minimum rows when the caller has them."""
    if not rules:
        return {"quality_threshold": Decimal(0), "objective": scoring.Objective.TOTAL_SCORE.value}
    data = {
        "quality_threshold": Decimal(rules["quality_threshold"]),
        "objective": rules["objective"],
        "max_share": Decimal(rules["max_organisation_share"]) if rules.get("max_organisation_share") else None,
    }
    by_key = {(m["kind"], m["code"]): m for m in rules.get("minimums", [])}
    for row in minimum_rows(funding_round) if rows is None else rows:
        minimum = by_key.get((row.kind, row.code))
        if minimum:
            data[row.spend_field] = scoring.pounds(minimum["spend_pence"]) if minimum["spend_pence"] else None
            data[row.count_field] = minimum["count"] or None
    return data


class DecisionForm(GovForm):
    recommendation_id = HiddenField()
    funded = SelectMultipleField(
        "Which bids should be funded?",
        description="The recommended bids are selected. Select all the bids to fund",
        coerce=int,
        choices=[],
        widget=Checkboxes(),
        validate_choice=False,  # validate_funded says it in GOV.UK words
    )
    reason = TextAreaField(
        "Reason for changing the recommendation",
        description="Needed only if the bids you select differ from the recommendation. It is kept with the "
                    "decision; applicants do not see it",
        widget=CharacterCount(),
        render_kw={"params": {"maxlength": REASON_MAX_CHARACTERS}},
        validators=[Length(max=REASON_MAX_CHARACTERS,
                           message=f"Reason must be {REASON_MAX_CHARACTERS:,} characters or fewer")],
    )
    submit = submit("Approve funding decisions")

    recommended: frozenset[int] = frozenset()

    def set_bids(self, entries: list[dict], recommended: set[int]) -> None:
        """Offer ``entries`` (the recommendation's bids that can still be funded)."""
        self.funded.choices = [SelectChoice(entry["application_id"], entry["reference"]) for entry in entries]
        self.recommended = frozenset(recommended)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.funded.errors:  # a value that is not a number: WTForms' own words otherwise
            self.funded.errors = ["Select from the bids shown"]
        return valid

    def validate_funded(self, field):
        offered = {value for value, *_ in self.funded.iter_choices()}
        if any(value not in offered for value in field.data or []):
            raise ValidationError("Select from the bids shown")

    def validate_reason(self, field):
        if self.funded.errors:
            return
        if set(self.funded.data or []) != self.recommended and not field.data:
            raise ValidationError("Give the reason for changing the recommendation")


class FeedbackForm(GovForm):
    feedback = TextAreaField(
        "Feedback for the applicant",
        widget=CharacterCount(),
        render_kw={"params": {"maxlength": FEEDBACK_MAX_CHARACTERS, "rows": 10}},
        validators=[
            InputRequired(message="Enter the feedback for the applicant"),
            Length(max=FEEDBACK_MAX_CHARACTERS,
                   message=f"Feedback must be {FEEDBACK_MAX_CHARACTERS:,} characters or fewer"),
        ],
    )
    submit = submit("Publish feedback")
