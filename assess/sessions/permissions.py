"""Who may see and manage a certification session; the one place other features ask."""

from __future__ import annotations

from flask import abort
from sqlalchemy import false, select
from sqlalchemy.orm import joinedload

from workflows.session import allows

from ..accounts.models import Role
from ..core.access import can_manage_centre, is_admin
from ..extensions import db
from .models import CertificationSession


def can_view_session(user, session: CertificationSession) -> bool:
    """Certifier admins see every session; a centre admin only those of their centre."""
    return is_admin(user) and can_manage_centre(user, session.centre_id)


def can_change_session(user, session: CertificationSession, what: str) -> bool:
    """Enrol, assign, date the épreuves… (``what``: a key of ``workflows.session.ALLOWS``):
    an admin who sees the session, while its state allows it."""
    return can_view_session(user, session) and allows(session.status, what)


def can_run_session(user, session: CertificationSession) -> bool:
    """Take the session from one state to the next (open it, start the exams…)."""
    return can_view_session(user, session)


def can_create_session(user, centre_id: int) -> bool:
    return is_admin(user) and can_manage_centre(user, centre_id)


def visible_sessions(user):
    """A SELECT of the sessions ``user`` may see (none for a non-admin)."""
    query = select(CertificationSession)
    if not is_admin(user):
        return query.where(false())
    if user.role != Role.CERTIFIER_ADMIN:
        query = query.where(CertificationSession.centre_id == user.centre_id)
    return query


def load_session_for(user, session_id: int) -> CertificationSession:
    """The session if ``user`` may see it; 403 for a role without access, 404 otherwise
    (another centre's session is answered like a missing one, so ids cannot be probed)."""
    if not is_admin(user):
        abort(403)
    session = db.session.get(
        CertificationSession, session_id,
        options=[joinedload(CertificationSession.centre),
                 joinedload(CertificationSession.referential_version)],
    )
    if session is None or not can_view_session(user, session):
        abort(404)
    return session
