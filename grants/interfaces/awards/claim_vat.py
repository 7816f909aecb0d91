"""VAT on claims (issue 21), in a round that records VAT (grants.interfaces.awards.vat).

Each line of a claim is the spend including any VAT (the cash the grant pays back); the grantee also
says how much of it was VAT, kept in the claim's ``lines`` JSON as "vat" (£0 when left empty). The VAT
on a line is never more than its spend. The claim's VAT is recoverable where the budget line says the
organisation can recover its VAT from HMRC: officers see it, since that VAT is not in the end a cost
to the organisation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from grants.formatting import money
from grants.interfaces.awards.vat import ZERO, VatSplit, describe, records_vat
from grants.models.claims import Claim

if TYPE_CHECKING:
    from grants.interfaces.awards.claims import ClaimLine

PENNY = Decimal("0.01")


def asked(claim: Claim) -> bool:
    """Whether the claim's round records VAT, so that each line asks the VAT in its spend."""
    return records_vat(claim.award.funding_round)


def vat_amounts(claim: Claim) -> dict[str, Decimal]:
    """The VAT the claim gives on each line, by line key (lines without it are absent)."""
    found: dict[str, Decimal] = {}
    for row in claim.lines or ():
        if row.get("vat") in (None, ""):
            continue
        try:
            found[str(row["line"])] = Decimal(str(row["vat"]))
        except (KeyError, TypeError, InvalidOperation):
            continue
    return found


def line_vat(claim: Claim, key: str, vat: Mapping[str, Decimal | None] | None) -> str | None:
    """The "vat" a saved line keeps: the amount typed, to the penny, £0 when left empty; None (not
    kept) when the round does not record VAT."""
    if not asked(claim):
        return None
    return str(((vat or {}).get(key) or ZERO).quantize(PENNY))


def problems(claim: Claim, lines: Sequence[ClaimLine], spend: Mapping[str, Decimal]) -> list[tuple[str, str]]:
    """(message, field) for each line whose VAT is not pounds and pence, is below £0 or is more than the
    line's spend."""
    if not asked(claim):
        return []
    found: list[tuple[str, str]] = []
    vat = vat_amounts(claim)
    for number, line in enumerate(lines, start=1):
        amount = vat.get(line.key)
        if amount is None:
            continue
        if amount < 0 or amount != amount.quantize(PENNY):
            found.append((f"VAT on budget line {number} ({line.label}) must be £0 or more, in pounds and pence",
                          f"vat_{line.key}"))
        elif amount > spend.get(line.key, ZERO):
            found.append((f"VAT on budget line {number} ({line.label}) is {money(amount)}, more than the "
                          f"{money(spend.get(line.key, ZERO))} spent on the line", f"vat_{line.key}"))
    return found


def split(claim: Claim, lines: Sequence[ClaimLine]) -> VatSplit | None:
    """The claim's total with the VAT within it and the part of that VAT the organisation can recover
    (on the lines whose budget says so); None when the round does not record VAT."""
    if not asked(claim):
        return None
    recoverable = {line.key for line in lines if line.vat_recoverable}
    vat = vat_amounts(claim)
    return VatSplit(claim.total, sum(vat.values(), ZERO).quantize(PENNY),
                    sum((amount for key, amount in vat.items() if key in recoverable), ZERO).quantize(PENNY))


def described(claim: Claim, lines: Sequence[ClaimLine]) -> str | None:
    """The claim's total with and without VAT, in the round's order, with the recoverable VAT; None when
    the round does not record VAT."""
    found = split(claim, lines)
    return describe(found, claim.award.funding_round.vat_display) if found is not None else None
