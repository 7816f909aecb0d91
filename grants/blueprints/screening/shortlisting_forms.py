"""The grants officer's decision on an expression of interest: shortlist it or not, with a reason."""

from __future__ import annotations

from wtforms import RadioField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length

from grants.field_components import CharacterCount, Radios
from grants.forms import GovForm, SelectChoice, submit, without_nul
from grants.interfaces.screening.shortlisting import REASON_MAX_CHARACTERS

DECISION_CHOICES = [
    SelectChoice("shortlist", "Shortlist: invite the organisation to send a full application"),
    SelectChoice("reject", "Do not shortlist"),
]


def _reason(label: str, name: str) -> TextAreaField:
    return TextAreaField(
        label,
        description="The organisation will see this",
        widget=CharacterCount(),
        filters=[without_nul],
        render_kw={"params": {"maxlength": REASON_MAX_CHARACTERS}},
        validators=[Length(max=REASON_MAX_CHARACTERS,
                           message=f"{name} must be {REASON_MAX_CHARACTERS:,} characters or fewer")],
    )


class ShortlistForm(GovForm):
    decision = RadioField(
        "Do you want to shortlist this expression of interest?",
        choices=DECISION_CHOICES,
        widget=Radios(),
        validate_choice=False,  # validate_decision says it in GOV.UK words
        validators=[InputRequired(message="Select whether to shortlist the expression of interest")],
    )
    # One text per choice, each revealed under its radio: a note when shortlisting, a reason when not.
    note = _reason("A note for the organisation (optional)", "Note")
    reason = _reason("Why is it not shortlisted?", "Reason")
    submit = submit("Save decision")

    def validate_decision(self, field):
        if field.data not in {choice.value for choice in DECISION_CHOICES}:
            raise ValidationError("Select whether to shortlist the expression of interest")

    def validate_reason(self, field):
        if self.decision.data == "reject" and not (field.data or "").strip():
            raise ValidationError("Enter why the expression of interest is not shortlisted")

    @property
    def shortlisted(self) -> bool:
        return self.decision.data == "shortlist"

    @property
    def given_reason(self) -> str | None:
        return self.note.data if self.shortlisted else self.reason.data
