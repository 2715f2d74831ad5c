"""The reads of a candidate's record: a fixed number of statements, whatever the number
of files, sheets or events."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased, joinedload

from ..accounts.models import User
from ..attendance.models import ExamAttendance
from ..audit.models import AuditEvent
from ..candidates.models import Enrolment
from ..extensions import db
from ..grading.models import CriterionMark, GradingSheet
from ..juries.models import Assignment, ConflictOfInterest
from ..results.models import BlockResult, TitleResult
from ..sessions.models import Exam
from ..submissions import deliverables
from ..submissions.models import DeadlineExtension, StoredFile, Submission, SubmittedLink
from ..submissions.queries import settings_for

HISTORY_LIMIT = 200


@dataclass
class ExamRecord:
    exam: Exam
    files: list[StoredFile] = field(default_factory=list)  # newest first
    links: list[SubmittedLink] = field(default_factory=list)  # newest first
    extension: DeadlineExtension | None = None
    expected: tuple = ()  # the deliverables the épreuve expects (submissions.deliverables)
    # Active ones first; a withdrawn one (conflict of interest) is shown as such, its sheet
    # kept as evidence but counting for nothing.
    assignments: list[Assignment] = field(default_factory=list)
    result: BlockResult | None = None
    attendance: ExamAttendance | None = None

    @property
    def active_assignments(self) -> list[Assignment]:
        return [a for a in self.assignments if a.withdrawn_at is None]


@dataclass
class Record:
    enrolment: Enrolment
    exams: list[ExamRecord]
    title: TitleResult | None
    history: list[tuple[AuditEvent, User | None]]


def record_of(enrolment: Enrolment) -> Record:
    session = enrolment.session
    block_ids = {b.id for b in enrolment.blocks}
    exams = [ExamRecord(e) for e in session.exams if e.block_id in block_ids]
    by_exam = {r.exam.id: r for r in exams}
    files = db.session.scalars(
        select(StoredFile).join(Submission, StoredFile.submission_id == Submission.id)
        .where(Submission.enrolment_id == enrolment.id)
        .options(joinedload(StoredFile.submission), joinedload(StoredFile.uploaded_by))
        .order_by(StoredFile.uploaded_at.desc(), StoredFile.id.desc()))
    for f in files:
        if f.submission.exam_id in by_exam:
            by_exam[f.submission.exam_id].files.append(f)
    links = db.session.scalars(
        select(SubmittedLink).join(Submission, SubmittedLink.submission_id == Submission.id)
        .where(Submission.enrolment_id == enrolment.id)
        .options(joinedload(SubmittedLink.submission))
        .order_by(SubmittedLink.given_at.desc(), SubmittedLink.id.desc()))
    for link in links:
        if link.submission.exam_id in by_exam:
            by_exam[link.submission.exam_id].links.append(link)
    for x in db.session.scalars(select(DeadlineExtension).where(
            DeadlineExtension.enrolment_id == enrolment.id)
            .options(joinedload(DeadlineExtension.granted_by))):
        if x.exam_id in by_exam:
            by_exam[x.exam_id].extension = x
    settings = settings_for(list(by_exam))
    for r in exams:
        r.expected = deliverables.expected(r.exam, settings.get(r.exam.id, {}))
    assignments = db.session.scalars(
        select(Assignment).where(Assignment.enrolment_id == enrolment.id)
        .options(joinedload(Assignment.juror),
                 joinedload(Assignment.sheet).selectinload(GradingSheet.marks)
                 .joinedload(CriterionMark.criterion))
        .order_by(Assignment.withdrawn_at.is_not(None), Assignment.id)).unique()
    for a in assignments:
        if a.exam_id in by_exam:
            by_exam[a.exam_id].assignments.append(a)
    for row in db.session.scalars(select(ExamAttendance).where(
            ExamAttendance.enrolment_id == enrolment.id)):
        if row.exam_id in by_exam:
            by_exam[row.exam_id].attendance = row
    block_results = {r.block_id: r for r in db.session.scalars(
        select(BlockResult).where(BlockResult.enrolment_id == enrolment.id))}
    for r in exams:
        r.result = block_results.get(r.exam.block_id)
    title = db.session.scalar(select(TitleResult).where(
        TitleResult.enrolment_id == enrolment.id))
    return Record(enrolment, exams, title, history(enrolment))


def history(enrolment: Enrolment, limit: int = HISTORY_LIMIT
            ) -> list[tuple[AuditEvent, User | None]]:
    """The audit events about this candidate and this enrolment, newest first: their
    account, candidate row, enrolment, hand-ins and files, assignments, sheets, marks."""
    candidate = enrolment.candidate
    eid = enrolment.id

    def about(kind: str, ids) -> object:
        return and_(AuditEvent.object_type == kind, AuditEvent.object_id.in_(ids))

    submissions = select(Submission.id).where(Submission.enrolment_id == eid)
    files = select(StoredFile.id).where(StoredFile.submission_id.in_(submissions))
    assignments = select(Assignment.id).where(Assignment.enrolment_id == eid)
    sheets = select(GradingSheet.id).where(GradingSheet.assignment_id.in_(assignments))
    marks = select(CriterionMark.id).where(CriterionMark.sheet_id.in_(sheets))
    conflicts = select(ConflictOfInterest.id).where(ConflictOfInterest.enrolment_id == eid)
    actor = aliased(User)
    rows = db.session.execute(
        select(AuditEvent, actor).outerjoin(actor, AuditEvent.actor_id == actor.id)
        .where(or_(about("User", [candidate.user_id]), about("Candidate", [candidate.id]),
                   about("Enrolment", [eid]), about("Submission", submissions),
                   about("StoredFile", files), about("Assignment", assignments),
                   about("GradingSheet", sheets), about("CriterionMark", marks),
                   about("ConflictOfInterest", conflicts)))
        .order_by(AuditEvent.id.desc()).limit(limit))
    return [(event, user) for event, user in rows]
