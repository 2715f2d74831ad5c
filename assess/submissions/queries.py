"""Loaders scoped to the current user; each aborts 404 for what the user may not see."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..candidates.models import Candidate, Enrolment
from ..extensions import db
from ..sessions.models import CertificationSession, Exam
from .models import StoredFile, Submission


def candidate_enrolments(user) -> list[Enrolment]:
    """The user's enrolments with sessions, exams, parts and blocs: a fixed number of queries."""
    return list(db.session.scalars(
        select(Enrolment)
        .join(Candidate, Enrolment.candidate_id == Candidate.id)
        .where(Candidate.user_id == user.id)
        .options(
            joinedload(Enrolment.session).joinedload(CertificationSession.centre),
            joinedload(Enrolment.session).selectinload(CertificationSession.exams).options(
                joinedload(Exam.block), selectinload(Exam.parts)),
            selectinload(Enrolment.blocks),
        )
        .order_by(Enrolment.created_at.desc(), Enrolment.id.desc())
    ).unique())


def submissions_for(enrolments: list[Enrolment]) -> dict[tuple[int, int], Submission]:
    """{(enrolment_id, exam_id): submission}, with every file, in two queries."""
    ids = [e.id for e in enrolments]
    if not ids:
        return {}
    rows = db.session.scalars(
        select(Submission).where(Submission.enrolment_id.in_(ids))
        .options(selectinload(Submission.files))
    )
    return {(s.enrolment_id, s.exam_id): s for s in rows}


def upload_target_or_404(user, exam_id: int) -> tuple[Enrolment, Exam]:
    """The exam and the user's enrolment in its session, if they sit its bloc."""
    exam = db.session.get(Exam, exam_id, options=[
        joinedload(Exam.session), joinedload(Exam.block), selectinload(Exam.parts)])
    if exam is None:
        abort(404)
    enrolment = db.session.scalar(
        select(Enrolment)
        .join(Candidate, Enrolment.candidate_id == Candidate.id)
        .where(Candidate.user_id == user.id, Enrolment.session_id == exam.session_id)
        .options(selectinload(Enrolment.blocks), joinedload(Enrolment.candidate))
    )
    if enrolment is None or exam.block_id not in {b.id for b in enrolment.blocks}:
        abort(404)
    return enrolment, exam


def _file_query():
    return select(StoredFile).options(
        joinedload(StoredFile.submission).joinedload(Submission.enrolment).options(
            joinedload(Enrolment.session), joinedload(Enrolment.candidate)),
        joinedload(StoredFile.submission).joinedload(Submission.exam).joinedload(Exam.block),
    )


def file_or_404(file_id: int) -> StoredFile:
    stored = db.session.scalar(_file_query().where(StoredFile.id == file_id))
    if stored is None:
        abort(404)
    return stored


def own_file_or_404(user, file_id: int) -> StoredFile:
    """A file of the candidate's own submissions; any other id is 404."""
    stored = db.session.scalar(
        _file_query()
        .join(Submission, StoredFile.submission_id == Submission.id)
        .join(Enrolment, Submission.enrolment_id == Enrolment.id)
        .join(Candidate, Enrolment.candidate_id == Candidate.id)
        .where(StoredFile.id == file_id, Candidate.user_id == user.id)
    )
    if stored is None:
        abort(404)
    return stored
