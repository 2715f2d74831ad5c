"""Who may download whose archive: a candidate their own; for a candidate, the admins of
their centre (that centre's records only) and the certifier's admins. Another centre's
candidate is not found (404): ids cannot be probed."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.models import Role
from ..candidates.models import Candidate
from ..core.access import can_manage_centre, is_admin
from ..extensions import db


def can_export_for(user, candidate: Candidate) -> bool:
    return is_admin(user) and can_manage_centre(user, candidate.centre_id)


def can_export(actor, scope) -> bool:
    """``actor`` may have the archive of ``scope``: the person themselves, or an admin
    who manages every centre the scope covers."""
    if not actor.is_authenticated:
        return False
    if actor.role == Role.CANDIDATE:
        return actor.id == scope.user.id and all(c.user_id == actor.id for c in scope.candidates)
    return bool(scope.candidates) and all(can_export_for(actor, c) for c in scope.candidates)


def load_candidate_for(user, candidate_id: int) -> Candidate:
    """A candidate ``user`` may export for, else 404."""
    candidate = db.session.scalar(select(Candidate).where(Candidate.id == candidate_id)
                                  .options(joinedload(Candidate.user)))
    if candidate is None or not can_export_for(user, candidate):
        abort(404)
    return candidate
