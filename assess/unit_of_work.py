"""One unit of work per request: run an operation, then commit or roll back, in one place.

Views call ``perform(operation, ...)`` instead of committing themselves. It commits
through the outbox relay (so that side effects are published after the commit) and
turns what can go wrong into an ``Outcome`` the view renders:

- a ``Refused`` (any domain refusal: a lifecycle transition, a value that cannot be
  stored, an action not allowed) rolls back and carries its reason;
- a ``Conflict`` (a stale edit the operation detected), a ``StaleDataError`` (a version
  check failed at flush or commit) or an ``IntegrityError`` (a unique or check
  constraint settled a race) rolls back and is answered 409, the user's input kept by
  the view that re-renders its form;
- a lost database connection before the commit rolls back and propagates, so that
  ``retry_on_lost_connection`` runs the whole request once more on a new connection; lost
  during the COMMIT itself, nobody can tell whether it was saved: ``CommitUncertain``;
- anything else rolls back and propagates (the 500 page).

An operation that wrote outside the database (a stored file) registers the undo with
``on_rollback``; it runs only if the unit of work is rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from workflows.base import Refused, TransitionRefused

from .extensions import db
from .outbox import relay

log = logging.getLogger(__name__)

CONFLICT_MESSAGE = _l("Ces données ont été modifiées entre-temps par quelqu'un d'autre : "
                      "vérifiez-les puis recommencez. Votre saisie est conservée.")
_ROLLBACK_KEY = "assess.on_rollback"
_COMMITTED_KEY = "assess.committed"


class CommitUncertain(Exception):
    """The connection was lost during the COMMIT: the change may or may not be saved."""


def lost_connection(exc: BaseException) -> bool:
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


class Conflict(Exception):
    """What the user edited changed since they loaded it (another tab, another person)."""

    def __init__(self, current: Any = None):
        super().__init__("stale edit")
        self.current = current  # the object as it is now, for showing what differs


@dataclass
class Outcome:
    """What became of an operation: its value, or why it did not happen."""

    value: Any = None
    refusal: Refused | None = None
    conflict: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None and self.conflict is None

    @property
    def reason(self) -> str:
        if self.refusal is not None:
            return self.refusal.reason
        return str(CONFLICT_MESSAGE) if self.conflict is not None else ""

    @property
    def status(self) -> int:
        """The status of the page re-rendered after this outcome: 409 on a conflict (the
        data changed under the user's feet), else 200 (a refusal is explained on the
        page, the form kept). A view with a finer answer says so itself."""
        return 409 if self.conflict is not None else 200

    def unwrap(self) -> Any:
        """The value; for an operation that has no form to re-render, a refusal or a
        conflict becomes the error page with its reason (409 if the state of things
        forbids it, 422 if the input cannot be accepted)."""
        if self.conflict is not None or isinstance(self.refusal, TransitionRefused):
            abort(409, self.reason)
        if self.refusal is not None:
            abort(422, self.reason)
        return self.value


def on_rollback(undo: Callable[[], None]) -> None:
    """Run ``undo`` if the current unit of work is rolled back (not if it commits)."""
    db.session.info.setdefault(_ROLLBACK_KEY, []).append(undo)


def perform(operation: Callable[..., Any], *args, **kwargs) -> Outcome:
    """Run ``operation(*args, **kwargs)`` and commit; see the module's docstring."""
    try:
        value = operation(*args, **kwargs)
        db.session.flush()  # a failure from here on is the database's, before the COMMIT
    except Refused as exc:
        rollback()
        return Outcome(refusal=exc)
    except (Conflict, StaleDataError, IntegrityError) as exc:
        rollback()
        log.info("conflict in %s: %s", getattr(operation, "__name__", operation), exc)
        return Outcome(conflict=exc)
    except BaseException:
        rollback()
        raise
    try:
        relay.commit()
    except (StaleDataError, IntegrityError) as exc:  # deferred checks at the COMMIT
        rollback()
        return Outcome(conflict=exc)
    except BaseException as exc:
        rollback()
        if lost_connection(exc):
            raise CommitUncertain() from exc
        raise
    db.session.info.pop(_ROLLBACK_KEY, None)
    db.session.info[_COMMITTED_KEY] = True
    return Outcome(value=value)


def retry_on_lost_connection(view: Callable) -> Callable:
    """Run the request once more if its database connection was lost before its COMMIT
    (a database restart, a fail-over, a terminated backend): nothing of the first run was
    saved, the pool hands out a fresh connection. A second loss is the 503 page."""

    @wraps(view)
    def run(*args, **kwargs):
        db.session.info.pop(_COMMITTED_KEY, None)
        try:
            return view(*args, **kwargs)
        except DBAPIError as exc:
            # Once this request committed, running it again would do its work twice.
            if not lost_connection(exc) or db.session.info.get(_COMMITTED_KEY):
                raise
            log.warning("database connection lost during %s: running it again", view.__name__)
            rollback()
            db.session.expire_all()
            return view(*args, **kwargs)

    return run


def rollback() -> None:
    """Roll the unit of work back, then undo what it did outside the database."""
    db.session.rollback()
    for undo in reversed(db.session.info.pop(_ROLLBACK_KEY, [])):
        try:
            undo()
        except Exception:  # the rollback itself stands; the leftover is logged
            log.exception("undo after rollback failed: %r", undo)
