"""Reads of the enrolment page: one statement per list, whatever its length."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..accounts.models import User
from ..extensions import db
from ..jobs.models import Job
from .models import Candidate, CandidateImport, Enrolment


def centre_candidates(centre_id: int) -> list[Candidate]:
    return list(db.session.scalars(
        select(Candidate).where(Candidate.centre_id == centre_id)
        .join(Candidate.user).options(contains_eager(Candidate.user))
        .order_by(User.last_name, User.first_name, Candidate.id)))


def enrolled_candidate_ids(session_id: int) -> set[int]:
    return set(db.session.scalars(
        select(Enrolment.candidate_id).where(Enrolment.session_id == session_id)))


def recent_imports(session_id: int, limit: int = 10) -> list[CandidateImport]:
    return list(db.session.scalars(
        select(CandidateImport).where(CandidateImport.session_id == session_id)
        .order_by(CandidateImport.id.desc()).limit(limit)))


def import_job(imported: CandidateImport) -> Job | None:
    return db.session.get(Job, imported.job_id) if imported.job_id else None
