"""Loading a session for its deliberation (the rules: ``juries.permissions``).

The jury de délibération is the session's jury (``Jury.exam_id`` NULL): its president and
members see the deliberation screen and record decisions; the session's admins hold it
with them (they open it, record what the jury decides, close it). The president or an
admin opens and closes it and reveals identities hidden during anonymous grading.
"""

from __future__ import annotations

from flask import abort

from ..accounts.models import Role
from ..extensions import db
from ..juries.permissions import can_deliberate, can_lead, jury_role
from ..sessions.models import CertificationSession

__all__ = ["can_deliberate", "can_lead", "jury_role", "load_session_for_deliberation"]


def load_session_for_deliberation(user, session_id: int) -> CertificationSession:
    """The session if ``user`` deliberates on it; 403 for a candidate, 404 otherwise (a
    juror who is not on its jury, another centre's admin: ids cannot be probed)."""
    if user.role == Role.CANDIDATE:
        abort(403)
    session = db.session.get(CertificationSession, session_id)
    if session is None or not can_deliberate(user, session):
        abort(404)
    return session
