"""Forms for writing to a group: the message (the group, with a round revealed under each group that
needs one, the subject and the text) and the send button, which carries the message as checked."""

from __future__ import annotations

from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from grants.field_components import CharacterCount, Radios, Select, TextInput
from grants.forms import GovForm, SelectChoice, submit
from grants.interfaces.bulk_messages.groups import GROUPS
from grants.interfaces.bulk_messages.sending import BODY_MAX_CHARACTERS, SUBJECT_MAX_CHARACTERS
from grants.models.rounds import FundingRound

GROUP_MESSAGE = "Select who to send the message to"
ROUND_MESSAGE = "Select the funding round"
GROUP_CHOICES = [SelectChoice(kind.key, kind.label) for kind in GROUPS.values()]


def round_field_name(group: str) -> str:
    """The round question revealed under ``group``'s radio: one per group that needs a round."""
    return f"round_for_{group}"


ROUND_FIELDS = {key: round_field_name(key) for key, kind in GROUPS.items() if kind.needs_round}


# Made before the form's other fields, so that the form (and its error summary) asks in this order:
# the group, the round revealed under it, then the subject and the message.
_GROUP = RadioField("Who is the message for?", description="Each person gets an email of their own",
                    choices=GROUP_CHOICES, widget=Radios(), validate_choice=False,
                    validators=[InputRequired(message=GROUP_MESSAGE)])
_ROUND_SELECTS = {name: SelectField("Funding round", widget=Select(), validate_choice=False)
                  for name in ROUND_FIELDS.values()}


class MessageForm(GovForm):
    group = _GROUP
    subject = StringField(
        "Subject", widget=TextInput(),
        validators=[InputRequired(message="Enter a subject"),
                    Length(max=SUBJECT_MAX_CHARACTERS,
                           message=f"Subject must be {SUBJECT_MAX_CHARACTERS} characters or fewer")],
    )
    body = TextAreaField(
        "Message", description="Plain text, sent as you type it. A line saying who sent it and where replies go "
        "is added at the end", widget=CharacterCount(), render_kw={"params": {"maxlength": BODY_MAX_CHARACTERS}},
        validators=[InputRequired(message="Enter the message"),
                    Length(max=BODY_MAX_CHARACTERS,
                           message=f"Message must be {BODY_MAX_CHARACTERS:,} characters or fewer")],
    )
    submit = submit("Continue")

    def __init__(self, *args, rounds: list[FundingRound], **kwargs):
        super().__init__(*args, **kwargs)
        self.round_ids = {str(r.id) for r in rounds}
        choices = [SelectChoice("", "Choose a round")] + [SelectChoice(str(r.id), r.name) for r in rounds]
        for name in ROUND_FIELDS.values():
            self[name].choices = choices

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if self.group.data not in GROUPS and not self.group.errors:
            self.group.errors = [GROUP_MESSAGE]
        for group, name in ROUND_FIELDS.items():
            field = self[name]
            field.errors = []  # the round of another group: ignored
            if group == self.group.data and field.data not in self.round_ids:
                field.errors = [ROUND_MESSAGE]
        return not any(field.errors for field in self)

    @property
    def round_id(self) -> int | None:
        name = ROUND_FIELDS.get(self.group.data or "")
        return int(self[name].data) if name and self[name].data else None

    def fill(self, group: str, round_id: str, subject: str, body: str) -> None:
        """Put back a message as it was checked (the check page's "Change" button)."""
        self.group.data = group if group in GROUPS else None
        if group in ROUND_FIELDS:
            self[ROUND_FIELDS[group]].data = round_id
        self.subject.data, self.body.data = subject, body


for _name, _select in _ROUND_SELECTS.items():
    setattr(MessageForm, _name, _select)


class SendForm(GovForm):
    """The message as checked, sent back with a one-time form key: a second press sends nothing."""

    group = HiddenField()
    round_id = HiddenField()
    subject = HiddenField()
    body = HiddenField()
    submit = submit("Send message")

    @property
    def chosen_round_id(self) -> int | None:
        text = (self.round_id.data or "").strip()
        return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None
