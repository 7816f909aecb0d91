"""Forms for the grants officer's panel pages: settings, membership, assignment, results view and
moderation."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal, InvalidOperation

from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import InputRequired, Length

import scoring
from grants.blueprints.rounds.uk_time import TimeField, moment_from_fields, uk_moment, uk_parts
from grants.field_components import CharacterCount, Checkboxes, Radios, Select, TextInput
from grants.forms import (
    DateInputField,
    GovForm,
    SelectChoice,
    WholeNumberField,
    decimal_comma_problem,
    record_id,
    submit,
)

MIN_SCORERS, MAX_SCORERS = 1, 20
# A scoring deadline given as a date alone is due at the end of that day, UK time.
END_OF_DAY = time(23, 59)
REASON_MAX_CHARACTERS = 2_000

AGGREGATION_CHOICES = [
    SelectChoice(scoring.Aggregation.MEAN.value, "Mean (average) of the members' totals"),
    SelectChoice(scoring.Aggregation.MEDIAN.value, "Median: less swayed by one member far from the rest"),
]
NORMALISE_CHOICES = [
    SelectChoice("yes", "Yes: even out members who mark harder or softer than the rest"),
    SelectChoice("no", "No: combine the totals as scored"),
]


def _one_of(choices: list[SelectChoice], message: str):
    allowed = {choice.value for choice in choices}

    def check(form, field):
        if field.data not in allowed:
            raise ValidationError(message)

    return check


class ScorerCountField(WholeNumberField):
    """A whole number of scorers, with an example that fits ("like 3", not "like 40")."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"{self.name_for_errors} must be a whole number, like 3") from None


class PanelSettingsForm(GovForm):
    scorers_per_bid = ScorerCountField(
        "Panel members to score each bid",
        description=f"From {MIN_SCORERS} to {MAX_SCORERS}",
        name_for_errors="Scorers per bid",
        validators=[InputRequired(message="Enter how many panel members score each bid")],
    )
    aggregation = RadioField(
        "How are members' totals combined into the panel score?",
        choices=AGGREGATION_CHOICES,
        widget=Radios(),
        validate_choice=False,
        validators=[_one_of(AGGREGATION_CHOICES, "Select how members' totals are combined")],
    )
    normalise = RadioField(
        "Normalise each member's totals before combining them?",
        choices=NORMALISE_CHOICES,
        widget=Radios(),
        validate_choice=False,
        validators=[_one_of(NORMALISE_CHOICES, "Select whether members' totals are normalised")],
    )
    scoring_deadline = DateInputField(
        "Scoring deadline (optional)",
        name_for_errors="Scoring deadline",
        description="When panel members’ score sheets are due, for example 14 12 2026. Members with bids left to "
                    "score are reminded 2 days before and on the day. Leave it empty for no deadline",
    )
    scoring_deadline_time = TimeField(
        "Time the scores are due (optional)",
        description="UK time, for example 5pm or 17:00. Leave it empty for the end of the day (11:59pm)",
        name_for_errors="Scoring deadline time",
    )
    submit = submit("Save panel settings")

    deadline: datetime | None = None  # after validation: the moment the scores are due, in UTC

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.deadline = None
        date_field, time_field = self.scoring_deadline, self.scoring_deadline_time
        if date_field.errors or time_field.errors:
            return False
        if date_field.data is None:
            if (time_field.data or "").strip():
                date_field.errors = ["Enter the date of the scoring deadline, or leave the time empty"]
                return False
            return valid
        if time_field.time is None:
            self.deadline = uk_moment(date_field.data, END_OF_DAY)  # 11:59pm is never skipped or repeated
            return valid
        self.deadline = moment_from_fields(date_field, time_field, "Scoring deadline time")
        return valid and self.deadline is not None

    def validate_scorers_per_bid(self, field):
        if field.data is None:
            if not field.errors:  # spaces only; a typing mistake has its own message already
                raise ValidationError("Enter how many panel members score each bid")
            return
        if not MIN_SCORERS <= field.data <= MAX_SCORERS:
            raise ValidationError(f"Scorers per bid must be between {MIN_SCORERS} and {MAX_SCORERS}")

    @classmethod
    def for_round(cls, funding_round) -> PanelSettingsForm:
        """The form filled in with the round's current settings (not from a posted form)."""
        form = cls(formdata=None)
        form.scorers_per_bid.data = funding_round.scorers_per_bid
        form.aggregation.data = funding_round.score_aggregation
        form.normalise.data = "yes" if funding_round.normalise_scores else "no"
        if funding_round.scoring_deadline is not None:
            form.scoring_deadline.data, form.scoring_deadline_time.data = uk_parts(funding_round.scoring_deadline)
        return form


class AddMemberForm(GovForm):
    """One member to add to the panel in one step. The "Choose panel members" page sets the whole
    panel at once; a refusal here is shown there."""

    # Any user id is accepted here; the panel interface says why one cannot join (not a panel
    # member, already on the panel), which is more use than "Not a valid choice".
    user_id = HiddenField()

    def validate_user_id(self, field):
        if record_id(field.data) is None:
            raise ValidationError("Select a panel member to add")

    @property
    def chosen_id(self) -> int | None:
        return record_id(self.user_id.data)


class ChooseMembersForm(GovForm):
    """The round's whole panel as ticked boxes: saving makes the panel exactly the ticked people."""

    members = SelectMultipleField(
        "Who sits on this panel?",
        description="Select everyone who should score bids in this round. Only the people you select are "
                    "given bids to score",
        coerce=str,
        choices=[],
        widget=Checkboxes(),
        validate_choice=False,  # validate_members says it in GOV.UK words
    )
    submit = submit("Save panel members")

    def set_candidates(self, candidates) -> None:
        self.members.choices = [SelectChoice(str(candidate.user.id), candidate.user.full_name)
                                for candidate in candidates]

    def validate_members(self, field):
        offered = {choice.value for choice in field.choices}
        if any(value not in offered for value in field.data or []):
            raise ValidationError("Select from the panel members shown")

    @property
    def chosen_ids(self) -> set[int]:
        return {number for number in map(record_id, self.members.data or []) if number is not None}


class MemberForm(GovForm):
    """One member, for a grid button (assign, unassign)."""

    user_id = HiddenField()

    @property
    def chosen_id(self) -> int | None:
        return record_id(self.user_id.data)


RESULT_SCORES = [
    SelectChoice("raw", "As scored (raw totals)"),
    SelectChoice("normalised", "Normalised totals"),
]


class ResultsViewForm(GovForm):
    """How to combine the scores on the results page; defaults to the round's settings."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    aggregation = SelectField(
        "Combine members' totals by",
        choices=[SelectChoice(a.value, a.value.capitalize()) for a in scoring.Aggregation],
        widget=Select(),
        validate_choice=False,
        validators=[_one_of([SelectChoice(a.value) for a in scoring.Aggregation], "Select mean or median")],
    )
    scores = SelectField(
        "Members' totals",
        choices=RESULT_SCORES,
        widget=Select(),
        validate_choice=False,
        validators=[_one_of(RESULT_SCORES, "Select raw or normalised totals")],
    )

    def settle(self, funding_round, args) -> tuple[str, bool]:
        """(aggregation, normalise) from the query, falling back to the round's settings for
        anything missing or not recognised (shown as an error)."""
        defaults = {"aggregation": funding_round.score_aggregation,
                    "scores": "normalised" if funding_round.normalise_scores else "raw"}
        for name, default in defaults.items():
            if name not in args:
                self[name].data = default
        self.validate()
        for name, default in defaults.items():
            if self[name].errors:
                self[name].data = default
        return self.aggregation.data, self.scores.data == "normalised"


class ModerationForm(GovForm):
    score = StringField(
        "Moderated panel score",
        widget=TextInput(),
        validators=[InputRequired(message="Enter the moderated score")],
    )
    reason = TextAreaField(
        "Why is the panel score being moderated?",
        description="For example, what the panel agreed when it discussed the scores. Members' own scores are kept",
        widget=CharacterCount(),
        render_kw={"params": {"maxlength": REASON_MAX_CHARACTERS}},
        validators=[
            InputRequired(message="Enter the reason for the moderated score"),
            Length(max=REASON_MAX_CHARACTERS,
                   message=f"Reason must be {REASON_MAX_CHARACTERS:,} characters or fewer"),
        ],
    )
    submit = submit("Save moderated score")

    def set_scale(self, rubric: scoring.Rubric) -> None:
        self.scale = (rubric.scale_min, rubric.scale_max)
        self.score.description = f"A number from {rubric.scale_min} to {rubric.scale_max}, up to 2 decimal places"

    def validate_score(self, field):
        # The panel interface checks the same again; here every problem is shown at once.
        if problem := decimal_comma_problem(field.data, "Moderated score"):
            raise ValidationError(problem)
        low, high = getattr(self, "scale", (None, None))
        message = f"Moderated score must be a number from {low} to {high}"
        try:
            score = Decimal(field.data)
        except (InvalidOperation, TypeError):
            raise ValidationError(message) from None
        if not score.is_finite() or (low is not None and high is not None and not low <= score <= high):
            raise ValidationError(message)
        if score != score.quantize(Decimal("0.01")):
            raise ValidationError("Moderated score can have at most 2 decimal places")
