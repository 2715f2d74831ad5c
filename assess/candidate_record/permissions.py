"""Who may read a candidate's record and correct it: the one place for these rules."""

from __future__ import annotations

from workflows.session import CLOSED

from ..accounts.models import Role
from ..candidates.permissions import can_manage_candidate


def can_edit_identity(user, session, candidate) -> bool:
    """The admins who manage the candidate's centre, from a session that is not closed
    (a closed session is read-only everywhere), except the certifier: the identity is the
    person's, not the session's, and the CPF declaration of a holder the Caisse des Dépôts
    rejected is corrected from the session that awarded the title, closed by then."""
    if session.status == CLOSED and getattr(user, "role", None) != Role.CERTIFIER_ADMIN:
        return False
    return can_manage_candidate(user, candidate.centre_id)
