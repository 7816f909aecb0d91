"""Form pieces shared across areas: GOV.UK widgets on WTForms fields, and common validators."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TypeVar, cast

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import (
    DateField,
    EmailField,
    Field,
    FieldList,
    FormField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms import SelectChoice as SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; types-WTForms 3.2 lacks it
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, Email, InputRequired, StopValidation

from grants.field_components import DATE_BOXES as DATE_BOXES
from grants.field_components import DateInput, TextInput
from grants.form_keys import CSRFTokenWithFormKey
from grants.passwords import password_problem


class GovForm(FlaskForm):
    """A form whose fields render as GOV.UK components and whose text inputs are trimmed, and
    whose CSRF token comes with a one-time form key (grants.form_keys)."""

    # WTForms joins this Meta with FlaskForm's (and DefaultMeta) at class creation; naming
    # DefaultMeta as the base only tells the type checker what super() reaches.
    class Meta(DefaultMeta):
        def build_csrf(self, form):
            csrf = super().build_csrf(form)
            csrf.field_class = CSRFTokenWithFormKey
            return csrf

        def bind_field(self, form, unbound_field, options):
            if unbound_field.field_class in {StringField, EmailField, TextAreaField}:
                # Given to this binding only: the class's field declaration is shared by every form.
                options = {**options, "filters": [*unbound_field.kwargs.get("filters", ()), _strip]}
                # Text is trimmed, so "required" must look at the trimmed text: only spaces is empty.
                validators = unbound_field.kwargs.get("validators") or []
                options["validators"] = [
                    DataRequired(message=v.message) if type(v) is InputRequired else v for v in validators
                ]
            return unbound_field.bind(form=form, **options)


def without_nul(value):
    """``value`` without NUL characters, which are never meant and which PostgreSQL cannot store
    or compare in text (a 500 otherwise); anything but text (``None``, a file) is returned as it is.

    Usable as a WTForms filter and on text read straight from a request.
    """
    return value.replace("\x00", "") if isinstance(value, str) else value


def _strip(value):
    """Text as typed, trimmed, with line breaks as "\n": browsers send a text box's line breaks as
    "\r\n", which would otherwise be stored, exported and counted against length limits."""
    value = without_nul(value)
    return value.replace("\r\n", "\n").replace("\r", "\n").strip() if isinstance(value, str) else value


_T = TypeVar("_T")


def required(data: _T | None) -> _T:
    """``data`` read from a form that has validated, whose validation refuses None: a required
    field's data (InputRequired, DataRequired, DateRequired), or what a ``validate_`` method set."""
    assert data is not None, "read before the form validated"
    return data


def add_error(field: Field, message: str) -> None:
    """Add ``message`` to ``field``'s errors, in or after validation, when WTForms keeps them in a
    list (the stubs type them as any sequence, for the empty tuple a field starts with)."""
    cast("list[str]", field.errors).append(message)


def submit(label: str = "Continue") -> SubmitField:
    return SubmitField(label, widget=GovSubmitInput())


class ConfirmForm(GovForm):
    """A form with nothing but its CSRF token and a button, for actions that need a POST."""

    submit = submit("Continue")


def email_address(message: str = "Enter an email address in the correct format, like name@example.com"):
    return Email(message=message, check_deliverability=False)


class StrongPassword:
    """Refuse short and common passwords (NCSC guidance).

    The password is compared with the email address in ``email_field``, or else with the form's
    ``account_email`` attribute (set by the view for a signed-in user).
    """

    def __init__(self, email_field: str | None = None):
        self.email_field = email_field

    def __call__(self, form, field):
        email = form[self.email_field].data if self.email_field else getattr(form, "account_email", None)
        problem = password_problem(field.data or "", email=email)
        if problem:
            raise ValidationError(problem)


# Numeric(12, 2) holds up to ten digits of pounds.
MONEY_LIMIT = Decimal("10000000000")
# No number typed into this service has more than this many digits before the point (the
# Decimal.adjusted() exponent): rounding "1E1000000" to pence would raise, not refuse it in words.
MAGNITUDE = 15


class MoneyField(Field):
    """An amount of money in pounds, typed as people write it ("£12,500" or "12500.50").

    ``data`` is a ``Decimal`` rounded to pence, or ``None`` when left empty; the text typed is kept
    for showing back on error. A text input, but a plain ``Field``: a ``StringField`` holds text.
    """

    data: Decimal | None
    widget = TextInput()

    def __init__(self, label=None, validators=None, name_for_errors: str = "Amount", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.name_for_errors = name_for_errors

    def process_formdata(self, valuelist):
        self.raw_text = valuelist[0] if valuelist else ""
        text = self.raw_text.strip().replace(",", "").replace("£", "").strip()
        if not text:
            self.data = None
            return
        try:
            amount = Decimal(text)
        except InvalidOperation:
            self.data = None
            raise ValueError(f"{self.name_for_errors} must be a number, like 12500") from None
        if not amount.is_finite():
            self.data = None
            raise ValueError(f"{self.name_for_errors} must be a number, like 12500")
        if amount.copy_abs() >= MONEY_LIMIT:  # copy_abs: no context, so 1E1000000 cannot overflow
            self.data = None
            raise ValueError(f"{self.name_for_errors} must be less than £{MONEY_LIMIT:,}")
        pence = amount.quantize(Decimal("0.01"))
        if amount != pence:
            self.data = None
            raise ValueError(f"{self.name_for_errors} must not have more than 2 decimal places")
        self.data = pence

    def _value(self):
        if getattr(self, "raw_text", None) is not None:
            return self.raw_text
        return "" if self.data is None else f"{self.data:.2f}"


# A number written with a comma for its decimal point, as much of Europe writes it: "2,75", "12,5%".
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]*,[0-9]+%?")


def decimal_comma_problem(text: str | None, name_for_errors: str, example: str = "2.75") -> str | None:
    """The message for a number typed with a decimal comma ("2,75"), for a box where a comma cannot
    be a thousands separator: a score, a weight or another percentage. None for any other text, which
    the field checks in its own words. Not for money or counts, where "12,500" is twelve thousand five
    hundred."""
    if text is not None and _DECIMAL_COMMA.fullmatch(text.strip()):
        return f"{name_for_errors} must be a number with a full stop for decimals, like {example}"
    return None


class DateRequired:
    """A date input must be filled in: like InputRequired, but any of the three boxes counts,
    so that "must include a day" is shown instead of "enter the date" for a half-typed date."""

    field_flags = {"required": True}

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if field.raw_data and any(part.strip() for part in field.raw_data):
            return
        field.errors[:] = []
        raise StopValidation(self.message)


MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
               "october", "november", "december")
# What may stand between the parts of a whole date typed in the day box: "1/4/2026", "1-4-2026",
# "1.4.2026", "1 April 2026", "1 Sept. 2026".
_DATE_SEPARATORS = re.compile(r"[\s/.,-]+")
_ORDINAL_DAY = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th)", re.IGNORECASE)
_DIGITS = re.compile(r"[0-9]+")  # ASCII only: int() would also read "٢٠٢٦"


class DateProblem(ValueError):
    """Why the day, month and year typed are not a date: the message for the user, and the boxes
    at fault (``DATE_BOXES`` names), so that only those are marked and the summary links to the first."""

    def __init__(self, message: str, boxes: tuple[str, ...]):
        super().__init__(message)
        self.boxes = boxes


def date_parts(day: str, month: str, year: str) -> tuple[str, str, str]:
    """The day, month and year boxes as typed, trimmed. A whole date typed in the day box, with the
    month and year boxes left empty, is shared out between the three: "1/4/2026", "1-4-2026",
    "1 April 2026", or year first as "2026-04-01". Anything else is left where it was typed."""
    day, month, year = day.strip(), month.strip(), year.strip()
    if month or year:
        return day, month, year
    pieces = [piece for piece in _DATE_SEPARATORS.split(day) if piece]
    if len(pieces) != 3:
        return day, month, year
    if len(pieces[0]) == 4 and _DIGITS.fullmatch(pieces[0]):
        pieces.reverse()  # ISO 8601, year first
    return pieces[0], pieces[1], pieces[2]


def month_number(text: str) -> int | None:
    """A month typed as a number ("4", "04") or as its name written out or shortened to 3 letters
    or more ("April", "apr", "Sept."), as the GOV.UK date input pattern asks; None for anything else.
    A number is returned as typed, even 13: the caller says it is not a real date."""
    if _DIGITS.fullmatch(text) and len(text) <= 2:
        return int(text)
    word = text.lower().removesuffix(".")
    if len(word) >= 3:
        for number, name in enumerate(MONTH_NAMES, start=1):
            if name.startswith(word):
                return number
    return None


def _day_number(text: str) -> int | None:
    # "1st", "22nd": the day of a whole date written out in the day box.
    text = ordinal.group(1) if (ordinal := _ORDINAL_DAY.fullmatch(text)) else text
    return int(text) if _DIGITS.fullmatch(text) and len(text) <= 2 else None


def read_date(day: str, month: str, year: str, name_for_errors: str = "Date") -> date | None:
    """The date typed in a GOV.UK date input's three boxes (after ``date_parts``), or None when all
    three are empty. Raises ``DateProblem`` in the GOV.UK pattern's words, naming the boxes at fault:
    "Start date must include a month", "Start date must be a real date", "Start date must include a
    year with 4 numbers".

    A 2-digit year is not guessed ("26" could be 2026 or 1926, or a day typed in the wrong box): the
    message asks for 4 numbers and suggests the year in this century.
    """
    typed = {"day": day, "month": month, "year": year}
    if not any(typed.values()):
        return None
    missing = tuple(box for box in DATE_BOXES if not typed[box])
    if missing:
        raise DateProblem(f"{name_for_errors} must include a {' and '.join(missing)}", missing)
    year_digits = _DIGITS.fullmatch(year) is not None
    day_number, month_no = _day_number(day), month_number(month)
    year_number = int(year) if year_digits and len(year) == 4 else None
    number = {"day": day_number, "month": month_no, "year": year_number}
    unreadable = tuple(box for box in DATE_BOXES if number[box] is None and not (box == "year" and year_digits))
    if unreadable:
        raise DateProblem(f"{name_for_errors} must be a real date", unreadable)
    assert day_number is not None and month_no is not None  # else unreadable, above
    if year_number is None:
        example = f", like 20{year}" if len(year) == 2 else ""
        raise DateProblem(f"{name_for_errors} must include a year with 4 numbers{example}", ("year",))
    if not 1 <= month_no <= 12:
        wrong = ("day", "month") if not 1 <= day_number <= 31 else ("month",)
        raise DateProblem(f"{name_for_errors} must be a real date", wrong)
    try:
        return date(year_number, month_no, day_number)
    except ValueError:  # a day past the month's end, or the year 0000
        wrong = ("year",) if year_number == 0 else ("day",)
        raise DateProblem(f"{name_for_errors} must be a real date", wrong) from None


class DateInputField(DateField):
    """A GOV.UK date input (day, month, year boxes) with GOV.UK error messages, read by
    ``date_parts`` and ``read_date``: months by name too ("May", "Sept"), and a whole date typed in
    the day box ("1/4/2026"), which is then shown shared out between the boxes.

    ``name_for_errors`` starts each message, for example "Start date must be a real date".
    An empty date gives ``None``; make it required with ``DateRequired`` (not InputRequired, which
    looks only at the day box). Do not add WTForms' ``Optional`` for the same reason.
    """

    widget = DateInput()

    def __init__(self, label=None, validators=None, name_for_errors: str = "Date", **kwargs):
        super().__init__(label, validators, format="%d %m %Y", **kwargs)
        self.name_for_errors = name_for_errors
        self.error_boxes: tuple[str, ...] = ()

    def process_formdata(self, valuelist):
        self.error_boxes = ()
        self.data = None
        if not any(part.strip() for part in valuelist):
            self.raw_data = None
            return
        if len(valuelist) != 3:
            self.raw_data = None
            raise ValueError(f"{self.name_for_errors} must be a real date")
        parts = date_parts(*valuelist)
        self.raw_data = list(parts)  # shown back in the boxes, a whole date shared out between them
        try:
            self.data = read_date(*parts, name_for_errors=self.name_for_errors)
        except DateProblem as problem:
            self.error_boxes = problem.boxes
            raise ValueError(str(problem)) from None


MAX_WHOLE_NUMBER_DIGITS = 12


class WholeNumberField(Field):
    """A count typed as people write it ("1,200"); ``data`` is an ``int`` or ``None`` when empty.
    A text input, but a plain ``Field``: a ``StringField`` holds text."""

    data: int | None
    widget = TextInput()

    def __init__(self, label=None, validators=None, name_for_errors: str = "Number", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.name_for_errors = name_for_errors

    def process_formdata(self, valuelist):
        self.raw_text = valuelist[0] if valuelist else ""
        text = self.raw_text.strip().replace(",", "")
        if not text:
            self.data = None
            return
        if not text.isdigit() or not text.isascii():
            self.data = None
            raise ValueError(f"{self.name_for_errors} must be a whole number, like 40")
        if len(text.lstrip("0")) > MAX_WHOLE_NUMBER_DIGITS:
            # Python refuses to read more than 4,300 digits (its message is no use to a person), and
            # no count here comes near a trillion.
            self.data = None
            raise ValueError(f"{self.name_for_errors} must be a whole number less than 1,000,000,000,000")
        self.data = int(text)

    def _value(self):
        if getattr(self, "raw_text", None) is not None:
            return self.raw_text
        return "" if self.data is None else str(self.data)


def error_summary(form) -> dict:
    """GOV.UK error summary parameters for ``form``: every message, in page order, linking to its input.

    Handles repeating rows (FieldList of FormField) and date inputs, whose first box is "-day".
    A problem with the whole form (``form.form_errors``) has no input to go to: it is listed as
    text, not as a link that would leave focus where it was. A page that draws its own inputs may
    add ``(message, input_id)`` pairs to ``form_errors`` instead, which link to that input.
    """
    items: list[dict] = []
    for field in form:
        items.extend(_field_error_items(field))
    for message in form.form_errors:
        if isinstance(message, tuple):
            text, input_id = message
            items.append({"text": text, "href": f"#{input_id}"})
        else:
            items.append({"text": message})
    return {"titleText": "There is a problem", "errorList": items}


def _first_input(field: Field) -> str:
    """The id of the input an error summary link for ``field`` goes to."""
    if isinstance(field, FieldList):
        return _first_input(next(iter(field.entries[0].form))) if field.entries else field.id
    if isinstance(field, DateInputField):
        return f"{field.name}-{(field.error_boxes or DATE_BOXES)[0]}"
    return field.id


def _field_error_items(field: Field) -> list[dict]:
    """The error summary items for ``field``, in page order: a repeating row's fields first, then
    the list's own messages; a field's first message only."""
    if isinstance(field, FieldList):
        items = [item for entry in field.entries for sub in entry.form for item in _field_error_items(sub)]
        items.extend({"text": message, "href": f"#{_first_input(field)}"}
                     for message in field.errors if isinstance(message, str))
        return items
    if isinstance(field, FormField):
        return [item for sub in field.form for item in _field_error_items(sub)]
    if field.errors:
        return [{"text": field.errors[0], "href": f"#{_first_input(field)}"}]
    return []


# The largest whole number a query parameter may carry: the databases' 32-bit INTEGER columns.
LARGEST_ID = 2**31 - 1


def int_arg(name: str, default: int | None = None, minimum: int = 0, maximum: int = LARGEST_ID) -> int | None:
    """A whole-number query parameter (a page, a year, a record id), or ``default`` when it is
    missing, not a plain number or out of range — so that a tampered URL is treated as no filter
    rather than reaching the database (a 40-digit number overflows an SQL INTEGER)."""
    from flask import request

    text = request.args.get(name, "")
    if not text.isascii() or not text.isdigit() or len(text) > len(str(maximum)):
        return default
    value = int(text)
    return value if minimum <= value <= maximum else default


def record_id(text) -> int | None:
    """A record id typed or posted in a form, or ``None`` when it is not one: only plain digits up
    to ``LARGEST_ID``, so that a tampered value never reaches the database."""
    text = (text if isinstance(text, str) else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(LARGEST_ID)):
        return None
    value = int(text)
    return value if value <= LARGEST_ID else None


# Further than anyone pages by hand; larger numbers would overflow the database's OFFSET.
MAX_PAGE = 10_000


def page_arg() -> int:
    """The ``page`` query parameter: 1 when absent or not a number; "not found" for a number that
    is no page (0, or past MAX_PAGE)."""
    from flask import abort, request

    text = request.args.get("page", "")
    digits = text[1:] if text.startswith("-") else text
    if not digits.isascii() or not digits.isdigit():
        return 1
    if text.startswith("-") or len(digits) > len(str(MAX_PAGE)) or not 1 <= int(digits) <= MAX_PAGE:
        abort(404)
    return int(digits)
