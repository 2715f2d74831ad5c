"""Write side effects to the outbox, in the caller's transaction."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..core.columns import utcnow
from ..extensions import db
from .handlers import ON_DEAD, ON_RETRY
from .models import OutboxMessage


def find_by_key(model, key: str):
    return db.session.scalar(select(model).where(model.key == key))


def add_once(row, key: str):
    """Insert ``row`` unless a row of its model already has ``key``; returns (row, created).

    The look-up spares the common case; the unique constraint settles a race between
    two requests (the loser's savepoint is rolled back and it returns the winner's row).
    """
    model = type(row)
    existing = find_by_key(model, key)
    if existing is not None:
        return existing, False
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return find_by_key(model, key), False
    return row, True


def enqueue(task: str, payload: dict, key: str) -> OutboxMessage:
    """Queue ``task`` once for ``key``: a second call with the same key returns the first row."""
    message, _created = add_once(OutboxMessage(task=task, payload=payload, key=key), key)
    return message


def enqueue_many(task: str, items: list[tuple[dict, str]]) -> None:
    """Queue ``task`` once per (payload, key), in one INSERT; keys already queued are left
    alone. The new rows are published when the transaction commits, as ``enqueue``'s are."""
    from ..core.inserts import insert_many

    now = utcnow()
    inserted = insert_many(OutboxMessage, [
        {"task": task, "payload": payload, "key": key, "created_at": now, "attempts": 0}
        for payload, key in items], returning=("id",), unique=("key",))
    # Core inserts are not seen by the relay's flush hook: register them by hand.
    db.session.info.setdefault("outbox_pending", []).extend(sorted(i for (i,) in inserted))


def lease_end():
    """When a lease taken or renewed now ends (OUTBOX_RUNNING_LEASE seconds ahead)."""
    return utcnow() + timedelta(seconds=current_app.config["OUTBOX_RUNNING_LEASE"])


def renew_lease(outbox_id: int | None) -> None:
    """The heartbeat of a long handler: this delivery is alive, keep the sweep away for
    one more lease. Committed with the handler's next commit (its progress)."""
    if outbox_id is not None:
        db.session.execute(update(OutboxMessage)
                           .where(OutboxMessage.id == outbox_id, OutboxMessage.done_at.is_(None))
                           .values(leased_until=lease_end()))


def mark_dead(outbox_id: int, error: str | None = None) -> bool:
    """Set a row aside as a dead letter: its budget of OUTBOX_MAX_ATTEMPTS is spent. The
    sweep and the relay leave it alone until an admin retries it; its feature's hook (a
    notification shows as failed) runs in the same transaction. False when the row was
    done or dead already."""
    values: dict = {"dead_at": utcnow(), "leased_until": None}
    if error is not None:
        values["last_error"] = error[:2000]
    changed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id, OutboxMessage.done_at.is_(None),
               OutboxMessage.dead_at.is_(None))
        .values(**values)).rowcount
    if not changed:
        return False
    task, payload = db.session.execute(select(OutboxMessage.task, OutboxMessage.payload)
                                       .where(OutboxMessage.id == outbox_id)).one()
    hook = ON_DEAD.get(task)
    if hook is not None:
        hook(dict(payload or {}))
    return True


def retry_dead(message: OutboxMessage) -> dict:
    """Give a dead row a fresh budget of attempts and publish it once the caller's
    transaction commits (``relay.commit``). The last error is kept until a delivery
    succeeds. Returns what the row was, for the audit trail."""
    previous = {"error": message.last_error, "attempts": message.attempts,
                "dead_at": message.dead_at.isoformat() if message.dead_at else None}
    message.dead_at = None
    message.attempts = 0
    message.dispatched_at = None
    message.leased_until = None
    hook = ON_RETRY.get(message.task)
    if hook is not None:
        hook(dict(message.payload or {}))
    db.session.flush()
    db.session.info.setdefault("outbox_pending", []).append(message.id)
    return previous
