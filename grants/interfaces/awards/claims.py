"""Paying a grant on claims (issue 21): in a round whose ``payment_basis`` is claims, the grantee claims
what it has spent, line by line of its application's budget, with evidence; an officer checks the claim
and, accepted, it becomes the award's next instalment, due today, which finance approves and pays as any
other (grants.interfaces.awards.payments: the same queue, segregation of duties and payment runs).

Rules, checked when the claim is submitted and again, inside the same transaction with the award's row
locked, when an officer accepts it:
- the period is given, ends on or after it starts, and lies within the award's dates;
- each amount is pounds and pence, £0 or more, and at least one line is more than £0;
- on each line, this claim plus the award's earlier submitted and accepted claims is no more than the
  line's budget × (1 + the round's tolerance %) (a line without a budget is limited by the award only);
- this claim plus the earlier submitted and accepted claims is no more than the award;
- at least one evidence file;
- in a round that records VAT, each line's VAT is £0 or more and no more than its spend
  (grants.interfaces.awards.claim_vat).
Every change is audited; the grantee is emailed at each outcome of the check.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from flask import abort
from sqlalchemy import func, select

from grants import audit
from grants.document_store import document_store
from grants.email_templates import send_template
from grants.extensions import db
from grants.formatting import london_today, long_date, money
from grants.interfaces.awards import claim_vat
from grants.interfaces.awards.awarding import AwardError
from grants.interfaces.awards.offers import offer_recipients
from grants.interfaces.awards.payments import describe as describe_instalment
from grants.interfaces.awards.payments import lock_award
from grants.models.accounts import User
from grants.models.awards import Award, AwardStatus, Instalment, InstalmentStatus, InstalmentTrigger
from grants.models.claims import Claim, ClaimDocument, ClaimStatus, PaymentBasis
from grants.models.types import utcnow
from grants.uploads import CONTENT_TYPES, CheckedUpload

PENNY = Decimal("0.01")
HUNDRED = Decimal(100)
NOTE_MAX_CHARACTERS = 2_000
DESCRIPTION_MAX_CHARACTERS = 5_000
# Claims whose amounts count against the award and its lines besides the one being checked.
COUNTED = (ClaimStatus.SUBMITTED, ClaimStatus.ACCEPTED)
EDITABLE = (ClaimStatus.DRAFT, ClaimStatus.RETURNED)


class ClaimError(AwardError):
    """A claim that cannot be saved, submitted or checked; the message is for the user."""


@dataclass(frozen=True)
class ClaimLine:
    """A line of the application's budget that can be claimed against."""

    key: str  # its row number in the application's budget, "1", "2", …
    label: str
    budget: Decimal | None  # None: the application gave no budget lines, so all spending is one line
    vat_recoverable: bool | None = None  # the budget says the line's VAT is recoverable; None: VAT not recorded


def describe(claim: Claim) -> str:
    """ "Claim 2 of CGS-2026-0042", for messages and the audit log."""
    return f"Claim {claim.number} of {claim.award.application.reference}"


def paid_on_claims(award: Award) -> bool:
    return award.funding_round.payment_basis is PaymentBasis.CLAIMS


def budget_lines(award: Award) -> list[ClaimLine]:
    """The application's budget lines, read as monitoring returns read them (grants.return_form.plan)."""
    from grants.return_form.plan import plan_for

    return [ClaimLine(str(number), line.label, line.budget, line.vat_recoverable)
            for number, line in enumerate(plan_for(award).budget_lines, start=1)]


def line_limit(line: ClaimLine, tolerance_percent: Decimal) -> Decimal | None:
    """The most that can be claimed on ``line`` across all claims: its budget plus the tolerance."""
    if line.budget is None:
        return None
    return (line.budget * (1 + tolerance_percent / HUNDRED)).quantize(PENNY)


def claims_of(award: Award) -> list[Claim]:
    return list(db.session.scalars(select(Claim).where(Claim.award_id == award.id).order_by(Claim.number)))


def claim_of(award: Award, claim_id: int) -> Claim:
    """The award's claim; another award's (or none) is "not found"."""
    claim = db.session.get(Claim, claim_id)
    if claim is None or claim.award_id != award.id:
        abort(404)
    return claim


def claim_numbers_by_instalment() -> dict[int, int]:
    """{instalment id: claim number} of every claim paid as an instalment."""
    rows = db.session.execute(select(Claim.instalment_id, Claim.number).where(Claim.instalment_id.is_not(None)))
    return {instalment_id: number for instalment_id, number in rows if instalment_id is not None}


def amounts(claim: Claim) -> dict[str, Decimal]:
    """The claim's amount on each line, by line key (lines left empty are absent)."""
    found: dict[str, Decimal] = {}
    for row in claim.lines or ():
        try:
            found[str(row["line"])] = Decimal(str(row["amount"]))
        except (KeyError, TypeError, InvalidOperation):
            continue
    return found


def line_rows(claim: Claim) -> list[tuple[ClaimLine, Decimal | None, Decimal | None, Decimal | None]]:
    """(line, amount claimed now, claimed before, VAT claimed now) for each budget line, for the pages."""
    spend, vat = amounts(claim), claim_vat.vat_amounts(claim)
    by_line, _ = claimed_before(claim.award, claim)
    return [(line, spend.get(line.key), by_line.get(line.key), vat.get(line.key))
            for line in budget_lines(claim.award)]


def claimed_before(award: Award, claim: Claim | None = None) -> tuple[dict[str, Decimal], Decimal]:
    """What the award's submitted and accepted claims other than ``claim`` add up to, by line and in all
    (read from the database)."""
    query = select(Claim).where(Claim.award_id == award.id, Claim.status.in_(COUNTED))
    if claim is not None and claim.id is not None:
        query = query.where(Claim.id != claim.id)
    by_line: dict[str, Decimal] = {}
    total = Decimal(0)
    for earlier in db.session.scalars(query):
        for key, amount in amounts(earlier).items():
            by_line[key] = by_line.get(key, Decimal(0)) + amount
        total += earlier.total
    return by_line, total


# The grantee's side ------------------------------------------------------------------------------

def start_claim(award: Award, user: User) -> Claim:
    """A new draft claim on an accepted award paid on claims."""
    if not paid_on_claims(award):
        raise ClaimError("This grant is paid on a schedule of instalments, not on claims")
    if award.status is not AwardStatus.ACCEPTED:
        raise ClaimError(f"Claims can only be made on an accepted grant: this one is {award.status.label.lower()}")
    number = (db.session.scalar(select(func.max(Claim.number)).where(Claim.award_id == award.id)) or 0) + 1
    claim = Claim(award_id=award.id, number=number, status=ClaimStatus.DRAFT, lines=[], total=Decimal("0.00"))
    db.session.add(claim)
    db.session.flush()
    audit.record("claim.started", claim, f"{describe(claim)} started by {user.email}", actor=user)
    return claim


def save_claim(claim: Claim, period_start: date | None, period_end: date | None,
               spend: dict[str, Decimal | None], description: str, user: User,
               vat: Mapping[str, Decimal | None] | None = None) -> None:
    """Keep what the grantee typed (checked in full when submitted); ``vat``, the VAT within each line's
    spend, is kept where the round records VAT."""
    if claim.status not in EDITABLE:
        raise ClaimError(f"{describe(claim)} can no longer be changed: its status is ‘{claim.status.label}’")
    keys = {line.key for line in budget_lines(claim.award)}
    lines: list[dict[str, Any]] = []
    for key, amount in spend.items():
        if key not in keys or amount is None:
            continue
        row = {"line": key, "amount": str(amount.quantize(PENNY))}
        if (line_vat := claim_vat.line_vat(claim, key, vat)) is not None:
            row["vat"] = line_vat
        lines.append(row)
    before = audit.snapshot(claim)
    claim.period_start, claim.period_end = period_start, period_end
    claim.lines = lines
    claim.total = sum((Decimal(row["amount"]) for row in lines), Decimal(0)).quantize(PENNY)
    claim.description = (description or "").strip()
    db.session.flush()
    changes = audit.diff(before, audit.snapshot(claim))
    if changes:
        audit.record("claim.saved", claim, f"{describe(claim)} saved by {user.email}", changes=changes, actor=user)


def problems(claim: Claim) -> list[tuple[str, str]]:
    """(message, field) for each rule the claim breaks; empty when it can be submitted or accepted."""
    award = claim.award
    found: list[tuple[str, str]] = []
    if award.status is not AwardStatus.ACCEPTED:
        found.append((f"Claims can only be made on an accepted grant: this one is {award.status.label.lower()}",
                      "period_start"))
    if claim.period_start is None or claim.period_end is None:
        found.append(("Enter the start and end of the period the claim covers", "period_start"))
    elif claim.period_end < claim.period_start:
        found.append(("The end of the period must be on or after its start", "period_end"))
    elif claim.period_start < award.start_date or claim.period_end > award.end_date:
        found.append((f"The period must be within the grant’s dates, {long_date(award.start_date)} to "
                      f"{long_date(award.end_date)}", "period_start"))
    spend = amounts(claim)
    lines = budget_lines(award)
    for number, line in enumerate(lines, start=1):
        amount = spend.get(line.key)
        if amount is not None and (amount < 0 or amount != amount.quantize(PENNY)):
            found.append((f"Spend on budget line {number} ({line.label}) must be £0 or more, in pounds and pence",
                          f"line_{line.key}"))
    found += claim_vat.problems(claim, lines, spend)
    if not any(amount > 0 for amount in spend.values()):
        found.append(("Enter the spend on at least one budget line", f"line_{lines[0].key}" if lines else "lines"))
        return found + _evidence_problem(claim)
    earlier_lines, earlier_total = claimed_before(award, claim)
    tolerance = award.funding_round.claim_tolerance_percent
    for number, line in enumerate(lines, start=1):
        amount = spend.get(line.key, Decimal(0))
        limit = line_limit(line, tolerance)
        earlier = earlier_lines.get(line.key, Decimal(0))
        if limit is not None and amount > 0 and earlier + amount > limit:
            found.append((
                f"Spend on budget line {number} ({line.label}) is too much: {money(amount)} with the "
                f"{money(earlier)} claimed before comes to {money(earlier + amount)}, more than the line’s budget "
                f"of {money(line.budget)} plus {tolerance}% ({money(limit)}). You can claim up to "
                f"{money(max(limit - earlier, Decimal(0)))} on this line", f"line_{line.key}"))
    if earlier_total + claim.total > award.amount:
        found.append((
            f"The claim of {money(claim.total)} with the {money(earlier_total)} claimed before comes to "
            f"{money(earlier_total + claim.total)}, more than the grant of {money(award.amount)}. You can claim up "
            f"to {money(max(award.amount - earlier_total, Decimal(0)))}", f"line_{lines[0].key}" if lines else "lines"))
    return found + _evidence_problem(claim)


def _evidence_problem(claim: Claim) -> list[tuple[str, str]]:
    if claim.documents:
        return []
    return [("Upload at least one piece of evidence of the spend, such as a receipt or an invoice", "evidence")]


def submit_claim(claim: Claim, user: User, now: datetime | None = None) -> None:
    """Send the claim to the officer; ClaimError with the first problem when a rule is broken."""
    lock_award(claim.award)  # claims on one award are added up one at a time
    db.session.refresh(claim)
    if claim.status not in EDITABLE:
        raise ClaimError(f"{describe(claim)} has already been submitted")
    found = problems(claim)
    if found:
        raise ClaimError(*found[0])
    before = {"status": claim.status, "submitted_at": claim.submitted_at, "submitted_by_id": claim.submitted_by_id}
    claim.status, claim.submitted_at, claim.submitted_by_id = ClaimStatus.SUBMITTED, now or utcnow(), user.id
    db.session.flush()
    audit.record("claim.submitted", claim, f"{describe(claim)} ({money(claim.total)}) submitted by {user.email}",
                 changes=audit.diff(before, {name: getattr(claim, name) for name in before}), actor=user)


# Evidence ----------------------------------------------------------------------------------------

MAX_DOCUMENTS = 20  # a bound on what one claim can store
TOO_MANY = f"A claim can hold up to {MAX_DOCUMENTS} files of evidence"


def add_evidence(claim: Claim, upload: CheckedUpload, stored_name: str, user: User) -> ClaimDocument:
    """Record a checked, stored upload (grants.uploads, grants.interfaces.applications.documents.stored_file)
    as evidence of a claim the grantee can still change."""
    if claim.status not in EDITABLE:
        raise ClaimError(f"{describe(claim)} takes no more evidence: its status is ‘{claim.status.label}’",
                         "evidence")
    if len(claim.documents) >= MAX_DOCUMENTS:
        raise ClaimError(TOO_MANY, "evidence")
    document = ClaimDocument(claim_id=claim.id, original_filename=upload.display_name, stored_name=stored_name,
                             content_type=upload.content_type, size_bytes=upload.size_bytes, sha256=upload.sha256,
                             uploaded_at=utcnow(), uploaded_by_id=user.id)
    db.session.add(document)
    db.session.flush()
    db.session.expire(claim, ["documents"])
    audit.record("claim.evidence_uploaded", document, f"{describe(claim)}: {upload.display_name!r} uploaded by "
                 f"{user.email}", changes=audit.diff({}, audit.snapshot(document)), actor=user)
    return document


def remove_evidence(claim: Claim, document: ClaimDocument, user: User) -> str:
    """Take a file of evidence off a claim the grantee can still change; the stored name, for the caller
    to remove the file once the change is committed."""
    if claim.status not in EDITABLE:
        raise ClaimError(f"{describe(claim)} can no longer be changed: its status is ‘{claim.status.label}’",
                         "evidence")
    stored_name = document.stored_name
    audit.record("claim.evidence_removed", document, f"{describe(claim)}: {document.original_filename!r} removed by "
                 f"{user.email}", changes=audit.diff(audit.snapshot(document), {}), actor=user)
    db.session.delete(document)
    db.session.flush()
    db.session.expire(claim, ["documents"])
    return stored_name


def evidence_of(claim: Claim, document_id: int) -> ClaimDocument:
    """The claim's document; 404 for an unknown id or another claim's document."""
    document = db.session.get(ClaimDocument, document_id)
    if document is None or document.claim_id != claim.id:
        abort(404)
    return document


def open_evidence(document: ClaimDocument) -> BinaryIO:
    """The document's file; ``grants.document_store.DocumentMissing`` if it is not there."""
    return document_store().open(document.stored_name)


def served_content_type(document: ClaimDocument) -> str:
    """The type checked at upload; anything else (a row changed by hand) is served as bytes."""
    return document.content_type if document.content_type in set(CONTENT_TYPES.values()) else \
        "application/octet-stream"


# The officer's check -----------------------------------------------------------------------------

def _check(claim: Claim, officer: User, status: ClaimStatus, note: str | None, now: datetime | None) -> dict:
    if claim.status is not ClaimStatus.SUBMITTED:
        raise ClaimError(f"{describe(claim)} is not waiting to be checked: its status is ‘{claim.status.label}’")
    before = {"status": claim.status, "checked_at": claim.checked_at, "checked_by_id": claim.checked_by_id,
              "check_note": claim.check_note}
    claim.status, claim.checked_at, claim.checked_by_id = status, now or utcnow(), officer.id
    claim.check_note = note
    return before


def _note(note: str | None, action: str) -> str:
    note = (note or "").strip()
    if not note:
        raise ClaimError(f"Enter why the claim is {action}", "note")
    if len(note) > NOTE_MAX_CHARACTERS:
        raise ClaimError(f"The note must be {NOTE_MAX_CHARACTERS:,} characters or fewer", "note")
    return note


def accept_claim(claim: Claim, officer: User, note: str | None = None, now: datetime | None = None) -> Instalment:
    """Accept a submitted claim: the rules are checked again with the award's row locked, and the claim
    becomes the award's next instalment, due today, for finance to approve and pay."""
    award = claim.award
    lock_award(award)
    db.session.refresh(claim)
    db.session.refresh(award)
    if award.status is not AwardStatus.ACCEPTED:
        raise ClaimError(f"{describe(claim)} cannot be accepted: the grant is {award.status.label.lower()}")
    if claim.status is ClaimStatus.SUBMITTED and (found := problems(claim)):
        raise ClaimError(f"{describe(claim)} cannot be accepted: {found[0][0]}")
    before = _check(claim, officer, ClaimStatus.ACCEPTED, (note or "").strip() or None, now)
    number = (db.session.scalar(select(func.max(Instalment.number)).where(Instalment.award_id == award.id)) or 0) + 1
    instalment = Instalment(award_id=award.id, number=number, amount=claim.total, due_date=london_today(now),
                            trigger=InstalmentTrigger.ON_DATE, status=InstalmentStatus.DUE)
    db.session.add(instalment)
    db.session.flush()
    claim.instalment_id = instalment.id
    db.session.flush()
    audit.record("claim.accepted", claim, f"{describe(claim)} ({money(claim.total)}) accepted: "
                 f"{describe_instalment(instalment)} is due for payment",
                 changes=audit.diff(before | {"instalment_id": None},
                                    {name: getattr(claim, name) for name in (*before, "instalment_id")}),
                 actor=officer)
    _tell_grantee(claim)
    return instalment


def return_claim(claim: Claim, officer: User, note: str | None, now: datetime | None = None) -> None:
    """Send a submitted claim back to the grantee for changes, saying what to change."""
    _finish(claim, officer, ClaimStatus.RETURNED, _note(note, "returned"), now)


def reject_claim(claim: Claim, officer: User, note: str | None, now: datetime | None = None) -> None:
    """Refuse a submitted claim, saying why."""
    _finish(claim, officer, ClaimStatus.REJECTED, _note(note, "rejected"), now)


def _finish(claim: Claim, officer: User, status: ClaimStatus, note: str, now: datetime | None) -> None:
    before = _check(claim, officer, status, note, now)
    db.session.flush()
    audit.record(f"claim.{status.value}", claim, f"{describe(claim)} {status.label.lower()}: {note}",
                 changes=audit.diff(before, {name: getattr(claim, name) for name in before}), actor=officer)
    _tell_grantee(claim)


def _tell_grantee(claim: Claim) -> None:
    """Email the organisation's contact and members the outcome (the claim's status: accepted,
    returned or rejected)."""
    from grants.interfaces.awards.management_emails import claim_values

    values = claim_values(claim)
    for recipient in offer_recipients(claim.award):
        send_template(f"claim_{claim.status.value}", recipient, values)
