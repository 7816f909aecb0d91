"""Panel members' forms: the conflict of interest declaration, and the score sheet built from the
round's rubric (one form class for any rubric: its criteria become fields)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from wtforms import RadioField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length

import scoring
from grants.field_components import CharacterCount, Radios
from grants.forms import GovForm, SelectChoice, submit

REASON_MAX_CHARACTERS = 2_000
COMMENT_MAX_CHARACTERS = 5_000

NO_CONFLICT, CONFLICT = "no", "yes"
CONFLICT_CHOICES = [
    SelectChoice(NO_CONFLICT, "No, I have no conflict of interest"),
    SelectChoice(CONFLICT, "Yes, I have a conflict of interest"),
]


class DeclarationForm(GovForm):
    conflicted = RadioField(
        "Do you have a conflict of interest with this bid?",
        description="You have a conflict if you, your family or a close associate could gain or lose from the "
        "decision, or if you are involved with the organisation, for example as a trustee, employee or volunteer",
        choices=CONFLICT_CHOICES,
        widget=Radios(),
        validate_choice=False,  # validate_conflicted says it in GOV.UK words
        validators=[InputRequired(message="Select whether you have a conflict of interest")],
    )
    reason = TextAreaField(
        "What is the conflict of interest?",
        description="For example, “I am a trustee of the organisation”. The grants officer will see this",
        widget=CharacterCount(),
        render_kw={"params": {"maxlength": REASON_MAX_CHARACTERS}},
        validators=[
            Length(max=REASON_MAX_CHARACTERS, message=f"Conflict of interest must be {REASON_MAX_CHARACTERS:,} "
                                                      "characters or fewer"),
        ],
    )
    submit = submit("Save declaration")

    def validate_conflicted(self, field):
        if field.data not in {choice.value for choice in CONFLICT_CHOICES}:
            raise ValidationError("Select whether you have a conflict of interest")

    def validate_reason(self, field):
        if self.conflicted.data == CONFLICT and not field.data:
            raise ValidationError("Say what the conflict of interest is")

    @property
    def declares_conflict(self) -> bool:
        return self.conflicted.data == CONFLICT


# A score as it may be posted: a whole number or a decimal, in ASCII digits. Anything else is
# passed on as plain non-number text, so that the interface's parse_values reports it in its
# own words (and never sees text such as "sNaN", which Decimal takes but cannot compare).
SCORE_TEXT = re.compile(r"[+-]?[0-9]{1,6}(\.[0-9]{1,6})?")
NOT_A_NUMBER = "not a number"


class ScoreSheetForm(GovForm):
    """A member's score sheet. ``for_rubric`` makes the class for a rubric: a score (radios) and a
    comment for each criterion, named ``score-<key>`` and ``comment-<key>``. The button pressed
    decides whether the sheet is saved as a draft or submitted."""

    save_draft = submit("Save as draft")
    submit_scores = submit("Submit scores")

    rubric: scoring.Rubric

    @classmethod
    def for_rubric(cls, rubric: scoring.Rubric) -> type[ScoreSheetForm]:
        fields: dict[str, object] = {"rubric": rubric}
        for criterion in rubric.criteria:
            fields[score_field(criterion.key)] = RadioField(
                criterion.title,
                description=criterion.guidance or "",  # the page gives the hint (none without guidance)
                choices=[SelectChoice(str(score), _score_label(criterion, score)) for score in criterion.scale],
                widget=Radios(),
                # parse_values checks the score and says what is wrong in the panel's words.
                validate_choice=False,
                coerce=str,
            )
            fields[comment_field(criterion.key)] = TextAreaField(
                f"Your comments on {criterion.title.lower()}",
                description=f"Required for a score of {criterion.scale_min} or {criterion.scale_max}",
                widget=CharacterCount(),
                render_kw={
                    "params": {"maxlength": COMMENT_MAX_CHARACTERS, "rows": 4, "label": {"classes": "govuk-label--s"}}
                },
                validators=[
                    Length(
                        max=COMMENT_MAX_CHARACTERS,
                        message=f"Comments on {criterion.title.lower()} must be {COMMENT_MAX_CHARACTERS:,} "
                        "characters or fewer",
                    )
                ],
            )
        return type("RubricScoreSheetForm", (cls,), fields)

    @staticmethod
    def initial(values: Mapping[str, int | None], comments: Mapping[str, str]) -> dict[str, str | None]:
        """The form's data for a saved sheet's ``values`` and ``comments``."""
        data: dict[str, str | None] = {}
        for key, value in values.items():
            data[score_field(key)] = None if value is None else str(value)
        for key, comment in comments.items():
            data[comment_field(key)] = comment
        return data

    @property
    def submitting(self) -> bool:
        """True when "Submit scores" was pressed (otherwise the sheet is saved as a draft)."""
        return bool(self.submit_scores.data)

    def raw_scores(self) -> dict[str, str | None]:
        """Each criterion's posted score as text, for the interface's parse_values."""
        raw: dict[str, str | None] = {}
        for key in self.rubric.keys:
            text = self[score_field(key)].data
            if text is None or not str(text).strip():
                raw[key] = None
            elif SCORE_TEXT.fullmatch(str(text).strip()):
                raw[key] = str(text).strip()
            else:
                raw[key] = NOT_A_NUMBER
        return raw

    def comments(self) -> dict[str, str]:
        return {key: self[comment_field(key)].data or "" for key in self.rubric.keys}

    def add_errors(self, errors: list[tuple[str, str]], values: Mapping[str, int | None] | None = None) -> None:
        """Show the interface's (criterion key, message) errors on the fields they are about: on the
        comment when the criterion has a score (only a comment can then be missing), else on the score."""
        for key, message in errors:
            has_score = values is not None and values.get(key) is not None
            field = self[comment_field(key) if has_score else score_field(key)]
            field.errors = [*field.errors, message]


def _score_label(criterion: scoring.Criterion, score: int) -> str:
    descriptor = (criterion.descriptors.get(score) or "").strip()
    return f"{score} – {descriptor}" if descriptor else str(score)


def score_field(key: str) -> str:
    return f"score-{key}"


def comment_field(key: str) -> str:
    return f"comment-{key}"
