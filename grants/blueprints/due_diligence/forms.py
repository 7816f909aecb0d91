"""Forms of due diligence: a checklist item, a finding on one item, a register file to import."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovTextArea,
)
from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length

from grants.field_components import CharacterCount, Checkbox, Radios, TextInput
from grants.forms import DateInputField, GovForm, SelectChoice, submit, without_nul
from grants.interfaces.due_diligence.checklists import HINT_MAX, LABEL_MAX
from grants.interfaces.due_diligence.findings import NOTE_MAX
from grants.models.due_diligence import CheckOutcome, Register


class ItemForm(GovForm):
    label = StringField(
        "What is checked",
        description="For example, Insurance",
        widget=TextInput(),
        filters=[without_nul],
        validators=[
            InputRequired(message="Enter what the officer checks"),
            Length(max=LABEL_MAX, message=f"What is checked must be {LABEL_MAX} characters or fewer"),
        ],
    )
    hint = TextAreaField(
        "Guidance for the officer (optional)",
        description="What counts as met, for example “Public liability cover in date for the project”",
        widget=GovTextArea(),
        filters=[without_nul],
        validators=[Length(max=HINT_MAX, message=f"Guidance must be {HINT_MAX} characters or fewer")],
    )
    required = BooleanField(
        "Required: a bid cannot go to the panel until this is met or marked not needed",
        widget=Checkbox(),
    )
    submit = submit("Save item")


OUTCOME_CHOICES = [SelectChoice(outcome.value, outcome.label) for outcome in CheckOutcome]


class FindingForm(GovForm):
    outcome = RadioField(
        "Finding",
        choices=OUTCOME_CHOICES,
        widget=Radios(),
        validate_choice=False,  # validate_outcome says it in GOV.UK words
        validators=[InputRequired(message="Select met, not met or not needed")],
    )
    note = TextAreaField(
        "Note",
        description="Needed when the item is not met or not needed: say why",
        widget=CharacterCount(),
        filters=[without_nul],
        render_kw={"params": {"maxlength": NOTE_MAX}},
        validators=[Length(max=NOTE_MAX, message=f"Note must be {NOTE_MAX:,} characters or fewer")],
    )
    version = HiddenField()
    submit = submit("Save finding")

    def validate_outcome(self, field):
        if field.data not in {outcome.value for outcome in CheckOutcome}:
            raise ValidationError("Select met, not met or not needed")

    def validate_note(self, field):
        if self.outcome.data in {CheckOutcome.NOT_MET.value, CheckOutcome.NOT_NEEDED.value} and not field.data:
            raise ValidationError("Enter a note saying why")

    def expected_version(self) -> int:
        text = (self.version.data or "0").strip()
        return int(text) if text.isdigit() else -1  # an edited value never matches: a conflict


REGISTER_CHOICES = [
    SelectChoice(Register.CHARITY.value, "Charity Commission register extract (publicextract.charity, .txt or .zip)"),
    SelectChoice(Register.COMPANY.value, "Companies House basic company data (BasicCompanyData, .csv or .zip)"),
]


class RegisterImportForm(GovForm):
    register = RadioField(
        "Which register's file is it?",
        choices=REGISTER_CHOICES,
        widget=Radios(),
        validate_choice=False,
        validators=[InputRequired(message="Select which register the file is from")],
    )
    file = FileField(
        "Upload the file",
        widget=GovFileInput(),
        validators=[FileRequired(message="Select the register's file")],
    )
    extract_date = DateInputField(
        "Date of the extract (Companies House only, if the file name does not give it)",
        description="For example, 1 12 2026",
        name_for_errors="Date of the extract",
    )
    submit = submit("Import the file")

    def validate_register(self, field):
        if field.data not in {register.value for register in Register}:
            raise ValidationError("Select which register the file is from")
