"""Fields the house forms (grants/forms.py, grants/application_form/fields.py) do not have yet: a
percentage, and radios and checkboxes whose options may carry a hint. Each renders as its GOV.UK
component; everything people typed or a definition says is passed to it as text, which it escapes
(grants.field_components, or the GOV.UK macro for what that does not cover)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from wtforms import Field, RadioField, ValidationError

from grants.application_form.fields import CheckboxesField
from grants.field_components import Checkboxes, Radios, TextInput
from grants.forms import MAGNITUDE, decimal_comma_problem

TAMPERED = "Select from the options shown"


class PercentageField(Field):
    """A percentage typed as people write it ("12.5" or "12.5%"): ``data`` is a Decimal with at most
    2 decimal places, or None when left empty; the text typed is kept for showing back on error."""

    data: Decimal | None
    widget = TextInput()

    def __init__(self, label: str | None = None, validators: Any = None, name_for_errors: str = "Percentage",
                 **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.name_for_errors = name_for_errors

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw_text = str(valuelist[0]) if valuelist else ""
        self.data = None
        text = self.raw_text.strip().removesuffix("%").strip()
        if not text:
            return
        comma = decimal_comma_problem(text, self.name_for_errors, example="12.5")
        if comma:
            raise ValueError(comma)
        not_a_number = f"{self.name_for_errors} must be a number, like 12.5"
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(not_a_number) from None
        if not amount.is_finite():
            raise ValueError(not_a_number)
        # A number too large to round to hundredths is far outside 0 to 100: its limit says so.
        if amount.adjusted() <= MAGNITUDE and amount != amount.quantize(Decimal("0.01")):
            raise ValueError(f"{self.name_for_errors} must not have more than 2 decimal places")
        self.data = amount

    def _value(self) -> str:
        if getattr(self, "raw_text", None) is not None:
            return self.raw_text
        return "" if self.data is None else str(self.data)


def _with_option_hints(params: dict[str, Any], field: Any) -> dict[str, Any]:
    hints: Mapping[str, str] = getattr(field, "option_hints", {})
    for item in params["items"]:
        hint = hints.get(str(item["value"]))
        if hint:
            item["hint"] = {"text": hint}
    return params


class GovRadiosWithHints(Radios):
    """GOV.UK radios, each option with its hint (``field.option_hints``, by value) if it has one. Called
    with ``reveals`` (option value: HTML of the questions that option shows), those questions go in the
    option's conditional reveal, as the GOV.UK radios macro's ``conditional: {html}`` puts them: shown
    only while it is chosen (and always without JavaScript). Radios with a reveal are stacked, not
    inline: GOV.UK does not reveal content from inline radios."""

    def map_gov_params(self, field: Any, **kwargs: Any) -> dict[str, Any]:
        reveals: Mapping[str, Any] = kwargs.pop("reveals", None) or {}
        params = _with_option_hints(super().map_gov_params(field, **kwargs), field)
        for item in params["items"]:
            html = reveals.get(str(item["value"]))
            if html:
                item["conditional"] = {"html": html}
        if any(reveals.values()) and params.get("classes"):
            params["classes"] = " ".join(name for name in params["classes"].split() if name != "govuk-radios--inline")
        return params


class GovCheckboxesWithHints(Checkboxes):
    """GOV.UK checkboxes, each option with its hint (``field.option_hints``, by value) if it has one."""

    def map_gov_params(self, field: Any, **kwargs: Any) -> dict[str, Any]:
        return _with_option_hints(super().map_gov_params(field, **kwargs), field)


class OneChoiceField(RadioField):
    """Radios whose tampered value gets a plain message rather than WTForms' own "Not a valid choice"."""

    def __init__(self, label: str | None = None, validators: Any = None,
                 option_hints: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.option_hints = dict(option_hints or {})

    def pre_validate(self, form: Any) -> None:
        offered = {str(value) for value, *_ in self.iter_choices()}
        if self.data is not None and str(self.data) not in offered:
            raise ValidationError(TAMPERED)


class SeveralChoicesField(CheckboxesField):
    """The house checkboxes (tampered values told "Select from the options shown"), with option hints."""

    def __init__(self, label: str | None = None, validators: Any = None,
                 option_hints: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.option_hints = dict(option_hints or {})
