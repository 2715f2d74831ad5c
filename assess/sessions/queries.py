"""Read models of the session pages, each loaded with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from workflows.session import DELIBERATION, EXAMS, GRADING, SessionContext

from ..accounts.models import Role, User
from ..attendance.models import ExamAttendance
from ..candidates.models import Candidate, Enrolment, enrolment_blocks
from ..centres.models import TrainingCentre
from ..composition import reports as composition
from ..decisions import facts as decisions
from ..extensions import db
from ..grading.models import GradingSheet, SheetStatus
from ..jobs import operations as jobs
from ..jobs.models import JobKind
from ..juries.models import Assignment
from ..referential.labels import part_label
from ..results.models import TitleResult
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
            .where(Enrolment.session_id.in_(list(rows)), Assignment.withdrawn_at.is_(None))
            .group_by(Enrolment.session_id)):
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


# -- pages of a long list ----------------------------------------------------------------
PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    """One page of a list of ``total`` rows: ``number`` is 1-based and always valid (a page
    asked for out of range is the nearest valid one: the first or the last)."""

    number: int
    total: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first(self) -> int:
        """The rank (1-based) of the page's first row; 0 on an empty list."""
        return self.offset + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.offset + self.size, self.total)


def page_of(requested: int | None, total: int, size: int = PAGE_SIZE) -> Page:
    """The page ``requested`` (``?page=``), brought back within 1..pages."""
    pages = max(1, ceil(total / size))
    return Page(min(max(requested or 1, 1), pages), total, size)


def enrolment_count(session_id: int) -> int:
    return db.session.scalar(
        select(func.count(Enrolment.id)).where(Enrolment.session_id == session_id)) or 0


def candidate_rows(session_id: int, exams: list[Exam], page: Page) -> list[CandidateRow]:
    """One page of the enrolled candidates (by name, as the whole list is ordered) and, per
    épreuve, the files handed in, the jurors and their sheets: five statements, whatever the
    number of candidates of the session."""
    enrolments = list(db.session.scalars(
        select(Enrolment).where(Enrolment.session_id == session_id)
        .join(Enrolment.candidate).join(Candidate.user)
        .options(contains_eager(Enrolment.candidate).contains_eager(Candidate.user),
                 selectinload(Enrolment.blocks))
        .order_by(User.last_name, User.first_name, Enrolment.id)
        .limit(page.size).offset(page.offset)))
    if not enrolments:
        return []
    ids = [e.id for e in enrolments]
    files = dict(((e, x), n) for e, x, n in db.session.execute(
        select(Submission.enrolment_id, Submission.exam_id, func.count(StoredFile.id))
        .join(StoredFile, StoredFile.submission_id == Submission.id)
        .where(Submission.enrolment_id.in_(ids))
        .group_by(Submission.enrolment_id, Submission.exam_id)))
    by_pair: dict[tuple[int, int], list[Assignment]] = {}
    for a in session_assignments(session_id, enrolment_ids=ids):
        by_pair.setdefault((a.enrolment_id, a.exam_id), []).append(a)
    rows = []
    for e in enrolments:
        blocks = {b.id for b in e.blocks}
        rows.append(CandidateRow(e, [
            Cell(x.block_id in blocks, files.get((e.id, x.id), 0), by_pair.get((e.id, x.id), []))
            for x in exams
        ]))
    return rows


def session_assignments(session_id: int, enrolment_id: int | None = None, *,
                        enrolment_ids: list[int] | None = None) -> list[Assignment]:
    query = (select(Assignment).join(Enrolment, Enrolment.id == Assignment.enrolment_id)
             .join(User, User.id == Assignment.juror_id)
             .where(Enrolment.session_id == session_id)
             .options(contains_eager(Assignment.juror), joinedload(Assignment.sheet))
             .order_by(User.last_name, User.first_name, Assignment.id))
    if enrolment_id is not None:
        query = query.where(Assignment.enrolment_id == enrolment_id)
    if enrolment_ids is not None:
        query = query.where(Assignment.enrolment_id.in_(enrolment_ids))
    return list(db.session.scalars(query))


# -- what the lifecycle's guards read (SessionContext) --------------------------------
def results_basis(session_id: int) -> str:
    """What the session's results are computed from, in one statement: enrolments and their
    blocs, active assignments, absences, and the submitted sheets (how many, and the sum of their versions:
    every change to a sheet bumps its version). Drafts do not count (grading is blind: a
    draft changes no result). Equal bases, equal inputs."""
    enrolments = select(Enrolment.id).where(Enrolment.session_id == session_id)
    sheets = (select(GradingSheet).join(Assignment, Assignment.id == GradingSheet.assignment_id)
              .where(Assignment.enrolment_id.in_(enrolments), Assignment.withdrawn_at.is_(None),
                     GradingSheet.status == SheetStatus.SUBMITTED).subquery())

    def scalar(query):
        return query.scalar_subquery()

    row = db.session.execute(select(
        scalar(select(func.count()).select_from(enrolments.subquery())),
        scalar(select(func.count()).select_from(enrolment_blocks)
               .where(enrolment_blocks.c.enrolment_id.in_(enrolments))),
        # Active assignments: taking a juror off a candidate (a conflict) changes the inputs.
        scalar(select(func.count(Assignment.id)).where(Assignment.enrolment_id.in_(enrolments),
                                                       Assignment.withdrawn_at.is_(None))),
        scalar(select(func.count()).select_from(sheets)),
        scalar(select(func.coalesce(func.sum(sheets.c.version), 0))),
        # An absence recorded (or cleared) changes a bloc's outcome.
        scalar(select(func.count(ExamAttendance.id))
               .where(ExamAttendance.enrolment_id.in_(enrolments))),
    )).one()
    return "e{}/b{}/a{}/s{}/v{}/x{}".format(*row)


def result_count(session_id: int) -> int:
    return db.session.scalar(
        select(func.count(TitleResult.id))
        .join(Enrolment, Enrolment.id == TitleResult.enrolment_id)
        .where(Enrolment.session_id == session_id)
    ) or 0


def missing_sheets(session_id: int) -> int:
    """Assignments of the session whose grading sheet is not submitted (or not started)."""
    return db.session.scalar(
        select(func.count(Assignment.id))
        .join(Enrolment, Enrolment.id == Assignment.enrolment_id)
        .outerjoin(GradingSheet, (GradingSheet.assignment_id == Assignment.id)
                   & (GradingSheet.status == SheetStatus.SUBMITTED))
        .where(Enrolment.session_id == session_id, GradingSheet.id.is_(None),
               Assignment.withdrawn_at.is_(None))
    ) or 0


def unscheduled_parts(exams) -> tuple[str, ...]:
    """The parts (as « Bloc 2 · Étude de cas pratique ») not ready for the session to open."""
    return tuple(f"{_('Bloc %(n)d', n=exam.block.number)} · {part_label(part.kind)}"
                 for exam in exams for part in exam.parts if not part.scheduled)


def lifecycle_facts(session, *, forced: bool = False) -> SessionContext:
    """Everything the session lifecycle's guards read, in a fixed number of statements."""
    results = result_count(session.id)
    exams = session_exams(session.id)
    # The juries are checked where a step depends on them: to grading, to deliberation.
    checked = session.status in (EXAMS, GRADING)
    # The deliberation's facts matter only in its state (two statements there).
    deliberating = session.status == DELIBERATION
    opened = deliberating and decisions.deliberation_of(session.id) is not None
    return SessionContext(
        unscheduled_parts=unscheduled_parts(exams),
        enrolment_count=db.session.scalar(
            select(func.count(Enrolment.id)).where(Enrolment.session_id == session.id)) or 0,
        missing_sheets=missing_sheets(session.id),
        forced=forced,
        job_running=jobs.has_active_job(JobKind.COMPUTE_RESULTS, session.id),
        result_count=results,
        # Results computed from other inputs than today's (a sheet submitted, changed or
        # reopened since, an enrolment added) may not be published.
        results_stale=bool(results) and session.results_basis != results_basis(session.id),
        jury_problems=composition.blocking_problems(session, exams) if checked else (),
        jury_forced=checked and composition.forced(session.id) is not None,
        deliberation_opened=opened,
        minutes_sealed=opened and decisions.minutes_sealed(session.id))
