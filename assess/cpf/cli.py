"""``assess cpf export --from YYYY-MM-DD --to YYYY-MM-DD -o FILE`` and ``assess cpf report
FILE``: the CPF declaration from the command line, as the platform itself (the audit trail
says so), with the same rules as the certifier's page.

``export`` writes the file of the holders awarded in the range who are to declare (never
sent, or rejected by the CDC), validated against the CDC's XSD. Exit codes:

- 0: every holder to declare was exported (the file is written);
- 1: some were left out, each listed on stderr (holder, field, reason); the file holds
  the others (none written when every one was left out);
- 2: the command line is wrong (click's usage error: a date that is not YYYY-MM-DD...);
- 3: nothing to export: no holder awarded in the range, or all already sent or accepted
  (no file written);
- 4: the export is refused, nothing marked sent (the certification's CPF settings are
  incomplete, the range is reversed, the output file cannot be written).

``report`` imports a processing report (format: ``assess.cpf.report``). Exit codes: 0
imported (a summary on stdout); 1 refused, nothing changed (larger than
``CPF_REPORT_MAX_BYTES``, which is told from its size without reading it; not XML;
entities; not a report; already imported; an unknown idFlux or idTechnique); 2 usage
error (no such file).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..core.access import SYSTEM
from ..storage import get_storage
from ..unit_of_work import perform

EXIT_LEFT_OUT, EXIT_NOTHING, EXIT_REFUSED = 1, 3, 4


@click.group("cpf", help="La déclaration CPF (accrochage) : export des titulaires, import "
                         "du rapport de traitement de la CDC.")
def cpf_group() -> None:
    pass


@cpf_group.command("export", help="Écrit le fichier XML des titulaires à déclarer.")
@click.option("--from", "date_from", type=click.DateTime(formats=["%Y-%m-%d"]), required=True,
              help="Premier jour d'obtention du titre (AAAA-MM-JJ).")
@click.option("--to", "date_to", type=click.DateTime(formats=["%Y-%m-%d"]), required=True,
              help="Dernier jour d'obtention du titre (AAAA-MM-JJ).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Le fichier XML à écrire.")
@with_appcontext
def export_command(date_from, date_to, output: Path) -> None:
    from .operations import NothingToExport, export

    # A temporary file beside the output, made before anything is marked sent: a folder
    # that cannot be written changes nothing, and an existing file is replaced only by a
    # new export.
    try:
        fd, temp = tempfile.mkstemp(dir=output.resolve().parent, prefix=".cpf-", suffix=".part")
    except OSError as exc:
        click.echo(f"nothing exported: {output} cannot be written: {exc}", err=True)
        raise SystemExit(EXIT_REFUSED) from exc
    try:
        with os.fdopen(fd, "wb") as out:
            code, message = _export_into(out, export, NothingToExport, date_from, date_to)
        if message is not None:
            os.replace(temp, output)
    finally:
        Path(temp).unlink(missing_ok=True)
    if message:
        click.echo(f"{output}: {message}")
    if code:
        raise SystemExit(code)


def _export_into(out, export, nothing, date_from, date_to) -> tuple[int, str | None]:
    """Run the export and copy its file into ``out``: (exit code, summary or None)."""
    outcome = perform(export, SYSTEM, date_from.date(), date_to.date())
    if not outcome.ok:
        click.echo(f"nothing exported: {outcome.reason}", err=True)
        return (EXIT_NOTHING if isinstance(outcome.refusal, nothing) else EXIT_REFUSED), None
    result = outcome.value
    for left in result.left_out:
        h = left.holder
        for p in left.problems:
            click.echo(f"left out: {h.name} (enrolment {h.enrolment.id}, session "
                       f"{h.session.id}): {p.field} ({p.label}): {p.reason}", err=True)
    if result.export is None:
        click.echo(f"no file written: the {len(result.left_out)} holder(s) to declare all "
                   "have records to fix", err=True)
        return EXIT_LEFT_OUT, None
    with get_storage().open(result.export.storage_key) as blob:
        while chunk := blob.read(64 * 1024):
            out.write(chunk)
    return (EXIT_LEFT_OUT if result.left_out else 0), (
        f"{result.export.declared} holder(s) declared, {len(result.left_out)} "
        f"left out (export {result.export.id}, idFlux {result.export.id_flux}, sha256 "
        f"{result.export.sha256})")


@cpf_group.command("report", help="Importe le rapport de traitement (XML) de la CDC.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def report_command(file: Path) -> None:
    from .operations import import_report, report_max_bytes, report_size_refusal

    max_bytes = report_max_bytes()
    too_large = report_size_refusal(file.stat().st_size, max_bytes)
    if too_large:
        click.echo(f"report refused: {too_large}", err=True)
        raise SystemExit(1)
    with open(file, "rb") as stream:
        outcome = perform(import_report, SYSTEM, file.name, stream, max_bytes=max_bytes)
    if not outcome.ok:
        click.echo(f"report refused: {outcome.reason}", err=True)
        raise SystemExit(1)
    result = outcome.value
    click.echo(f"report imported: {result.accepted} accepted, {result.rejected} rejected, "
               f"{result.stale} left as they were (sent again or answered already)")
