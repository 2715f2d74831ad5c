"""The outbox's Celery tasks: deliver one row (run its handler once), sweep the stuck ones.

They take ids, re-read the world, and are idempotent. The handlers themselves are
registered by each feature's ``tasks`` module (``assess.background.celery_app``)."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import Celery
from flask import current_app
from sqlalchemy import exc as sa_exc
from sqlalchemy import select, update

from ..core.columns import utcnow
from ..extensions import db
from .handlers import HANDLERS, TransientError
from .models import OutboxMessage
from .operations import lease_end
from .relay import DELIVER_TASK, publish, stale_ids
from .relay import commit as commit_and_publish

log = logging.getLogger(__name__)

SWEEP_TASK = "outbox.sweep"
MAX_RETRIES = 8

# A locked SQLite file, a lost or deadlocked PostgreSQL connection: retried like a handler's
# TransientError.
TRANSIENT = (TransientError, sa_exc.OperationalError)


def backoff(retries: int) -> int:
    """Seconds before retry number ``retries + 1``: 10, 20, 40… capped at 10 minutes."""
    return min(600, 10 * 2 ** retries)


def deliver_outbox(task, outbox_id: int) -> str:
    """Run an outbox row's handler once; a row already done is left alone."""
    claimed = _claim(outbox_id)
    if claimed is None:
        return "done or missing"
    name, payload, attempt = claimed
    try:
        handle = HANDLERS.get(name)
        if handle is None:
            raise LookupError(f"no outbox handler for {name!r}")
        # The attempt number tells a handler whether a claim it finds was left by an
        # earlier delivery of this same row (a worker that died): see notifications.tasks.
        handle(dict(payload, outbox_id=outbox_id, attempt=attempt))
        # In the handler's transaction when it did not commit: its writes and "done" together.
        # Rows the handler queued itself (an import's invitations) are published at once.
        _mark_done(outbox_id)
        commit_and_publish()
    except Exception as exc:
        db.session.rollback()
        countdown = _retry_countdown(task, exc)
        _record_failure(outbox_id, exc, countdown)
        if countdown is not None and task.request.is_eager:
            # Celery cannot retry an eager task that propagates errors (tests): retry now.
            task.request.retries += 1
            return deliver_outbox(task, outbox_id)
        if countdown is not None:
            raise task.retry(exc=exc, countdown=countdown) from exc
        raise  # the row stays not done: the sweep republishes it later
    return "done"


def _retry_countdown(task, exc: Exception) -> int | None:
    """Seconds before the next try, or None when this failure is not retried now."""
    if not isinstance(exc, TRANSIENT) or task.request.retries >= task.max_retries:
        return None
    return 0 if task.request.is_eager else backoff(task.request.retries)


def _claim(outbox_id: int) -> tuple[str, dict, int] | None:
    """Count the attempt and take the lease, unless the row is done (or gone): then there
    is nothing to do. Returns (task, payload, attempt number)."""
    # While it runs, the row is leased: the sweep leaves it alone as long as the lease is
    # renewed (a long handler's heartbeat), and takes it over soon after it lapses.
    counted = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id, OutboxMessage.done_at.is_(None))
        .values(attempts=OutboxMessage.attempts + 1, leased_until=lease_end())
    ).rowcount
    if not counted:
        db.session.rollback()
        return None
    task, payload, attempt = db.session.execute(
        select(OutboxMessage.task, OutboxMessage.payload, OutboxMessage.attempts)
        .where(OutboxMessage.id == outbox_id)).one()
    db.session.commit()
    return task, dict(payload or {}), attempt


def _mark_done(outbox_id: int) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id, OutboxMessage.done_at.is_(None))
        .values(done_at=utcnow(), leased_until=None)
    )


def _record_failure(outbox_id: int, exc: Exception, retry_in: int | None) -> None:
    """Keep the error on the row. A retry scheduled by Celery holds the lease until it is
    due (and one lease more), so the sweep does not republish it meanwhile; without a
    retry, the sweep takes the row again OUTBOX_SWEEP_AFTER seconds from now."""
    now = utcnow()
    values = {"last_error": f"{type(exc).__name__}: {exc}"[:2000], "dispatched_at": now,
              "leased_until": (lease_end() + timedelta(seconds=retry_in)
                               if retry_in is not None else None)}
    log.warning("outbox %s failed (%s)%s", outbox_id, values["last_error"],
                f"; retry in {retry_in} s" if retry_in is not None else "")
    try:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id)
                           .values(**values))
        db.session.commit()
    except sa_exc.SQLAlchemyError:  # the database itself is down: the retry still happens
        db.session.rollback()
        log.exception("outbox %s: could not record the failure", outbox_id)


def sweep_outbox(task) -> int:
    """Republish rows never dispatched, or dispatched long ago and still not done."""
    ids = stale_ids(current_app.config["OUTBOX_SWEEP_AFTER"])
    if ids:
        log.info("outbox sweep republishes %s", ids)
        publish(ids)
    return len(ids)


def register(celery: Celery) -> None:
    opts = {"bind": True, "acks_late": True}
    celery.task(name=DELIVER_TASK, max_retries=MAX_RETRIES, **opts)(deliver_outbox)
    celery.task(name=SWEEP_TASK, max_retries=0, **opts)(sweep_outbox)
