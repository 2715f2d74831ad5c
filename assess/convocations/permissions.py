"""Who may read a convocation: its candidate, and the admins of its session."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.models import Role
from ..candidates.models import Candidate, Enrolment
from ..candidates.permissions import can_manage_candidate
from ..extensions import db
from .models import Convocation


def can_read(user, convocation: Convocation) -> bool:
    enrolment = convocation.enrolment
    if user.role == Role.CANDIDATE:
        return enrolment.candidate.user_id == user.id
    return can_manage_candidate(user, enrolment.session.centre_id)


def load_convocation_for(user, convocation_id: int) -> Convocation:
    """A sent convocation ``user`` may read; any other id is 404 (ids cannot be probed)."""
    convocation = db.session.scalar(
        select(Convocation).where(Convocation.id == convocation_id)
        .options(joinedload(Convocation.enrolment).joinedload(Enrolment.candidate)
                 .joinedload(Candidate.user)))
    if convocation is None or convocation.sent_at is None or not can_read(user, convocation):
        abort(404)
    return convocation
