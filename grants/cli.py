"""Command-line tasks: ``flask create-user``, ``flask reference load``, ``flask demo seed``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from grants.extensions import db
from grants.models.accounts import ROLE_LABELS, Role
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
    from grants.interfaces import accounts

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
    db.session.commit()
    click.echo("Reference data loaded: " + ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in counts.items()))


@demo_cli.command("seed")
def seed_demo_command() -> None:
    """Add the demo accounts and organisations (safe to run again) and print the logins."""
    from flask import current_app

    from grants.demo import DEMO_PASSWORD, seed_demo
    from grants.demo_panel import seed_feedback, seed_panel
    from grants.demo_rounds import seed_rounds
    from grants.reference_data import load_reference_data

    if current_app.config["GRANTS_ENV"] == "production":
        raise click.UsageError("Demo data is not for production")
    load_reference_data()
    users = seed_demo()
    seed_rounds()
    seed_panel()
    seed_feedback()
    db.session.commit()
    click.echo("")
    click.echo("Demo logins (password for all: %s)" % DEMO_PASSWORD)
    for demo in users:
        roles = ", ".join(ROLE_LABELS[r] for r in sorted(demo.roles))
        click.echo(f"  {roles:<18} {demo.email}")
    click.echo("")


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(reference_cli)
    app.cli.add_command(demo_cli)
