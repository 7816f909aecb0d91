"""Demo bank details: the grantees' accounts, verified by a finance officer's call-back, and one change
waiting for verification (Exeter Street Pastors asked for it two days ago), as a finance officer meets it
under **Bank details**. Idempotent: nothing is added once any organisation has bank details."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from grants.extensions import db
from grants.interfaces.auth import accounts
from grants.interfaces.bank_details import details as bank
from grants.models.bank_details import BankDetails
from grants.models.organisations import Organisation
from grants.models.types import utcnow

# organisation: (sort code, account number) of made-up accounts
ACCOUNTS = {
    "Tamar Valley Recovery Community": ("309430", "21480073"),
    "Penwith Community Kitchen CIC": ("207106", "40558820"),
    "Exeter Street Pastors": ("404784", "71300452"),
}


def seed() -> None:
    """Add the demo's bank details unless there are some already; the caller commits."""
    if db.session.scalar(select(BankDetails.id).limit(1)) is not None:
        return
    finance = accounts.get_user_by_email("finance@example.org")
    if finance is None:
        return
    now = utcnow()
    for name, (sort_code, account_number) in ACCOUNTS.items():
        organisation = db.session.scalar(select(Organisation).filter_by(name=name))
        if organisation is None or not organisation.members:
            continue
        member = organisation.members[0]
        details = bank.enter(organisation, bank.Entered(name, sort_code, account_number), member,
                             now=now - timedelta(days=200))
        bank.decide(details, finance, True, f"{organisation.contact_name}, the organisation's contact",
                    organisation.contact_phone or "01392 000 000",
                    "Confirmed they asked for the account to be used and read back the sort code and account number",
                    now=now - timedelta(days=199))
    pastors = db.session.scalar(select(Organisation).filter_by(name="Exeter Street Pastors"))
    if pastors is not None and pastors.members:
        # A change asked for two days ago, waiting for a finance officer's call-back.
        bank.enter(pastors, bank.Entered("Exeter Street Pastors CIO", "309897", "10293847"), pastors.members[0],
                   now=now - timedelta(days=2))
    db.session.flush()
