"""Reads of the candidate's pages, scoped to the candidate (loaders that answer 404 are in
``permissions``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User
from ..candidates.models import Candidate, Enrolment, enrolment_blocks
from ..extensions import db
from ..sessions.models import CertificationSession, Exam
from .models import DeadlineExtension, DeliverableSetting, StoredFile, Submission, SubmittedLink


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
        .options(selectinload(Submission.files), selectinload(Submission.links))
    )
    return {(s.enrolment_id, s.exam_id): s for s in rows}


def settings_for(exam_ids: list[int]) -> dict[int, dict[str, DeliverableSetting]]:
    """{exam id: {deliverable code: the session's choice}} in one statement."""
    if not exam_ids:
        return {}
    found: dict[int, dict[str, DeliverableSetting]] = {}
    for row in db.session.scalars(select(DeliverableSetting)
                                  .where(DeliverableSetting.exam_id.in_(exam_ids))):
        found.setdefault(row.exam_id, {})[row.deliverable] = row
    return found


def extensions_for(enrolment_ids: list[int]) -> dict[tuple[int, int], DeadlineExtension]:
    """{(enrolment id, exam id): extension} in one statement."""
    if not enrolment_ids:
        return {}
    return {(x.enrolment_id, x.exam_id): x for x in db.session.scalars(
        select(DeadlineExtension).where(DeadlineExtension.enrolment_id.in_(enrolment_ids)))}


@dataclass
class HandInRow:
    """One candidate of an épreuve: their current version of each deliverable (or None)."""

    enrolment: Enrolment
    current: dict[str, object]  # deliverable code -> StoredFile | SubmittedLink | None

    def status(self, code: str) -> str:
        version = self.current.get(code)
        if version is None:
            return "missing"
        if getattr(version, "check_status", None) == "refused":
            return "refused"
        return "late" if version.late else "received"


def hand_in_rows(exam, codes: list[str]) -> list[HandInRow]:
    """Every candidate sitting the épreuve's bloc with their current hand-ins: three
    statements whatever the number of candidates."""
    enrolments = list(db.session.scalars(
        select(Enrolment).join(enrolment_blocks, enrolment_blocks.c.enrolment_id == Enrolment.id)
        .join(Candidate, Candidate.id == Enrolment.candidate_id)
        .join(User, User.id == Candidate.user_id)
        .where(Enrolment.session_id == exam.session_id,
               enrolment_blocks.c.block_id == exam.block_id)
        .options(joinedload(Enrolment.candidate).joinedload(Candidate.user))
        .order_by(User.last_name, User.first_name, Enrolment.id)).unique())
    rows = {e.id: HandInRow(e, dict.fromkeys(codes)) for e in enrolments}
    live_files = db.session.execute(
        select(Submission.enrolment_id, StoredFile)
        .join(StoredFile, StoredFile.submission_id == Submission.id)
        .where(Submission.exam_id == exam.id, StoredFile.superseded_at.is_(None)))
    live_links = db.session.execute(
        select(Submission.enrolment_id, SubmittedLink)
        .join(SubmittedLink, SubmittedLink.submission_id == Submission.id)
        .where(Submission.exam_id == exam.id, SubmittedLink.superseded_at.is_(None)))
    for enrolment_id, version in [*live_files, *live_links]:
        row = rows.get(enrolment_id)
        if row is not None and version.deliverable in row.current:
            row.current[version.deliverable] = version
    return list(rows.values())


def juror_zip_entries(juror, exam_id: int):
    """(the épreuve or None, [(enrolment, current file)]) of the juror's assignments for
    that épreuve only: nothing of a candidate they do not grade, no replaced version."""
    from ..juries.models import Assignment
    from ..sessions.models import Exam

    exam = db.session.get(Exam, exam_id, options=[joinedload(Exam.session),
                                                  joinedload(Exam.block)])
    if exam is None:
        return None, []
    rows = db.session.execute(
        select(Enrolment, StoredFile)
        .join(Assignment, Assignment.enrolment_id == Enrolment.id)
        .join(Submission, (Submission.enrolment_id == Enrolment.id)
              & (Submission.exam_id == Assignment.exam_id))
        .join(StoredFile, StoredFile.submission_id == Submission.id)
        .where(Assignment.juror_id == juror.id, Assignment.exam_id == exam_id,
               Assignment.withdrawn_at.is_(None), StoredFile.superseded_at.is_(None))
        .options(joinedload(Enrolment.candidate).joinedload(Candidate.user))
        .order_by(Enrolment.anonymous_number, Enrolment.id, StoredFile.deliverable)).all()
    assigned = db.session.scalar(select(Assignment.id).where(
        Assignment.juror_id == juror.id, Assignment.exam_id == exam_id,
        Assignment.withdrawn_at.is_(None)).limit(1))
    if assigned is None:
        return None, []
    return exam, [(e, f) for e, f in rows]
