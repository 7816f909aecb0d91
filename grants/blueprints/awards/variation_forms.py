"""Forms for variations (asked for by officers and grantees), their decision, closing an award and
settling a repayment. Radios reveal the fields of the choice made; fields of the other choices are
not checked."""

from __future__ import annotations

from decimal import Decimal

from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from grants.field_components import CharacterCount, Radios, TextInput
from grants.forms import DateInputField, GovForm, MoneyField, SelectChoice, submit
from grants.interfaces.awards.awarding import REASON_MAX_CHARACTERS
from grants.interfaces.awards.payments import REFERENCE_MAX_CHARACTERS
from grants.interfaces.awards.variations import ACTIVITIES_MAX_CHARACTERS
from grants.models.awards import VariationKind


def _text(label: str, description: str, maximum: int, name: str) -> TextAreaField:
    return TextAreaField(
        label, description=description, widget=CharacterCount(),
        render_kw={"params": {"maxlength": maximum}},
        validators=[Length(max=maximum, message=f"{name} must be {maximum:,} characters or fewer")],
    )


def _radios(label: str, description: str, choices: list[SelectChoice], message: str) -> RadioField:
    return RadioField(label, description=description, choices=choices, widget=Radios(),
                      validate_choice=False, validators=[InputRequired(message=message)])


class _ChoiceForm(GovForm):
    """A form whose radio ``CHOICE`` decides which other fields count (``FIELDS_OF``)."""

    CHOICE = ""
    FIELDS_OF: dict[str, tuple[str, ...]] = {}
    CHOICE_MESSAGE = ""

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        choice = self[self.CHOICE]
        if choice.data not in self.FIELDS_OF and not choice.errors:
            choice.errors = [self.CHOICE_MESSAGE]
        chosen = set(self.FIELDS_OF.get(choice.data, ()))
        for name in {name for names in self.FIELDS_OF.values() for name in names} - chosen:
            self[name].errors = []  # fields of another choice: ignored, even if typed wrong
        if choice.data in self.FIELDS_OF:
            self.check_choice(choice.data)
        return not any(field.errors for field in self) and not self.form_errors

    def check_choice(self, choice: str) -> None:
        """Cross-field checks of the chosen option's fields."""

    def require(self, name: str, message: str) -> None:
        """``message`` for a field of the chosen option left empty (one typed wrong says so already)."""
        if self[name].data in (None, "") and not self[name].errors:
            self[name].errors = [message]


KIND_CHOICES = [SelectChoice(kind.value, kind.label) for kind in VariationKind]


class VariationForm(_ChoiceForm):
    CHOICE = "kind"
    FIELDS_OF = {"amount": ("amount",), "dates": ("start_date", "end_date"), "activities": ("activities",)}
    CHOICE_MESSAGE = "Select what is to change"

    kind = _radios("What is to change?", "One change of each kind can wait for a decision at a time", KIND_CHOICES,
                   CHOICE_MESSAGE)
    amount = MoneyField("New amount of the award", description="In pounds, for example 4500",
                        name_for_errors="New amount")
    start_date = DateInputField("New start date", description="For example 1 4 2027", name_for_errors="Start date")
    end_date = DateInputField("New end date", description="For example 31 3 2028", name_for_errors="End date")
    activities = _text("The activities as they would be after the change",
                       "What will be delivered, and how it differs from the application", ACTIVITIES_MAX_CHARACTERS,
                       "Activities")
    reason = TextAreaField(
        "Why is the change needed?", widget=CharacterCount(),
        render_kw={"params": {"maxlength": REASON_MAX_CHARACTERS}},
        validators=[InputRequired(message="Enter the reason for the change"),
                    Length(max=REASON_MAX_CHARACTERS, message=f"Reason must be {REASON_MAX_CHARACTERS:,} characters "
                                                              "or fewer")],
    )
    submit = submit("Ask for the change")

    def check_choice(self, choice: str) -> None:
        if choice == "amount":
            self.require("amount", "Enter the new amount of the award")
        elif choice == "dates":
            self.require("start_date", "Enter the new start date")
            self.require("end_date", "Enter the new end date")
            if self.start_date.data and self.end_date.data and self.end_date.data <= self.start_date.data:
                self.end_date.errors = ["End date must be after the start date"]
        else:
            self.require("activities", "Describe the activities as they would be after the change")

    def proposal(self) -> dict:
        return {name: self[name].data for name in self.FIELDS_OF[self.kind.data]}


DECISIONS = [SelectChoice("approve", "Approve: make the change"), SelectChoice("reject", "Reject it")]


class DecisionForm(_ChoiceForm):
    CHOICE = "decision"
    FIELDS_OF = {"approve": (), "reject": ()}
    CHOICE_MESSAGE = "Select whether to approve or reject the variation"

    decision = _radios("Your decision", "The grantee is emailed your decision", DECISIONS, CHOICE_MESSAGE)
    decision_reason = _text("Reason for your decision", "Needed if you reject it. The grantee sees it",
                            REASON_MAX_CHARACTERS, "Reason")
    submit = submit("Save decision")

    def check_choice(self, choice: str) -> None:
        if choice == "reject":
            self.require("decision_reason", "Enter the reason for rejecting the variation")


RECOVERY = [SelectChoice("recover", "Yes: the grantee pays it back"),
            SelectChoice("waive", "No: it is not to be recovered")]


class ClosureForm(GovForm):
    underspend = MoneyField("Underspend", description="Grant paid but not spent, in pounds. Enter 0 if it was all "
                            "spent", name_for_errors="Underspend",
                            validators=[InputRequired(message="Enter the underspend, or 0 if all the grant was "
                                                              "spent")])
    recover = RadioField("Is the underspend to be paid back?", description="Only if there is an underspend",
                         choices=RECOVERY, widget=Radios(), validate_choice=False)
    repayment_due_date = DateInputField("Date the repayment is due", description="For example 30 6 2027",
                                        name_for_errors="Repayment due date")
    waive_reason = _text("Why is it not to be recovered?", "For example, the amount is too small to recover",
                         REASON_MAX_CHARACTERS, "Reason")
    submit = submit("Close the award")

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if self.underspend.errors or not self.underspend.data or self.underspend.data <= Decimal(0):
            self.repayment_due_date.errors, self.waive_reason.errors = [], []  # nothing to pay back
            self.recover.errors = []
        elif self.recover.data == "recover":
            self.waive_reason.errors = []
            if self.repayment_due_date.data is None and not self.repayment_due_date.errors:
                self.repayment_due_date.errors = ["Enter the date the repayment is due"]
        elif self.recover.data == "waive":
            self.repayment_due_date.errors = []
            if not self.waive_reason.data and not self.waive_reason.errors:
                self.waive_reason.errors = ["Enter the reason the underspend is not to be recovered"]
        else:
            self.repayment_due_date.errors, self.waive_reason.errors = [], []
            self.recover.errors = ["Select whether the underspend is to be paid back"]
        return not any(field.errors for field in self)


SETTLEMENTS = [SelectChoice("received", "It has been received"),
               SelectChoice("waived", "It is not to be recovered")]


class RepaymentForm(_ChoiceForm):
    CHOICE = "action"
    FIELDS_OF = {"received": ("received_on", "received_reference"), "waived": ("waive_reason",)}
    CHOICE_MESSAGE = "Select whether the repayment has been received or is not to be recovered"

    action = _radios("What has happened to the repayment?", "Record it when the money arrives, or when it is "
                     "decided not to recover it", SETTLEMENTS, CHOICE_MESSAGE)
    received_on = DateInputField("Date received", description="For example 27 3 2027", name_for_errors="Date received")
    received_reference = StringField(
        "Reference", description="As shown in the finance system or on the bank statement", widget=TextInput(),
        validators=[Length(max=REFERENCE_MAX_CHARACTERS,
                           message=f"Reference must be {REFERENCE_MAX_CHARACTERS} characters or fewer")],
    )
    waive_reason = _text("Why is it not to be recovered?", "Staff see this", REASON_MAX_CHARACTERS, "Reason")
    submit = submit("Save")

    def check_choice(self, choice: str) -> None:
        if choice == "received":
            self.require("received_on", "Enter the date the repayment was received")
            self.require("received_reference", "Enter the reference of the payment received")
        else:
            self.require("waive_reason", "Enter the reason the repayment is not to be recovered")


def attach(form, refused) -> None:
    """Show an interface's refusal (AwardError) beside its field when it has one, else at the top."""
    if refused.field and refused.field in form:
        form[refused.field].errors = [*form[refused.field].errors, str(refused)]
    else:
        form.form_errors.append(str(refused))

