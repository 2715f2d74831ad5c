"""The outbox's Celery tasks: deliver one row (run its handler once), sweep the stuck ones.

They take ids, re-read the world, and are idempotent. The handlers themselves are
registered by each feature's ``tasks`` module (``assess.background.celery_app``)."""

from __future__ import annotations

import logging
import random
import smtplib
from datetime import timedelta

from celery import Celery
from flask import current_app
from sqlalchemy import exc as sa_exc
from sqlalchemy import select, update

from ..core.columns import utcnow
from ..extensions import db
from .handlers import HANDLERS, PermanentError, TransientError
from .models import OutboxMessage
from .operations import lease_end, mark_dead
from .relay import DELIVER_TASK, claim_stale, publish
from .relay import commit as commit_and_publish

log = logging.getLogger(__name__)

SWEEP_TASK = "outbox.sweep"

# A locked SQLite file, a lost or deadlocked PostgreSQL connection, a mail server down or
# refusing, a network timeout: retried by Celery with backoff. (A handler may turn more
# of its failures into TransientError: notifications.tasks does so for any OSError of
# the mail backend.) Anything else waits for the sweep.
TRANSIENT = (TransientError, sa_exc.OperationalError, smtplib.SMTPException, ConnectionError,
             TimeoutError)


def backoff(retries: int, base: int, maximum: int, jitter: bool = True) -> int:
    """Seconds before retry number ``retries + 1``: ``base`` doubled each time, capped at
    ``maximum``; with jitter, somewhere in the upper half of that, so that the rows that
    failed together (the mail server was down) do not all come back in the same second."""
    countdown = min(maximum, base * 2 ** retries)
    if jitter and countdown > 1:
        countdown = countdown // 2 + random.randint(0, countdown - countdown // 2)
    return countdown


def deliver_outbox(task, outbox_id: int) -> str:
    """Run an outbox row's handler once; a row already done (or dead) is left alone."""
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
        dead = (isinstance(exc, PermanentError)
                or attempt >= current_app.config["OUTBOX_MAX_ATTEMPTS"])
        countdown = None if dead else _retry_countdown(task, exc)
        _record_failure(outbox_id, exc, countdown, dead=dead, attempt=attempt)
        if countdown is not None and task.request.is_eager:
            # Celery cannot retry an eager task that propagates errors (tests): retry now.
            task.request.retries += 1
            return deliver_outbox(task, outbox_id)
        if countdown is not None:
            raise task.retry(exc=exc, countdown=countdown) from exc
        raise  # not done: the sweep republishes it later, unless it is dead now
    return "done"


def _retry_countdown(task, exc: Exception) -> int | None:
    """Seconds before the next try, or None when this failure is not retried now (not
    transient: the sweep tries it again later)."""
    if not isinstance(exc, TRANSIENT):
        return None
    if task.request.is_eager:
        return 0
    return backoff(task.request.retries, task.retry_backoff, task.retry_backoff_max,
                   task.retry_jitter)


def _claim(outbox_id: int) -> tuple[str, dict, int] | None:
    """Count the attempt and take the lease, unless the row is done, dead (or gone): then
    there is nothing to do. Returns (task, payload, attempt number)."""
    # While it runs, the row is leased: the sweep leaves it alone as long as the lease is
    # renewed (a long handler's heartbeat), and takes it over soon after it lapses.
    max_attempts = current_app.config["OUTBOX_MAX_ATTEMPTS"]
    open_row = (OutboxMessage.id == outbox_id, OutboxMessage.done_at.is_(None),
                OutboxMessage.dead_at.is_(None))
    counted = db.session.execute(
        update(OutboxMessage).where(*open_row, OutboxMessage.attempts < max_attempts)
        .values(attempts=OutboxMessage.attempts + 1, leased_until=lease_end())
    ).rowcount
    if not counted:
        # Its budget spent by a delivery whose worker died (the broker redelivered it):
        # a dead letter now, rather than a row that nobody ever tries again.
        if mark_dead(outbox_id):
            log.error("outbox %s is a dead letter after %s attempts (worker lost)",
                      outbox_id, max_attempts)
            db.session.commit()
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


def _record_failure(outbox_id: int, exc: Exception, retry_in: int | None, *, dead: bool,
                    attempt: int) -> None:
    """Keep the error on the row. A retry scheduled by Celery holds the lease until it is
    due (and one lease more), so the sweep does not republish it meanwhile; without a
    retry, the sweep takes the row again OUTBOX_SWEEP_AFTER seconds from now; the last
    attempt of the budget makes it a dead letter."""
    error = f"{type(exc).__name__}: {exc}"[:2000]
    values = {"last_error": error, "dispatched_at": utcnow(),
              "leased_until": (lease_end() + timedelta(seconds=retry_in)
                               if retry_in is not None else None)}
    if dead:
        log.error("outbox %s is a dead letter after %s attempts: %s", outbox_id, attempt, error)
    else:
        log.warning("outbox %s failed (attempt %s: %s)%s", outbox_id, attempt, error,
                    f"; retry in {retry_in} s" if retry_in is not None else "")
    try:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id)
                           .values(**values))
        if dead:
            mark_dead(outbox_id)
        db.session.commit()
    except sa_exc.SQLAlchemyError:  # the database itself is down: the retry still happens
        db.session.rollback()
        log.exception("outbox %s: could not record the failure", outbox_id)


def sweep_outbox(task) -> int:
    """Republish rows never dispatched, or dispatched long ago and still not done."""
    ids = claim_stale(current_app.config["OUTBOX_SWEEP_AFTER"])
    if not ids:
        log.debug("outbox sweep: nothing to republish")  # the routine case, every 30 s
        return 0
    log.info("outbox sweep republishes %s row(s): %s", len(ids), ids)
    publish(ids)
    return len(ids)


# Every outbox task is idempotent (a row done is skipped, each handler is keyed): a task
# whose worker died is handed to another one (reject_on_worker_lost), acknowledged only
# once it ran (acks_late).
TASK_OPTIONS = {"bind": True, "acks_late": True, "reject_on_worker_lost": True}


def register(celery: Celery, config) -> None:
    celery.task(name=DELIVER_TASK, **TASK_OPTIONS,
                # The budget is the row's (OUTBOX_MAX_ATTEMPTS, counted in the database
                # across retries, sweeps and redeliveries), not Celery's count.
                max_retries=None,
                retry_backoff=config["OUTBOX_RETRY_BACKOFF"],
                retry_backoff_max=config["OUTBOX_RETRY_BACKOFF_MAX"],
                retry_jitter=True)(deliver_outbox)
    celery.task(name=SWEEP_TASK, max_retries=0, **TASK_OPTIONS)(sweep_outbox)
