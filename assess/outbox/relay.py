"""Hand committed outbox rows to Celery, and sweep the ones that never got done."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import event, or_, select, update

from ..core.columns import utcnow
from ..extensions import db
from .models import OutboxMessage

log = logging.getLogger(__name__)
DELIVER_TASK = "worker.tasks.deliver_outbox"


@event.listens_for(db.session.__class__, "after_flush", propagate=True)
def _collect(session, _flush_context) -> None:
    # Remember rows added in this transaction: they are published once it commits.
    new = [obj for obj in session.new if isinstance(obj, OutboxMessage)]
    if new:
        session.info.setdefault("outbox_pending", []).extend(new)


@event.listens_for(db.session.__class__, "after_rollback", propagate=True)
def _forget(session) -> None:
    session.info.pop("outbox_pending", None)


def commit() -> None:
    """Commit the request's unit of work, then publish the outbox rows it wrote."""
    pending = db.session.info.pop("outbox_pending", [])
    db.session.commit()
    if pending:
        publish([m.id for m in pending])


def publish(ids: list[int]) -> None:
    """Send each row to the worker. A failure leaves it for the sweep; it is never lost."""
    celery = current_app.extensions["celery"]
    sent: list[int] = []
    for outbox_id in ids:
        try:
            if celery.conf.task_always_eager:
                celery.tasks[DELIVER_TASK].apply(args=[outbox_id])
            else:
                celery.send_task(DELIVER_TASK, args=[outbox_id])
            sent.append(outbox_id)
        except Exception:  # broker down: the sweep republishes later
            log.exception("outbox %s not published; the sweep will retry", outbox_id)
    if sent:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(sent), OutboxMessage.dispatched_at.is_(None))
            .values(dispatched_at=utcnow())
        )
        db.session.commit()


def stale_ids(older_than_seconds: int) -> list[int]:
    """Rows not done and not dispatched recently: published again by the periodic sweep."""
    limit = utcnow() - timedelta(seconds=older_than_seconds)
    return list(db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.done_at.is_(None))
        .where(or_(OutboxMessage.dispatched_at.is_(None), OutboxMessage.dispatched_at < limit))
        .where(OutboxMessage.created_at < limit)
        .order_by(OutboxMessage.id)
        .limit(500)
    ))
