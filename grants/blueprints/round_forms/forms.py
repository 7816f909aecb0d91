"""The form builder's forms: a question, a section (with its first question when it is new), the
reason an administrator gives for changing a form after its round has opened, copying a form, choosing a
question from the library and importing a form from a JSON file.

The forms read what was typed into a question's or a section's JSON document; whether the changed
definition keeps every rule of the format is for the engine to say (``editing``), and ``place`` puts
each of its problems on the box to fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovTextArea,
)
from wtforms import RadioField, SelectMultipleField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length

from grants.blueprints.round_forms import limits as limit_boxes
from grants.blueprints.round_forms.problem_boxes import PART_WORDS, box_for
from grants.field_components import Checkboxes, Radios, TextInput
from grants.form_definitions import FormDefinition, Problem, Question, QuestionType
from grants.form_definitions.model import CHOICE_TYPES, LIMIT_NAMES
from grants.forms import GovForm, SelectChoice, add_error, submit
from grants.interfaces.round_forms.describe import FILE_TYPE_WORDS, sentence

ID_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}")
ID_RULE = "1 to 40 lower-case letters, digits and underscores, starting with a letter"
# An option's value, label and hint as the schema bounds them.
OPTION_VALUE_MAX, OPTION_LABEL_MAX, OPTION_HINT_MAX = 100, 300, 500


def _slug(label: str) -> str:
    """An option's value made from its label: "Yes, fully" → yes_fully."""
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:OPTION_VALUE_MAX]


def options_text(question: Question) -> str:
    """A choice question's options as the options box shows them, one on each line."""
    return "\n".join(" | ".join(part for part in (option.value, option.label, option.hint) if part)
                     for option in question.options)


class BuilderForm(GovForm):
    """What the question and section forms share: ``definition`` is the form being changed, and
    ``place`` shows the engine's problems on the boxes they are about."""

    def __init__(self, *args: Any, definition: FormDefinition, adding: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition, self.adding = definition, adding
        self.question_path: tuple[str, str] | None = None  # (JSON path, id) of the question on the page
        self.section_path: tuple[str, str] | None = None

    def _taken(self, given: str) -> str | None:
        ids = {section.id: "a section" for section in self.definition.sections}
        ids |= {question.id: "a question" for question in self.definition.questions()}
        return ids.get(given)

    def _check_id(self, given: str | None, what: str) -> None:
        if not given:
            raise ValidationError(f"Enter the {what} id")
        if not ID_PATTERN.fullmatch(given):
            example = "asb_hotspots" if what == "question" else "community_safety"
            raise ValidationError(f"The {what} id must be {ID_RULE}, like {example}")
        holder = self._taken(given)
        if holder is not None:
            raise ValidationError(f"The id {given} is already used by {holder} in this form. Choose another id")

    def place(self, problems: Iterable[Problem]) -> None:
        """Show each of the engine's problems on the box it is about, or at the top of the page."""
        this = self.question_path[1] if self.question_path else None
        for problem in problems:
            text = sentence(problem, this=this, field_names=PART_WORDS)
            name = box_for(problem, self.question_path, self.section_path)
            field = self._fields.get(name) if name else None
            if field is None:
                self.form_errors.append(text)
            elif field.errors:
                self.form_errors.append((text, field.id))  # listed too, linked to the box
            else:
                add_error(field, text)


class SectionFields(BuilderForm):
    """A section's boxes."""

    section_id = StringField(
        "Section id",
        description=f"A short name the service keeps it by: {ID_RULE}, like community_safety. "
                    "It cannot be changed later.",
        widget=TextInput(),
    )
    title = StringField(
        "Section title",
        description="The section's name in the applicant's task list",
        widget=TextInput(),
        validators=[DataRequired(message="Enter the section title"),
                    Length(max=200, message="Section title must be 200 characters or fewer")],
    )
    description = TextAreaField(
        "Description (optional)",
        description="Shown at the start of the section. You can use Markdown for links and lists.",
        widget=GovTextArea(),
        validators=[Length(max=10000, message="Description must be 10,000 characters or fewer")],
    )

    def validate_section_id(self, field: StringField) -> None:
        if self.adding:
            self._check_id(field.data, "section")

    def section_document(self, questions: list[dict[str, Any]]) -> dict[str, Any]:
        """The section's JSON document, holding ``questions``."""
        document: dict[str, Any] = {"id": self.section_id.data, "title": self.title.data}
        if self.description.data:
            document["description"] = self.description.data
        return document | {"questions": questions}


class QuestionFields(BuilderForm):
    """A question's boxes: every limit's box is here, and only those of the chosen type are read."""

    question_id = StringField(
        "Question id",
        description=f"A short name the answers are kept by: {ID_RULE}, like asb_hotspots. It cannot be "
                    "changed later, and must not be used again for a different question.",
        widget=TextInput(),
    )
    label = StringField(
        "Question",
        description="The question as the applicant reads it",
        widget=TextInput(),
        validators=[DataRequired(message="Enter the question"),
                    Length(max=300, message="The question must be 300 characters or fewer")],
    )
    hint = TextAreaField(
        "Hint (optional)",
        description="Plain text shown under the question",
        widget=GovTextArea(),
        validators=[Length(max=1000, message="The hint must be 1,000 characters or fewer")],
    )
    guidance = TextAreaField(
        "Guidance (optional)",
        description="Shown above the answer. You can use Markdown for links and lists.",
        widget=GovTextArea(),
        validators=[Length(max=10000, message="The guidance must be 10,000 characters or fewer")],
    )
    question_type = RadioField("Type of answer", choices=[SelectChoice(kind.value, kind.value)
                                                         for kind in QuestionType],
                               validate_choice=False, widget=Radios())
    options = TextAreaField(
        "Options",
        description="For one choice or several choices from a list: at least 2, one on each line. Write the "
                    "value the answer is kept as, a bar and the label the applicant reads, like "
                    "“yes_fully | Yes, fully”, or only the label, and the value is made from it (“Yes, fully” "
                    "becomes yes_fully). A hint can follow a second bar. Keep the values of options already "
                    "answered: answers are kept by them.",
        widget=GovTextArea(),
    )
    max_length = StringField(limit_boxes.LABELS["max_length"], widget=TextInput())
    max_words = StringField(limit_boxes.LABELS["max_words"], widget=TextInput())
    min = StringField(limit_boxes.LABELS["min"], widget=TextInput())
    max = StringField(limit_boxes.LABELS["max"], widget=TextInput())
    not_before = StringField(limit_boxes.LABELS["not_before"], widget=TextInput())
    not_after = StringField(limit_boxes.LABELS["not_after"], widget=TextInput())
    min_selected = StringField(limit_boxes.LABELS["min_selected"], widget=TextInput())
    max_selected = StringField(limit_boxes.LABELS["max_selected"], widget=TextInput())
    file_types = SelectMultipleField(limit_boxes.LABELS["file_types"], validate_choice=False,
                                     choices=[SelectChoice(value, label) for value, label in FILE_TYPE_WORDS.items()],
                                     widget=Checkboxes())
    max_mb = StringField(limit_boxes.LABELS["max_mb"], widget=TextInput())
    min_rows = StringField(limit_boxes.LABELS["min_rows"], widget=TextInput())
    max_rows = StringField(limit_boxes.LABELS["max_rows"], widget=TextInput())
    required = RadioField("Must the applicant answer it?",
                          choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
                          validate_choice=False, widget=Radios())
    show_if = SelectMultipleField("Ask this question only if an earlier answer is…", choices=[],
                                  validate_choice=False, widget=Checkboxes())

    def __init__(self, *args: Any, allowed_types: Iterable[QuestionType] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed_types = [kind.value for kind in allowed_types]
        self.read_options: list[dict[str, str]] = []
        self.read_condition: dict[str, Any] | None = None
        self.read_limits: dict[str, object] = {}

    @staticmethod
    def data_for(question: Question) -> dict[str, Any]:
        """The boxes filled in from a saved question."""
        data: dict[str, Any] = {
            "question_id": question.id, "question_type": question.type.value, "label": question.label,
            "hint": question.hint, "guidance": question.guidance, "required": "yes" if question.required else "no",
            "options": options_text(question),
            "show_if": [f"{question.show_if.question}={value}" for value in question.show_if.values]
            if question.show_if else [],
        }
        data |= {name: limit_boxes.shown(name, value) for name, value in question.limits.items()}
        return data

    def validate(self, extra_validators: Any = None) -> bool:
        success = super().validate(extra_validators)
        if self.question_type.data in self.allowed_types:
            typed = {name: self[name].data for name in LIMIT_NAMES}
            self.read_limits, problems = limit_boxes.read_limits(QuestionType(self.question_type.data), typed)
            least = self.read_limits.get("min_selected")
            if self.read_options and isinstance(least, int) and least > len(self.read_options):
                count = len(self.read_options)
                problems.setdefault("min_selected", f"Fewest choices must be {count} or fewer, as the question has "
                                                    f"{count} options")
            for name, message in problems.items():
                add_error(self[name], message)
            success = success and not problems
        return success

    def validate_question_id(self, field: StringField) -> None:
        if self.adding:
            self._check_id(field.data, "question")

    def validate_question_type(self, field: RadioField) -> None:
        if field.data not in self.allowed_types:
            raise ValidationError("Select the type of answer")

    def validate_required(self, field: RadioField) -> None:
        if field.data not in ("yes", "no"):
            raise ValidationError("Select yes if the applicant must answer it")

    def validate_options(self, field: TextAreaField) -> None:
        if self.question_type.data in {kind.value for kind in CHOICE_TYPES}:
            self.read_options = read_options(field.data or "")

    def validate_show_if(self, field: SelectMultipleField) -> None:
        chosen = [str(value) for value in field.data or []]
        if not chosen:
            return
        pairs = [value.partition("=") for value in chosen]
        if len({question for question, _, _ in pairs}) > 1:
            raise ValidationError("Choose answers of one earlier question only")
        if any(not question or not value for question, _, value in pairs):
            raise ValidationError("Choose the answers of an earlier question that show this question")
        values = list(dict.fromkeys(value for _, _, value in pairs))
        test = {"equals": values[0]} if len(values) == 1 else {"any_of": values}
        self.read_condition = {"question": pairs[0][0], **test}

    def document(self, kept: dict[str, Any] | None = None) -> dict[str, Any]:
        """The question's JSON document, with what the page does not show (its role, eligibility rule,
        error messages and name for errors) ``kept`` from the saved question."""
        question_type = str(self.question_type.data)
        document: dict[str, Any] = {"id": self.question_id.data, "type": question_type, "label": self.label.data}
        for name in ("hint", "guidance"):
            if self[name].data:
                document[name] = self[name].data
        if self.required.data == "no":
            document["required"] = False
        if self.read_limits:
            document["limits"] = self.read_limits
        if question_type in {kind.value for kind in CHOICE_TYPES}:
            document["options"] = self.read_options
        if self.read_condition is not None:
            document["show_if"] = self.read_condition
        for name in ("name_for_errors", "messages", "role", "eligibility"):
            if kept and name in kept:
                document[name] = kept[name]
        return document


def read_options(text: str) -> list[dict[str, str]]:
    """The options typed one on each line, as "value | label | hint", "value | label" or "label"."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        raise ValidationError("Enter at least 2 options, one on each line")
    options = []
    for number, line in enumerate(lines, start=1):
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > 3:
            raise ValidationError(f"Option {number} has more than 2 bars (|): write it as value | label, "
                                  "or value | label | hint")
        value, label = (_slug(parts[0]), parts[0]) if len(parts) == 1 else (parts[0], parts[1])
        option_hint = parts[2] if len(parts) == 3 else ""
        if not label:
            raise ValidationError(f"Option {number} has no label: write it after the bar, like yes_fully | Yes, fully")
        if not value:
            raise ValidationError(f"Option {number} has no value: write one before a bar, like other | {label}")
        for what, given, most in (("value", value, OPTION_VALUE_MAX), ("label", label, OPTION_LABEL_MAX),
                                  ("hint", option_hint, OPTION_HINT_MAX)):
            if len(given) > most:
                raise ValidationError(f"The {what} of option {number} must be {most} characters or fewer")
        options.append({"value": value, "label": label} | ({"hint": option_hint} if option_hint else {}))
    return options


def _reason_field() -> TextAreaField:
    return TextAreaField(
        "Why are you changing the form?",
        description="The round has opened, so this change makes a new version of the form, which applies to "
                    "new applications only. The reason is kept in the audit log.",
        widget=GovTextArea(),
        validators=[Length(max=1000, message="The reason must be 1,000 characters or fewer")],
    )


class ReasonFields:
    """Why an administrator changes a form after its round has opened (asked for only then)."""

    reason = _reason_field()


class ChangeForm(GovForm):
    """A change with nothing to fill in but, after the round has opened, the reason."""

    reason = _reason_field()
    submit = submit("Continue")


class SectionForm(SectionFields, ReasonFields):
    """Adding or changing a section (its id only when adding)."""

    submit = submit("Save section")


class QuestionForm(QuestionFields, ReasonFields):
    """Adding or changing a question (its id only when adding)."""

    submit = submit("Save question")


class NewSectionForm(SectionFields, QuestionFields, ReasonFields):
    """A new section and its first question, as a section needs at least one."""

    submit = submit("Save section")

    def validate_question_id(self, field: StringField) -> None:
        super().validate_question_id(field)
        if field.data == self.section_id.data:
            raise ValidationError("The question id must not be the same as the section id")


class CopyForm(GovForm):
    """Which round to copy the form from."""

    source = RadioField("Which round do you want to copy the form from?", choices=[], validate_choice=False,
                        widget=Radios())
    reason = _reason_field()
    submit = submit("Copy the form")

    def __init__(self, *args: Any, round_ids: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.round_ids = set(round_ids)

    def validate_source(self, field: RadioField) -> None:
        if field.data not in self.round_ids:
            raise ValidationError("Select the round to copy the form from")


class LibraryForm(BuilderForm, ReasonFields):
    """Which question of the library to add (``keys``: every question the library has, on any page)."""

    choice = RadioField("Which question do you want to add?", choices=[], validate_choice=False,
                        widget=Radios())
    submit = submit("Add the question")

    def __init__(self, *args: Any, keys: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keys = set(keys)

    def validate_choice(self, field: RadioField) -> None:
        if field.data not in self.keys:
            raise ValidationError("Select the question to add")


class ImportForm(GovForm):
    """A form definition's JSON file to import as the form's next version."""

    file = FileField(
        "Upload a JSON file",
        description="A form definition in JSON, like the file “Download as JSON” gives, 1 MB or smaller",
        widget=GovFileInput(),
        validators=[FileRequired(message="Select a JSON file to import")],
    )
    reason = _reason_field()
    submit = submit("Import the form")
