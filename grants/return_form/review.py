"""The grants officer's review of a submitted monitoring return."""

from __future__ import annotations

from wtforms import TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length

from grants.field_components import CharacterCount, Radios
from grants.forms import GovForm, SelectChoice
from grants.models.awards import Rating
from grants.return_form.forms import OneOf

COMMENTS_MAX_CHARACTERS = 2_000


class ReviewForm(GovForm):
    rating = OneOf(
        "Rating",
        description="Green: on track. Amber: some concerns. Red: serious concerns; the next payment is held",
        choices=[SelectChoice(rating.value, rating.label) for rating in Rating],
        widget=Radios(),
        validators=[InputRequired(message="Select a rating")],
    )
    comments = TextAreaField(
        "Comments",
        description="Required for an amber or red rating, and when you ask for more information: the grantee "
        "is emailed what you write when you ask for more",
        widget=CharacterCount(),
        validators=[Length(max=COMMENTS_MAX_CHARACTERS,
                           message=f"Comments must be {COMMENTS_MAX_CHARACTERS:,} characters or fewer")],
        render_kw={"params": {"maxlength": COMMENTS_MAX_CHARACTERS}},
    )
    decision = OneOf(
        "Decision",
        choices=[SelectChoice("accept", "Accept the return"),
                 SelectChoice("more_information", "Ask the grantee for more information")],
        widget=Radios(),
        validators=[InputRequired(message="Select whether to accept the return or ask for more information")],
    )

    def validate_comments(self, field):
        if field.data:
            return
        if self.decision.data == "more_information":
            raise ValidationError("Enter the information you need from the grantee")
        if self.rating.data in (Rating.AMBER.value, Rating.RED.value):
            raise ValidationError(f"Enter comments to explain the {self.rating.data} rating")

    def rating_value(self) -> Rating | None:
        return Rating(self.rating.data) if self.rating.data in {r.value for r in Rating} else None
