import re

from wtforms import EmailField, RadioField, StringField, ValidationError
from wtforms.validators import InputRequired, Length, Optional

from grants import identifiers
from grants.field_components import Radios, TextInput
from grants.forms import GovForm, MoneyField, SelectChoice, email_address, required, submit
from grants.models.organisations import LEGAL_TYPE_LABELS, LegalType

_PHONE = re.compile(r"^\+?[\d\s()-]{10,20}$")


class OrganisationForm(GovForm):
    name = StringField(
        "Organisation name",
        widget=TextInput(),
        validators=[
            InputRequired(message="Enter your organisation's name"),
            Length(max=200, message="Organisation name must be 200 characters or fewer"),
        ],
    )
    legal_type = RadioField(
        "What type of organisation is it?",
        choices=[SelectChoice(t.value, LEGAL_TYPE_LABELS[t]) for t in LegalType],
        widget=Radios(),
        # validate_legal_type refuses unknown values in GOV.UK words, not WTForms' "Not a valid choice"
        validate_choice=False,
        validators=[InputRequired(message="Select the type of organisation")],
    )
    charity_number = StringField(
        "Charity number",
        description="If you are a registered charity or CIO, for example 1234567 or SC012345",
        widget=TextInput(),
        # No Optional(): it would stop validation of an empty field before validate_charity_number,
        # which is where a registered charity or CIO is told that the number is needed.
    )
    company_number = StringField(
        "Company number",
        description="If you are registered with Companies House, for example 01234567",
        widget=TextInput(),
        # No Optional(), as for charity_number: validate_company_number handles an empty field.
    )
    address_line_1 = StringField(
        "Address line 1",
        widget=TextInput(),
        validators=[
            InputRequired(message="Enter address line 1, typically the building and street"),
            Length(max=200, message="Address line 1 must be 200 characters or fewer"),
        ],
    )
    address_line_2 = StringField(
        "Address line 2 (optional)",
        widget=TextInput(),
        validators=[Optional(), Length(max=200, message="Address line 2 must be 200 characters or fewer")],
    )
    town = StringField(
        "Town or city",
        widget=TextInput(),
        validators=[
            InputRequired(message="Enter town or city"),
            Length(max=100, message="Town or city must be 100 characters or fewer"),
        ],
    )
    county = StringField(
        "County (optional)",
        widget=TextInput(),
        validators=[Optional(), Length(max=100, message="County must be 100 characters or fewer")],
    )
    postcode = StringField(
        "Postcode",
        widget=TextInput(),
        validators=[InputRequired(message="Enter postcode")],
    )
    annual_income = MoneyField(
        "Annual income",
        description="From your latest accounts, in pounds. Enter 0 if you are a new group.",
        name_for_errors="Annual income",
        validators=[InputRequired(message="Enter your organisation's annual income")],
    )
    contact_name = StringField(
        "Main contact's full name",
        widget=TextInput(),
        validators=[
            InputRequired(message="Enter the main contact's full name"),
            Length(max=200, message="Main contact's name must be 200 characters or fewer"),
        ],
    )
    contact_email = EmailField(
        "Main contact's email address",
        widget=TextInput(),
        validators=[InputRequired(message="Enter the main contact's email address"), email_address()],
    )
    contact_phone = StringField(
        "Main contact's phone number (optional)",
        description="For international numbers include the country code",
        widget=TextInput(),
        validators=[Optional()],
    )
    submit = submit("Save")

    def _legal_type(self) -> LegalType | None:
        try:
            return LegalType(self.legal_type.data)
        except ValueError:
            return None

    def validate_legal_type(self, field):
        if self._legal_type() is None:
            raise ValidationError("Select the type of organisation")

    def validate_charity_number(self, field):
        legal_type = self._legal_type()
        if not field.data:
            field.data = None
            if legal_type is not None and legal_type.needs_charity_number:
                raise ValidationError(f"Enter the charity number of your {_kind(legal_type)}")
            return
        if legal_type is not None and not legal_type.may_have_charity_number:
            raise ValidationError(
                f"Leave the charity number blank: {_a_kind(legal_type)} is not a registered charity"
            )
        try:
            field.data = identifiers.normalise_charity_number(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def validate_company_number(self, field):
        legal_type = self._legal_type()
        if not field.data:
            field.data = None
            if legal_type is not None and legal_type.needs_company_number:
                raise ValidationError(f"Enter the company number of your {_kind(legal_type)}")
            return
        if legal_type is not None and not legal_type.may_have_company_number:
            raise ValidationError(f"Leave the company number blank: {_a_kind(legal_type)} is not a company")
        try:
            field.data = identifiers.normalise_company_number(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def validate_postcode(self, field):
        try:
            field.data = identifiers.normalise_postcode(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def validate_annual_income(self, field):
        if field.data is not None and field.data < 0:
            raise ValidationError("Annual income must be 0 or more")

    def validate_contact_phone(self, field):
        if field.data and not _PHONE.match(field.data):
            raise ValidationError("Enter a phone number, like 01632 960 001 or +44 808 157 0192")

    def organisation_values(self) -> dict:
        return {
            name: (getattr(self, name).data or None)
            if name in {"charity_number", "company_number", "address_line_2", "county", "contact_phone"}
            else getattr(self, name).data
            for name in (
                "name", "charity_number", "company_number", "address_line_1", "address_line_2",
                "town", "county", "postcode", "annual_income", "contact_name", "contact_email",
                "contact_phone",
            )
        } | {"legal_type": LegalType(self.legal_type.data), "contact_email": required(self.contact_email.data).lower()}


def _kind(legal_type: LegalType) -> str:
    """The type in running text: "charitable incorporated organisation" (the label less its acronym)."""
    return legal_type.label.split(" (")[0].lower()


def _a_kind(legal_type: LegalType) -> str:
    kind = _kind(legal_type)
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


class InviteForm(GovForm):
    email = EmailField(
        "Email address of the person to invite",
        widget=TextInput(),
        validators=[InputRequired(message="Enter the email address of the person to invite"), email_address()],
    )
    submit = submit("Send invitation")
