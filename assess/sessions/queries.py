"""Read models of the session pages, each loaded with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from ..accounts.models import Role, User
from ..candidates.models import Candidate, Enrolment
from ..centres.models import TrainingCentre
from ..extensions import db
from ..grading.models import GradingSheet, SheetStatus
from ..juries.models import Assignment
from ..submissions.models import StoredFile, Submission
from .models import CertificationSession, Exam
from .permissions import visible_sessions


@dataclass
class SessionRow:
    session: CertificationSession
    candidates: int = 0
    assigned: int = 0
    submitted: int = 0


@dataclass
class Cell:
    """One candidate × one épreuve on the session page."""

    enrolled: bool
    files: int = 0
    assignments: list[Assignment] = field(default_factory=list)


@dataclass
class CandidateRow:
    enrolment: Enrolment
    cells: list[Cell]


def centres_for(user) -> list[TrainingCentre]:
    """The centres ``user`` may organise sessions for, by name."""
    query = select(TrainingCentre).order_by(TrainingCentre.name)
    if user.role != Role.CERTIFIER_ADMIN:
        query = query.where(TrainingCentre.id == user.centre_id)
    return list(db.session.scalars(query))


def session_rows(user) -> list[SessionRow]:
    """The sessions ``user`` sees with their counts: three queries whatever their number."""
    query = (visible_sessions(user)
             .options(joinedload(CertificationSession.centre))
             .order_by(CertificationSession.starts_on.desc(), CertificationSession.id.desc()))
    rows = {s.id: SessionRow(s) for s in db.session.scalars(query)}
    if not rows:
        return []
    for session_id, count in db.session.execute(
            select(Enrolment.session_id, func.count(Enrolment.id))
            .where(Enrolment.session_id.in_(list(rows))).group_by(Enrolment.session_id)):
        rows[session_id].candidates = count
    submitted = case((GradingSheet.status == SheetStatus.SUBMITTED, 1))
    for session_id, assigned, done in db.session.execute(
            select(Enrolment.session_id, func.count(Assignment.id), func.count(submitted))
            .join(Assignment, Assignment.enrolment_id == Enrolment.id)
            .outerjoin(GradingSheet, GradingSheet.assignment_id == Assignment.id)
            .where(Enrolment.session_id.in_(list(rows))).group_by(Enrolment.session_id)):
        rows[session_id].assigned, rows[session_id].submitted = assigned, done
    return list(rows.values())


def session_exams(session_id: int) -> list[Exam]:
    return list(db.session.scalars(
        select(Exam).where(Exam.session_id == session_id).order_by(Exam.position)
        .options(joinedload(Exam.block), selectinload(Exam.parts))))


def session_enrolments(session_id: int) -> list[Enrolment]:
    return list(db.session.scalars(
        select(Enrolment).where(Enrolment.session_id == session_id)
        .join(Enrolment.candidate).join(Candidate.user)
        .options(contains_eager(Enrolment.candidate).contains_eager(Candidate.user),
                 selectinload(Enrolment.blocks))
        .order_by(User.last_name, User.first_name, Enrolment.id)))


def candidate_rows(session_id: int, exams: list[Exam]) -> list[CandidateRow]:
    """Per enrolled candidate and épreuve: files handed in, jurors and their sheets."""
    enrolments = session_enrolments(session_id)
    files = dict(((e, x), n) for e, x, n in db.session.execute(
        select(Submission.enrolment_id, Submission.exam_id, func.count(StoredFile.id))
        .join(StoredFile, StoredFile.submission_id == Submission.id)
        .join(Enrolment, Enrolment.id == Submission.enrolment_id)
        .where(Enrolment.session_id == session_id)
        .group_by(Submission.enrolment_id, Submission.exam_id)))
    by_pair: dict[tuple[int, int], list[Assignment]] = {}
    for a in session_assignments(session_id):
        by_pair.setdefault((a.enrolment_id, a.exam_id), []).append(a)
    rows = []
    for e in enrolments:
        blocks = {b.id for b in e.blocks}
        rows.append(CandidateRow(e, [
            Cell(x.block_id in blocks, files.get((e.id, x.id), 0), by_pair.get((e.id, x.id), []))
            for x in exams
        ]))
    return rows


def session_assignments(session_id: int, enrolment_id: int | None = None) -> list[Assignment]:
    query = (select(Assignment).join(Enrolment, Enrolment.id == Assignment.enrolment_id)
             .join(User, User.id == Assignment.juror_id)
             .where(Enrolment.session_id == session_id)
             .options(contains_eager(Assignment.juror), joinedload(Assignment.sheet))
             .order_by(User.last_name, User.first_name, Assignment.id))
    if enrolment_id is not None:
        query = query.where(Assignment.enrolment_id == enrolment_id)
    return list(db.session.scalars(query))
