"""Who may read a candidate's record and correct it: the one place for these rules."""

from __future__ import annotations

from workflows.session import CLOSED

from ..candidates.permissions import can_manage_candidate


def can_edit_identity(user, session, candidate) -> bool:
    """The admins who manage the candidate's centre, from a session that is not closed
    (a closed session is read-only everywhere)."""
    return session.status != CLOSED and can_manage_candidate(user, candidate.centre_id)
