"""Forms for funding rounds: the round itself, changes to its rules, a later closing date, and the
public eligibility check."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from govuk_frontend_wtf.wtforms_widgets import (
    GovTextArea,
)
from wtforms import (
    Field,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)

# DataRequired, not InputRequired, for text: it sees the trimmed value, so spaces alone are refused.
from wtforms.validators import DataRequired, InputRequired, Length

from grants.blueprints.rounds.uk_time import DateRequired, TimeField, moment_from_fields, uk_parts
from grants.field_components import CharacterCount, Checkboxes, Radios, Select, TextInput
from grants.formatting import money
from grants.forms import DateInputField, GovForm, MoneyField, SelectChoice, WholeNumberField, required, submit
from grants.interfaces.rounds.funding_rounds import RoundChoices
from grants.models.claims import PaymentBasis
from grants.models.organisations import LEGAL_TYPE_LABELS, LegalType
from grants.models.rounds import FundingRound, VatDisplay
from grants.question_forms.fields import PercentageField

MAX_PROJECT_MONTHS = 36
MAX_TOLERANCE_PERCENT = Decimal(100)  # a line may be claimed up to twice its budget at most
DEFAULT_TOLERANCE_PERCENT = Decimal("10.00")  # FundingRound.claim_tolerance_percent's default


def _checkboxes(label: str, hint: str = "Select all that apply") -> SelectMultipleField:
    # Choices are checked in validate_* methods, in GOV.UK words rather than WTForms' own.
    return SelectMultipleField(
        label, description=hint, choices=[], widget=Checkboxes(), validate_choice=False
    )


def _chosen(field: SelectMultipleField, required: str) -> None:
    allowed = {value for value, *_ in field.iter_choices()}
    if not field.data or any(str(value) not in allowed for value in field.data):
        raise ValidationError(required)


LEGAL_TYPE_CHOICES = [SelectChoice(t.value, LEGAL_TYPE_LABELS[t]) for t in LegalType]


class VersionedForm(GovForm):
    """A form that changes a round: it carries the round's version when the page was loaded, so that
    saving over someone else's newer change fails (optimistic locking)."""

    version = HiddenField()

    def loaded_version(self) -> int | None:
        if self.version.data is None:
            return None
        try:
            return int(self.version.data)
        except ValueError:
            return None

    def add_problem(self, message: str) -> None:
        """A problem with the whole form, listed in the error summary and linked to its notice."""
        self.version.errors = [*self.version.errors, message]


class RoundTextForm(VersionedForm):
    """What can always be changed: the round's name, description and guidance."""

    name = StringField(
        "Name of the round",
        widget=TextInput(),
        validators=[
            DataRequired(message="Enter the name of the round"),
            Length(max=200, message="Name of the round must be 200 characters or fewer"),
        ],
    )
    description = TextAreaField(
        "Description",
        description="What the round funds and why. Shown to the public. You can use Markdown, "
        "for example **bold**, ## Heading, - a list, [a link](https://example.org).",
        widget=CharacterCount(),
        validators=[
            DataRequired(message="Enter a description of the round"),
            Length(max=5000, message="Description must be 5,000 characters or fewer"),
        ],
        render_kw={"params": {"maxlength": 5000, "rows": 8}},
    )
    guidance = TextAreaField(
        "Guidance for applicants (optional)",
        description="What a good application shows, how bids are scored, who to contact. "
        "Markdown, as above.",
        widget=GovTextArea(),
        validators=[Length(max=20000, message="Guidance must be 20,000 characters or fewer")],
        render_kw={"params": {"rows": 12}},
    )
    submit = submit("Save")

    def text_values(self) -> dict:
        return {
            "name": self.name.data,
            "description": self.description.data,
            "guidance": self.guidance.data or "",
        }


class RoundRulesForm(GovForm):
    """The rules that freeze when the round opens: money, project length, who may apply and
    what the round funds."""

    total_budget = MoneyField("Total budget", name_for_errors="Total budget")
    min_award = MoneyField("Minimum award", name_for_errors="Minimum award")
    max_award = MoneyField("Maximum award", name_for_errors="Maximum award")
    max_project_months = WholeNumberField(
        "Maximum project length, in months",
        description=f"From 1 to {MAX_PROJECT_MONTHS} months",
        name_for_errors="Maximum project length",
    )
    max_annual_income = MoneyField(
        "Annual income limit (optional)",
        description="Organisations with a higher annual income cannot apply. "
        "Leave it empty for no limit.",
        name_for_errors="Annual income limit",
    )
    legal_types = _checkboxes("Which types of organisation can apply?")
    local_authorities = _checkboxes("Which local authority areas can the work be in?")
    approaches = _checkboxes("Which of the plan's approaches does the round fund?")
    adder_strands = _checkboxes("Which ADDER strands does the round fund?")
    outcomes = _checkboxes("Which Combating Drugs outcomes does the round fund?")
    payment_basis = RadioField(
        "How are grants paid?",
        choices=[SelectChoice(basis.value, basis.label) for basis in PaymentBasis],
        default=PaymentBasis.SCHEDULE.value,
        widget=Radios(),
        validate_choice=False,
    )
    claim_tolerance_percent = PercentageField(
        "Tolerance on each budget line, as a percentage",
        description="On claims: how far above a budget line's amount a grantee may claim on that line, "
        "for example 10. The whole grant is never exceeded.",
        name_for_errors="Tolerance",
        default=DEFAULT_TOLERANCE_PERCENT,
    )
    vat_display = RadioField(
        "VAT on budgets and claims",
        description="Whether each budget line records the VAT in its amount and whether the organisation can "
        "recover it, and which figure the round's pages show first.",
        choices=[SelectChoice(choice.value, choice.label) for choice in VatDisplay],
        default=VatDisplay.NOT_ASKED.value,
        widget=Radios(),
        validate_choice=False,
    )
    rubric = SelectField(
        "Scoring rubric",
        description="The panel will score applications against this rubric. You can choose it later, "
        "but before you publish the round.",
        widget=Select(),
        validate_choice=False,
    )

    def __init__(self, *args, choices: RoundChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.legal_types.choices = LEGAL_TYPE_CHOICES
        self.rubric.choices = [SelectChoice("", "Choose later")] + [
            SelectChoice(value, label) for value, label in choices.rubrics
        ]
        for key in ("local_authorities", "approaches", "adder_strands", "outcomes"):
            self[key].choices = [
                SelectChoice(value, label) for value, label in getattr(choices, key)
            ]

    @staticmethod
    def _positive(field, name: str, required: bool = True) -> None:
        if field.data is None:
            if required and not field.errors:
                raise ValidationError(f"Enter the {name.lower()}")
            return
        if field.data <= 0:
            raise ValidationError(f"{name} must be more than £0")

    def validate_total_budget(self, field):
        self._positive(field, "Total budget")

    def validate_min_award(self, field):
        self._positive(field, "Minimum award")
        if (
            field.data is not None
            and self.max_award.data is not None
            and field.data > self.max_award.data
        ):
            raise ValidationError(
                "Minimum award must be the same as or less than the maximum award"
            )

    def validate_max_award(self, field):
        self._positive(field, "Maximum award")
        if (
            field.data is not None
            and self.total_budget.data is not None
            and field.data > self.total_budget.data
        ):
            raise ValidationError(
                "Maximum award must be the same as or less than the total budget, "
                f"{money(self.total_budget.data)}"
            )

    def validate_max_project_months(self, field):
        if field.data is None:
            if not field.errors:
                raise ValidationError("Enter the maximum project length in months")
            return
        if not 1 <= field.data <= MAX_PROJECT_MONTHS:
            raise ValidationError(
                f"Maximum project length must be between 1 and {MAX_PROJECT_MONTHS} months"
            )

    def validate_max_annual_income(self, field):
        self._positive(field, "Annual income limit", required=False)

    def validate_payment_basis(self, field):
        if field.data not in {basis.value for basis in PaymentBasis}:
            raise ValidationError("Select how grants are paid")

    def validate_vat_display(self, field):
        if field.data not in {choice.value for choice in VatDisplay}:
            raise ValidationError("Select whether budget lines record VAT")

    def validate_claim_tolerance_percent(self, field):
        if field.data is None:
            # Only a round paid on claims needs one (an empty box on a schedule round keeps the default).
            if not field.errors and self.payment_basis.data == PaymentBasis.CLAIMS.value:
                raise ValidationError("Enter the tolerance on each budget line, as a percentage, like 10")
            return
        if not Decimal(0) <= field.data <= MAX_TOLERANCE_PERCENT:
            raise ValidationError(f"Tolerance must be between 0% and {MAX_TOLERANCE_PERCENT}%")

    def validate_rubric(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Select a scoring rubric from the list")

    def validate_legal_types(self, field):
        _chosen(field, "Select at least one type of organisation that can apply")

    def validate_local_authorities(self, field):
        _chosen(field, "Select at least one local authority area")

    def validate_approaches(self, field):
        _chosen(field, "Select at least one of the plan's approaches")

    def validate_adder_strands(self, field):
        _chosen(field, "Select at least one ADDER strand")

    def validate_outcomes(self, field):
        _chosen(field, "Select at least one Combating Drugs outcome")

    def rule_values(self) -> dict:
        return {
            "total_budget": self.total_budget.data,
            "min_award": self.min_award.data,
            "max_award": self.max_award.data,
            "max_project_months": self.max_project_months.data,
            "max_annual_income": self.max_annual_income.data,
            # Each has at least one chosen once the form has validated (_chosen).
            "legal_types": [LegalType(value) for value in required(self.legal_types.data)],
            "local_authorities": [int(value) for value in required(self.local_authorities.data)],
            "approaches": [int(value) for value in required(self.approaches.data)],
            "adder_strands": [int(value) for value in required(self.adder_strands.data)],
            "outcomes": [int(value) for value in required(self.outcomes.data)],
            "rubric_id": int(self.rubric.data) if self.rubric.data else None,
            "payment_basis": PaymentBasis(self.payment_basis.data),
            "claim_tolerance_percent": (self.claim_tolerance_percent.data if self.claim_tolerance_percent.data
                                        is not None else DEFAULT_TOLERANCE_PERCENT).quantize(Decimal("0.01")),
            "vat_display": VatDisplay(self.vat_display.data),
        }

    @staticmethod
    def rules_data(funding_round: FundingRound) -> dict:
        return {
            "total_budget": funding_round.total_budget,
            "min_award": funding_round.min_award,
            "max_award": funding_round.max_award,
            "max_project_months": funding_round.max_project_months,
            "max_annual_income": funding_round.max_annual_income,
            "legal_types": [t.value for t in funding_round.legal_types],
            "local_authorities": [str(row.id) for row in funding_round.local_authorities],
            "approaches": [str(row.id) for row in funding_round.approaches],
            "adder_strands": [str(row.id) for row in funding_round.adder_strands],
            "outcomes": [str(row.id) for row in funding_round.outcomes],
            "rubric": str(funding_round.rubric_id) if funding_round.rubric_id else "",
            "payment_basis": funding_round.payment_basis.value,
            "claim_tolerance_percent": funding_round.claim_tolerance_percent,
            "vat_display": funding_round.vat_display.value,
        }


class RoundForm(RoundTextForm, RoundRulesForm):
    """A whole round: used to create one, and to change it until it opens."""

    opens_on = DateInputField(
        "Opening date",
        name_for_errors="Opening date",
        validators=[DateRequired("Enter the opening date")],
    )
    opens_time = TimeField(
        "Opening time",
        description="UK time, for example 9am, 5:30pm or 17:00",
        name_for_errors="Opening time",
        validators=[InputRequired(message="Enter the opening time")],
    )
    closes_on = DateInputField(
        "Closing date",
        name_for_errors="Closing date",
        validators=[DateRequired("Enter the closing date")],
    )
    closes_time = TimeField(
        "Closing time",
        description="UK time, for example midday, 5pm or 17:00",
        name_for_errors="Closing time",
        validators=[InputRequired(message="Enter the closing time")],
    )
    # A two-stage round: expressions of interest close first; shortlisted organisations are then
    # invited to the full application, which closes at the closing time. Empty: one stage.
    eoi_closes_on = DateInputField(
        "Expressions of interest close (optional)",
        description="For a two-stage round: organisations send a short expression of interest first, and "
        "only those you shortlist are invited to the full application. Leave empty for a one-stage round.",
        name_for_errors="Expressions of interest closing date",
    )
    eoi_closes_time = TimeField(
        "Expressions of interest closing time",
        description="UK time, for example midday, 5pm or 17:00",
        name_for_errors="Expressions of interest closing time",
    )
    panel_scores_eoi = RadioField(
        "Does the panel score expressions of interest as well as full applications?",
        description="The panel always scores full applications. Only for a two-stage round.",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        default="no",
        widget=Radios(),
        validate_choice=False,
    )

    # The order fields are checked and listed in the error summary: the page's order.
    FIELD_ORDER = (
        "version",
        "name",
        "description",
        "guidance",
        "opens_on",
        "opens_time",
        "closes_on",
        "closes_time",
        "eoi_closes_on",
        "eoi_closes_time",
        "panel_scores_eoi",
        "total_budget",
        "min_award",
        "max_award",
        "max_project_months",
        "max_annual_income",
        "legal_types",
        "local_authorities",
        "approaches",
        "adder_strands",
        "outcomes",
        "payment_basis",
        "claim_tolerance_percent",
        "vat_display",
        "rubric",
    )
    # The fields after the text: what a round that has opened no longer takes from this form.
    RULE_FIELDS = FIELD_ORDER[FIELD_ORDER.index("opens_on"):]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ordered = {name: self._fields[name] for name in self.FIELD_ORDER}
        self._fields: dict[str, Field] = ordered | {k: v for k, v in self._fields.items() if k not in ordered}
        self.opens_at: datetime | None = None
        self.closes_at: datetime | None = None
        self.eoi_closes_at: datetime | None = None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.opens_at = moment_from_fields(self.opens_on, self.opens_time, "Opening time")
        self.closes_at = moment_from_fields(self.closes_on, self.closes_time, "Closing time")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            self.closes_on.errors = [
                *self.closes_on.errors,
                "Closing date and time must be after the opening date and time",
            ]
        self._validate_eoi_stage()
        return valid and not any(
            field.errors for field in (self.opens_on, self.opens_time, self.closes_on, self.closes_time,
                                       self.eoi_closes_on, self.eoi_closes_time, self.panel_scores_eoi)
        )

    def _validate_eoi_stage(self) -> None:
        """Both or neither of the expression-of-interest date and time; when given, the stage closes
        after the round opens and before the full application closes."""
        self.eoi_closes_at = None
        if self.panel_scores_eoi.data not in ("yes", "no"):
            self.panel_scores_eoi.errors = [*self.panel_scores_eoi.errors,
                                            "Select yes if the panel scores expressions of interest"]
        has_day, has_time = self.eoi_closes_on.data is not None, bool((self.eoi_closes_time.data or "").strip())
        if self.eoi_closes_on.errors or self.eoi_closes_time.errors or not (has_day or has_time):
            if not (has_day or has_time) and self.panel_scores_eoi.data == "yes" and not self.eoi_closes_on.errors:
                self.panel_scores_eoi.errors = [
                    *self.panel_scores_eoi.errors,
                    "The panel can only score expressions of interest in a two-stage round: enter when "
                    "expressions of interest close, or select no",
                ]
            return
        if not has_day:
            self.eoi_closes_on.errors = [*self.eoi_closes_on.errors, "Enter the date expressions of interest close"]
            return
        if not has_time:
            self.eoi_closes_time.errors = [*self.eoi_closes_time.errors,
                                           "Enter the time expressions of interest close"]
            return
        self.eoi_closes_at = moment_from_fields(self.eoi_closes_on, self.eoi_closes_time,
                                                "Expressions of interest closing time")
        if self.eoi_closes_at is None:
            return
        if self.opens_at and self.eoi_closes_at <= self.opens_at:
            self.eoi_closes_on.errors = [
                *self.eoi_closes_on.errors,
                "Expressions of interest must close after the opening date and time",
            ]
        elif self.closes_at and self.eoi_closes_at >= self.closes_at:
            self.eoi_closes_on.errors = [
                *self.eoi_closes_on.errors,
                "Expressions of interest must close before the closing date and time of the full application",
            ]

    def values(self) -> dict:
        return (
            self.text_values()
            | {"opens_at": self.opens_at, "closes_at": self.closes_at, "eoi_closes_at": self.eoi_closes_at,
               "panel_scores_eoi": self.eoi_closes_at is not None and self.panel_scores_eoi.data == "yes"}
            | self.rule_values()
        )

    @classmethod
    def data_for(cls, funding_round: FundingRound) -> dict:
        opens_on, opens_time = uk_parts(funding_round.opens_at)
        closes_on, closes_time = uk_parts(funding_round.closes_at)
        eoi_closes_on, eoi_closes_time = (
            uk_parts(funding_round.eoi_closes_at) if funding_round.eoi_closes_at else (None, "")
        )
        return {
            "name": funding_round.name,
            "description": funding_round.description,
            "guidance": funding_round.guidance,
            "version": str(funding_round.version),
            "opens_on": opens_on,
            "opens_time": opens_time,
            "closes_on": closes_on,
            "closes_time": closes_time,
            "eoi_closes_on": eoi_closes_on,
            "eoi_closes_time": eoi_closes_time,
            "panel_scores_eoi": "yes" if funding_round.panel_scores_eoi else "no",
        } | cls.rules_data(funding_round)


class OverrideForm(VersionedForm, RoundRulesForm):
    """An administrator's change to the frozen rules of a round that has opened."""

    reason = TextAreaField(
        "Why are the rules being changed?",
        description="This is kept in the audit log with what changed.",
        widget=GovTextArea(),
        validators=[
            DataRequired(message="Enter why the rules are being changed"),
            Length(max=1000, message="Reason must be 1,000 characters or fewer"),
        ],
    )
    submit = submit("Change the rules")


class ExtendForm(GovForm):
    closes_on = DateInputField(
        "New closing date",
        name_for_errors="Closing date",
        validators=[DateRequired("Enter the new closing date")],
    )
    closes_time = TimeField(
        "New closing time",
        description="UK time, for example midday, 5pm or 17:00",
        name_for_errors="Closing time",
        validators=[InputRequired(message="Enter the new closing time")],
    )
    submit = submit("Extend the closing date")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.closes_at = moment_from_fields(self.closes_on, self.closes_time, "Closing time")
        return valid and self.closes_at is not None
