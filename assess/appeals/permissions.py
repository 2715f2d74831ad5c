"""Who sees and answers an appeal: the candidate their own; the session's admins and jury
(``juries.permissions``) those of the session; the president or an admin answers."""

from __future__ import annotations

from flask import abort

from ..accounts.models import Role
from ..decisions.models import Appeal
from ..extensions import db
from ..juries.permissions import can_deliberate, can_lead
from ..results.permissions import load_own_enrolment
from ..sessions.models import CertificationSession

__all__ = ["can_answer", "load_appeal_for", "load_own_enrolment"]


def load_appeal_for(user, session_id: int, appeal_id: int) -> Appeal:
    if user.role == Role.CANDIDATE:
        abort(403)
    session = db.session.get(CertificationSession, session_id)
    appeal = db.session.get(Appeal, appeal_id)
    if session is None or appeal is None or appeal.enrolment.session_id != session_id \
            or not can_deliberate(user, session):
        abort(404)
    return appeal


def can_answer(user, appeal: Appeal) -> bool:
    return can_lead(user, appeal.enrolment.session)
