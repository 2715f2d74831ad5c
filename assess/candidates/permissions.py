"""Who may manage candidates and their enrolments."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..core.access import can_manage_centre, is_admin
from ..extensions import db
from .models import Candidate, CandidateImport, Enrolment


def can_manage_candidate(user, centre_id: int) -> bool:
    """Create or enrol the candidates of a centre: its admin, or a certifier admin."""
    return is_admin(user) and can_manage_centre(user, centre_id)


def can_view_enrolment(user, enrolment: Enrolment) -> bool:
    return can_manage_candidate(user, enrolment.session.centre_id)


def centre_candidate(user, centre_id: int, candidate_id: int) -> Candidate | None:
    """A candidate of ``centre_id`` that ``user`` may enrol, else None (another centre's
    candidate is not found: ids cannot be probed)."""
    if not can_manage_candidate(user, centre_id):
        return None
    return db.session.scalar(
        select(Candidate).where(Candidate.id == candidate_id, Candidate.centre_id == centre_id)
        .options(joinedload(Candidate.user)))


def load_enrolment_for(user, session, enrolment_id: int) -> Enrolment:
    """An enrolment of ``session`` (already loaded through its own loader), else 404."""
    enrolment = db.session.scalar(
        select(Enrolment)
        .where(Enrolment.id == enrolment_id, Enrolment.session_id == session.id)
        .options(joinedload(Enrolment.candidate).joinedload(Candidate.user),
                 selectinload(Enrolment.blocks))
    )
    if enrolment is None or not can_view_enrolment(user, enrolment):
        abort(404)
    return enrolment


def load_import_for(session, import_id: int) -> CandidateImport:
    """An import of ``session`` (already loaded through its own loader, which checked the
    user), else 404: another session's import id is not found."""
    imported = db.session.scalar(select(CandidateImport).where(
        CandidateImport.id == import_id, CandidateImport.session_id == session.id))
    if imported is None:
        abort(404)
    return imported
