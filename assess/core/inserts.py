"""INSERT … ON CONFLICT DO NOTHING on both databases: create a row unless a concurrent
request created it first, without a savepoint (pysqlite handles a SAVEPOINT that opens a
transaction badly: it commits at its release)."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_unless_exists(model, values: dict, unique: tuple[str, ...]) -> bool:
    """Insert ``values`` unless a row with the same ``unique`` columns exists; returns
    whether this call inserted it."""
    insert = _INSERTS[db.session.get_bind().dialect.name]
    statement = insert(model).values(**values).on_conflict_do_nothing(index_elements=unique)
    return db.session.execute(statement).rowcount == 1
