"""The audit trail: every grade and decision is appended here, never overwritten."""

from __future__ import annotations

from typing import Any

from ..extensions import db
from .models import AuditEvent


def record(actor, action: str, obj: Any, *, old: dict | None = None, new: dict | None = None,
           reason: str | None = None, session_id: int | None = None) -> AuditEvent:
    """Append one event in the caller's transaction. ``actor`` is a User or None (the system)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        session_id=session_id,
        old=old,
        new=new,
        reason=reason,
    )
    db.session.add(event)
    return event


def record_many(actor, action: str, object_type: str, entries: list[dict]) -> None:
    """Append one event per entry (``object_id``, optional ``new``, ``session_id``) in one
    INSERT: the same trail as ``record``, for an import of thousands of rows."""
    from ..core.columns import utcnow
    from ..core.inserts import insert_many

    at = utcnow()
    insert_many(AuditEvent, [{
        "at": at, "actor_id": getattr(actor, "id", None), "action": action,
        "object_type": object_type, "object_id": e["object_id"],
        "session_id": e.get("session_id"), "old": None, "new": e.get("new"), "reason": None,
    } for e in entries], returning=("id",))
