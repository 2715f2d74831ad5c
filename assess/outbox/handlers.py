"""Registry of what an outbox row does when the worker delivers it.

A handler takes the row's payload and must be idempotent: the outbox may
deliver a row more than once (a retry, a sweep after a crash).
"""

from __future__ import annotations

from collections.abc import Callable

HANDLERS: dict[str, Callable[[dict], None]] = {}


class TransientError(Exception):
    """Raised by a handler for a failure worth retrying (SMTP down, lock timeout)."""


def handler(name: str):
    def register(fn: Callable[[dict], None]) -> Callable[[dict], None]:
        if name in HANDLERS and HANDLERS[name] is not fn:
            raise ValueError(f"outbox handler {name!r} registered twice")
        HANDLERS[name] = fn
        return fn

    return register


def load_handlers() -> None:
    """Import the modules that register handlers (kept here so there is one list)."""
    from ..notifications import operations as _notifications  # noqa: F401
    from ..results import compute as _results  # noqa: F401
