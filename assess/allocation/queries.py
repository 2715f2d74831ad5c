"""Reads of the allocation page and of the automatic allocation, each in a fixed number of
statements whatever the number of candidates, jurors or sheets."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import to_user_timezone
from sqlalchemy import and_, case, func, select

from workflows import allocation as rules

from ..accounts.models import User
from ..attendance.models import ExamAttendance
from ..candidates.models import Enrolment
from ..extensions import db
from ..grading.models import GradingSheet, SheetStatus
from ..juries import queries as jury_queries
from ..juries.facts import conflicted_pairs
from ..juries.models import Assignment, JurorAvailability, juror_blocks
from ..referential.models import Block
from ..sessions import queries as session_queries
from ..sessions.models import TIMED_PARTS, CertificationSession, Exam, PartKind


def is_written(exam: Exam) -> bool:
    """Graded from written work only: bloc 3's sheets come from the oral panels."""
    return all(part.kind != PartKind.ORAL for part in exam.parts)


def written_exams(session_id: int) -> list[Exam]:
    return [x for x in session_queries.session_exams(session_id) if is_written(x)]


def _paris_day(value: datetime | None) -> date | None:
    return to_user_timezone(value).date() if value is not None else None


def part_end(part) -> datetime | None:
    """When a part is over: the later of its end (start plus length, for a timed part) and
    its hand-in deadline; a part with neither ends when it starts."""
    ends = [part.submission_deadline]
    if part.starts_at is not None and part.kind in TIMED_PARTS and part.duration_minutes:
        ends.append(part.starts_at + timedelta(minutes=part.duration_minutes))
    ends = [e for e in ends if e is not None]
    return max(ends) if ends else part.starts_at


def exam_end(exam: Exam) -> datetime | None:
    ends = [e for e in (part_end(p) for p in exam.parts) if e is not None]
    return max(ends) if ends else None


def grading_window(exam: Exam, session: CertificationSession) -> tuple[date, date] | None:
    """[the day the épreuve's last part ends, its grading deadline or the session's end]."""
    return rules.grading_window([_paris_day(exam_end(exam))], _paris_day(exam.grading_due_at),
                                session.ends_on)


@dataclass
class Facts:
    """What the automatic allocation reads, with the rows ``assign_juror`` needs."""

    works: list[rules.Work]
    jurors: list[rules.Juror]
    forbidden: set[tuple[int, int]]
    existing: list[rules.Pair]
    withdrawn: set[tuple[int, int]]  # (juror, enrolment) pairs taken off a work
    enrolments: dict[int, Enrolment]
    exams: dict[int, Exam]
    users: dict[int, User]


def allocation_facts(session: CertificationSession, exams: list[Exam]) -> Facts:
    """Works (each active enrolment × each written épreuve of its blocs, unless recorded
    absent or withdrawn from it), the centre's pool with its blocs, availability and load
    in the session, declared conflicts, and the active assignments of those works."""
    exams_by_id = {x.id: x for x in exams}
    by_block = {x.block_id: x for x in exams}
    enrolments = session_queries.session_enrolments(session.id)
    away = {(e, x) for e, x in db.session.execute(
        select(ExamAttendance.enrolment_id, ExamAttendance.exam_id)
        .join(Enrolment, Enrolment.id == ExamAttendance.enrolment_id)
        .where(Enrolment.session_id == session.id))}
    works = [rules.Work(e.id, by_block[b.id].id, by_block[b.id].block.number)
             for e in enrolments for b in e.blocks
             if b.id in by_block and (e.id, by_block[b.id].id) not in away]
    pool = jury_queries.pool(session.centre_id)
    ids = [u.id for u in pool]
    blocks: dict[int, set[int]] = defaultdict(set)
    periods: dict[int, list[tuple[date, date]]] = defaultdict(list)
    loads: dict[int, int] = defaultdict(int)
    existing: list[rules.Pair] = []
    withdrawn: set[tuple[int, int]] = set()
    if ids:
        for juror_id, number in db.session.execute(
                select(juror_blocks.c.juror_id, juror_blocks.c.block_number)
                .where(juror_blocks.c.juror_id.in_(ids))):
            blocks[juror_id].add(number)
        for juror_id, starts, ends in db.session.execute(
                select(JurorAvailability.juror_id, JurorAvailability.starts_on,
                       JurorAvailability.ends_on).where(JurorAvailability.juror_id.in_(ids))):
            periods[juror_id].append((starts, ends))
    # Every active sheet of the session counts toward the load (the oral's too). A
    # juror taken off a candidate's work is not put back on it automatically.
    for juror_id, enrolment_id, exam_id, withdrawn_at in db.session.execute(
            select(Assignment.juror_id, Assignment.enrolment_id, Assignment.exam_id,
                   Assignment.withdrawn_at)
            .join(Enrolment, Enrolment.id == Assignment.enrolment_id)
            .where(Enrolment.session_id == session.id)):
        if withdrawn_at is not None:
            withdrawn.add((juror_id, enrolment_id))
            continue
        loads[juror_id] += 1
        if exam_id in exams_by_id:
            existing.append(rules.Pair(juror_id, enrolment_id, exam_id))
    windows = {x.id: grading_window(x, session) for x in exams}
    jurors = [rules.Juror(
        id=u.id, blocks=frozenset(blocks[u.id]), load=loads[u.id],
        max_load=session.max_sheets_per_juror,
        unavailable_exams=frozenset(x_id for x_id, window in windows.items()
                                    if not rules.available_during(periods[u.id], window)))
        for u in pool]
    return Facts(works=works, jurors=jurors,
                 forbidden=conflicted_pairs(ids, [e.id for e in enrolments]),
                 existing=existing, withdrawn=withdrawn, enrolments={e.id: e for e in enrolments},
                 exams=exams_by_id, users={u.id: u for u in pool})


def loads_in_session(session_id: int) -> dict[int, int]:
    """Active sheets per juror in the session."""
    return {juror_id: n for juror_id, n in db.session.execute(
        select(Assignment.juror_id, func.count(Assignment.id))
        .join(Enrolment, Enrolment.id == Assignment.enrolment_id)
        .where(Enrolment.session_id == session_id, Assignment.withdrawn_at.is_(None))
        .group_by(Assignment.juror_id))}


# -- the workload view ------------------------------------------------------------------
@dataclass
class Counts:
    """A juror's sheets for one épreuve (or in all): ``assigned`` counts every active
    assignment, drafts and submitted ones included; withdrawn ones are apart."""

    assigned: int = 0
    draft: int = 0
    submitted: int = 0
    withdrawn: int = 0

    @property
    def not_started(self) -> int:
        return self.assigned - self.draft - self.submitted

    def add(self, other: Counts) -> None:
        self.assigned += other.assigned
        self.draft += other.draft
        self.submitted += other.submitted
        self.withdrawn += other.withdrawn


@dataclass
class WorkloadRow:
    juror: User
    by_exam: dict[int, Counts]
    total: Counts = field(default_factory=Counts)


def workload(session: CertificationSession, exams: list[Exam]) -> list[WorkloadRow]:
    """One row per juror of the session's pool (and any juror outside it who still holds
    sheets of the session), in two statements besides the épreuves."""
    pool = jury_queries.pool(session.centre_id)
    active = Assignment.withdrawn_at.is_(None)
    rows = db.session.execute(
        select(Assignment.juror_id, Assignment.exam_id,
               func.count(case((active, 1))),
               func.count(case((and_(active, GradingSheet.status == SheetStatus.DRAFT), 1))),
               func.count(case((and_(active, GradingSheet.status == SheetStatus.SUBMITTED),
                                1))),
               func.count(case((Assignment.withdrawn_at.is_not(None), 1))))
        .join(Enrolment, Enrolment.id == Assignment.enrolment_id)
        .outerjoin(GradingSheet, GradingSheet.assignment_id == Assignment.id)
        .where(Enrolment.session_id == session.id)
        .group_by(Assignment.juror_id, Assignment.exam_id)).all()
    table = {u.id: WorkloadRow(u, {x.id: Counts() for x in exams}) for u in pool}
    missing = {juror_id for juror_id, *_rest in rows} - set(table)
    if missing:  # left the pool (or deactivated) with sheets still in the session
        for user in db.session.scalars(select(User).where(User.id.in_(missing))
                                       .order_by(User.last_name, User.first_name, User.id)):
            table[user.id] = WorkloadRow(user, {x.id: Counts() for x in exams})
    for juror_id, exam_id, assigned, draft, submitted, withdrawn in rows:
        counts = Counts(assigned, draft, submitted, withdrawn)
        row = table[juror_id]
        row.by_exam.setdefault(exam_id, Counts()).add(counts)
        row.total.add(counts)
    return list(table.values())


# -- the reminders before the grading deadline -----------------------------------------
@dataclass(frozen=True)
class Reminder:
    juror_id: int
    email: str
    locale: str | None
    name: str
    exam_id: int
    block: int
    session_name: str
    due_at: datetime
    unsubmitted: int


def reminders_due(now: datetime, hours: int, states) -> list[Reminder]:
    """(juror, épreuve) pairs with active sheets not submitted (or not started) whose
    grading deadline falls within ``hours`` from ``now`` and is not passed, in sessions
    in ``states``: one statement."""
    unsubmitted = func.count(Assignment.id)
    query = (
        select(User.id, User.email, User.locale, User.first_name, User.last_name, Exam.id,
               Block.number, CertificationSession.name, Exam.grading_due_at, unsubmitted)
        .join(Exam, Exam.id == Assignment.exam_id)
        .join(Block, Block.id == Exam.block_id)
        .join(CertificationSession, CertificationSession.id == Exam.session_id)
        .join(User, User.id == Assignment.juror_id)
        .outerjoin(GradingSheet, GradingSheet.assignment_id == Assignment.id)
        .where(Assignment.withdrawn_at.is_(None), User.active.is_(True),
               (GradingSheet.id.is_(None)) | (GradingSheet.status != SheetStatus.SUBMITTED),
               Exam.grading_due_at > now, Exam.grading_due_at <= now + timedelta(hours=hours),
               CertificationSession.status.in_(list(states)))
        .group_by(User.id, User.email, User.locale, User.first_name, User.last_name, Exam.id,
                  Block.number, CertificationSession.name, Exam.grading_due_at)
        .order_by(User.id, Exam.id))
    return [Reminder(juror_id=uid, email=email, locale=locale, name=f"{first} {last}".strip() or email,
                     exam_id=exam_id, block=number, session_name=session_name, due_at=due,
                     unsubmitted=count)
            for uid, email, locale, first, last, exam_id, number, session_name, due, count
            in db.session.execute(query)]


# -- what is left to allocate -----------------------------------------------------------
@dataclass(frozen=True)
class PendingWork:
    """A written work with fewer than N active evaluators: ``shortfall`` is None when the
    automatic allocation would complete it, else why it would not."""

    enrolment: Enrolment
    exam: Exam
    evaluators: int
    shortfall: rules.Shortfall | None


def pending_works(session: CertificationSession, exams: list[Exam]) -> list[PendingWork]:
    """The works short of evaluators now, with what a run would leave short (a dry run of
    the allocation: nothing is written)."""
    facts = allocation_facts(session, exams)
    n = session.evaluators_per_work
    current: dict[tuple[int, int], int] = defaultdict(int)
    for p in facts.existing:
        current[(p.enrolment_id, p.exam_id)] += 1
    preview = rules.allocate(facts.works, facts.jurors, n,
                             forbidden=facts.forbidden | facts.withdrawn,
                             existing=facts.existing)
    short = {(s.work.enrolment_id, s.work.exam_id): s for s in preview.shortfalls}
    order = {e_id: i for i, e_id in enumerate(facts.enrolments)}
    works = sorted((w for w in facts.works if current[(w.enrolment_id, w.exam_id)] < n),
                   key=lambda w: (facts.exams[w.exam_id].position, order[w.enrolment_id]))
    return [PendingWork(facts.enrolments[w.enrolment_id], facts.exams[w.exam_id],
                        current[(w.enrolment_id, w.exam_id)],
                        short.get((w.enrolment_id, w.exam_id))) for w in works]
