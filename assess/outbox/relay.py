"""Hand committed outbox rows to Celery, and sweep the ones that never got done."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import event, or_, select, update

from ..core.columns import utcnow
from ..extensions import db
from .models import OutboxMessage
from .operations import mark_dead

log = logging.getLogger(__name__)
DELIVER_TASK = "outbox.deliver"


@event.listens_for(db.session.__class__, "after_flush", propagate=True)
def _collect(session, _flush_context) -> None:
    # Remember the ids of rows added in this transaction: they are published once it
    # commits. Ids, not objects: reading an expired object after commit costs a query.
    new = [obj.id for obj in session.new if isinstance(obj, OutboxMessage)]
    if new:
        session.info.setdefault("outbox_pending", []).extend(new)


@event.listens_for(db.session.__class__, "after_rollback", propagate=True)
def _forget(session) -> None:
    session.info.pop("outbox_pending", None)


def commit() -> None:
    """Commit the request's unit of work, then publish the outbox rows it wrote."""
    db.session.commit()
    pending = db.session.info.pop("outbox_pending", [])
    if pending:
        publish(list(dict.fromkeys(pending)))


def publish(ids: list[int]) -> None:
    """Hand rows to the worker. A row the broker refused stays undispatched for the sweep:
    it is never lost. Publishing twice is harmless (delivery skips rows already done)."""
    if not ids:
        return
    celery = current_app.extensions["celery"]
    if celery.conf.task_always_eager:
        _run_here(celery, ids)
        return
    sent: list[int] = []
    for outbox_id in ids:
        try:
            celery.send_task(DELIVER_TASK, args=[outbox_id])
        except Exception as exc:  # broker down: do not wait on it once per row
            log.warning("outbox %s not published (%s); the sweep will retry %s row(s)",
                        outbox_id, exc, len(ids) - len(sent))
            break
        sent.append(outbox_id)
    _mark_dispatched(sent)


def _run_here(celery, ids: list[int]) -> None:
    # Eager mode (tests, never production): delivery runs in this process, in its own
    # app context and session. Marked first, so this session holds no lock meanwhile.
    _mark_dispatched(ids)
    task = celery.tasks[DELIVER_TASK]
    for outbox_id in ids:
        try:
            task.apply(args=[outbox_id])
        except Exception:
            if celery.conf.task_eager_propagates:
                raise  # a failing handler must fail the test that triggered it
            log.exception("outbox %s failed; the sweep will retry", outbox_id)


def _mark_dispatched(ids: list[int]) -> None:
    # The latest dispatch: the sweep republishes only rows stuck long after it (a running
    # delivery's lease is a column of its own, left alone).
    if ids:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                           .values(dispatched_at=utcnow()))
        db.session.commit()


def _stale(older_than_seconds: int):
    """Rows not done and not dead, not dispatched in the last ``older_than_seconds``, held
    by no live delivery (no lease, or a lease its worker did not renew)."""
    now = utcnow()
    limit = now - timedelta(seconds=older_than_seconds)
    return (OutboxMessage.done_at.is_(None), OutboxMessage.dead_at.is_(None),
            or_(OutboxMessage.dispatched_at.is_(None), OutboxMessage.dispatched_at < limit),
            or_(OutboxMessage.leased_until.is_(None), OutboxMessage.leased_until < now),
            OutboxMessage.created_at < limit)


def stale_ids(older_than_seconds: int) -> list[int]:
    """The rows the periodic sweep publishes again (a read; ``claim_stale`` takes them)."""
    max_attempts = current_app.config["OUTBOX_MAX_ATTEMPTS"]
    return list(db.session.scalars(
        select(OutboxMessage.id).where(*_stale(older_than_seconds))
        .where(OutboxMessage.attempts < max_attempts)
        .order_by(OutboxMessage.id).limit(SWEEP_BATCH)))


SWEEP_BATCH = 500


def claim_stale(older_than_seconds: int) -> list[int]:
    """Take the stale rows for this sweep, and commit: returns the ids to publish.

    On PostgreSQL the rows are locked with ``FOR UPDATE SKIP LOCKED``: a concurrent sweep
    (two beats by mistake, a sweep run by hand) skips them instead of waiting, and finds
    them dispatched once this one commits. The update re-checks that each row is still
    stale, so on SQLite (one writer at a time, no row locks) the second sweep claims
    nothing either. A row whose budget is spent (its worker died during its last
    attempt) becomes a dead letter instead."""
    max_attempts = current_app.config["OUTBOX_MAX_ATTEMPTS"]
    query = (select(OutboxMessage.id, OutboxMessage.attempts, OutboxMessage.last_error)
             .where(*_stale(older_than_seconds)).order_by(OutboxMessage.id).limit(SWEEP_BATCH))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = db.session.execute(query).all()
    for outbox_id, _attempts, last_error in (r for r in rows if r.attempts >= max_attempts):
        mark_dead(outbox_id, None if last_error else "worker lost during the last attempt")
        log.error("outbox %s is a dead letter after %s attempts (%s)", outbox_id,
                  max_attempts, last_error or "worker lost")
    ids = _mark_claimed([r.id for r in rows if r.attempts < max_attempts],
                        older_than_seconds)
    db.session.commit()
    return ids


def _mark_claimed(ids: list[int], older_than_seconds: int) -> list[int]:
    if not ids:
        return []
    claimed = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_(ids), *_stale(older_than_seconds))
        .values(dispatched_at=utcnow()).returning(OutboxMessage.id)).scalars()
    return sorted(claimed)
