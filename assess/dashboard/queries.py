"""The reads of a session's dashboard: counts, progress per épreuve, progress over time
and the filtered candidate list. Each is a fixed number of SQL aggregates: the number of
statements does not grow with the number of candidates."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, distinct, exists, func, or_, select
from sqlalchemy.orm import contains_eager

from ..accommodations.models import Accommodation
from ..accounts.models import User
from ..attendance.models import Attendance, ExamAttendance
from ..candidates.models import Candidate, Enrolment, enrolment_blocks
from ..extensions import db
from ..grading.models import CriterionMark, GradingSheet, SheetStatus
from ..juries.models import Assignment
from ..referential.models import Block
from ..sessions.models import Exam, ExamPart
from ..submissions.models import StoredFile, Submission

PAGE_SIZE = 50

# The assignments that count: one withdrawn after a conflict of interest was declared is
# neither a sheet to wait for nor a grade (its draft or sheet is kept as evidence only).
ACTIVE = Assignment.withdrawn_at.is_(None)


@dataclass
class Filters:
    q: str = ""
    bloc: int | None = None
    status: str = ""  # one of STATUSES
    access_route: str = ""
    accommodation: str = ""  # "oui" / "non" / ""
    page: int = 1


STATUSES = ("missing", "late", "absent", "withdrawn", "sheets_missing")


@dataclass
class ExamProgress:
    exam: Exam
    expected: int = 0  # hand-ins expected (enrolled in the bloc, neither absent nor withdrawn)
    received: int = 0
    late: int = 0
    sheets: int = 0  # assignments
    sheets_submitted: int = 0
    takes_hand_in: bool = True


@dataclass
class Counts:
    enrolled: int = 0
    withdrawn: int = 0
    absent: int = 0
    received: int = 0
    missing: int = 0
    late: int = 0
    sheets_submitted: int = 0
    sheets_draft: int = 0
    sheets_not_started: int = 0
    disagreements: int = 0


@dataclass
class Cell:
    """One candidate × one épreuve in the list."""

    enrolled: bool
    uploaded_at: object = None  # the current file's time
    late: bool = False
    attendance: str | None = None
    sheets: int = 0
    sheets_submitted: int = 0


@dataclass
class Row:
    enrolment: Enrolment
    cells: list[Cell] = field(default_factory=list)
    block_numbers: list[int] = field(default_factory=list)
    accommodation: str | None = None  # the decision's state, if one is recorded


def deadlines():
    """Per exam, the deadline of its first part that has one (as the upload uses it)."""
    return (select(ExamPart.exam_id.label("exam_id"),
                   func.min(ExamPart.submission_deadline).label("deadline"))
            .where(ExamPart.submission_deadline.is_not(None))
            .group_by(ExamPart.exam_id).subquery())


def _enrolled_pairs(session_id: int):
    """(enrolment, exam) for every épreuve a candidate sits in the session."""
    return (select(Enrolment.id.label("enrolment_id"), Exam.id.label("exam_id"))
            .join(enrolment_blocks, enrolment_blocks.c.enrolment_id == Enrolment.id)
            .join(Exam, and_(Exam.block_id == enrolment_blocks.c.block_id,
                             Exam.session_id == Enrolment.session_id))
            .where(Enrolment.session_id == session_id).subquery())


def _current_files(session_id: int):
    return (select(Submission.enrolment_id, Submission.exam_id,
                   StoredFile.uploaded_at.label("uploaded_at"))
            .join(StoredFile, StoredFile.submission_id == Submission.id)
            .join(Enrolment, Enrolment.id == Submission.enrolment_id)
            .where(Enrolment.session_id == session_id, StoredFile.superseded_at.is_(None))
            .subquery())


def exam_progress(session_id: int, exams: list[Exam]) -> list[ExamProgress]:
    """Hand-ins expected, received and late, and sheets, per épreuve: two statements."""
    pairs = _enrolled_pairs(session_id)
    files = _current_files(session_id)
    limits = deadlines()
    away = select(ExamAttendance.enrolment_id, ExamAttendance.exam_id).subquery()
    rows = db.session.execute(
        select(pairs.c.exam_id,
               func.count().filter(away.c.enrolment_id.is_(None)),
               func.count(files.c.uploaded_at),
               func.count(case((files.c.uploaded_at > limits.c.deadline, 1))))
        .select_from(pairs)
        .outerjoin(files, and_(files.c.enrolment_id == pairs.c.enrolment_id,
                               files.c.exam_id == pairs.c.exam_id))
        .outerjoin(away, and_(away.c.enrolment_id == pairs.c.enrolment_id,
                              away.c.exam_id == pairs.c.exam_id))
        .outerjoin(limits, limits.c.exam_id == pairs.c.exam_id)
        .group_by(pairs.c.exam_id))
    by_exam = {exam.id: ExamProgress(exam, takes_hand_in=any(
        p.submission_deadline is not None for p in exam.parts)) for exam in exams}
    for exam_id, expected, received, late in rows:
        progress = by_exam[exam_id]
        progress.expected, progress.received, progress.late = expected, received, late
    submitted = case((GradingSheet.status == SheetStatus.SUBMITTED, 1))
    for exam_id, total, done in db.session.execute(
            select(Assignment.exam_id, func.count(Assignment.id), func.count(submitted))
            .join(Enrolment, Enrolment.id == Assignment.enrolment_id)
            .outerjoin(GradingSheet, GradingSheet.assignment_id == Assignment.id)
            .where(Enrolment.session_id == session_id, ACTIVE)
            .group_by(Assignment.exam_id)):
        by_exam[exam_id].sheets, by_exam[exam_id].sheets_submitted = total, done
    return list(by_exam.values())


def counts(session_id: int, progress: list[ExamProgress]) -> Counts:
    """The session's counts: three statements (the rest is summed from ``progress``)."""
    result = Counts()
    enrolled, withdrawn, absent = db.session.execute(
        select(func.count(distinct(Enrolment.id)),
               func.count(distinct(case((ExamAttendance.status == Attendance.WITHDRAWN,
                                         Enrolment.id)))),
               func.count(distinct(case((ExamAttendance.status == Attendance.ABSENT,
                                         Enrolment.id)))))
        .select_from(Enrolment)
        .outerjoin(ExamAttendance, ExamAttendance.enrolment_id == Enrolment.id)
        .where(Enrolment.session_id == session_id)).one()
    result.enrolled, result.withdrawn, result.absent = enrolled, withdrawn, absent
    for p in progress:
        if p.takes_hand_in:
            result.received += p.received
            result.missing += max(p.expected - p.received, 0)
            result.late += p.late
    draft = case((GradingSheet.status == SheetStatus.DRAFT, 1))
    submitted = case((GradingSheet.status == SheetStatus.SUBMITTED, 1))
    total, drafts, done = db.session.execute(
        select(func.count(Assignment.id), func.count(draft), func.count(submitted))
        .join(Enrolment, Enrolment.id == Assignment.enrolment_id)
        .outerjoin(GradingSheet, GradingSheet.assignment_id == Assignment.id)
        .where(Enrolment.session_id == session_id, ACTIVE)).one()
    result.sheets_submitted, result.sheets_draft = done, drafts
    result.sheets_not_started = total - drafts - done
    result.disagreements = disagreements(session_id)
    return result


def disagreements(session_id: int) -> int:
    """Candidate × épreuve pairs where two submitted sheets give a criterion different
    levels: one statement."""
    per_criterion = (
        select(Assignment.enrolment_id, Assignment.exam_id)
        .join(GradingSheet, GradingSheet.assignment_id == Assignment.id)
        .join(CriterionMark, CriterionMark.sheet_id == GradingSheet.id)
        .join(Enrolment, Enrolment.id == Assignment.enrolment_id)
        .where(Enrolment.session_id == session_id, ACTIVE,
               GradingSheet.status == SheetStatus.SUBMITTED, CriterionMark.level.is_not(None))
        .group_by(Assignment.enrolment_id, Assignment.exam_id, CriterionMark.criterion_id)
        .having(func.count(distinct(CriterionMark.level)) > 1)
        .distinct().subquery())
    return db.session.scalar(select(func.count()).select_from(per_criterion)) or 0


def timeline(session_id: int) -> list[tuple[date, int, int]]:
    """Per day with activity: the cumulative number of épreuves handed in (a first file)
    and of sheets submitted. Two statements."""
    first_files = (select(func.min(StoredFile.uploaded_at).label("at"))
                   .join(Submission, Submission.id == StoredFile.submission_id)
                   .join(Enrolment, Enrolment.id == Submission.enrolment_id)
                   .where(Enrolment.session_id == session_id)
                   .group_by(Submission.id).subquery())
    per_day: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day, n in db.session.execute(select(func.date(first_files.c.at), func.count())
                                     .group_by(func.date(first_files.c.at))):
        per_day[_as_date(day)][0] += n
    for day, n in db.session.execute(
            select(func.date(GradingSheet.submitted_at), func.count(GradingSheet.id))
            .join(Assignment, Assignment.id == GradingSheet.assignment_id)
            .join(Enrolment, Enrolment.id == Assignment.enrolment_id)
            .where(Enrolment.session_id == session_id, ACTIVE,
                   GradingSheet.status == SheetStatus.SUBMITTED)
            .group_by(func.date(GradingSheet.submitted_at))):
        per_day[_as_date(day)][1] += n
    points, files, sheets = [], 0, 0
    for day in sorted(per_day):
        files += per_day[day][0]
        sheets += per_day[day][1]
        points.append((day, files, sheets))
    return points


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# -- the candidate list -------------------------------------------------------------
def filtered_enrolments(session_id: int, f: Filters):
    """A SELECT of the session's enrolment ids that pass the filters."""
    query = (select(Enrolment.id).join(Candidate, Candidate.id == Enrolment.candidate_id)
             .join(User, User.id == Candidate.user_id)
             .where(Enrolment.session_id == session_id))
    if f.q:
        like = f"%{f.q.strip().lower()}%"
        query = query.where(or_(func.lower(User.last_name).like(like),
                                func.lower(User.first_name).like(like),
                                func.lower(User.email).like(like),
                                func.lower(Candidate.birth_name).like(like)))
    if f.bloc:
        query = query.where(exists().where(
            enrolment_blocks.c.enrolment_id == Enrolment.id,
            enrolment_blocks.c.block_id == Block.id, Block.number == f.bloc))
    if f.access_route:
        query = query.where(Candidate.access_route == f.access_route)
    if f.accommodation == "oui":
        query = query.where(or_(Enrolment.accommodation_request.is_not(None),
                                exists().where(Accommodation.enrolment_id == Enrolment.id)))
    elif f.accommodation == "non":
        query = query.where(Enrolment.accommodation_request.is_(None),
                            ~exists().where(Accommodation.enrolment_id == Enrolment.id))
    if f.status:
        query = query.where(_status_condition(session_id, f.status))
    return query


def _status_condition(session_id: int, status: str):
    if status in ("absent", "withdrawn"):
        return exists().where(ExamAttendance.enrolment_id == Enrolment.id,
                              ExamAttendance.status == status)
    if status == "sheets_missing":
        return exists(select(Assignment.id)
                      .outerjoin(GradingSheet, and_(
                          GradingSheet.assignment_id == Assignment.id,
                          GradingSheet.status == SheetStatus.SUBMITTED))
                      .where(Assignment.enrolment_id == Enrolment.id, ACTIVE,
                             GradingSheet.id.is_(None)))
    pairs = _enrolled_pairs(session_id)
    files = _current_files(session_id)
    limits = deadlines()
    if status == "late":
        return exists(select(files.c.enrolment_id).join(
            limits, limits.c.exam_id == files.c.exam_id)
            .where(files.c.enrolment_id == Enrolment.id,
                   files.c.uploaded_at > limits.c.deadline))
    # missing: an épreuve with a deadline, sat (not absent, not withdrawn), no current file
    return exists(
        select(pairs.c.enrolment_id)
        .join(limits, limits.c.exam_id == pairs.c.exam_id)
        .outerjoin(files, and_(files.c.enrolment_id == pairs.c.enrolment_id,
                               files.c.exam_id == pairs.c.exam_id))
        .where(pairs.c.enrolment_id == Enrolment.id, files.c.uploaded_at.is_(None),
               ~exists().where(ExamAttendance.enrolment_id == pairs.c.enrolment_id,
                               ExamAttendance.exam_id == pairs.c.exam_id)))


def count_filtered(session_id: int, f: Filters) -> int:
    return db.session.scalar(select(func.count()).select_from(
        filtered_enrolments(session_id, f).subquery())) or 0


def candidate_rows(session_id: int, exams: list[Exam], f: Filters, *,
                   paginate: bool = True) -> list[Row]:
    """The filtered candidates (a page of them, or all for an export) with one cell per
    épreuve: seven statements, whatever their number."""
    ids = filtered_enrolments(session_id, f)
    query = (select(Enrolment).where(Enrolment.id.in_(ids))
             .join(Enrolment.candidate).join(Candidate.user)
             .options(contains_eager(Enrolment.candidate).contains_eager(Candidate.user))
             .order_by(User.last_name, User.first_name, Enrolment.id))
    if paginate:
        query = query.limit(PAGE_SIZE).offset((max(f.page, 1) - 1) * PAGE_SIZE)
    enrolments = list(db.session.scalars(query))
    if not enrolments:
        return []
    # The page's ids as a sub-select (one statement each below, never one per 500 ids).
    page_ids = (select(Enrolment.id).where(Enrolment.id.in_([e.id for e in enrolments]))
                if paginate else ids)
    blocks: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for eid, block_id, number in db.session.execute(
            select(enrolment_blocks.c.enrolment_id, Block.id, Block.number)
            .join(Block, Block.id == enrolment_blocks.c.block_id)
            .where(enrolment_blocks.c.enrolment_id.in_(page_ids)).order_by(Block.number)):
        blocks[eid].append((block_id, number))
    limits = deadlines()
    files = {(e, x): (at, late) for e, x, at, late in db.session.execute(
        select(Submission.enrolment_id, Submission.exam_id, StoredFile.uploaded_at,
               StoredFile.uploaded_at > func.coalesce(limits.c.deadline, StoredFile.uploaded_at))
        .join(StoredFile, StoredFile.submission_id == Submission.id)
        .outerjoin(limits, limits.c.exam_id == Submission.exam_id)
        .where(Submission.enrolment_id.in_(page_ids), StoredFile.superseded_at.is_(None)))}
    away = {(e, x): str(s) for e, x, s in db.session.execute(
        select(ExamAttendance.enrolment_id, ExamAttendance.exam_id, ExamAttendance.status)
        .where(ExamAttendance.enrolment_id.in_(page_ids)))}
    submitted = case((GradingSheet.status == SheetStatus.SUBMITTED, 1))
    sheets = {(e, x): (n, done) for e, x, n, done in db.session.execute(
        select(Assignment.enrolment_id, Assignment.exam_id, func.count(Assignment.id),
               func.count(submitted))
        .outerjoin(GradingSheet, GradingSheet.assignment_id == Assignment.id)
        .where(Assignment.enrolment_id.in_(page_ids), ACTIVE)
        .group_by(Assignment.enrolment_id, Assignment.exam_id))}
    accommodations = dict(db.session.execute(
        select(Accommodation.enrolment_id, Accommodation.status)
        .where(Accommodation.enrolment_id.in_(page_ids))).all())
    rows = []
    for e in enrolments:
        sat = {block_id for block_id, _n in blocks[e.id]}
        cells = []
        for x in exams:
            at, late = files.get((e.id, x.id), (None, False))
            n, done = sheets.get((e.id, x.id), (0, 0))
            cells.append(Cell(x.block_id in sat, at, bool(late), away.get((e.id, x.id)),
                              n, done))
        rows.append(Row(e, cells, [n for _b, n in blocks[e.id]],
                        str(accommodations[e.id]) if e.id in accommodations else None))
    return rows
