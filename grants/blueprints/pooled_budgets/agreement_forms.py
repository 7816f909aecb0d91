"""Forms for pooled-budget agreements, partners, a year's contributions and the risk share.

The forms check what was typed; the rules (host a partner, years in order, contributions adding up
to the agreed total) are grants.interfaces.pooled_budgets.agreements', whose PooledError is shown on its field.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from govuk_frontend_wtf.wtforms_widgets import GovTextArea
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, ValidationError

from grants.field_components import Checkboxes, Radios, Select, TextInput
from grants.forms import MAGNITUDE, MONEY_LIMIT, GovForm, SelectChoice, submit
from grants.interfaces.pooled_budgets.agreements import PooledError, year_label
from grants.models.pooled_budgets import AgreementStatus, PartnerKind, RiskShareRule

LEGAL_BASES = [
    "Crime and disorder reduction grant under section 9 of the Police Reform and Social Responsibility Act 2011",
    "Section 75 arrangement under the National Health Service Act 2006",
    "Collaboration agreement under section 22A of the Police Act 1996",
]
OTHER = "other"
DEFAULT_LINES = ["Community treatment", "Criminal justice treatment pathway", "Prison release continuity of care",
                 "Recovery support", "Young people's service"]


def optional_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def attach(form, problem: PooledError) -> None:
    """Show an interface's refusal on the field it names, or at the top of the form."""
    if problem.field and problem.field in form:
        form[problem.field].errors = [*form[problem.field].errors, str(problem)]
    else:
        form.form_errors.append(str(problem))


def percent(text: str | None, what: str) -> Decimal | None:
    """A percentage typed like "33.5" or "33.5%"; None when empty, ValueError with a message otherwise."""
    text = (text or "").strip().rstrip("%").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{what} must be a number, like 25") from None
    if not value.is_finite() or value.adjusted() > MAGNITUDE:  # 1E1000000 is no percentage
        raise ValueError(f"{what} must be a number, like 25")
    if value != value.quantize(Decimal("0.001")):
        raise ValueError(f"{what} must be a number with no more than 3 decimal places")
    return value


class AgreementForm(GovForm):
    version = HiddenField()
    title = StringField("Title", widget=TextInput(), validators=[InputRequired("Enter the agreement’s title")])
    reference = StringField("Reference", description="For example PB-2026-01", widget=TextInput(),
                            validators=[InputRequired("Enter the agreement’s reference")])
    legal_basis = RadioField("Legal basis", choices=[SelectChoice(b, b) for b in LEGAL_BASES]
                             + [SelectChoice(OTHER, "Another legal basis")], widget=Radios(),
                             validators=[InputRequired("Select the legal basis")])
    legal_basis_other = StringField("Legal basis", widget=TextInput())
    partner_ids = SelectMultipleField("Partners", coerce=optional_int, validate_choice=False,
                                      widget=Checkboxes(),
                                      description="Select all that apply, including the host",
                                      validators=[InputRequired("Select the partners")])
    host_partner_id = SelectField("Host partner", coerce=optional_int, widget=Select(),
                                  validate_choice=False)
    fund_manager = StringField("Pooled-fund manager", description="A post, such as the OPCC Chief Finance Officer",
                               widget=TextInput(), validators=[InputRequired("Enter the pooled-fund manager")])
    start_year = SelectField("First financial year", coerce=optional_int, widget=Select(),
                             validate_choice=False)
    end_year = SelectField("Last financial year", coerce=optional_int, widget=Select(),
                           validate_choice=False)
    lines = TextAreaField("Budget lines (services funded)", description="One on each line",
                          widget=GovTextArea(), validators=[InputRequired("Enter at least one budget line")])
    status = RadioField("Status", choices=[SelectChoice(s.value, s.label) for s in AgreementStatus],
                        default=AgreementStatus.DRAFT.value, widget=Radios())
    review_dates = TextAreaField("Review dates (optional)", description="One on each line, like 31/3/2027",
                                 widget=GovTextArea())
    tolerance_percent = StringField("Tolerance (%)", default="5",
                                    description="A line over budget by more than this percentage is flagged",
                                    widget=TextInput())
    submit = submit("Save agreement")

    def __init__(self, *args, partners=(), this_year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [SelectChoice(p.id, p.name) for p in partners]
        self.partner_ids.choices = choices
        self.host_partner_id.choices = [SelectChoice("", "Select the host")] + choices
        this_year = this_year or date.today().year
        years = [SelectChoice(y, year_label(y)) for y in range(this_year - 5, this_year + 11)]
        self.start_year.choices = self.end_year.choices = years

    def validate_legal_basis_other(self, field):
        if self.legal_basis.data == OTHER and not field.data:
            raise ValidationError("Enter the legal basis")

    def validate_tolerance_percent(self, field):
        try:
            self.tolerance = percent(field.data, "Tolerance")
        except ValueError as problem:
            raise ValidationError(str(problem)) from None
        if self.tolerance is None:
            raise ValidationError("Enter the tolerance, like 5")

    def validate_review_dates(self, field):
        self.dates = []
        for text in (field.data or "").splitlines():
            if not text.strip():
                continue
            try:
                day, month, year = (int(part) for part in text.strip().replace("-", "/").split("/"))
                self.dates.append(date(year, month, day).isoformat())
            except (ValueError, OverflowError):  # a year of 20 digits overflows before it is out of range
                raise ValidationError(f"“{text.strip()}” is not a date like 31/3/2027") from None

    def values(self) -> dict:
        return {
            "title": self.title.data, "reference": self.reference.data,
            "legal_basis": self.legal_basis_other.data if self.legal_basis.data == OTHER else self.legal_basis.data,
            "host_partner_id": self.host_partner_id.data, "fund_manager": self.fund_manager.data,
            "start_year": self.start_year.data, "end_year": self.end_year.data,
            "status": AgreementStatus(self.status.data or "draft"), "review_dates": self.dates,
            "tolerance_percent": self.tolerance,
        }

    def partners(self) -> list[int]:
        return [pid for pid in self.partner_ids.data or () if pid is not None]

    def line_names(self) -> list[str]:
        return [line for line in (self.lines.data or "").splitlines() if line.strip()]

    @staticmethod
    def data_for(agreement) -> dict:
        known = agreement.legal_basis in LEGAL_BASES
        return {
            "version": str(agreement.version), "title": agreement.title, "reference": agreement.reference,
            "legal_basis": agreement.legal_basis if known else OTHER,
            "legal_basis_other": "" if known else agreement.legal_basis,
            "partner_ids": [m.partner_id for m in agreement.members], "host_partner_id": agreement.host_partner_id,
            "fund_manager": agreement.fund_manager, "start_year": agreement.start_year,
            "end_year": agreement.end_year, "lines": "\n".join(line.name for line in agreement.lines),
            "status": agreement.status.value,
            "review_dates": "\n".join(f"{d.day}/{d.month}/{d.year}" for d in map(date.fromisoformat,
                                                                               agreement.review_dates or [])),
            "tolerance_percent": f"{agreement.tolerance_percent.normalize():f}",
        }


class PartnerForm(GovForm):
    name = StringField("Name", widget=TextInput(), validators=[InputRequired("Enter the partner’s name")])
    kind = RadioField("Kind of partner", choices=[SelectChoice(k.value, k.label) for k in PartnerKind],
                      default=PartnerKind.OTHER.value, widget=Radios(),
                      validators=[InputRequired("Select the kind of partner")])
    submit = submit("Add partner")


class YearForm(GovForm):
    """A year's contributions and line budgets: rows are read from the request by the view, since
    they depend on the agreement's partners and lines (names like amount-<partner id>)."""

    submit = submit("Save contributions")


class RiskShareForm(GovForm):
    version = HiddenField()
    rule = RadioField("How is a year’s overspend or underspend shared?",
                      choices=[SelectChoice(r.value, r.label) for r in RiskShareRule], widget=Radios(),
                      validators=[InputRequired("Select how a variance is shared")])
    submit = submit("Save risk share")


def money_or_error(text: str | None, what: str) -> Decimal | None:
    """An amount typed like "£12,500.50"; None when empty, ValueError with a message otherwise."""
    text = (text or "").strip().replace(",", "").replace("£", "").strip()
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{what} must be a number, like 12500") from None
    if not amount.is_finite() or amount.copy_abs() >= MONEY_LIMIT:  # copy_abs cannot overflow
        raise ValueError(f"{what} must be a number, like 12500")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"{what} must not have more than 2 decimal places")
    return amount
