"""UK identifiers that organisations give us: charity and company numbers, postcodes.

Each ``normalise_*`` returns the canonical form, or raises ``ValueError`` with a message for the user.
"""

from __future__ import annotations

import re

# Digits are written [0-9], not \d: \d also matches other scripts' digits (Arabic-Indic "١٢٣", ...),
# which would pass the check and be stored as typed. Patterns are used with fullmatch.
# England and Wales: 6 or 7 digits, with "-N" for a linked charity; Scotland: SC + 6 digits;
# Northern Ireland: NIC + 6 digits (the Charity Commission for Northern Ireland's numbers).
_CHARITY_EW = re.compile(r"[1-9][0-9]{5,6}(-[0-9]{1,3})?")
_CHARITY_SC = re.compile(r"SC[0-9]{6}")
_CHARITY_NI = re.compile(r"NIC1[0-9]{5}")

# Companies House: 8 characters, either 8 digits (leading zeros are part of the number) or a
# 2-letter register prefix and 6 digits (SC Scotland, NI Northern Ireland, OC/SO/NC LLPs, ...).
_COMPANY_DIGITS = re.compile(r"[0-9]{1,8}")
_COMPANY_PREFIXES = ["AC", "CE", "CS", "FC", "FE", "GE", "GN", "GS", "IC", "IP", "LP", "NA", "NC", "NF", "NI", "NL",
                     "NO", "NP", "NR", "NV", "NZ", "OC", "R0", "RC", "SA", "SC", "SE", "SF", "SG", "SI", "SL", "SO",
                     "SP", "SR", "SZ", "ZC"]
_COMPANY_PREFIXED = re.compile(rf"({'|'.join(_COMPANY_PREFIXES)})[0-9]{{6}}")

# The shape of a UK postcode: outward code (area, district) and inward code (sector, unit).
_POSTCODE = re.compile(
    r"(GIR0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]|"
    r"[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])[0-9][ABD-HJLNP-UW-Z]{2})"
)


def _squash(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def normalise_charity_number(value: str) -> str:
    """Spaces removed and letters upper case: "1234567", "1234567-1", "SC012345" or "NIC100001"."""
    number = _squash(value)
    if any(pattern.fullmatch(number) for pattern in (_CHARITY_EW, _CHARITY_SC, _CHARITY_NI)):
        return number
    raise ValueError(
        "Enter a charity number in the correct format, like 1234567, SC012345 or NIC100001"
    )


def normalise_company_number(value: str) -> str:
    """Eight characters: digits padded with leading zeros ("1234" is "00001234"), or "SC123456"."""
    number = _squash(value)
    if _COMPANY_DIGITS.fullmatch(number) and int(number) > 0:
        return number.zfill(8)
    if _COMPANY_PREFIXED.fullmatch(number):
        return number
    raise ValueError("Enter a company number in the correct format, like 01234567 or SC123456")


def normalise_postcode(value: str) -> str:
    """Upper case with one space before the inward code: "pl12ab" is "PL1 2AB"."""
    compact = _squash(value)
    if not _POSTCODE.fullmatch(compact):
        raise ValueError("Enter a real postcode, like PL1 2AB")
    return f"{compact[:-3]} {compact[-3:]}"
