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
