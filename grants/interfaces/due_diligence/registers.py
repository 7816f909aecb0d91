"""Register checks: an organisation's charity and company numbers looked up in the registers' own
published data, as last imported (grants.interfaces.due_diligence.importing). No network call is made:
the answer says which extract it was checked against, and of what date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from grants.extensions import db
from grants.formatting import long_date
from grants.interfaces.due_diligence.matching import (
    EntryFacts,
    comparable_number,
    names_match,
    status_flags,
)
from grants.models.due_diligence import Register, RegisterEntry, RegisterExtract
from grants.models.organisations import Organisation

EXTRACT_NAMES = {
    Register.CHARITY: "the Charity Commission register extract",
    Register.COMPANY: "the Companies House basic company data",
}


@dataclass(frozen=True)
class RegisterCheck:
    """One number of the organisation against one register."""

    register: Register
    number: str
    our_name: str
    extract_date: date | None  # None: that register has never been imported
    found: bool = False
    register_name: str = ""
    status: str = ""
    name_matches: bool = True
    flags: list[str] = field(default_factory=list)

    @property
    def checked(self) -> bool:
        return self.extract_date is not None

    @property
    def clear(self) -> bool:
        """Found, under our name, and with nothing about its status to look at."""
        return self.checked and self.found and self.name_matches and not self.flags

    @property
    def problems(self) -> list[str]:
        """What an officer must look at, in plain words."""
        if not self.checked:
            return [f"{_initial_capital(EXTRACT_NAMES[self.register])} has not been imported, so this number "
                    "could not be checked"]
        if not self.found:
            return [f"Number {self.number} is not on {EXTRACT_NAMES[self.register]}"]
        problems = list(self.flags)
        if not self.name_matches:
            problems.append(f"The register's name “{self.register_name}” differs from ours “{self.our_name}”")
        return problems

    @property
    def source(self) -> str:
        if self.extract_date is None:
            return f"{_initial_capital(EXTRACT_NAMES[self.register])} has not been imported"
        return f"Checked against {EXTRACT_NAMES[self.register]} of {long_date(self.extract_date)}"


def _initial_capital(text: str) -> str:
    return text[:1].upper() + text[1:]  # str.capitalize would lower "Charity Commission"


def latest_extract(register: Register) -> RegisterExtract | None:
    return db.session.scalars(
        select(RegisterExtract).where(RegisterExtract.register == register)
        .order_by(RegisterExtract.imported_at.desc(), RegisterExtract.id.desc()).limit(1)
    ).first()


def extract_history() -> list[RegisterExtract]:
    """Every import, newest first."""
    return list(db.session.scalars(
        select(RegisterExtract).order_by(RegisterExtract.imported_at.desc(), RegisterExtract.id.desc())
    ))


def check_number(register: Register, number: str, our_name: str) -> RegisterCheck:
    company = register is Register.COMPANY
    key = comparable_number(number, company)
    extract = latest_extract(register)
    if extract is None:
        return RegisterCheck(register, key, our_name, None)
    entry = db.session.scalars(
        select(RegisterEntry).where(RegisterEntry.register == register, RegisterEntry.number == key)
    ).first()
    if entry is None:
        return RegisterCheck(register, key, our_name, extract.extract_date)
    facts = EntryFacts(entry.name, entry.status, entry.in_administration, entry.insolvent, entry.ended_on)
    return RegisterCheck(
        register, key, our_name, extract.extract_date, found=True, register_name=entry.name, status=entry.status,
        name_matches=names_match(our_name, entry.name), flags=status_flags(facts, company),
    )


def check_organisation(organisation: Organisation) -> list[RegisterCheck]:
    """Each number the organisation gives, checked against its register (none: it gives none)."""
    checks = []
    if (organisation.charity_number or "").strip():
        checks.append(check_number(Register.CHARITY, organisation.charity_number or "", organisation.name))
    if (organisation.company_number or "").strip():
        checks.append(check_number(Register.COMPANY, organisation.company_number or "", organisation.name))
    return checks
