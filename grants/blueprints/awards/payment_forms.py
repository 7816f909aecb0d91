"""Forms for recording a payment and holding an instalment."""

from __future__ import annotations

from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from grants.field_components import CharacterCount, TextInput
from grants.forms import DateInputField, DateRequired, GovForm, submit
from grants.interfaces.awards.payments import HOLD_REASON_MAX_CHARACTERS, REFERENCE_MAX_CHARACTERS


class PaymentForm(GovForm):
    paid_on = DateInputField(
        "Date paid",
        description="The date the money left the account, for example 27 3 2027",
        name_for_errors="Date paid",
        validators=[DateRequired("Enter the date the payment was made")],
    )
    reference = StringField(
        "Payment reference",
        description="As shown in the finance system or on the bank statement",
        widget=TextInput(),
        validators=[
            InputRequired(message="Enter the payment reference"),
            Length(max=REFERENCE_MAX_CHARACTERS,
                   message=f"Payment reference must be {REFERENCE_MAX_CHARACTERS} characters or fewer"),
        ],
    )
    next = HiddenField()
    submit = submit("Record payment")


class HoldForm(GovForm):
    reason = TextAreaField(
        "Why is this instalment on hold?",
        description="Only staff see this. The grantee is told the payment is on hold until their monitoring "
        "return is received and accepted",
        widget=CharacterCount(),
        render_kw={"params": {"maxlength": HOLD_REASON_MAX_CHARACTERS}},
        validators=[
            InputRequired(message="Enter why the instalment is on hold"),
            Length(max=HOLD_REASON_MAX_CHARACTERS,
                   message=f"Reason must be {HOLD_REASON_MAX_CHARACTERS:,} characters or fewer"),
        ],
    )
    next = HiddenField()
    submit = submit("Put on hold")
