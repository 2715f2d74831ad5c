"""The audit trail only grows: the ORM refuses to change or delete an event, and the
database refuses it too for whatever bypasses the ORM, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import delete, func, select, update

from assess.audit.models import AppendOnlyError, AuditEvent
from assess.audit.operations import record


@pytest.fixture
def app_config(both_databases):
    return both_databases


@pytest.fixture
def event(db, make_user):
    user = make_user("certifier_admin")
    row = record(user, "grade.changed", user, old={"level": "acquis"}, new={"level": None},
                 reason="test")
    db.session.commit()
    return row


def _count(db) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)))


def test_appending_works(db, event):
    assert _count(db) == 1 and event.id is not None


def test_the_orm_refuses_to_change_an_event(db, event):
    event.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).reason == "test"


def test_the_orm_refuses_to_delete_an_event(db, event):
    db.session.delete(event)
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    assert _count(db) == 1


@pytest.mark.parametrize("statement", [
    update(AuditEvent).values(reason="rewritten"),
    delete(AuditEvent),
])
def test_the_orm_refuses_bulk_changes(db, event, statement):
    with pytest.raises(AppendOnlyError):
        db.session.execute(statement)
    db.session.rollback()
    assert _count(db) == 1


@pytest.mark.parametrize("sql", [
    "UPDATE audit_events SET reason = 'rewritten'",
    "DELETE FROM audit_events",
    "TRUNCATE audit_events",  # PostgreSQL's; SQLite has no TRUNCATE (DELETE covers it)
])
def test_the_database_refuses_what_bypasses_the_orm(db, event, sql):
    if sql.startswith("TRUNCATE") and db.engine.dialect.name == "sqlite":
        sql = "DELETE FROM audit_events WHERE 1 = 1"
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(sa.text(sql))
    db.session.expire_all()
    assert _count(db) == 1
    assert db.session.get(AuditEvent, event.id).reason == "test"
