"""A UK address question (GOV.UK's address pattern): address lines, town or city, county, postcode,
asked together in one fieldset. Kept as ``{"line_1", "line_2", "town", "county", "postcode"}``, the
postcode written the usual way ("PL6 5AB")."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from markupsafe import Markup
from wtforms import Form, StringField
from wtforms.validators import Length

from grants.field_components import TextInput
from grants.forms import add_error, without_nul

PARTS = ("line_1", "line_2", "town", "county", "postcode")
PART_LENGTH = 100
# Outward code (area and district) and inward code (sector and unit), without the space, with the
# letters each position can have (the government data standard's pattern: no Q, V or X first, no I, J or
# Z second, no C, I, K, M, O or V in the unit).
_POSTCODE = re.compile(r"([A-PR-UWYZ][0-9][0-9A-HJKPSTUW]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)"
                       r"([0-9][ABD-HJLNP-UW-Z]{2})")
# What an empty required part is told (GOV.UK's address pattern).
MISSING = {
    "line_1": "Enter address line 1, typically the building and street",
    "town": "Enter town or city",
    "postcode": "Enter postcode",
}


def uk_postcode(text: str) -> str | None:
    """A UK postcode written the usual way ("PL6 5AB"), from any spacing or case; None if ``text``
    is not one."""
    found = _POSTCODE.fullmatch(re.sub(r"\s+", "", text).upper())
    return f"{found.group(1)} {found.group(2)}" if found else None


def _trimmed(value: Any) -> Any:
    value = without_nul(value)
    return value.strip() if isinstance(value, str) else value


def _part(label: str, name: str, autocomplete: str, classes: str = "") -> StringField:
    params: dict[str, str] = {"autocomplete": autocomplete}
    if classes:
        params["classes"] = classes
    return StringField(
        label,
        filters=[_trimmed],
        widget=TextInput(),
        validators=[Length(max=PART_LENGTH, message=f"{name} must be {PART_LENGTH} characters or fewer")],
        render_kw={"params": params},
    )


class AddressForm(Form):
    """The address's parts. ``address_form`` makes one per question, told whether the address is
    required and what the definition says when it is not given or its postcode is not real."""

    line_1 = _part("Address line 1", "Address line 1", "address-line1")
    line_2 = _part("Address line 2 (optional)", "Address line 2", "address-line2")
    town = _part("Town or city", "Town or city", "address-level2", "govuk-!-width-two-thirds")
    county = _part("County (optional)", "County", "address-level1", "govuk-!-width-two-thirds")
    postcode = _part("Postcode", "Postcode", "postal-code", "govuk-input--width-10")

    required: ClassVar[bool] = True
    required_message: ClassVar[str | None] = None  # one message for a wholly empty address, on line 1
    invalid_message: ClassVar[str] = "Enter a full UK postcode"

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        typed = [name for name in PARTS if self[name].data]
        if not typed and self.required and self.required_message:
            add_error(self.line_1, self.required_message)
        elif typed or self.required:
            for name, message in MISSING.items():
                if not self[name].data:
                    add_error(self[name], message)
        code = self.postcode.data
        if code and not self.postcode.errors and uk_postcode(code) is None:
            add_error(self.postcode, self.invalid_message)
        return not any(self[name].errors for name in PARTS)

    def answer(self) -> dict[str, str] | None:
        """The address as kept, or None when nothing was typed."""
        values = {name: self[name].data or "" for name in PARTS}
        if not any(values.values()):
            return None
        values["postcode"] = uk_postcode(values["postcode"]) or values["postcode"]
        return values


def address_form(required: bool, required_message: str | None, invalid_message: str | None) -> type[AddressForm]:
    """The address form for one question."""
    rules: dict[str, Any] = {"required": required, "required_message": required_message}
    if invalid_message:
        rules["invalid_message"] = invalid_message
    return type("QuestionAddressForm", (AddressForm,), rules)


class GovAddressInput:
    """The address as GOV.UK's pattern shows it: a fieldset whose legend is the question, its hint,
    then each part as a GOV.UK text input with its own error. Label and hint are escaped."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        hint_id = f"{field.id}-hint"
        hint = Markup('<div id="{}" class="govuk-hint">{}</div>').format(hint_id, field.description) \
            if field.description else Markup("")
        described = Markup(' aria-describedby="{}"').format(hint_id) if field.description else Markup("")
        parts = Markup("").join(part() for part in field)
        return Markup(
            '<div class="govuk-form-group" id="{}"><fieldset class="govuk-fieldset" role="group"{}>'
            '<legend class="govuk-fieldset__legend govuk-fieldset__legend--m">{}</legend>{}{}</fieldset></div>'
        ).format(field.id, described, field.label.text, hint, parts)
