"""Validators that compare an answer with others, wherever the definition places them: budget lines
add up to the amount asked for, the amount (and all the funding) is no more than the project's cost,
the end comes after the start and within the round's longest project, milestones fall within the
project's dates, a date within limits that name the project's dates, an answer the question refuses
(given another answer). They read other answers through ``answers_in``: this section's as typed,
earlier sections' as kept, hidden questions' as not given.

The wording is today's application form's (grants/application_form/forms.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from werkzeug.datastructures import FileStorage
from wtforms import ValidationError
from wtforms.validators import StopValidation

from grants import uploads
from grants.form_definitions import Question, QuestionType, Refusal, Role, matches
from grants.formatting import money
from grants.forms import add_error
from grants.question_forms.answers import answers_in, as_amount, as_date, as_rows
from grants.question_forms.messages import date_limit_default, given, name_of
from grants.question_forms.rows import ROW_TYPES, typed_rows

DATE_ROLES = {"project_start": Role.PROJECT_START, "project_end": Role.PROJECT_END}


def _project_dates(form: Any) -> tuple[date | None, date | None]:
    answers = answers_in(form)
    return as_date(answers.by_role(Role.PROJECT_START)), as_date(answers.by_role(Role.PROJECT_END))


# Rows -----------------------------------------------------------------------------------------------

def _check_budget_lines(form: Any, rows: Sequence[Any]) -> None:
    for line in rows:
        if not line.category.data:
            add_error(line.category, "Select a category")
        if not line.description.data:
            add_error(line.description, "Enter what the money pays for")
        if line.amount.data is None:
            if not line.amount.errors:
                add_error(line.amount, "Enter the amount")
        elif line.amount.data <= 0:
            add_error(line.amount, "Amount must be more than £0")
        if "vat" in line:
            _check_vat(line)


def _check_vat(line: Any) -> None:
    """A budget line of a round that records VAT: the VAT is £0 or more and no more than the amount it
    is part of; whether it is recoverable is asked when there is any."""
    vat = line.vat.data
    if vat is None:
        if not line.vat.errors:
            add_error(line.vat, "Enter the VAT included in the amount, or 0 if there is none")
        return
    if vat < 0:
        add_error(line.vat, "VAT must be £0 or more")
    elif line.amount.data is not None and vat > line.amount.data:
        add_error(line.vat, f"VAT must be no more than the amount of the line ({money(line.amount.data)})")
    elif vat > 0 and line.vat_recoverable.data not in ("yes", "no"):
        add_error(line.vat_recoverable, "Select whether you can recover this VAT")


def _check_milestones(form: Any, rows: Sequence[Any]) -> None:
    start, end = _project_dates(form)
    for milestone in rows:
        if not milestone.description.data:
            add_error(milestone.description, "Enter what the milestone is")
        if not milestone.due.data:
            if not milestone.due.errors:
                add_error(milestone.due, "Enter the date of the milestone")
        elif start and end and not (start <= milestone.due.data <= end):
            add_error(milestone.due, "Milestone date must be between the project's start and end dates")


def _check_outcomes(form: Any, rows: Sequence[Any]) -> None:
    for outcome in rows:
        if not outcome.outcome.data:
            add_error(outcome.outcome, "Enter the outcome")
        if not outcome.measure.data:
            add_error(outcome.measure, "Enter how you will measure this outcome")


ROW_CHECKS: dict[QuestionType, Callable[[Any, Sequence[Any]], None]] = {
    QuestionType.BUDGET_LINES: _check_budget_lines,
    QuestionType.MILESTONES: _check_milestones,
    QuestionType.OUTCOME_MEASURES: _check_outcomes,
}


class RowsCheck:
    """A structured row question: at least one typed row when required (and ``min_rows``), each typed
    row complete; a row's problems are shown on its fields, and the list says to check them."""

    def __init__(self, question: Question, required_message: str) -> None:
        self.row_type = ROW_TYPES[question.type]
        self.check = ROW_CHECKS[question.type]
        self.required = question.required
        self.required_message = required_message
        minimum = question.limits.get("min_rows")
        self.min_rows = minimum if isinstance(minimum, int) else None
        self.min_message = given(question, "min_rows", f"Enter at least {minimum} {self.row_type.plural}")

    def __call__(self, form: Any, field: Any) -> None:
        rows = typed_rows(field)
        if not rows:
            if self.required:
                raise ValidationError(self.required_message)
            return
        self.check(form, rows)
        if any(row.errors for row in rows):
            raise ValidationError(self.row_type.check)
        if self.min_rows is not None and len(rows) < self.min_rows:
            raise ValidationError(self.min_message)


# Money ------------------------------------------------------------------------------------------------

def _lines_total(rows: Sequence[Any]) -> Decimal:
    return sum((as_amount(row.get("amount")) or Decimal("0") for row in rows), Decimal("0"))


class LinesAddUp:
    """The amount asked for equals the total of the budget lines, once any are typed. On the amount
    (``amount_name`` its name in errors), or on the lines when the amount was asked in an earlier section."""

    def __init__(self, lines_id: str, amount_id: str, amount_name: str) -> None:
        self.lines_id, self.amount_id, self.amount_name = lines_id, amount_id, amount_name

    def __call__(self, form: Any, field: Any) -> None:
        answers = answers_in(form)
        asked = as_amount(answers.value(self.amount_id))
        rows = as_rows(answers.value(self.lines_id))
        if asked is None or not rows:
            return
        total = _lines_total(rows)
        if asked != total:
            raise ValidationError(f"{self.amount_name} ({money(asked)}) must equal the total of your budget lines "
                                  f"({money(total)})")


# The funding besides ours that the project's cost must also cover, when the form asks for it.
OTHER_FUNDING_ROLES = (Role.OTHER_FUNDING, Role.MATCH_FUNDING)
FUNDING_ABOVE_COST = ("Your funding from us, other funders and your organisation adds up to more than the total "
                      "project cost")


class CostCovers:
    """The project's total cost (on the cost) covers the amount asked for, and then the amount with
    the other funding and the organisation's own (the answers with those roles, if the form asks them
    and they are answered). Nothing is compared until the amount asked for is answered."""

    def __init__(self, amount_name: str) -> None:
        self.amount_name = amount_name

    def __call__(self, form: Any, field: Any) -> None:
        answers = answers_in(form)
        asked = as_amount(answers.by_role(Role.AMOUNT_REQUESTED))
        if field.data is None or asked is None:
            return
        if asked > field.data:
            raise ValidationError(f"{self.amount_name} must not be more than the total cost of your project")
        others = [as_amount(answers.by_role(role)) for role in OTHER_FUNDING_ROLES]
        if asked + sum((amount for amount in others if amount is not None), Decimal("0")) > field.data:
            raise ValidationError(FUNDING_ABOVE_COST)


# Dates -------------------------------------------------------------------------------------------------

class EndAfterStart:
    """The project ends after it starts (on the project_end answer): a stricter test than a
    ``not_before: project_start`` limit, whose message it gives if the definition has one."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        start = as_date(answers_in(form).by_role(Role.PROJECT_START))
        if start is not None and field.data is not None and field.data <= start:
            raise StopValidation(self.message)


class ProjectLength:
    """The project lasts at most the round's longest project (on the project_end answer)."""

    def __init__(self, months: int) -> None:
        self.months = months

    def __call__(self, form: Any, field: Any) -> None:
        start = as_date(answers_in(form).by_role(Role.PROJECT_START))
        if start is not None and field.data is not None and field.data > start + relativedelta(months=self.months):
            raise ValidationError(f"Your project must last {self.months} months or less")


class DateLimits:
    """A date on or after ``not_before`` and on or before ``not_after``: ISO dates, or ``project_start``
    / ``project_end`` for those answers (no limit while that answer is not given)."""

    def __init__(self, question: Question, skip: frozenset[str] = frozenset()) -> None:
        name = name_of(question)
        self.limits = [
            (limit, value, given(question, limit, date_limit_default(name, limit, _date_or_reference(value))))
            for limit in ("not_before", "not_after")
            if limit not in skip and isinstance(value := question.limits.get(limit), str)
        ]

    def __call__(self, form: Any, field: Any) -> None:
        if field.data is None:
            return
        for limit, value, message in self.limits:
            bound = as_date(answers_in(form).by_role(DATE_ROLES[value])) if value in DATE_ROLES else as_date(value)
            if bound is not None and (field.data < bound if limit == "not_before" else field.data > bound):
                raise StopValidation(message)


def _date_or_reference(value: str) -> str | date:
    return value if value in DATE_ROLES else date.fromisoformat(value)


# Refused answers ---------------------------------------------------------------------------------------

class RefusedAnswer:
    """The question's ``refuse`` rule: an answer among its values (for several choices, any chosen one)
    is refused with its message, but only while its ``when`` condition, if it has one, holds on the
    other answers (a hidden question's answer holds none)."""

    def __init__(self, refusal: Refusal) -> None:
        self.refusal = refusal

    def __call__(self, form: Any, field: Any) -> None:
        if not matches(field.data, self.refusal.values):
            return
        when = self.refusal.when
        if when is None or matches(answers_in(form).value(when.question), when.values):
            raise ValidationError(self.refusal.message)


# Files -------------------------------------------------------------------------------------------------

class FileAnswer:
    """A document of the question's ``file_types`` and at most ``max_mb``, checked by its content
    (grants.uploads). A question answered in an earlier save needs no new file. The checked upload is
    left on the field as ``upload``."""

    def __init__(self, question: Question, required_message: str | None) -> None:
        self.question_id = question.id
        self.required_message = required_message
        types = question.limits.get("file_types")
        self.types = tuple(types) if isinstance(types, tuple) else ()
        max_mb = question.limits.get("max_mb")
        self.max_bytes = max_mb * 1024 * 1024 if isinstance(max_mb, int) else None
        names = [file_type.upper() for file_type in self.types]
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}" if names else ""
        self.types_message = given(question, "file_types", f"The selected file must be a {listed}")
        self.size_message = given(question, "max_mb", f"The selected file must be smaller than {max_mb}MB")

    def __call__(self, form: Any, field: Any) -> None:
        upload = field.data
        if not isinstance(upload, FileStorage) or not upload.filename:
            if self.required_message and answers_in(form).earlier.get(self.question_id) is None:
                raise StopValidation(self.required_message)
            raise StopValidation()
        extension = upload.filename.rpartition(".")[2].lower() if "." in upload.filename else ""
        if self.types and uploads.EXTENSIONS.get(extension, extension) not in self.types:
            raise StopValidation(self.types_message)
        data = upload.stream.read((self.max_bytes or uploads.MAX_BYTES) + 1)
        if self.max_bytes is not None and len(data) > self.max_bytes:
            raise StopValidation(self.size_message)
        try:
            field.upload = uploads.check_upload(upload.filename, data)
        except uploads.UploadRefused as refused:
            raise StopValidation(refused.message) from None

