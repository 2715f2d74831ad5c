"""Reads of the candidate's pages, scoped to the candidate (loaders that answer 404 are in
``permissions``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..candidates.models import Candidate, Enrolment
from ..extensions import db
from ..sessions.models import CertificationSession, Exam
from .models import Submission


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
