"""The periodic purge, run by the worker's beat (``assess.background.celery_app``), and
the run shared with the command line: purge and record (one commit), then release the
blobs no row uses any more (a second commit: a blob goes only after its rows)."""

from __future__ import annotations

from datetime import datetime

from celery import Celery

from ..outbox import periodic, relay
from ..outbox.periodic import register_look
from . import operations

PURGE_TASK = "retention.purge"
PURGE_EVERY = 6 * 3600.0  # seconds between two runs: periods are counted in months


def run(actor=None, now: datetime | None = None) -> tuple[list, int]:
    """Purge now; returns the purge records written and the number of blobs deleted."""
    purges = operations.purge(actor, now)
    relay.commit()
    deleted = operations.release_pending(now)
    relay.commit()
    return purges, deleted


def scheduled_purge() -> int:
    purges, _deleted = run(None)
    return sum(p.item_count for p in purges)


def register(celery: Celery) -> None:
    register_look(celery, PURGE_TASK, scheduled_purge, "retention purge (rows purged)")


def schedule() -> dict:
    """The beat entry."""
    return periodic.schedule(PURGE_TASK, PURGE_EVERY)
