"""Field helpers for the application form's questions."""

from __future__ import annotations

import re

from wtforms import RadioField, SelectMultipleField, TextAreaField, ValidationError
from wtforms.validators import InputRequired

from grants.field_components import CharacterCount, Checkboxes, Radios
from grants.forms import SelectChoice

YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


class WordLimit:
    """At most ``words`` words, counted as GOV.UK's character count component counts them."""

    def __init__(self, words: int, name: str):
        self.words = words
        self.name = name

    def __call__(self, form, field):
        if field.data and len(re.findall(r"\S+", field.data)) > self.words:
            raise ValidationError(f"{self.name} must be {self.words} words or fewer")


def long_answer(label: str, required: str, words: int, name: str, hint: str = "") -> TextAreaField:
    """A textarea with a word limit shown to the user and checked on the server."""
    return TextAreaField(
        label,
        description=hint,
        widget=CharacterCount(),
        validators=[InputRequired(message=required), WordLimit(words, name)],
        render_kw={"params": {"maxwords": words}},
    )


class CheckboxesField(SelectMultipleField):
    """Checkboxes whose tampered values get a plain message rather than WTForms' own."""

    def pre_validate(self, form):
        offered = {str(value) for value, *_ in self.iter_choices()}
        if self.data and any(str(value) not in offered for value in self.data):
            raise ValidationError("Select from the options shown")


def choose_many(label: str, required: str, hint: str = "Select all that apply") -> CheckboxesField:
    return CheckboxesField(
        label,
        description=hint,
        choices=[],
        widget=Checkboxes(),
        validators=[InputRequired(message=required)],
        validate_choice=True,
    )


def yes_no(label: str, required: str, hint: str = "") -> RadioField:
    # No hint is "", not None: the GOV.UK widget shows a description of None as the word "None".
    return RadioField(
        label,
        description=hint,
        choices=YES_NO,
        widget=Radios(),
        validators=[InputRequired(message=required)],
        render_kw={"params": {"classes": "govuk-radios--inline"}},
    )
