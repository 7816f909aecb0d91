"""``flask forms export`` and ``flask forms import``: a round's forms as JSON files
(docs/form-definitions.md), the command-line twin of the /rounds/<id>/form.json download."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from grants.extensions import db
from grants.form_definitions import FormDefinitionError, Kind
from grants.models.rounds import FundingRound

forms_cli = AppGroup("forms", help="A round's forms as JSON: export and import them.")

KINDS = [kind.value for kind in Kind]


def _round(round_id: int) -> FundingRound:
    funding_round = db.session.get(FundingRound, round_id)
    if funding_round is None:
        raise click.ClickException(f"There is no funding round with the id {round_id}")
    return funding_round


@forms_cli.command("export")
@click.argument("round_id", type=int)
@click.option("--kind", type=click.Choice(KINDS), default=Kind.APPLICATION.value, show_default=True,
              help="Which of the round's forms")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the JSON to this file instead of printing it")
def export_command(round_id: int, kind: str, output: Path | None) -> None:
    """Print (or write to a file) the current form of a round as JSON."""
    from grants.interfaces.round_forms import versions

    funding_round = _round(round_id)
    text = versions.export_json(funding_round, Kind(kind))
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"Wrote the {versions.KIND_NAMES[Kind(kind)]} of {funding_round.name} to {output}")


@forms_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--round", "round_id", type=int, required=True, help="The id of the round the form is for")
@click.option("--reason", help="Why the form changes after the round has opened (needed then)")
def import_command(file: Path, round_id: int, reason: str | None) -> None:
    """Store a JSON form file as the next version of a round's form (the file's "kind" says which
    form). A file with problems is refused, each problem listed, and nothing is saved."""
    from grants.interfaces.round_forms import versions

    funding_round = _round(round_id)
    try:
        row = versions.import_json(funding_round, None, file.read_bytes(), by=None, reason=reason)
    except FormDefinitionError as refused:
        for problem in refused.problems:
            click.echo(f"{problem.where}: {problem.message}", err=True)
        count = len(refused.problems)
        click.echo(f"Nothing has been imported: {count} problem{'' if count == 1 else 's'} in {file}", err=True)
        raise click.exceptions.Exit(1) from None
    except versions.RoundFormProblem as refused:
        raise click.ClickException(str(refused)) from None
    db.session.commit()
    click.echo(f"Imported the {versions.KIND_NAMES[row.kind]} of {funding_round.name} as version {row.version}")
