from wtforms import RadioField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from grants.field_components import CharacterCount, Radios, Select, TextInput
from grants.forms import GovForm, SelectChoice, submit, without_nul
from grants.interfaces.screening.applications import (
    AMOUNT_BANDS,
    DEFAULT_SORT,
    QUESTION_MAX_CHARACTERS,
    SORTS,
    VISIBLE_STATUSES,
)
from grants.models.organisations import LEGAL_TYPE_LABELS, LegalType

SEARCH_MAX_CHARACTERS = 100
REASON_MAX_CHARACTERS = 2_000


def _choose(label: str, any_text: str, choices: list[SelectChoice]) -> SelectField:
    # validate_choice stays on: a value from an edited address gets a message (CHOICE_MESSAGES)
    # and is left off, rather than silently finding nothing.
    return SelectField(
        label,
        choices=[SelectChoice("", any_text), *choices],
        widget=Select(),
        validators=[Optional()],
        coerce=str,
        default="",
    )


class ApplicationFilterForm(GovForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField(
        "Reference or organisation name",
        widget=TextInput(),
        filters=[without_nul],
        validators=[
            Optional(),
            Length(max=SEARCH_MAX_CHARACTERS, message=f"Search must be {SEARCH_MAX_CHARACTERS} characters or fewer"),
        ],
    )
    status = _choose(
        "Status",
        "Any status",
        [SelectChoice(status.value, status.label) for status in VISIBLE_STATUSES],
    )
    # Choices come from the round (set by the view).
    local_authority = _choose("Local authority area", "Any area", [])
    approach = _choose("Plan approach", "Any approach", [])
    amount_band = _choose(
        "Amount requested",
        "Any amount",
        [SelectChoice(key, band.label) for key, band in AMOUNT_BANDS.items()],
    )
    legal_type = _choose(
        "Organisation type",
        "Any type",
        [SelectChoice(t.value, LEGAL_TYPE_LABELS[t]) for t in LegalType],
    )
    # Unknown sort values are not errors: they fall back to the default order.
    sort = SelectField(
        "Sort by",
        choices=[SelectChoice(key, label) for key, (label, _column) in SORTS.items()],
        widget=Select(),
        validate_choice=False,
        default=DEFAULT_SORT,
    )
    order = SelectField(
        "Order",
        choices=[SelectChoice("asc", "Ascending"), SelectChoice("desc", "Descending")],
        widget=Select(),
        validate_choice=False,
        default="asc",
    )

    CHOICE_MESSAGES = {
        "status": "Select a status from the list",
        "local_authority": "Select a local authority area from the list",
        "approach": "Select a plan approach from the list",
        "amount_band": "Select an amount from the list",
        "legal_type": "Select an organisation type from the list",
    }

    def set_round(self, funding_round) -> None:
        """Offer the areas and approaches the round funds."""
        self.local_authority.choices = [SelectChoice("", "Any area")] + [
            SelectChoice(area.code, area.name) for area in funding_round.local_authorities
        ]
        self.approach.choices = [SelectChoice("", "Any approach")] + [
            SelectChoice(approach.code, approach.name) for approach in funding_round.approaches
        ]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # GOV.UK words instead of WTForms' "Not a valid choice".
        for name, message in self.CHOICE_MESSAGES.items():
            if self[name].errors:
                self[name].errors[:] = [message]
        return valid

    def value(self, name: str) -> str:
        """The field's value if it passed its checks, else nothing (the filter is left off)."""
        field = self[name]
        return "" if field.errors or not field.data else str(field.data)


DECISION_CHOICES = [
    SelectChoice("pass", "Eligible: send to the panel for assessment"),
    SelectChoice("fail", "Not eligible"),
]


class ScreeningForm(GovForm):
    decision = RadioField(
        "Is the application eligible?",
        description="Check it against the round's eligibility rules. Only eligible applications go to "
        "the panel; if it is not eligible, the organisation is emailed your reason",
        choices=DECISION_CHOICES,
        widget=Radios(),
        validate_choice=False,  # validate_decision says it in GOV.UK words
        validators=[InputRequired(message="Select whether the application is eligible")],
    )
    reason = TextAreaField(
        "Why is it not eligible?",
        description="The applicant will see this",
        widget=CharacterCount(),
        filters=[without_nul],
        render_kw={"params": {"maxlength": REASON_MAX_CHARACTERS}},
        validators=[
            Length(
                max=REASON_MAX_CHARACTERS,
                message=f"Reason must be {REASON_MAX_CHARACTERS:,} characters or fewer",
            )
        ],
    )
    submit = submit("Save screening decision")

    def validate_decision(self, field):
        if field.data not in {choice.value for choice in DECISION_CHOICES}:
            raise ValidationError("Select whether the application is eligible")

    def validate_reason(self, field):
        if self.decision.data == "fail" and not (field.data or "").strip():
            raise ValidationError("Enter why the application is not eligible")


class ClarificationQuestionForm(GovForm):
    question = TextAreaField(
        "Ask the applicant a question",
        description="The organisation's main contact will be emailed a link to answer it",
        widget=CharacterCount(),
        filters=[without_nul],
        render_kw={"params": {"maxlength": QUESTION_MAX_CHARACTERS}},
        # DataRequired, not InputRequired: a question of only spaces is no question.
        validators=[
            DataRequired(message="Enter your question"),
            Length(
                max=QUESTION_MAX_CHARACTERS,
                message=f"Question must be {QUESTION_MAX_CHARACTERS:,} characters or fewer",
            ),
        ],
    )
    submit = submit("Send question")
