"""Refuse to work on a database that ``assess db upgrade`` has not prepared."""

from __future__ import annotations

import click
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db


def schema_problem() -> str | None:
    """None when the database is at the migrations' head, else what to do about it."""
    migrate = current_app.extensions["migrate"]
    script = ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory))
    try:
        with db.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_heads()
    except SQLAlchemyError as exc:
        return f"Base de données injoignable ({exc.__class__.__name__}) : vérifiez DATABASE_URL."
    if not current:
        return "La base de données n'est pas préparée : lancez « assess db upgrade »."
    if set(current) != set(script.get_heads()):
        return "La base de données n'est pas à jour : lancez « assess db upgrade »."
    return None


def require_current_schema() -> None:
    problem = schema_problem()
    if problem:
        raise click.ClickException(problem)
