"""The grantee's acceptance of a grant offer: a named, dated declaration."""

from __future__ import annotations

from wtforms import BooleanField, StringField
from wtforms.validators import InputRequired, Length

from grants.field_components import Checkbox, TextInput
from grants.forms import GovForm, submit

NAME_MAX_CHARACTERS = 200


class AcceptanceForm(GovForm):
    # Field names are those accept_offer names in its refusals (name, position, confirm).
    name = StringField(
        "Your full name",
        widget=TextInput(),
        render_kw={"autocomplete": "name", "spellcheck": False},
        validators=[
            InputRequired(message="Enter your full name"),
            Length(max=NAME_MAX_CHARACTERS, message=f"Name must be {NAME_MAX_CHARACTERS} characters or fewer"),
        ],
    )
    position = StringField(
        "Your position in the organisation",
        description="For example, chair of trustees, treasurer or director",
        widget=TextInput(),
        render_kw={"autocomplete": "organization-title"},
        validators=[
            InputRequired(message="Enter your position in the organisation"),
            Length(max=NAME_MAX_CHARACTERS, message=f"Position must be {NAME_MAX_CHARACTERS} characters or fewer"),
        ],
    )
    confirm = BooleanField(
        "I confirm I am authorised to accept this grant on behalf of the organisation and that we accept "
        "its conditions",
        widget=Checkbox(),
        validators=[InputRequired(message="Confirm that you accept the grant and its conditions on behalf of "
                                          "your organisation")],
    )
    # Only for a grant given as minimal financial assistance (the page shows it then; accept_offer
    # refuses an MFA acceptance without it).
    mfa_confirm = BooleanField(
        "I confirm we have read the statement of minimal financial assistance in this agreement, and will keep "
        "it and our declaration of the assistance we had before it for 3 years",
        widget=Checkbox(),
    )
    submit = submit("Accept the grant")

    def __init__(self, *args, organisation_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.confirm.label.text = (f"I confirm I am authorised to accept this grant on behalf of {organisation_name} "
                                   "and that we accept its conditions")
