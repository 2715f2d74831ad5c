"""``assess retention purge [--dry-run]``: purge now what is past its retention period
(as the platform itself: the audit trail says so), or only say what would go."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..core.access import SYSTEM
from ..extensions import db


@click.group("retention", help="Conservation des documents : purger ce qui a fait son temps.")
def retention_group() -> None:
    pass


@retention_group.command("purge", help="Purge ce qui a dépassé sa durée de conservation.")
@click.option("--dry-run", is_flag=True, help="Dire seulement ce qui serait purgé : rien "
                                              "n'est écrit ni supprimé.")
@with_appcontext
def purge_command(dry_run: bool) -> None:
    from . import operations, tasks

    if dry_run:
        planned = operations.plan()
        db.session.rollback()
        for p in planned:
            click.echo(f"would purge {len(p.items)} {p.kind.value} in session {p.session_id} "
                       f"({p.months} months)")
        click.echo(f"dry run: {sum(len(p.items) for p in planned)} item(s) would be purged")
        return
    purges, deleted = tasks.run(SYSTEM)
    for p in purges:
        click.echo(f"purged {p.item_count} {p.kind} in session {p.session_id}")
    click.echo(f"{sum(p.item_count for p in purges)} item(s) purged, {deleted} file(s) deleted")
