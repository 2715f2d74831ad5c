"""Who may allocate a session's written work: the one place for this rule.

The page is the session's (its loader, ``sessions.permissions.load_session_for``, answers
403 for a role without access and 404 for another centre's session); changing the
settings or running the allocation is assigning jurors, allowed while the session's state
allows it."""

from __future__ import annotations

from ..sessions.permissions import can_change_session, can_view_session


def can_view_allocation(user, session) -> bool:
    return can_view_session(user, session)


def can_allocate(user, session) -> bool:
    return can_change_session(user, session, "assign")
