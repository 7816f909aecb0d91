"""Forms for scoring rubrics: a new rubric's name, and one form for a whole rubric (its name,
description and scale, and a block for each criterion).

The form checks what each box holds; whether the rubric is usable (weights adding up to 100%, a
descriptor for every score, unique keys) is for ``scoring.validate_rubric`` to say, through
``grants.interfaces.rubrics.editing``, whose problems ``RubricForm.place`` puts on the fields to fix.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from govuk_frontend_wtf.wtforms_widgets import GovTextArea
from wtforms import FieldList, Form, FormField, HiddenField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length

from grants.field_components import TextInput
from grants.forms import GovForm, WholeNumberField, required, submit, without_nul
from grants.interfaces.rubrics.editing import (
    CriterionDraft,
    Problem,
    RubricDraft,
    draft_of,
    fingerprint,
    scale,
)
from grants.models.rubrics import Rubric
from scoring.rubrics import percent

NAME_MAX, DESCRIPTION_MAX, TITLE_MAX, GUIDANCE_MAX, DESCRIPTOR_MAX = 200, 5000, 200, 5000, 2000
# Whole scores from 0 up to this: the page has a descriptor box for every score on the scale.
HIGHEST_SCORE = 10
MAX_CRITERIA = 20
# RubricCriterion.key is a String(60).
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,59}")


def _trim(value):
    # As GovForm trims its text; NUL is never meant, and PostgreSQL refuses it in text.
    value = without_nul(value)
    return value.strip() if isinstance(value, str) else value


def _name_field() -> StringField:
    return StringField(
        "Name",
        description="For example, Community safety grants",
        widget=TextInput(),
        validators=[
            DataRequired(message="Enter the name of the rubric"),
            Length(max=NAME_MAX, message=f"Name must be {NAME_MAX} characters or fewer"),
        ],
    )


def _description_field() -> TextAreaField:
    return TextAreaField(
        "Description (optional)",
        description="What the rubric is for, and which rounds should use it",
        widget=GovTextArea(),
        validators=[Length(max=DESCRIPTION_MAX, message="Description must be 5,000 characters or fewer")],
        render_kw={"params": {"rows": 3}},
    )


class NewRubricForm(GovForm):
    name = _name_field()
    description = _description_field()
    submit = submit("Create the rubric")


class ScoreField(WholeNumberField):
    """One end of the scale: a whole number from 0 to ``HIGHEST_SCORE``."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(
                f"{self.name_for_errors} must be a whole number from 0 to {HIGHEST_SCORE}"
            ) from None


def weight_text(weight: Decimal) -> str:
    """A weight as typed in its box (the % is beside it): 20, 12.5."""
    return percent(Decimal(weight)).removesuffix("%")


class CriterionForm(Form):
    """One criterion's block. The rubric form sets ``number`` (its place on the page, for messages)
    and ``scale`` (the scores whose descriptor boxes are shown)."""

    title = StringField("Title", widget=TextInput(), filters=[_trim])
    key = StringField(
        "Key",
        description="A short name for exports, like value_for_money: lowercase letters, numbers and "
        "underscores. Leave it empty for a new criterion to make one from the title.",
        widget=TextInput(),
        filters=[_trim],
    )
    guidance = TextAreaField(
        "Guidance for the panel (optional)",
        description="What panel members should look for",
        widget=GovTextArea(),
        filters=[_trim],
        render_kw={"params": {"rows": 3}},
    )
    weight = StringField(
        "Weight",
        description="Percent of the total score, for example 20 or 12.5",
        widget=TextInput(),
        filters=[_trim],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.number = 1
        self.scale = range(0, 5)
        self.weight_value: Decimal | None = None

    def descriptor(self, score: int):
        return self[f"descriptor_{score}"]

    def validate_title(self, field):
        if not field.data:
            raise ValidationError(f"Enter a title for criterion {self.number}")
        if len(field.data) > TITLE_MAX:
            raise ValidationError(f"Title of criterion {self.number} must be {TITLE_MAX} characters or fewer")

    def validate_key(self, field):
        if field.data and not KEY_PATTERN.fullmatch(field.data):
            raise ValidationError(
                f"Key of criterion {self.number} must start with a letter and have only lowercase "
                "letters, numbers and underscores (60 at most), like value_for_money"
            )

    def validate_guidance(self, field):
        if len(field.data or "") > GUIDANCE_MAX:
            raise ValidationError(f"Guidance for criterion {self.number} must be 5,000 characters or fewer")

    def validate_weight(self, field):
        self.weight_value = None
        text = (field.data or "").removesuffix("%").strip()
        name = f"Weight of criterion {self.number}"
        if not text:
            raise ValidationError(f"Enter the weight of criterion {self.number}")
        try:
            value = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise ValidationError(f"{name} must be a number, like 20") from None
        if not value.is_finite():
            raise ValidationError(f"{name} must be a number, like 20")
        if not 0 <= value <= 100:
            raise ValidationError(f"{name} must be between 0% and 100%")
        if value != value.quantize(Decimal("0.01")):
            raise ValidationError(f"{name} must not have more than 2 decimal places")
        self.weight_value = value.quantize(Decimal("0.01"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for score in self.scale:
            field = self.descriptor(score)
            if len(field.data or "") > DESCRIPTOR_MAX:
                field.errors.append(
                    f"What a score of {score} means for criterion {self.number} must be 2,000 characters or fewer"
                )
                valid = False
        return valid


# A box for every score the scale can have; the page shows those on the rubric's scale.
for _score in range(HIGHEST_SCORE + 1):
    setattr(
        CriterionForm,
        f"descriptor_{_score}",
        TextAreaField(f"Score {_score}", widget=GovTextArea(), filters=[_trim], render_kw={"params": {"rows": 2}}),
    )


class RubricForm(GovForm):
    """A whole rubric. ``updated_from`` carries the fingerprint of the rubric the page showed, so
    that saving over someone else's newer change is refused (optimistic locking)."""

    updated_from = HiddenField()
    name = _name_field()
    description = _description_field()
    scale_min = ScoreField("Lowest score", name_for_errors="Lowest score")
    scale_max = ScoreField("Highest score", name_for_errors="Highest score")
    criteria = FieldList(FormField(CriterionForm), min_entries=1, max_entries=MAX_CRITERIA)

    def __init__(self, *args, saved_scale: tuple[int, int] = (0, 4), **kwargs):
        super().__init__(*args, **kwargs)
        self.saved_scale = saved_scale
        self._number_criteria()

    @classmethod
    def for_rubric(cls, rubric: Rubric) -> RubricForm:
        """The form showing the rubric as it is saved now."""
        draft = draft_of(rubric)
        data = {
            "updated_from": fingerprint(rubric),
            "name": draft.name,
            "description": draft.description,
            "scale_min": draft.scale_min,
            "scale_max": draft.scale_max,
            "criteria": [
                {
                    "key": criterion.key,
                    "title": criterion.title,
                    "guidance": criterion.guidance,
                    "weight": weight_text(criterion.weight),
                }
                | {
                    f"descriptor_{score}": text
                    for score, text in criterion.descriptors.items()
                    if 0 <= score <= HIGHEST_SCORE
                }
                for criterion in draft.criteria
            ],
        }
        return cls(formdata=None, data=data, saved_scale=scale(rubric))

    @property
    def entries(self) -> list[CriterionForm]:
        return [entry.form for entry in self.criteria.entries]

    @property
    def shown_scale(self) -> range:
        """The scores to show a descriptor box for: the scale typed, if it is a usable one, or else
        the saved scale."""
        low, high = self.scale_min.data, self.scale_max.data
        if not (isinstance(low, int) and isinstance(high, int) and 0 <= low < high <= HIGHEST_SCORE):
            low, high = self.saved_scale
        return range(max(low, 0), min(high, HIGHEST_SCORE) + 1)

    def _number_criteria(self) -> None:
        for number, entry in enumerate(self.entries, start=1):
            entry.number = number
            entry.scale = self.shown_scale

    def validate_scale_min(self, field):
        if field.data is None:
            if not field.errors:
                raise ValidationError("Enter the lowest score")
        elif field.data >= HIGHEST_SCORE:
            raise ValidationError(f"Lowest score must be less than {HIGHEST_SCORE}")

    def validate_scale_max(self, field):
        if field.data is None:
            if not field.errors:
                raise ValidationError("Enter the highest score")
        elif field.data > HIGHEST_SCORE:
            raise ValidationError(f"Highest score must be {HIGHEST_SCORE} or less")
        elif isinstance(self.scale_min.data, int) and field.data <= self.scale_min.data:
            raise ValidationError("Highest score must be more than the lowest score")

    # Buttons that change the page and save nothing ------------------------------------------------

    def change_page(self, action: str) -> None:
        """"add" a criterion, "remove-<n>" the nth (from 0; one is always kept), or "scale": show
        a descriptor box for each score on the scale typed."""
        if action == "add" and len(self.criteria.entries) < MAX_CRITERIA:
            self.criteria.append_entry()
        elif action.startswith("remove-") and len(self.criteria.entries) > 1:
            index = action.removeprefix("remove-")
            if index.isdigit() and int(index) < len(self.criteria.entries):
                self.criteria.pop_entry(int(index))  # type: ignore[call-arg]  # WTForms 3.3 takes an index; its stubs do not
        elif action == "scale":
            for field, check in ((self.scale_min, RubricForm.validate_scale_min),
                                 (self.scale_max, RubricForm.validate_scale_max)):
                field.validate(self, extra_validators=[check])
        self._number_criteria()

    # What the form says ---------------------------------------------------------------------------

    def draft(self) -> RubricDraft:
        """The rubric the officer has entered; call after ``validate`` (which requires each title and
        weight, and the name)."""
        shown = self.shown_scale
        typed = {entry.key.data for entry in self.entries if entry.key.data}
        criteria = []
        for entry in self.entries:
            key = entry.key.data or _key_from_title(entry.title.data or "", typed)
            typed.add(key)
            criteria.append(
                CriterionDraft(
                    key=key,
                    title=required(entry.title.data),
                    guidance=entry.guidance.data or "",
                    weight=required(entry.weight_value),
                    descriptors={score: entry.descriptor(score).data or "" for score in shown},
                )
            )
        return RubricDraft(
            name=required(self.name.data),
            description=self.description.data or "",
            scale_min=shown.start,
            scale_max=shown.stop - 1,
            criteria=tuple(criteria),
        )

    def add_problem(self, message: str) -> None:
        """A problem with the whole form, listed in the error summary and linked to its notice."""
        self.updated_from.errors = [*self.updated_from.errors, message]

    def place(self, problems: list[Problem]) -> None:
        """Show each problem on the field it is about."""
        for problem in problems:
            if problem.criterion is not None and problem.criterion < len(self.entries):
                field = self.entries[problem.criterion][problem.field]
            elif problem.field:
                field = self[problem.field]
            else:
                self.add_problem(problem.message)
                continue
            field.errors = [*field.errors, problem.message]
        # A FieldList keeps its entries' errors from when it was validated: bring them up to date.
        entry_errors = [entry.errors for entry in self.criteria.entries]
        self.criteria.errors = entry_errors if any(entry_errors) else []


def _key_from_title(title: str, taken: set[str]) -> str:
    """A key made from a title ("Value for money" → value_for_money), not one of ``taken``."""
    base = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")[:50] or "criterion"
    if not base[0].isalpha():
        base = f"c_{base}"
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    return key


def unsaved_rows(entered: RubricDraft, saved: RubricDraft) -> list[tuple[str, str]]:
    """(what, what you entered) for each thing you entered that differs from what is saved now."""
    rows = []
    if entered.name != saved.name:
        rows.append(("Name", entered.name))
    if entered.description != saved.description:
        rows.append(("Description", entered.description or "No description"))
    if (entered.scale_min, entered.scale_max) != (saved.scale_min, saved.scale_max):
        rows.append(("Scale", f"{entered.scale_min} to {entered.scale_max}"))
    for number, criterion in enumerate(entered.criteria, start=1):
        label = f"Criterion {number}"
        if number > len(saved.criteria):
            rows.append((label, f"{criterion.title} ({percent(criterion.weight)}), which you added"))
        else:
            rows.extend(_unsaved_criterion_rows(label, criterion, saved.criteria[number - 1]))
    for number in range(len(entered.criteria) + 1, len(saved.criteria) + 1):
        rows.append((f"Criterion {number}", f"You removed {saved.criteria[number - 1].title}"))
    return rows


def _unsaved_criterion_rows(label: str, criterion: CriterionDraft, other: CriterionDraft) -> list[tuple[str, str]]:
    """``unsaved_rows`` for one criterion entered (``criterion``) and saved now (``other``)."""
    rows = []
    if criterion.title != other.title:
        rows.append((f"{label}: title", criterion.title))
    if criterion.key != other.key:
        rows.append((f"{label}: key", criterion.key))
    if criterion.guidance != other.guidance:
        rows.append((f"{label}: guidance", criterion.guidance or "No guidance"))
    if criterion.weight != other.weight:
        rows.append((f"{label}: weight", percent(criterion.weight)))
    for score, text in criterion.descriptors.items():
        if text != other.descriptors.get(score, ""):
            rows.append((f"{label}: score {score}", text or "No descriptor"))
    return rows
