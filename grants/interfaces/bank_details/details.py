"""Entering, verifying and reading organisations' bank details, and the payment rule that follows a change.

- An organisation's member (or a finance officer taking them by phone) enters new details: they are
  checked by format, stored encrypted and wait, pending, for verification. Entering newer details
  replaces details still pending. The organisation's contacts are emailed that a change was asked
  for, without any of the details: the real contact hears of a fraudster's change.
- A finance officer other than whoever entered them verifies them by calling a contact the office
  already knew (the organisation's contact on record, not a number given with the change), and
  records whom they called, on which number and what was confirmed. Confirmed: the details take
  effect and the ones before are replaced; not confirmed: they are rejected. The contacts are
  emailed either way.
- For ``bank_change_hold_days`` (an office setting) after new details take effect, a payment to the
  organisation needs a second finance officer's approval besides the first (``change_hold``).

Sort code and account number are checked by format: six digits, and eight digits (a six- or
seven-digit account number is padded with leading zeros, as the banks do for Bacs). The published
modulus check (Vocalink's) has no maintained Python library: the one on PyPI (ukmodulus 0.1.2) has
not been released for years and its weight table is out of date, so it is not used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import abort, g, has_request_context
from sqlalchemy import select, update

from grants import audit
from grants.extensions import db
from grants.formatting import LONDON, long_date
from grants.interfaces.admin.settings import days_setting
from grants.interfaces.bank_details import emails as bank_emails
from grants.interfaces.bank_details.vault import seal, unseal
from grants.interfaces.writes import rows_changed
from grants.models.accounts import Role, User
from grants.models.bank_details import BankDetails, BankDetailsStatus
from grants.models.organisations import Organisation
from grants.models.types import utcnow

ACCOUNT_NAME_MAX = 100
ROLL_NUMBER = re.compile(r"[A-Za-z0-9 ./-]{1,18}")
PHONE_MAX, CONTACT_MAX, NOTE_MAX = 40, 200, 2_000


class BankDetailsError(ValueError):
    """Refused: ``problems`` maps each field to its message; nothing was changed."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class Entered:
    account_name: str
    sort_code: str
    account_number: str
    roll_number: str | None = None


@dataclass(frozen=True)
class Shown:
    """Details as people see them: the account name in full, the numbers masked but for the last digits."""

    account_name: str
    sort_code: str
    account_number: str
    roll_number: str | None


def _digits(value: str | None) -> str:
    return re.sub(r"[\s-]", "", value or "")


def checked(entered: Entered) -> Entered:
    """The details tidied (sort code and account number as digits only), or BankDetailsError naming
    every field that is wrong."""
    problems: dict[str, str] = {}
    name = " ".join((entered.account_name or "").split())
    if not name:
        problems["account_name"] = "Enter the name on the account"
    elif len(name) > ACCOUNT_NAME_MAX:
        problems["account_name"] = f"Name on the account must be {ACCOUNT_NAME_MAX} characters or fewer"
    sort_code = _digits(entered.sort_code)
    if not sort_code:
        problems["sort_code"] = "Enter the sort code"
    elif not (sort_code.isdecimal() and len(sort_code) == 6):
        problems["sort_code"] = "Enter a valid sort code like 309430"
    account = _digits(entered.account_number)
    if not account:
        problems["account_number"] = "Enter the account number"
    elif not account.isdecimal():
        problems["account_number"] = "Enter a valid account number like 00733445"
    elif not 6 <= len(account) <= 8:
        problems["account_number"] = "Account number must be between 6 and 8 digits"
    roll = " ".join((entered.roll_number or "").split()) or None
    if roll is not None and not ROLL_NUMBER.fullmatch(roll):
        problems["roll_number"] = ("Building society roll number must be 18 characters or fewer, using only letters, "
                                   "numbers, spaces, full stops, hyphens and slashes")
    if problems:
        raise BankDetailsError(problems)
    return Entered(name, sort_code, account.zfill(8), roll)


def _mask(value: str, shown: int) -> str:
    return "•" * (len(value) - shown) + value[-shown:]


def shown(details: BankDetails) -> Shown:
    sort_code = unseal(details.sort_code)
    roll = unseal(details.roll_number) if details.roll_number else None
    return Shown(unseal(details.account_name), f"••-••-{sort_code[-2:]}", _mask(unseal(details.account_number), 4),
                 _mask(roll, 2) if roll else None)


def in_full(details: BankDetails) -> Entered:
    """The details unmasked: for the finance officer reading them back on the call, and the bank file."""
    sort_code = unseal(details.sort_code)
    return Entered(unseal(details.account_name), f"{sort_code[:2]}-{sort_code[2:4]}-{sort_code[4:]}",
                   unseal(details.account_number), unseal(details.roll_number) if details.roll_number else None)


# Reading -------------------------------------------------------------------------------------------

def _of(organisation_id: int, status: BankDetailsStatus) -> BankDetails | None:
    return db.session.scalars(
        select(BankDetails).where(BankDetails.organisation_id == organisation_id, BankDetails.status == status)
        .order_by(BankDetails.id.desc())
    ).first()


def current_by_organisation(organisation_ids: Iterable[int]) -> dict[int, BankDetails]:
    """The verified details of each of the organisations that have some: one query however many."""
    wanted = sorted(set(organisation_ids))
    if not wanted:
        return {}
    rows = db.session.scalars(select(BankDetails).where(
        BankDetails.organisation_id.in_(wanted), BankDetails.status == BankDetailsStatus.VERIFIED))
    return {details.organisation_id: details for details in rows}


def pending_organisations(organisation_ids: Iterable[int]) -> set[int]:
    """Which of the organisations have a change waiting for verification: one query."""
    wanted = sorted(set(organisation_ids))
    if not wanted:
        return set()
    return set(db.session.scalars(select(BankDetails.organisation_id).where(
        BankDetails.organisation_id.in_(wanted), BankDetails.status == BankDetailsStatus.PENDING)))


def current(organisation_id: int) -> BankDetails | None:
    """The verified details payments go to, or None."""
    return _of(organisation_id, BankDetailsStatus.VERIFIED)


def pending(organisation_id: int) -> BankDetails | None:
    return _of(organisation_id, BankDetailsStatus.PENDING)


def history(organisation_id: int) -> list[BankDetails]:
    return list(db.session.scalars(select(BankDetails).where(BankDetails.organisation_id == organisation_id)
                                   .order_by(BankDetails.entered_at.desc(), BankDetails.id.desc())))


def waiting() -> list[BankDetails]:
    """Every change waiting for verification, oldest first: finance's queue."""
    return list(db.session.scalars(select(BankDetails).where(BankDetails.status == BankDetailsStatus.PENDING)
                                   .order_by(BankDetails.entered_at, BankDetails.id)))


def for_finance(details_id: int) -> BankDetails:
    return db.session.get(BankDetails, details_id) or abort(404)


@dataclass(frozen=True)
class ChangeHold:
    """New details took effect on ``changed_on``: until ``until`` payments need a second approval."""

    changed_on: date
    until: date


def recent_changes(today: date | None = None) -> dict[int, ChangeHold]:
    """Every organisation whose bank details took effect within ``bank_change_hold_days`` of ``today``
    (the first details it ever gave count as a change), with its hold: one query however many."""
    days = days_setting("bank_change_hold_days")
    today = today or utcnow().astimezone(LONDON).date()
    if days == 0:
        return {}
    since = datetime.combine(today - timedelta(days=days + 1), datetime.min.time(), tzinfo=LONDON)
    found: dict[int, ChangeHold] = {}
    rows = db.session.execute(
        select(BankDetails.organisation_id, BankDetails.decided_at)
        .where(BankDetails.status == BankDetailsStatus.VERIFIED, BankDetails.decided_at >= since)
    )
    for organisation_id, decided_at in rows:
        if decided_at is None:  # a verified row always has it: the WHERE clause says so
            continue
        changed_on = decided_at.astimezone(LONDON).date()
        until = changed_on + timedelta(days=days)
        if today < until:
            found[organisation_id] = ChangeHold(changed_on, until)
    return found


def change_hold(organisation_id: int, today: date | None = None) -> ChangeHold | None:
    """Whether a payment to the organisation today needs a second approval because its bank details
    changed within ``bank_change_hold_days``. Within a request the holds are read once (a page of
    payments asks for each row)."""
    if today is None and has_request_context():
        if "bank_changes" not in g:
            g.bank_changes = recent_changes()
        return g.bank_changes.get(organisation_id)
    return recent_changes(today).get(organisation_id)


# Writing -------------------------------------------------------------------------------------------

def enter(organisation: Organisation, entered: Entered, user: User, now: datetime | None = None) -> BankDetails:
    """Store new details, pending verification; details still pending before are replaced."""
    clean = checked(entered)
    now = now or utcnow()
    for earlier in db.session.scalars(select(BankDetails).where(
            BankDetails.organisation_id == organisation.id, BankDetails.status == BankDetailsStatus.PENDING)):
        earlier.status = BankDetailsStatus.REPLACED
        audit.record("bank_details.replaced", earlier, f"Bank details entered for {organisation.name} on "
                     f"{long_date(earlier.entered_at)} replaced before verification", actor=user)
    details = BankDetails(
        organisation_id=organisation.id, account_name=seal(clean.account_name), sort_code=seal(clean.sort_code),
        account_number=seal(clean.account_number), roll_number=seal(clean.roll_number) if clean.roll_number else None,
        status=BankDetailsStatus.PENDING, entered_at=now, entered_by_id=user.id,
    )
    db.session.add(details)
    db.session.flush()
    # The audit log names the account by its masked numbers only.
    audit.record("bank_details.entered", details, f"New bank details entered for {organisation.name} (account "
                 f"ending {clean.account_number[-4:]}), waiting for verification", actor=user)
    bank_emails.tell_of_entry(organisation, user, now)
    return details


def check_verifier(details: BankDetails, user: User) -> None:
    if details.status is not BankDetailsStatus.PENDING:
        raise BankDetailsError({"outcome": f"These bank details have already been {details.status.label.lower()}"})
    if details.entered_by_id == user.id:
        raise BankDetailsError({"outcome": "You entered these bank details, so another finance officer must verify "
                                           "them"})
    if not user.has_role(Role.FINANCE_OFFICER):
        raise BankDetailsError({"outcome": "Only a finance officer can verify bank details"})


def decide(details: BankDetails, user: User, confirmed: bool | None, contact: str | None, phone: str | None,
           note: str | None, now: datetime | None = None) -> None:
    """Record the call-back: confirmed, the details take effect (the ones before are replaced); not
    confirmed, they are rejected. Refused (BankDetailsError) with nothing changed when a rule is broken."""
    check_verifier(details, user)
    contact, phone, note = (" ".join((value or "").split()) for value in (contact, phone, note))
    problems = _call_problems(confirmed, contact, phone, note)
    if problems:
        raise BankDetailsError(problems)
    _decided(details, user, bool(confirmed), contact, phone, note, now or utcnow())


def _call_problems(confirmed: bool | None, contact: str, phone: str, note: str) -> dict[str, str]:
    problems = {}
    if confirmed is None:
        problems["outcome"] = "Select whether the contact confirmed the new bank details"
    if not contact:
        problems["callback_contact"] = "Enter who you spoke to"
    elif len(contact) > CONTACT_MAX:
        problems["callback_contact"] = f"Who you spoke to must be {CONTACT_MAX} characters or fewer"
    if not phone:
        problems["callback_phone"] = "Enter the number you called"
    elif len(phone) > PHONE_MAX or not re.fullmatch(r"[0-9+() -]+", phone):
        problems["callback_phone"] = "Enter the number you called, like 01752 960 001"
    if not note:
        problems["callback_note"] = ("Enter what they confirmed" if confirmed is not False
                                     else "Enter why the details were not confirmed")
    elif len(note) > NOTE_MAX:
        problems["callback_note"] = f"What was said must be {NOTE_MAX:,} characters or fewer"
    return problems


def _decided(details: BankDetails, user: User, confirmed: bool, contact: str, phone: str, note: str,
             now: datetime) -> None:
    if has_request_context():
        g.pop("bank_changes", None)  # the holds read earlier in this request no longer hold
    status = BankDetailsStatus.VERIFIED if confirmed else BankDetailsStatus.REJECTED
    changed = rows_changed(
        update(BankDetails).where(BankDetails.id == details.id, BankDetails.status == BankDetailsStatus.PENDING)
        .values(status=status, decided_at=now, decided_by_id=user.id, callback_contact=contact,
                callback_phone=phone, callback_note=note, version=BankDetails.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(details)
    if changed != 1:
        check_verifier(details, user)  # decided by someone else meanwhile: says so
    organisation = details.organisation
    if confirmed:
        for earlier in db.session.scalars(select(BankDetails).where(
                BankDetails.organisation_id == details.organisation_id, BankDetails.id != details.id,
                BankDetails.status == BankDetailsStatus.VERIFIED)):
            earlier.status = BankDetailsStatus.REPLACED
        db.session.flush()
    audit.record(f"bank_details.{status.value}", details,
                 f"Bank details of {organisation.name} {'verified' if confirmed else 'rejected'} after a call to "
                 f"{contact} on {phone}: {note}"[:500],
                 changes={"status": {"before": "pending", "after": status.value}}, actor=user)
    bank_emails.tell_of_decision(organisation, confirmed)
