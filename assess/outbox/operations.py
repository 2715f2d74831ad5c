"""Write side effects to the outbox, in the caller's transaction."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import OutboxMessage


def enqueue(task: str, payload: dict, key: str) -> OutboxMessage:
    """Queue ``task`` once for ``key``: a second call with the same key returns the first row."""
    existing = db.session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
    if existing is not None:
        return existing
    message = OutboxMessage(task=task, payload=payload, key=key)
    db.session.add(message)
    db.session.flush()
    return message
