"""Forms for editing and signing a decision notice."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from grants.field_components import CharacterCount, Checkbox, TextInput
from grants.forms import GovForm, submit
from grants.interfaces.decisions.notices import TEXT_MAX_CHARACTERS, TITLE_MAX_CHARACTERS

WRITING_HINT = "Leave a blank line between paragraphs. Start a line with a dash and a space (- ) for a list item"


def _text(label: str, words: str, hint: str = WRITING_HINT, rows: int = 8) -> TextAreaField:
    too_long = f"{words[0].upper()}{words[1:]} must be {TEXT_MAX_CHARACTERS:,} characters or fewer"
    return TextAreaField(
        label,
        description=hint,
        widget=CharacterCount(),
        render_kw={"params": {"maxlength": TEXT_MAX_CHARACTERS, "rows": rows}},
        validators=[InputRequired(message=f"Enter the {words}"),
                    Length(max=TEXT_MAX_CHARACTERS, message=too_long)],
    )


class NoticeForm(GovForm):
    # The version of the notice the form was loaded from: a save over a newer one is refused.
    version = HiddenField()
    title = StringField(
        "Title",
        widget=TextInput(),
        validators=[InputRequired(message="Enter the title"),
                    Length(max=TITLE_MAX_CHARACTERS,
                           message=f"Title must be {TITLE_MAX_CHARACTERS} characters or fewer")],
    )
    summary = _text("Summary", "summary", rows=4)
    decision = _text("Decision", "decision", rows=5)
    reasons = _text("Reasons for the decision", "reasons for the decision", rows=12)
    financial_implications = _text("Financial implications", "financial implications", rows=5)
    legal_basis = _text("Legal basis", "legal basis", rows=5)
    conflicts_of_interest = _text("Conflicts of interest", "conflicts of interest", rows=6)
    submit = submit("Save and preview")

    def narrative(self) -> dict[str, str | None]:
        return {name: self[name].data for name in ("title", "summary", "decision", "reasons",
                                                   "financial_implications", "legal_basis",
                                                   "conflicts_of_interest")}


class SignForm(GovForm):
    version = HiddenField()
    confirm = BooleanField(
        "I have read this decision notice and I sign it as my decision",
        widget=Checkbox(),
        validators=[InputRequired(message="Confirm that you have read the decision notice and sign it as your "
                                          "decision")],
    )
    submit = submit("Sign the decision notice")
