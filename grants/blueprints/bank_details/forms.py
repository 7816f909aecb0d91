"""Forms for entering bank details and recording the call-back that verifies them."""

from __future__ import annotations

from wtforms import RadioField, StringField, TextAreaField

from grants.field_components import CharacterCount, Radios, TextInput
from grants.forms import GovForm, SelectChoice, submit
from grants.interfaces.bank_details.details import NOTE_MAX


class BankDetailsForm(GovForm):
    """The service checks every field (``details.checked``) so that the messages are the same on every path."""

    account_name = StringField("Name on the account", description="As the bank has it, usually the organisation's "
                               "name", widget=TextInput())
    sort_code = StringField("Sort code", description="Must be 6 digits long", widget=TextInput(),
                            render_kw={"params": {"classes": "govuk-input--width-5", "inputmode": "numeric",
                                                  "spellcheck": False, "autocomplete": "off"}})
    account_number = StringField("Account number", description="Must be between 6 and 8 digits long",
                                 widget=TextInput(),
                                 render_kw={"params": {"classes": "govuk-input--width-10", "inputmode": "numeric",
                                                       "spellcheck": False, "autocomplete": "off"}})
    roll_number = StringField("Building society roll number (if you have one)",
                              description="You can find it on your card, statement or passbook", widget=TextInput(),
                              render_kw={"params": {"classes": "govuk-input--width-10", "spellcheck": False,
                                                    "autocomplete": "off"}})
    submit = submit("Send for checking")


class VerifyForm(GovForm):
    outcome = RadioField("Did the contact confirm the new bank details?", widget=Radios(),
                         choices=[SelectChoice("confirmed", "Yes, they confirmed them: the details take effect"),
                                  SelectChoice("not_confirmed", "No: reject the details")], validate_choice=False)
    callback_contact = StringField("Who did you speak to?", description="Their name and role",
                                   widget=TextInput())
    callback_phone = StringField("Which number did you call?",
                                 description="A number the office already held, never one given with the change",
                                 widget=TextInput(), render_kw={"params": {"classes": "govuk-input--width-20",
                                                                              "autocomplete": "off"}})
    callback_note = TextAreaField("What did they confirm?", description="For example, that they asked for the "
                                  "change and read back the sort code and account number", widget=CharacterCount(),
                                  render_kw={"params": {"maxlength": NOTE_MAX}})
    submit = submit("Record the call")
