"""``assess candidates import FILE --session ID [--valid-only] [--dry-run]``.

Prints one line per refused row (``line N, column X: reason``) and a summary line; exits
1 when it refuses the file (unreadable, or an invalid row without ``--valid-only``),
0 otherwise. Runs in this process, as the platform itself (the audit trail says so)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from workflows.base import Refused

from ..core.access import SYSTEM
from ..extensions import db
from ..sessions.models import CertificationSession


@click.group("candidates", help="Les candidats : importer un fichier dans une session.")
def candidates_group() -> None:
    pass


@candidates_group.command("import", help="Importe les candidats d'un fichier CSV ou XLSX.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--session", "session_id", type=int, required=True,
              help="Identifiant de la session.")
@click.option("--valid-only", is_flag=True, help="N'importer que les lignes valides.")
@click.option("--dry-run", is_flag=True, help="Vérifier seulement : rien n'est écrit.")
@with_appcontext
def import_command(file: Path, session_id: int, valid_only: bool, dry_run: bool) -> None:
    from .imports import import_file_now

    session = db.session.get(CertificationSession, session_id)
    if session is None:
        raise click.ClickException(f"no session {session_id}")
    try:
        report, applied = import_file_now(SYSTEM, session, file.read_bytes(),
                                          valid_only=valid_only, dry_run=dry_run,
                                          filename=file.name)
    except Refused as exc:
        db.session.rollback()
        click.echo(f"file refused: {exc.reason}", err=True)
        raise SystemExit(1) from exc
    for row in report.refused:
        for column, reason in row["errors"]:
            click.echo(f"line {row['line']}, column {column or '-'}: {reason}")
    for name in report.unknown_columns:
        click.echo(f"unknown column ignored: {name}")
    counts = report.counts
    mode = "dry run" if dry_run else ("imported" if applied else "nothing imported")
    click.echo(f"{mode}: {counts['created']} created, {counts['updated']} updated, "
               f"{counts['unchanged']} unchanged, {counts['refused']} refused")
    if report.refused and not valid_only:
        raise SystemExit(1)
