"""A periodic look run by the worker's beat (the reminders): it queues what the database
says is due, commits and publishes at once. A failure rolls back; the next look tries
again. Each feature keeps its own query and wording; this is the shared task around it."""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import Celery

from ..extensions import db
from .relay import commit as commit_and_publish

log = logging.getLogger(__name__)


# One callable per task name, whatever the number of apps made (Celery refuses a name
# registered again to another callable).
_LOOKS: dict[str, Callable] = {}


def register_look(celery: Celery, name: str, queue: Callable[[], int], what: str) -> None:
    """Register task ``name`` running ``queue()`` (returns how many it looked at)."""
    if name not in _LOOKS:
        _LOOKS[name] = _look(name, queue, what)
    celery.task(name=name, bind=True, acks_late=True, max_retries=0)(_LOOKS[name])


def _look(name: str, queue: Callable[[], int], what: str) -> Callable:
    def look(task) -> int:
        try:
            count = queue()
            commit_and_publish()  # the e-mails leave now, not at the next sweep
        except Exception:
            db.session.rollback()
            raise  # the next look tries again
        if count:
            log.info("%s: %s looked at", what, count)
        return count

    look.__name__ = look.__qualname__ = name.rsplit(".", 1)[-1]
    return look


def schedule(name: str, every: float) -> dict:
    """The beat entry; a look queued while no worker ran is useless once the next is due."""
    return {"task": name, "schedule": every, "options": {"expires": every}}
