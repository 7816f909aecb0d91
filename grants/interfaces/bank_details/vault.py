"""Encryption of bank details at rest, with keys kept apart from ``SECRET_KEY``.

``BANK_DETAILS_KEYS`` holds one or more Fernet keys (AES-128-CBC with an HMAC-SHA256, from the
``cryptography`` package), newest first: values are encrypted with the first and decrypted with
whichever matches, so a new key is put in front, ``flask bank-details rotate-keys`` re-encrypts every
row with it, and the old key is then taken out.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import select

from grants.extensions import db
from grants.models.bank_details import BankDetails

SEALED_FIELDS = ("account_name", "sort_code", "account_number", "roll_number")


class UnreadableDetails(RuntimeError):
    """A value no configured key decrypts: the key it was sealed with has been taken out too soon."""


def _keys() -> MultiFernet:
    keys = [key.strip() for key in current_app.config["BANK_DETAILS_KEYS"].split(",") if key.strip()]
    return MultiFernet([Fernet(key) for key in keys])


def seal(value: str) -> str:
    return _keys().encrypt(value.encode()).decode()


def unseal(token: str) -> str:
    try:
        return _keys().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UnreadableDetails("Bank details could not be decrypted with the configured BANK_DETAILS_KEYS: "
                                "put back the key they were encrypted with") from None


def rotate_keys() -> int:
    """Re-encrypt every stored value with the newest key; returns how many rows changed. The caller
    commits. Each value is decrypted with whichever key matches, so it is safe to run again."""
    keys = _keys()
    count = 0
    for details in db.session.scalars(select(BankDetails).order_by(BankDetails.id)):
        for name in SEALED_FIELDS:
            token = getattr(details, name)
            if token is not None:
                try:
                    setattr(details, name, keys.rotate(token.encode()).decode())
                except InvalidToken:
                    raise UnreadableDetails(f"Bank details {details.id} could not be decrypted with any key in "
                                            "BANK_DETAILS_KEYS: nothing was changed") from None
        count += 1
    db.session.flush()
    return count
