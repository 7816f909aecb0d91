from govuk_frontend_wtf.wtforms_widgets import (
    GovSubmitInput,
    GovTextArea,
)
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import InputRequired, Length, Optional

from grants.field_components import Checkbox, Checkboxes, Select, TextInput
from grants.forms import DateInputField, GovForm, SelectChoice, email_address, submit
from grants.models.accounts import ROLE_LABELS, STAFF_ROLES, Role

STAFF_ROLE_CHOICES = [SelectChoice(role.value, ROLE_LABELS[role]) for role in Role if role in STAFF_ROLES]


def roles_field() -> SelectMultipleField:
    return SelectMultipleField(
        "Roles",
        description="Select all that apply",
        choices=STAFF_ROLE_CHOICES,
        widget=Checkboxes(),
        validators=[InputRequired(message="Select at least one role")],
    )


class StaffUserForm(GovForm):
    full_name = StringField(
        "Full name",
        widget=TextInput(),
        validators=[
            InputRequired(message="Enter the person's full name"),
            Length(max=200, message="Full name must be 200 characters or fewer"),
        ],
    )
    email = EmailField(
        "Email address",
        widget=TextInput(),
        validators=[InputRequired(message="Enter the person's email address"), email_address()],
    )
    roles = roles_field()
    submit = submit("Create account and send invitation")


class UserRolesForm(GovForm):
    roles = roles_field()
    submit = submit("Save roles")


class AuditFilterForm(GovForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    actor = StringField(
        "Who (email contains)",
        widget=TextInput(),
        validators=[Optional(), Length(max=254, message="Who must be 254 characters or fewer")],
    )
    # Choices are the values in the log; a value from an old link that is not (yet) there finds
    # nothing rather than failing with WTForms' "Not a valid choice".
    action = SelectField("Action", widget=Select(), validate_choice=False, validators=[Optional()])
    entity_type = SelectField("Record type", widget=Select(), validate_choice=False, validators=[Optional()])
    entity_id = StringField(
        "Record id",
        widget=TextInput(),
        validators=[Optional(), Length(max=80, message="Record id must be 80 characters or fewer")],
    )
    # No Optional() on the dates: it sees an empty day box as an empty field and throws away the
    # "must include a day" error, so a half-typed date would be silently ignored. An empty date
    # input needs no validator: its data is None.
    date_from = DateInputField("From", name_for_errors="From date")
    date_to = DateInputField("To", name_for_errors="To date")

    submit = submit("Filter")

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("To date must be the same as or after the from date")


class ErasureForm(GovForm):
    confirm = BooleanField(
        "I confirm that this person's personal data should be erased. This cannot be undone",
        widget=Checkbox(),
        validators=[InputRequired(message="Confirm that this person's personal data should be erased")],
    )
    submit = submit("Erase personal data")


def settings_form_class() -> type[GovForm]:
    """A form with a text input for each office setting, labelled and hinted as the setting says;
    the service checks the values (``grants.interfaces.admin.settings.save_settings``)."""
    from grants.interfaces.admin.settings import SPECS

    fields = {
        spec.key: StringField(
            spec.label,
            description=spec.hint,
            widget=TextInput(),
            validators=[InputRequired(message=f"Enter the {spec.label[0].lower()}{spec.label[1:]}")],
        )
        for spec in SPECS
    }
    return type("OfficeSettingsForm", (GovForm,), {**fields, "submit": submit("Save settings")})


class EmailTemplateForm(GovForm):
    """An administrator's edit of an email's template (grants.email_templates checks the placeholders)."""

    subject = StringField("Subject", widget=TextInput(),
                          validators=[InputRequired(message="Enter a subject"), Length(max=300)])
    body = TextAreaField("Message", widget=GovTextArea(),
                         description="Markdown. Put a placeholder in double brackets, like ((round name)); "
                                     "text in ((name??text)) appears only when name applies.",
                         validators=[InputRequired(message="Enter the message")])
    # The version the editor opened ("" for the default): a save after someone else's is refused.
    based_on = HiddenField()
    preview = SubmitField("Preview", widget=GovSubmitInput())
    save = submit("Save")


class RestoreTemplateForm(GovForm):
    """Restore the default (``version`` "default") or an older version, as a new version."""

    version = HiddenField()
    based_on = HiddenField()
    submit = submit("Restore")
