"""``flask bank-details rotate-keys``: re-encrypt every stored bank detail with the newest key."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from grants.extensions import db

bank_details_cli = AppGroup("bank-details", help="Organisations' encrypted bank details.")


@bank_details_cli.command("rotate-keys")
def rotate_keys_command() -> None:
    """Re-encrypt every organisation's bank details with the first key in BANK_DETAILS_KEYS.

    To change key: put the new key first in BANK_DETAILS_KEYS (comma-separated, the old one after it),
    restart, run this, then take the old key out. Safe to run again; nothing changes if any value
    cannot be decrypted."""
    from grants.interfaces.bank_details.vault import UnreadableDetails, rotate_keys

    try:
        count = rotate_keys()
    except UnreadableDetails as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Bank details re-encrypted with the newest key: {count} rows")
