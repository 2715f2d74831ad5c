"""Celery tasks. They take ids, re-read the world, and are idempotent."""

from __future__ import annotations

import logging

from celery import Celery
from flask import current_app
from sqlalchemy import update

log = logging.getLogger(__name__)


class TransientError(Exception):
    """Raised by a handler for a failure worth retrying (SMTP down, lock timeout)."""


def deliver_outbox(task, outbox_id: int) -> str:
    from assess.core.columns import utcnow
    from assess.extensions import db
    from assess.outbox.handlers import HANDLERS, load_handlers
    from assess.outbox.models import OutboxMessage

    load_handlers()
    message = db.session.get(OutboxMessage, outbox_id)
    if message is None:
        return "missing"
    if message.done_at is not None:
        return "already done"
    handle = HANDLERS.get(message.task)
    if handle is None:
        raise ValueError(f"no outbox handler for {message.task!r}")
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id)
                       .values(attempts=OutboxMessage.attempts + 1))
    db.session.commit()
    try:
        handle(dict(message.payload, outbox_id=outbox_id))
    except Exception as exc:
        db.session.rollback()
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id)
                           .values(last_error=f"{type(exc).__name__}: {exc}"[:2000]))
        db.session.commit()
        if isinstance(exc, TransientError) and not task.request.is_eager:
            raise task.retry(exc=exc, countdown=min(600, 10 * 2 ** task.request.retries))
        raise
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id)
                       .values(done_at=utcnow(), last_error=None))
    db.session.commit()
    return "done"


def sweep_outbox(task) -> int:
    from assess.outbox.relay import publish, stale_ids

    ids = stale_ids(current_app.config["OUTBOX_SWEEP_AFTER"])
    if ids:
        log.info("outbox sweep republishes %s", ids)
        publish(ids)
    return len(ids)


def register(celery: Celery) -> None:
    opts = {"bind": True, "acks_late": True, "max_retries": 8}
    celery.task(name="worker.tasks.deliver_outbox", **opts)(deliver_outbox)
    celery.task(name="worker.tasks.sweep_outbox", **opts)(sweep_outbox)
