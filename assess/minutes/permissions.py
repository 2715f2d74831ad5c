"""Who reads and signs a session's PV: whoever deliberates on it (its admins, the members
of its jury: ``juries.permissions.can_deliberate``); only the expected signers sign."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from ..accounts.models import Role
from ..decisions.models import Minutes
from ..extensions import db
from ..juries.permissions import can_deliberate
from ..sessions.models import CertificationSession


def load_minutes_for(user, session_id: int, number: int) -> Minutes:
    """The PV (or amendment ``number``) if ``user`` deliberates on its session: 403 for a
    candidate, 404 for anyone else or a PV not drawn."""
    if user.role == Role.CANDIDATE:
        abort(403)
    session = db.session.get(CertificationSession, session_id)
    if session is None or not can_deliberate(user, session):
        abort(404)
    minutes = db.session.scalar(select(Minutes).where(Minutes.session_id == session_id,
                                                      Minutes.number == number))
    if minutes is None:
        abort(404)
    return minutes


def may_sign(user, minutes: Minutes) -> bool:
    return minutes.awaits(user.id)
