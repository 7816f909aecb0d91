"""Comparing an organisation with a register's entry: pure functions of plain values, no database.

A register writes a name its own way ("THE TAMAR VALLEY RECOVERY COMMUNITY LIMITED"); the
organisation typed its own ("Tamar Valley Recovery Community Ltd"). Both are reduced to a comparable
form (case, punctuation, "&"/"and", a leading "The", the legal suffix's spelling) before they are
compared, so that only a real difference is flagged.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from grants.formatting import long_date

# Legal suffixes written several ways, each reduced to one spelling (whole words, after punctuation
# is removed). "CYF" and "Cyfyngedig" are the Welsh "Ltd" that Companies House accepts.
_SUFFIXES = (
    ("public limited company", "plc"),
    ("community interest company", "cic"),
    ("charitable incorporated organisation", "cio"),
    ("limited", "ltd"),
    ("cyfyngedig", "ltd"),
    ("cyf", "ltd"),
    ("company", "co"),
)

# Companies House's status words for a company that is trading normally.
COMPANY_ACTIVE = "active"
CHARITY_REGISTERED = "registered"


def comparable_name(name: str) -> str:
    """``name`` reduced for comparison: lower case, accents and punctuation gone, "&" as "and",
    no leading "The", one spelling of each legal suffix, single spaces."""
    text = unicodedata.normalize("NFKD", name.casefold()).encode("ascii", "ignore").decode()
    text = text.replace("&", " and ")
    text = re.sub(r"[^a-z0-9 ]+", " ", text.replace("'", "").replace(".", ""))
    text = " ".join(text.split())
    text = re.sub(r"^the ", "", text)
    text = re.sub(r" the$", "", text)  # "Recovery Trust, The"
    for long, short in _SUFFIXES:
        text = re.sub(rf"\b{long}\b", short, text)
    return text


def names_match(ours: str, theirs: str) -> bool:
    """Whether two names are the same once case, punctuation, "The" and suffix spellings are set aside."""
    return comparable_name(ours) == comparable_name(theirs)


def comparable_number(number: str, company: bool) -> str:
    """A charity or company number as the register keys it: no spaces, upper case, and a company
    number of digits padded to Companies House's eight characters (``1234567`` is ``01234567``)."""
    text = "".join(number.split()).upper()
    if company and text.isdigit():
        return text.zfill(8)
    return text


@dataclass(frozen=True)
class EntryFacts:
    """What the register says of a charity or company."""

    name: str
    status: str  # the register's own words
    in_administration: bool = False
    insolvent: bool = False
    ended_on: date | None = None


def status_flags(entry: EntryFacts, company: bool) -> list[str]:
    """What about the entry's status a grants officer must look at, in plain words (none when the
    charity is registered or the company active and neither is insolvent or in administration)."""
    flags: list[str] = []
    status = entry.status.strip()
    normal = COMPANY_ACTIVE if company else CHARITY_REGISTERED
    if status.lower() != normal:
        if "proposal to strike off" in status.lower():
            flags.append("Proposal to strike off")
        elif not company and status.lower() == "removed":
            flags.append("Removed from the register" + (f" on {long_date(entry.ended_on)}" if entry.ended_on else ""))
        elif company and status.lower() == "dissolved":
            flags.append("Dissolved" + (f" on {long_date(entry.ended_on)}" if entry.ended_on else ""))
        else:
            flags.append(status or "No status given")
    if entry.in_administration and not any("administration" in flag.lower() for flag in flags):
        flags.append("In administration")
    if entry.insolvent:
        flags.append("Insolvent")
    return flags

