"""Forms for making, changing, extending and withdrawing a grant offer.

The forms check what was typed (present, a real date, a number); the award rules (instalments
adding up, dates in order, the round's budget, a deadline in the future) are the interface's, and
its AwardError is shown on the field it names.
"""

from __future__ import annotations

from datetime import date

from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
    ValidationError,
)
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, Length

from grants.award_conditions import STANDARD_CONDITIONS
from grants.field_components import CharacterCount, Checkboxes, Radios, Select
from grants.formatting import LONDON
from grants.forms import DateInputField, DateRequired, GovForm, MoneyField, SelectChoice, required, submit
from grants.interfaces.awards.awarding import REASON_MAX_CHARACTERS, AwardError, AwardTerms, InstalmentPlan
from grants.interfaces.awards.offers import MAX_INSTALMENTS, end_of_day
from grants.models.awards import Award, InstalmentTrigger, MonitoringFrequency

SPECIAL_CONDITIONS_MAX_CHARACTERS = 5_000

TRIGGER_CHOICES = [SelectChoice(trigger.value, trigger.label) for trigger in InstalmentTrigger]
FREQUENCY_CHOICES = [SelectChoice(frequency.value, frequency.label) for frequency in MonitoringFrequency]
CONDITION_CHOICES = [SelectChoice(key, text) for key, text in STANDARD_CONDITIONS.items()]


def attach(form, problem: AwardError) -> None:
    """Show an interface's refusal in the error summary, on the field it names when the form has it."""
    name = problem.field
    if name and name in form:
        form[name].errors = [*form[name].errors, str(problem)]
    else:
        form.form_errors.append(str(problem))


class InstalmentRowForm(Form):
    """One row of the payment schedule. A row left empty is ignored."""

    amount = MoneyField("Amount", name_for_errors="Instalment amount")
    due_date = DateInputField("Due date", name_for_errors="Due date")
    trigger = SelectField("When it becomes due", choices=TRIGGER_CHOICES, widget=Select(),
                          validate_choice=False, default=InstalmentTrigger.ON_DATE.value)

    @property
    def number(self) -> int:
        # The row's prefix is "instalments-<index>-".
        prefix: str = self._prefix  # type: ignore[attr-defined]  # BaseForm's, which the stubs leave out
        return int(prefix.rstrip("-").rsplit("-", 1)[-1]) + 1

    def is_blank(self) -> bool:
        return not (getattr(self.amount, "raw_text", "") or "").strip() and not self.due_date.raw_data

    def validate_amount(self, field):
        if field.data is None and not field.errors and not self.is_blank():
            raise ValidationError(f"Enter the amount of instalment {self.number}")

    def validate_due_date(self, field):
        if field.data is None and not field.errors and not self.is_blank():
            raise ValidationError(f"Enter the date instalment {self.number} is due")

    def validate_trigger(self, field):
        if not self.is_blank() and field.data not in {choice.value for choice in TRIGGER_CHOICES}:
            raise ValidationError(f"Select when instalment {self.number} becomes due")


class ScheduleRows(FieldList):
    """The payment schedule's rows, each read from its own name (instalments-0 to -5) whatever rows
    a request sends. (FieldList renumbers the rows it was sent, so a gap, or a row missing from a
    request, would otherwise make the padding rows read another row's values.)"""

    def process(self, formdata, data=unset_value, extra_filters=None):
        if not formdata:
            return super().process(formdata, data, extra_filters)
        self.last_index, self.entries, self.object_data = -1, [], data
        assert self.max_entries is not None  # a schedule has a fixed number of rows
        for index in range(self.max_entries):
            self._add_entry(formdata, index=index)  # type: ignore[attr-defined]  # FieldList's; not in the stubs


def _checkboxes(label: str, hint: str) -> SelectMultipleField:
    return SelectMultipleField(label, description=hint, choices=[], widget=Checkboxes(),
                               validate_choice=False)


class OfferForm(GovForm):
    """The terms of a grant offer; also used to change an offer (``version`` then carries the
    award's version when the page was loaded). Fields are in the page's order, which the error
    summary follows."""

    version = HiddenField()
    amount = MoneyField("Amount to award", name_for_errors="Award amount")
    amount_reason = TextAreaField(
        "Reason, if the award differs from the amount asked for",
        description="The grantee sees this on the offer letter",
        widget=CharacterCount(),
        render_kw={"params": {"maxlength": REASON_MAX_CHARACTERS, "rows": 3}},
        validators=[Length(max=REASON_MAX_CHARACTERS,
                           message=f"Reason must be {REASON_MAX_CHARACTERS:,} characters or fewer")],
    )
    start_date = DateInputField("Start date", name_for_errors="Start date",
                                validators=[DateRequired("Enter the date the grant starts")])
    end_date = DateInputField("End date", name_for_errors="End date",
                              validators=[DateRequired("Enter the date the grant ends")])
    instalments = ScheduleRows(FormField(InstalmentRowForm), min_entries=MAX_INSTALMENTS,
                               max_entries=MAX_INSTALMENTS)
    monitoring_frequency = RadioField(
        "How often does the grantee send monitoring returns?",
        description="Each return is due 30 days after the end of its period",
        choices=FREQUENCY_CHOICES, widget=Radios(), validate_choice=False,
    )
    standard_conditions = _checkboxes("Standard conditions", "Untick any that do not apply to this grant")
    special_conditions = TextAreaField(
        "Special conditions (optional)",
        description="Conditions for this grant only, for example “Send us your updated safeguarding "
        "policy before the first payment”. Put each on its own line",
        widget=CharacterCount(),
        render_kw={"params": {"maxlength": SPECIAL_CONDITIONS_MAX_CHARACTERS, "rows": 4}},
        validators=[Length(max=SPECIAL_CONDITIONS_MAX_CHARACTERS,
                           message=f"Special conditions must be {SPECIAL_CONDITIONS_MAX_CHARACTERS:,} "
                           "characters or fewer")],
    )
    commitments = _checkboxes("Which of the plan’s commitments does the grant serve?",
                              "From the plan approaches the application named. Select all that apply")
    officer_id = SelectField("Officer responsible", widget=Select(), choices=[], validate_choice=False)
    offer_deadline = DateInputField(
        "Accept by", name_for_errors="Accept-by date",
        description="The offer lapses if it is not accepted by the end of this day (UK time)",
        validators=[DateRequired("Enter the date the offer must be accepted by")],
    )
    submit = submit("Make the offer")

    def __init__(self, *args, officers=(), commitments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.standard_conditions.choices = CONDITION_CHOICES
        self.officer_id.choices = [SelectChoice("", "Choose an officer")] + [
            SelectChoice(str(user.id), user.full_name) for user in officers
        ]
        self.commitments.choices = [SelectChoice(str(c.id), c.text) for c in commitments]
        self._officers = {str(user.id): user for user in officers}

    def validate_amount(self, field):
        if field.data is None and not field.errors:
            raise ValidationError("Enter the amount to award")

    def validate_standard_conditions(self, field):
        allowed = {choice.value for choice in field.choices}
        if any(value not in allowed for value in field.data or ()):
            raise ValidationError("Select standard conditions from the list")

    def validate_commitments(self, field):
        allowed = {choice.value for choice in field.choices}
        if any(value not in allowed for value in field.data or ()):
            raise ValidationError("Select commitments from the list")

    def validate_monitoring_frequency(self, field):
        if field.data not in {choice.value for choice in FREQUENCY_CHOICES}:
            raise ValidationError("Select how often the grantee sends monitoring returns")

    def validate_officer_id(self, field):
        if field.data not in self._officers:
            raise ValidationError("Select the officer responsible")

    def loaded_version(self) -> int | None:
        if self.version.data is None:
            return None
        try:
            return int(self.version.data)
        except ValueError:
            return None

    def plans(self) -> tuple[InstalmentPlan, ...]:
        """The payment schedule's filled rows, in order."""
        return tuple(
            InstalmentPlan(row.form.amount.data, row.form.due_date.data, InstalmentTrigger(row.form.trigger.data))
            for row in self.instalments.entries
            if not row.form.is_blank()
        )

    def terms(self) -> AwardTerms:
        return AwardTerms(
            amount=required(self.amount.data),
            amount_reason=self.amount_reason.data or None,
            start_date=required(self.start_date.data),
            end_date=required(self.end_date.data),
            standard_conditions=tuple(self.standard_conditions.data or ()),
            special_conditions=self.special_conditions.data or "",
            monitoring_frequency=MonitoringFrequency(self.monitoring_frequency.data),
            officer=self._officers[self.officer_id.data],
            offer_deadline=end_of_day(required(self.offer_deadline.data)),
            instalments=self.plans(),
            commitment_ids=tuple(int(value) for value in self.commitments.data or ()),
        )

    @staticmethod
    def data_for(terms: AwardTerms, deadline_day: date, version: int | None = None) -> dict:
        """Form data showing ``terms`` (an award's, or the defaults for a new offer)."""
        return {
            "version": "" if version is None else str(version),
            "amount": terms.amount,
            "amount_reason": terms.amount_reason or "",
            "start_date": terms.start_date,
            "end_date": terms.end_date,
            "standard_conditions": list(terms.standard_conditions),
            "special_conditions": terms.special_conditions,
            "monitoring_frequency": terms.monitoring_frequency.value,
            "officer_id": str(terms.officer.id) if terms.officer else "",
            "offer_deadline": deadline_day,
            "commitments": [str(i) for i in terms.commitment_ids],
            "instalments": [
                {"amount": plan.amount, "due_date": plan.due_date, "trigger": plan.trigger.value}
                for plan in terms.instalments
            ],
        }


def award_data(award: Award, terms: AwardTerms) -> dict:
    return OfferForm.data_for(terms, award.offer_deadline.astimezone(LONDON).date(), award.version)


class ExtendForm(GovForm):
    offer_deadline = DateInputField(
        "New accept-by date", name_for_errors="New accept-by date",
        description="The offer lapses if it is not accepted by the end of this day (UK time)",
        validators=[DateRequired("Enter the new date the offer must be accepted by")],
    )
    submit = submit("Extend the offer")


class WithdrawForm(GovForm):
    reason = TextAreaField(
        "Why is the offer being withdrawn?",
        description="The organisation is emailed this reason",
        widget=CharacterCount(),
        render_kw={"params": {"maxlength": REASON_MAX_CHARACTERS, "rows": 4}},
        validators=[
            DataRequired(message="Enter the reason for withdrawing the offer"),
            Length(max=REASON_MAX_CHARACTERS, message=f"Reason must be {REASON_MAX_CHARACTERS:,} characters or fewer"),
        ],
    )
    submit = submit("Withdraw the offer")
