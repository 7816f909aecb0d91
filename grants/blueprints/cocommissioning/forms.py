"""Forms for co-commissioning: a scenario (one page), an area's reference figures, marking the
preferred option, and the sensitivity page's GET form.

The forms read what was typed (pounds to pence, percentages); the rules (two partners for a joint
option, weights adding up to 100%, a cap above its floor, ...) are grants.interfaces.cocommissioning.scenarios's,
whose ScenarioInputError is shown on the field it names.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from govuk_frontend_wtf.wtforms_widgets import (
    GovTextArea,
)
from wtforms import Field, HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, ValidationError

from grants.field_components import Checkboxes, Radios, Select, TextInput
from grants.forms import GovForm, MoneyField, SelectChoice, WholeNumberField, submit
from grants.modelling.cocommissioning_methods import BASES

JOINT, ALONE = "joint", "alone"
PERCENT, CURVE = "percent", "curve"
NO_LIMIT, AMOUNT = "none", "amount"
HUNDRED = Decimal(100)


class NumberField(Field):
    """A number typed as people write it ("62.5", "62.5%"); ``data`` is a ``Decimal`` or ``None``
    when empty. ``places`` limits the decimal places (the database keeps 3 for percentages).
    A text input, but a plain ``Field``: a ``StringField`` holds text."""

    data: Decimal | None
    widget = TextInput()

    def __init__(self, label=None, validators=None, name_for_errors: str = "Number", example: str = "25",
                 places: int = 3, limit: int = 10_000, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.name_for_errors, self.example, self.places, self.limit = name_for_errors, example, places, limit

    def process_formdata(self, valuelist):
        self.raw_text = valuelist[0] if valuelist else ""
        text = self.raw_text.strip().replace(",", "").rstrip("%").strip()
        self.data = None
        if not text:
            return
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{self.name_for_errors} must be a number, like {self.example}") from None
        if not number.is_finite() or number.copy_abs() >= self.limit:  # copy_abs cannot overflow
            raise ValueError(f"{self.name_for_errors} must be a number, like {self.example}")
        if number != number.quantize(Decimal(1).scaleb(-self.places)):
            raise ValueError(f"{self.name_for_errors} must not have more than {self.places} decimal places")
        # Adding 0 gives whole-number exponents their digits ("0E16" and "1E3" become 0 and 1000).
        self.data = number + 0

    def _value(self):
        if getattr(self, "raw_text", None) is not None:
            return self.raw_text
        return "" if self.data is None else format(self.data.normalize(), "f")


def pence(amount: Decimal | None) -> int | None:
    """Pounds (already checked to two decimal places) as whole pence, without floating point."""
    return None if amount is None else int(amount * 100)


def pounds_text(value: int | None) -> str:
    """Pence as the form shows them again: 150000.00."""
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value) // 100}.{abs(value) % 100:02d}"


def weight_field(basis: str) -> str:
    return f"weight_{basis}"


def _money(label: str, what: str, description: str) -> MoneyField:
    return MoneyField(label, name_for_errors=what, description=description,
                      validators=[InputRequired(f"Enter the {what.lower()}")])


class ScenarioForm(GovForm):
    name = StringField("Name", widget=TextInput(), validators=[InputRequired("Enter a name for the scenario")],
                       description="For example “Five-force arrest referral, population split”")
    service = SelectField("Service", widget=Select(), validate_choice=False)
    caseload_kind = SelectField("Caseload", widget=Select(), validate_choice=False,
                                description="Which of each area's criminal-justice figures gives the clients")
    partner_codes = SelectMultipleField("Partners", widget=Checkboxes(), validate_choice=False,
                                        description="Select every force area taking part")
    joint = RadioField("How would the service run?", widget=Radios(), default=JOINT, validate_choice=False,
                       choices=[SelectChoice(JOINT, "Jointly, the cost shared between the partners"),
                                SelectChoice(ALONE, "Each partner alone (for comparison)")])
    years = WholeNumberField("Contract length", name_for_errors="Contract length",
                             validators=[InputRequired("Enter the contract length in years")],
                             description="In years, from 1 to 10")
    setup = _money("Set-up cost", "Set-up cost", "For one partner setting the service up alone, in pounds")
    fixed_annual = _money("Fixed annual cost", "Fixed annual cost",
                          "For one partner running the service alone, each year, in pounds")
    cost_per_client = _money("Cost per client", "Cost per client", "Each year, in pounds")
    take_up_percent = NumberField("Take-up", name_for_errors="Take-up", example="60",
                                  validators=[InputRequired("Enter the take-up as a percentage")],
                                  description="The share of the caseload the service would see")
    inflation_percent = NumberField("Inflation each year", name_for_errors="Inflation", example="2.5",
                                    validators=[InputRequired("Enter inflation as a percentage, 0 for none")])
    scale_kind = RadioField("Economies of scale", widget=Radios(), default=PERCENT, validate_choice=False,
                            choices=[SelectChoice(PERCENT, "A percentage of the partners' standalone fixed costs"),
                                     SelectChoice(CURVE, "A curve in the number of partners")])
    scale_percent = NumberField("Joint fixed costs as a percentage of standalone", name_for_errors="The percentage",
                                example="80", description="80% means joining saves a fifth of the fixed costs")
    scale_exponent = NumberField("Curve exponent", name_for_errors="The exponent", example="0.8", places=4,
                                 description="More than 0 and at most 1: 1 means no economies; 0.8 gives about "
                                             "72% for five partners")
    floor_kind = RadioField("Floor on each partner's contribution", widget=Radios(), default=NO_LIMIT,
                            validate_choice=False,
                            choices=[SelectChoice(NO_LIMIT, "No floor"),
                                     SelectChoice(PERCENT, "A percentage of each year's joint cost"),
                                     SelectChoice(AMOUNT, "An amount each year")])
    floor_percent = NumberField("Floor", name_for_errors="The floor", example="10")
    floor_amount = MoneyField("Floor", name_for_errors="The floor")
    cap_kind = RadioField("Cap on each partner's contribution", widget=Radios(), default=NO_LIMIT,
                          validate_choice=False,
                          choices=[SelectChoice(NO_LIMIT, "No cap"),
                                   SelectChoice(PERCENT, "A percentage of each year's joint cost"),
                                   SelectChoice(AMOUNT, "An amount each year")])
    cap_percent = NumberField("Cap", name_for_errors="The cap", example="40")
    cap_amount = MoneyField("Cap", name_for_errors="The cap")
    phase_in_years = WholeNumberField("Phase-in", name_for_errors="Phase-in", default=0,
                                      description="Years to move from standalone-cost shares to the split "
                                                  "above; 0 for none")
    notes = TextAreaField("Notes (optional)", widget=GovTextArea())
    submit = submit("Save scenario")

    def __init__(self, *args, services=(), caseload_kinds=(), areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.service.choices = [SelectChoice(key, label) for key, label in services]
        self.caseload_kind.choices = [SelectChoice(key, label) for key, label in caseload_kinds]
        self.partner_codes.choices = [SelectChoice(area.code, area.name) for area in areas]

    def weight_fields(self) -> list:
        return [self[weight_field(basis)] for basis in BASES]

    # ValidationError, not ValueError: in a validate_<field> method WTForms makes only a
    # ValidationError a message on the field; a ValueError there is a 500 (it is a field error only
    # from process_formdata, as in NumberField above).
    def validate_scale_percent(self, field):
        if self.scale_kind.data == PERCENT and field.data is None and not field.errors:
            raise ValidationError("Enter the joint fixed costs as a percentage of standalone costs")

    def validate_scale_exponent(self, field):
        if self.scale_kind.data == CURVE and field.data is None and not field.errors:
            raise ValidationError("Enter the curve exponent")

    def validate_floor_percent(self, field):
        if self.floor_kind.data == PERCENT and field.data is None and not field.errors:
            raise ValidationError("Enter the floor as a percentage of the joint cost each year")

    def validate_floor_amount(self, field):
        if self.floor_kind.data == AMOUNT and field.data is None and not field.errors:
            raise ValidationError("Enter the floor as an amount in pounds each year")

    def validate_cap_percent(self, field):
        if self.cap_kind.data == PERCENT and field.data is None and not field.errors:
            raise ValidationError("Enter the cap as a percentage of the joint cost each year")

    def validate_cap_amount(self, field):
        if self.cap_kind.data == AMOUNT and field.data is None and not field.errors:
            raise ValidationError("Enter the cap as an amount in pounds each year")

    def input_values(self) -> dict:
        """The typed values as ScenarioInput's keyword arguments (money in pence)."""
        percent_scale = self.scale_kind.data != CURVE
        return {
            "name": self.name.data, "service": self.service.data or "", "caseload_kind": self.caseload_kind.data or "",
            "partner_codes": list(self.partner_codes.data or []), "joint": self.joint.data != ALONE,
            "years": self.years.data, "setup_pence": pence(self.setup.data),
            "fixed_annual_pence": pence(self.fixed_annual.data),
            "cost_per_client_pence": pence(self.cost_per_client.data),
            "take_up_percent": self.take_up_percent.data, "inflation_percent": self.inflation_percent.data,
            "scale_percent": self.scale_percent.data if percent_scale else None,
            "scale_exponent": None if percent_scale else self.scale_exponent.data,
            "weights": {basis: self[weight_field(basis)].data or Decimal(0) for basis in BASES},
            "floor_percent": self.floor_percent.data if self.floor_kind.data == PERCENT else None,
            "floor_pence": pence(self.floor_amount.data) if self.floor_kind.data == AMOUNT else None,
            "cap_percent": self.cap_percent.data if self.cap_kind.data == PERCENT else None,
            "cap_pence": pence(self.cap_amount.data) if self.cap_kind.data == AMOUNT else None,
            "phase_in_years": self.phase_in_years.data or 0, "notes": self.notes.data or "",
        }

    @staticmethod
    def data_for(values) -> dict:
        """A saved ScenarioInput as the form's starting data."""
        def bound_kind(percent, amount):
            return PERCENT if percent is not None else AMOUNT if amount is not None else NO_LIMIT

        data = {
            "name": values.name, "service": values.service, "caseload_kind": values.caseload_kind,
            "partner_codes": list(values.partner_codes), "joint": JOINT if values.joint else ALONE,
            "years": values.years, "setup": _pounds(values.setup_pence),
            "fixed_annual": _pounds(values.fixed_annual_pence),
            "cost_per_client": _pounds(values.cost_per_client_pence), "take_up_percent": values.take_up_percent,
            "inflation_percent": values.inflation_percent,
            "scale_kind": CURVE if values.scale_exponent is not None else PERCENT,
            "scale_percent": values.scale_percent, "scale_exponent": values.scale_exponent,
            "floor_kind": bound_kind(values.floor_percent, values.floor_pence), "floor_percent": values.floor_percent,
            "floor_amount": _pounds(values.floor_pence),
            "cap_kind": bound_kind(values.cap_percent, values.cap_pence), "cap_percent": values.cap_percent,
            "cap_amount": _pounds(values.cap_pence), "phase_in_years": values.phase_in_years, "notes": values.notes,
        }
        for basis in BASES:
            weight = values.weights.get(basis)
            data[weight_field(basis)] = weight if weight else None
        return data


def _pounds(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value).scaleb(-2)


for _basis, _label in BASES.items():
    setattr(ScenarioForm, weight_field(_basis),
            NumberField(_label[0].upper() + _label[1:], name_for_errors=f"The weight for {_label}", example="50"))


class PreferredForm(GovForm):
    note = TextAreaField("Why is this the preferred option?", widget=GovTextArea(),
                         validators=[InputRequired("Enter why this is the preferred option")])
    submit = submit("Mark as preferred")


class SensitivityForm(GovForm):
    """The sensitivity page's GET form: which parameter to vary, and over what range."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    parameter = RadioField("What to vary", widget=Radios(), validate_choice=False)
    # a cost per client is in pounds, so the range may go well past 100
    low = NumberField("From", name_for_errors="The low end of the range", example="50", places=4, limit=10**9)
    high = NumberField("To", name_for_errors="The high end of the range", example="100", places=4, limit=10**9)


class AreaFiguresForm(GovForm):
    """An area's figures: the inputs are drawn by the page, one group per figure; this form carries
    the CSRF token and the version seen."""

    lock_version = HiddenField()
    submit = submit("Save figures")

    def seen_lock_version(self) -> int | None:
        if self.lock_version.data is None:
            return None
        try:
            return int(self.lock_version.data)
        except ValueError:
            return None
