"""``flask registers import charity FILE`` / ``flask registers import company FILE``: the registers'
published files imported on the server, where a 2.5 GB file is no trouble (it is read as a stream and
inserted in batches; all or nothing)."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from grants.extensions import db

registers_cli = AppGroup("registers", help="The registers' published data that register checks read.")


@registers_cli.command("import")
@click.argument("register", type=click.Choice(["charity", "company"]))
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--date", "extract_date", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The extract's date (Companies House), if the file name does not give it: 2026-12-01")
def import_register_command(register: str, path: str, extract_date) -> None:
    """Replace a register's entries with the file's: the Charity Commission's publicextract.charity
    (.txt or .zip) or Companies House's BasicCompanyData (.csv or .zip)."""
    from pathlib import Path

    from grants.interfaces.due_diligence import importing

    day: date | None = extract_date.date() if extract_date else None
    name = Path(path).name
    try:
        with open(path, "rb") as stream:
            if register == "charity":
                extract = importing.import_charity_extract(stream, name)
            else:
                extract = importing.import_company_data(stream, name, day)
        db.session.commit()
    except importing.RegisterFileProblem as problem:
        db.session.rollback()
        raise click.ClickException(f"{problem}. Nothing was changed") from None
    click.echo(f"{extract.register.label}: {extract.row_count:,} entries imported, extract of "
               f"{extract.extract_date.isoformat()}")
