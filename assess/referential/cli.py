"""``assess referential show`` and ``assess referential load``."""

from __future__ import annotations

import json

import click

from ..extensions import db
from ..outbox.relay import commit


def _load(path: str | None):
    from rubrics import ReferentialError, load

    try:
        return load(path)
    except (ReferentialError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc


def _stored_number(referential) -> int:
    """The version number this content has in the database, or would get if loaded."""
    from sqlalchemy.exc import SQLAlchemyError

    from .operations import find_version, latest_version

    try:
        existing = find_version(referential.content_hash())
        if existing is not None:
            return existing.number
        latest = latest_version()
    except SQLAlchemyError:  # database not prepared yet: show the file alone
        db.session.rollback()
        return 1
    return (latest.number + 1) if latest else 1


@click.group("referential", help="Le référentiel : afficher, charger une version.")
def referential_group() -> None:
    pass


@referential_group.command("show", help="Affiche le référentiel (FILE, ou celui fourni).")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
def show(file: str | None, as_json: bool) -> None:
    referential = _load(file)
    number = _stored_number(referential)
    data = referential.to_json_dict(number)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{data['title']} — version {number}")
    for block in data["blocks"]:
        click.echo(f"\nBloc {block['number']} : {block['title']} ({block['modality']['kind']})")
        for c in block["criteria"]:
            text = c["text"] if not c["missing_text"] else "[libellé à compléter]"
            click.echo(f"  {c['code']} ({c['competence']}) {text}")
    for gap in referential.gaps:
        click.echo(f"\n! {gap}", err=True)


@referential_group.command("load", help="Enregistre une version du référentiel en base.")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
def load_command(file: str | None) -> None:
    from ..core.schema import require_current_schema
    from .operations import store

    require_current_schema()
    referential = _load(file)
    version, created = store(referential)
    commit()
    if created:
        click.echo(f"Référentiel chargé : version {version.number} ({version.content_hash[:12]}).")
    else:
        click.echo(f"Contenu identique à la version {version.number} : aucune nouvelle version.")
    for gap in referential.gaps:
        click.echo(f"Lacune signalée : {gap}")
