from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..core.columns import utcnow
from ..extensions import db


class AppendOnlyError(RuntimeError):
    """Something tried to change or remove an audit event: the trail only grows."""


class AuditEvent(db.Model):
    """Append-only: who did what to which object, the old and new values, and why.

    Refused three times over: by the ORM (below), and by a trigger in the database for
    whatever bypasses the ORM (``APPEND_ONLY_DDL``, also created by the migrations).
    """

    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(80))
    object_type: Mapped[str] = mapped_column(sa.String(60))
    object_id: Mapped[int | None]
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certification_sessions.id"),
                                                   index=True)
    old: Mapped[dict | None] = mapped_column(sa.JSON)
    new: Mapped[dict | None] = mapped_column(sa.JSON)
    reason: Mapped[str | None] = mapped_column(sa.Text)

    actor = relationship("User")


# -- the ORM guard -------------------------------------------------------------------
@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(_mapper, _connection, target) -> None:
    raise AppendOnlyError(f"audit event {target.id} cannot be changed or deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state) -> None:
    if (state.is_update or state.is_delete) and any(
            m.class_ is AuditEvent for m in state.all_mappers):
        raise AppendOnlyError("audit events cannot be changed or deleted")


# -- the database guard --------------------------------------------------------------
# The same statements are in the migration that introduced them (migrations are frozen).
APPEND_ONLY_DDL = {
    "sqlite": (
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
        "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    ),
    "postgresql": (
        "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'P0001'; END $$",
        "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
        "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
    ),
}

for _dialect, _statements in APPEND_ONLY_DDL.items():
    for _statement in _statements:
        event.listen(AuditEvent.__table__, "after_create",
                     sa.DDL(_statement).execute_if(dialect=_dialect))

# drop_all drops the table with its triggers; the PostgreSQL function goes after it.
event.listen(AuditEvent.__table__, "after_drop",
             sa.DDL("DROP FUNCTION IF EXISTS audit_events_append_only()")
             .execute_if(dialect="postgresql"))
