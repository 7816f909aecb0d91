"""The values of the emails about organisations' bank details (grants/data/emails/bank_details.toml), and
examples of them from real records for the administrators' previews. None of the details themselves is
ever a value: the emails only say that a change was asked for, or made."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from grants.email_templates import Value, send_template
from grants.extensions import db
from grants.formatting import london_datetime
from grants.interfaces.organisations.membership import recipients
from grants.links import public_url
from grants.models.accounts import User
from grants.models.bank_details import BankDetails, BankDetailsStatus
from grants.models.organisations import Organisation


def _organisation_values(organisation: Organisation) -> dict[str, Value]:
    return {
        "contact name": organisation.contact_name or "",
        "organisation name": organisation.name,
        "link": public_url("bank_details.mine"),
    }


def _tell(organisation: Organisation, key: str, values: dict[str, Value]) -> None:
    """Email the organisation's contact and members."""
    for address in recipients(organisation):
        send_template(key, address, values)


def entered_values(organisation: Organisation, entered_by: User | None, when: datetime) -> dict[str, Value]:
    return {
        **_organisation_values(organisation),
        "entered at": london_datetime(when),
        "entered by": entered_by.full_name if entered_by is not None else "",
    }


def tell_of_entry(organisation: Organisation, entered_by: User, when: datetime) -> None:
    _tell(organisation, "bank_details_entered", entered_values(organisation, entered_by, when))


def decided_values(organisation: Organisation, confirmed: bool) -> dict[str, Value]:
    return {**_organisation_values(organisation), "confirmed": confirmed, "not confirmed": not confirmed}


def tell_of_decision(organisation: Organisation, confirmed: bool) -> None:
    _tell(organisation, "bank_details_decided", decided_values(organisation, confirmed))


def example_entered() -> dict[str, Value] | None:
    details = db.session.scalars(select(BankDetails).order_by(BankDetails.entered_at.desc(), BankDetails.id.desc())
                                 .limit(1)).first()
    return None if details is None else entered_values(details.organisation, details.entered_by, details.entered_at)


def example_decided() -> dict[str, Value] | None:
    details = db.session.scalars(select(BankDetails).where(BankDetails.decided_at.is_not(None))
                                 .order_by(BankDetails.decided_at.desc(), BankDetails.id.desc()).limit(1)).first()
    if details is None:
        return None
    # Replaced details were verified first: they took effect until newer ones did.
    return decided_values(details.organisation, details.status is not BankDetailsStatus.REJECTED)
