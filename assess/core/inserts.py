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


def insert_many(model, rows: list[dict], returning: tuple, *, unique: tuple[str, ...] = ()
                ) -> list[tuple]:
    """One multi-row INSERT (… ON CONFLICT DO NOTHING when ``unique`` is given) returning
    the ``returning`` columns of the rows it inserted, in no set order. For imports: the
    ORM's unit of work costs a flush per object."""
    if not rows:
        return []
    insert = _INSERTS[db.session.get_bind().dialect.name]
    statement = insert(model)
    if unique:
        statement = statement.on_conflict_do_nothing(index_elements=unique)
    columns = [getattr(model, name) for name in returning]
    return [tuple(r) for r in db.session.execute(statement.returning(*columns), rows)]
