"""Office settings: what an administrator can change without a developer, each with its shipped
default, its kind (how it is read and checked) and, where the figure comes from law, its source.

``setting(key)`` gives the text in force; ``money_setting(key)`` a Decimal. ``save_settings`` checks
every value first and changes nothing when any is wrong (``SettingsError`` names each one), and
records the changes in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from grants import audit
from grants.extensions import db
from grants.models.accounts import User
from grants.models.settings import OfficeSetting


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    hint: str
    default: str
    # "text" | "money" | "days" (a whole number of days, 0 to 365) | "sort_code" (6 digits) |
    # "account_number" (8 digits)
    kind: str = "text"
    max_length: int = 300


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "decision_maker_name", "Decision maker's name",
        "The commissioner who signs decision notices, as the notices name them.", "Alison Hernandez",
        max_length=200,
    ),
    SettingSpec(
        "decision_maker_office", "Decision maker's office",
        "The office the decision maker holds, as decision notices give it.",
        "Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly",
    ),
    SettingSpec(
        "decision_number_prefix", "Decision number prefix",
        "Decision notices are numbered with this, the financial year and a running number, "
        "for example PCC/D/2026-27/004.", "PCC/D", max_length=20,
    ),
    SettingSpec(
        "bank_change_hold_days", "Days a change of bank details needs a second approval",
        "For this many days after an organisation's new bank details take effect, a payment to it needs a "
        "second finance officer's approval. 0 turns this off.", "14", kind="days",
    ),
    SettingSpec(
        "payer_name", "Name on the office's bank account",
        "The originator's name on each payment in a Bacs payment file (18 characters).",
        "DEVON CORNWALL PCC", max_length=18,
    ),
    SettingSpec(
        "payer_sort_code", "Sort code of the office's bank account",
        "The account payment runs pay from: six digits, as in the Bacs payment file.", "000000", kind="sort_code",
    ),
    SettingSpec(
        "payer_account_number", "Account number of the office's bank account",
        "Eight digits, as in the Bacs payment file.", "00000000", kind="account_number",
    ),
    SettingSpec(
        "journal_credit_account", "Account code a payment run's journal credits",
        "The bank or creditors control account the finance system takes grant payments from.", "9100",
        max_length=20,
    ),
    SettingSpec(
        "mfa_limit", "Minimal financial assistance limit",
        "The most minimal financial assistance (MFA) one organisation may have within the current "
        "financial year and the two before it, in pounds.", "315000.00", kind="money",
    ),
    SettingSpec(
        "mfa_limit_source", "Source of the MFA limit",
        "Where the limit comes from, quoted to officers and in offer letters.",
        "Subsidy Control Act 2022, section 36(1)",
    ),
    SettingSpec(
        "subsidy_transparency_threshold", "Subsidy database threshold",
        "A subsidy above this amount, in pounds, is listed for the subsidy database.", "100000.00",
        kind="money",
    ),
    SettingSpec(
        "subsidy_transparency_source", "Source of the subsidy database threshold",
        "Where the threshold comes from, quoted on the subsidy database list.",
        "Subsidy Control Act 2022, section 33 and Schedule 1",
    ),
    SettingSpec(
        "subsidy_region", "Region for the subsidy database",
        "The region of the subsidy database the office's grants are given in.", "South West", max_length=100,
    ),
    SettingSpec(
        "subsidy_sector", "Sector for the subsidy database",
        "The economic sector the subsidy database records for the office's grants.",
        "Human health and social work activities", max_length=200,
    ),
    SettingSpec(
        "subsidy_spending_sector", "Spending sector for the subsidy database",
        "The spending sector the subsidy database records for the office's grants.",
        "Public order and safety", max_length=200,
    ),
)
SPEC_BY_KEY = {spec.key: spec for spec in SPECS}


class SettingsError(ValueError):
    """Some values are wrong: ``problems`` maps each setting's key to its message."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def _stored() -> dict[str, str]:
    return {row.key: row.value for row in db.session.scalars(db.select(OfficeSetting))}


def all_settings() -> dict[str, str]:
    """Every setting's value in force, defaults filled in."""
    stored = _stored()
    return {spec.key: stored.get(spec.key, spec.default) for spec in SPECS}


def setting(key: str) -> str:
    spec = SPEC_BY_KEY[key]  # a KeyError for a setting that does not exist: a programming error
    row = db.session.get(OfficeSetting, key)
    return spec.default if row is None else row.value


def money_setting(key: str) -> Decimal:
    if SPEC_BY_KEY[key].kind != "money":
        raise KeyError(f"{key} is not a money setting")
    return Decimal(setting(key))


def days_setting(key: str) -> int:
    if SPEC_BY_KEY[key].kind != "days":
        raise KeyError(f"{key} is not a number of days")
    return int(setting(key))


def _checked(spec: SettingSpec, raw: str) -> str:
    value = " ".join((raw or "").split())
    if not value:
        raise ValueError(f"Enter the {spec.label[0].lower()}{spec.label[1:]}")
    if spec.kind in {"sort_code", "account_number"}:
        digits = value.replace("-", "").replace(" ", "")
        size = 6 if spec.kind == "sort_code" else 8
        if not (digits.isdecimal() and len(digits) == size):
            raise ValueError(f"{spec.label} must be {size} digits")
        return digits
    if spec.kind == "days":
        if not value.isdecimal() or not 0 <= int(value) <= 365:
            raise ValueError(f"{spec.label} must be a whole number from 0 to 365")
        return str(int(value))
    if spec.kind == "money":
        plain = value.replace(",", "").removeprefix("£")
        try:
            amount = Decimal(plain)
        except InvalidOperation:
            raise ValueError(f"{spec.label} must be an amount in pounds, like 315000 or 315,000.00") from None
        if not amount.is_finite() or amount <= 0:
            raise ValueError(f"{spec.label} must be more than £0")
        if amount != amount.quantize(Decimal("0.01")):
            raise ValueError(f"{spec.label} must be in pounds and pence, with no more than 2 decimal places")
        if amount >= Decimal("10000000000"):
            raise ValueError(f"{spec.label} must be less than £10,000,000,000")
        return f"{amount:.2f}"
    if len(value) > spec.max_length:
        raise ValueError(f"{spec.label} must be {spec.max_length} characters or fewer")
    return value


def save_settings(values: dict[str, str], actor: User) -> int:
    """Check every value, then store those that changed; returns how many changed. Nothing is stored
    when any value is wrong."""
    problems: dict[str, str] = {}
    checked: dict[str, str] = {}
    for key, raw in values.items():
        spec = SPEC_BY_KEY.get(key)
        if spec is None:
            problems[key] = f"There is no setting called {key}"
            continue
        try:
            checked[key] = _checked(spec, raw)
        except ValueError as wrong:
            problems[key] = str(wrong)
    if problems:
        raise SettingsError(problems)
    current = all_settings()
    changes = {key: {"before": current[key], "after": value} for key, value in checked.items()
               if current[key] != value}
    for key in changes:
        row = db.session.get(OfficeSetting, key)
        if row is None:
            db.session.add(OfficeSetting(key=key, value=checked[key], updated_by_id=actor.id))
        else:
            row.value = checked[key]
            row.updated_by_id = actor.id
    if changes:
        db.session.flush()
        audit.record("settings.changed", ("office_settings", 0),
                     "Changed " + ", ".join(SPEC_BY_KEY[key].label.lower() for key in changes),
                     changes=changes, actor=actor)
    return len(changes)
