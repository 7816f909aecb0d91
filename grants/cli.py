"""Command-line tasks: ``flask create-user``, ``flask reference load``, ``flask demo seed``,
``flask send-reminders`` (the daily jobs), ``flask send-outbox`` (queued email), ``flask forms``
(grants.cli_forms), ``flask registers`` (grants.cli_registers), ``flask bank-details`` (grants.cli_bank_details)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from grants import mail
from grants.cli_bank_details import bank_details_cli
from grants.cli_forms import forms_cli
from grants.cli_registers import registers_cli
from grants.extensions import db
from grants.models.accounts import ROLE_LABELS, Role
from grants.models.mail import OutboxMessage
from grants.passwords import password_problem

reference_cli = AppGroup("reference", help="Reference data from the plan and public statistics.")
demo_cli = AppGroup("demo", help="Demo data for trying the service (never in production).")


@click.command("create-user")
@click.option("--email", required=True, help="Sign-in email address")
@click.option("--name", "full_name", required=True, help="Full name")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="A role to grant; repeat for several",
)
@click.option("--password", help="Leave out to be asked for it without echo")
def create_user_command(email: str, full_name: str, roles: tuple[str, ...], password: str | None) -> None:
    """Create a user account, for example the first administrator."""
    from grants.interfaces.auth import accounts

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password, email=email)
    if problem:
        raise click.UsageError(problem)
    try:
        user = accounts.create_user(email, full_name, password, {Role(r) for r in roles})
    except accounts.DuplicateEmail:
        raise click.UsageError(f"An account already exists for {email}") from None
    db.session.commit()
    click.echo(f"Created {user.email} with roles: {', '.join(ROLE_LABELS[r] for r in sorted(user.roles))}")


@reference_cli.command("load")
def load_reference_command() -> None:
    """Load or update the reference data (safe to run again)."""
    from grants.reference_data import load_reference_data

    counts = load_reference_data()
    from grants.interfaces.pooled_budgets.partners import ensure_partners

    counts["pooled budget partners added"] = len(ensure_partners())
    from grants.interfaces.social_return.parameters import ensure_default_set

    ensure_default_set()
    from grants.interfaces.cocommissioning.scenarios import ensure_areas

    ensure_areas()
    db.session.commit()
    click.echo("Reference data loaded: " + ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in counts.items()))


@demo_cli.command("seed")
def seed_demo_command() -> None:
    """Add the demo accounts and organisations (safe to run again) and print the logins."""

    from grants.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_logins, seed_everything
    from grants.demo import claims as demo_claims
    from grants.demo.partners import demo_partner_login

    if current_app.config["GRANTS_ENV"] == "production":
        raise click.UsageError("Demo data is not for production")
    users = seed_everything()
    db.session.commit()
    click.echo("")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD})")
    click.echo(f"Staff then enter a code from an authenticator app with the key {DEMO_TOTP_SECRET}")
    click.echo("(or run `.venv/bin/flask demo code` for the code of the moment)")
    for demo in users:
        roles = ", ".join(ROLE_LABELS[r] for r in sorted(demo.roles))
        click.echo(f"  {roles:<18} {demo.email}")
    for email, organisation in demo_logins():
        click.echo(f"  {'Applicant':<18} {email} ({organisation})")
    email, described = demo_partner_login()
    click.echo(f"  {'Applicant':<18} {email} ({described})")
    click.echo(f"  {'Applicant':<18} {demo_claims.GRANTEE[0]} (Torbay Families Together, paid on claims)")
    click.echo("")


@demo_cli.command("code")
def demo_code_command() -> None:
    """Print the demo staff's authenticator-app code of the moment (a new one every 30 seconds)."""
    import time

    import pyotp

    from grants.demo import DEMO_TOTP_SECRET

    left = 30 - int(time.time()) % 30
    click.echo(f"{pyotp.TOTP(DEMO_TOTP_SECRET).now()}  (for {left} more seconds; each code works once per account)")


@click.command("send-reminders")
def send_reminders_command() -> None:
    """Run the daily jobs (for a scheduler, once a day, where there is no job scheduler): lapse offers
    past their deadline (emailing the organisation and its grants officer), make instalments due on
    their date, hold payments while returns are overdue, email reminders of returns and repayments due
    soon or overdue, and remove ended sign-in sessions. Running it twice in a day does nothing more."""
    from grants.daily import run_daily_jobs

    click.echo("\n".join(run_daily_jobs()))


jobs_cli = AppGroup("jobs", help="The background job queue on Redis (grants.jobs); needs REDIS_URL.")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty")
def jobs_worker_command(burst: bool) -> None:
    """Run queued jobs (email, the daily jobs, slow exports) until stopped; run as many as wanted."""
    from flask import current_app

    from grants import jobs

    try:
        jobs.work(current_app._get_current_object(), burst=burst)  # type: ignore[attr-defined]
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None


@jobs_cli.command("scheduler")
def jobs_scheduler_command() -> None:
    """Put the recurring jobs on the queue when they are due (queued email every 5 minutes, the daily
    jobs at 6am UTC); more than one scheduler only means a job runs twice, which each job allows."""
    from flask import current_app

    from grants import jobs

    try:
        cron = jobs.scheduler(current_app._get_current_object())  # type: ignore[attr-defined]
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    cron.start()


@click.command("send-outbox")
def send_outbox_command() -> None:
    """Send every queued email that is due (with MAIL_BACKEND=smtp), retrying those that failed before;
    safe to run as often as wanted, and at the same time as another sender: nothing goes twice."""
    sent = mail.sweep()
    queued = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "queued"))
    failed = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "failed"))
    click.echo(f"Emails sent: {sent}\nStill queued (to be tried again later): {queued}\n"
               f"Given up on (see Outbox in the admin pages): {failed}")


PG_DUMP_HINT = (
    "PostgreSQL sites with a very large database may prefer pg_dump and pg_restore: "
    "pg_dump --format=custom --file=grants.dump \"$DATABASE_URL\", then "
    "pg_restore --clean --if-exists --no-owner --single-transaction --dbname=\"$DATABASE_URL\" grants.dump. "
    "They copy rows only: copy the uploaded documents (UPLOAD_FOLDER) as well."
)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


@click.command("backup", epilog=PG_DUMP_HINT)
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace PATH if it exists")
def backup_command(path: str, force: bool) -> None:
    """Write every row of the database and every uploaded document to PATH (a .tar.gz with a manifest
    of checksums), from one consistent snapshot.

    Safe while the service runs; the file restores on SQLite or PostgreSQL at the same revision, with
    the documents going into whichever document store that app is configured with.
    """
    from grants.backup import BackupError, write_backup

    try:
        summary = write_backup(db.engine, path, overwrite=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up {summary.total_rows} rows from {len(summary.rows)} tables and {summary.documents} "
               f"documents ({_megabytes(summary.document_bytes)}) at revision {summary.revision} to "
               f"{summary.path} in {summary.seconds:.1f}s")


@click.command("restore", epilog=PG_DUMP_HINT)
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation")
@click.option(
    "--without-documents",
    is_flag=True,
    help="Load a rows-only backup made before documents were included (format version 1); documents whose "
    "files are not already in the document store will be missing",
)
def restore_command(path: str, yes: bool, without_documents: bool) -> None:
    """Load a backup from PATH into an empty database migrated to the backup's revision, and its
    documents into the document store.

    All or nothing: a damaged file, a missing or changed document, a database at another revision
    or one that already holds data is refused before anything is written. A rows-only backup from
    before documents were included is refused unless --without-documents is given.
    """
    from pathlib import Path

    from grants.backup import BackupError, read_header, restore_backup
    from grants.backup.format import ROWS_ONLY_VERSION, rows_only_refusal

    try:
        header = read_header(path)
        rows_only = header["format_version"] == ROWS_ONLY_VERSION
        if rows_only and not without_documents:
            raise BackupError(rows_only_refusal(Path(path)))
        if not yes:
            click.confirm(
                f"Restore the backup made {header['created_at']} (revision {header['alembic_revision']})"
                f"{' (rows only, no documents)' if rows_only else ''} into "
                f"{db.engine.url.render_as_string(hide_password=True)}?",
                abort=True,
            )
        summary = restore_backup(db.engine, path, without_documents=without_documents)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    already = f" ({summary.documents_already_stored} already there)" if summary.documents_already_stored else ""
    click.echo(f"Restored {summary.total_rows} rows into {len(summary.rows)} tables and {summary.documents} "
               f"documents into the document store{already} at revision {summary.revision} in "
               f"{summary.seconds:.1f}s")
    if summary.rows_only and not summary.missing_documents:
        click.echo("This backup holds rows only, but every document's file was already in the document store.")
    elif summary.rows_only:
        missing = summary.missing_documents
        click.echo(
            f"Warning: this backup holds rows only, not the documents' files. {len(missing)} documents have no "
            "file in the document store and will not open until their files are put back"
            + "".join(f"\n  {description}" for description in missing[:20])
            + (f"\n  and {len(missing) - 20} more" if len(missing) > 20 else ""),
            err=True,
        )


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(send_outbox_command)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(reference_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(forms_cli)
    app.cli.add_command(registers_cli)
    app.cli.add_command(bank_details_cli)
