"""Registry of what an outbox row does when the worker delivers it.

Only the registry lives here: each feature registers its handlers in its own
``tasks.py`` (listed in ``assess.background.celery_app.HANDLER_MODULES``). A handler
takes the row's payload and must be idempotent: the outbox may deliver a row more
than once (a retry, a sweep after a crash).
"""

from __future__ import annotations

from collections.abc import Callable

HANDLERS: dict[str, Callable[[dict], None]] = {}


class TransientError(Exception):
    """Raised by a handler for a failure worth retrying (SMTP down, lock timeout)."""


class PermanentError(Exception):
    """Raised by a handler for a failure no retry will mend (the mail server refused the
    message for good, a 5xx): the row is a dead letter at once, for an admin to look at."""


def handler(name: str):
    def register(fn: Callable[[dict], None]) -> Callable[[dict], None]:
        if name in HANDLERS and HANDLERS[name] is not fn:
            raise ValueError(f"outbox handler {name!r} registered twice")
        HANDLERS[name] = fn
        return fn

    return register


# What a feature does when one of its rows becomes a dead letter, and when an admin
# retries it (a notification shows as failed, then pending again). Called in the
# transaction that changes the row, with the row's payload.
ON_DEAD: dict[str, Callable[[dict], None]] = {}
ON_RETRY: dict[str, Callable[[dict], None]] = {}


def on_dead(name: str):
    def register(fn: Callable[[dict], None]) -> Callable[[dict], None]:
        ON_DEAD[name] = fn
        return fn

    return register


def on_retry(name: str):
    def register(fn: Callable[[dict], None]) -> Callable[[dict], None]:
        ON_RETRY[name] = fn
        return fn

    return register
