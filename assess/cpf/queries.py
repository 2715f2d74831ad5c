"""The holders to declare and their state, the history of exports and reports, and the
deadline alert of the certifier's pages. Set-based: a fixed number of statements
whatever the number of holders.

A holder is an enrolment whose title result is awarded and published; their award date
is the day the jury deliberated (``Deliberation.held_on``); the legal deadline of the
declaration is three months later.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.models import Role, User
from ..candidates.models import CPF_ACCESS_ROUTE, Candidate, Enrolment, enrolment_blocks
from ..centres.models import TrainingCentre
from ..certification.models import Certification
from ..core.columns import utcnow
from ..decisions.models import Deliberation
from ..extensions import db
from ..results.models import TitleOutcome, TitleResult
from ..sessions.models import CertificationSession, Exam, ExamPart
from .models import CpfDeclaration, CpfExport, CpfReport, DeclarationStatus
from .rules import Identity, Problem, add_months, problems

DEADLINE_MONTHS = 3
# Holders whose deadline is this close (or past) are highlighted.
ALERT_DAYS = 30
NEVER_SENT = "never_sent"


@dataclass
class Holder:
    enrolment: Enrolment
    candidate: Candidate
    user: User
    session: CertificationSession
    centre: TrainingCentre
    award_date: date
    declaration: CpfDeclaration | None
    exam_start: date | None = None
    exam_end: date | None = None
    exam_mode: str | None = None  # EN_PRESENTIEL, A_DISTANCE or MIXTE
    problems: list[Problem] = field(default_factory=list)

    @property
    def identity(self) -> Identity:
        return Identity.of(self.candidate)

    @property
    def status(self) -> str:
        return str(self.declaration.status) if self.declaration is not None else NEVER_SENT

    @property
    def deadline(self) -> date:
        return add_months(self.award_date, DEADLINE_MONTHS)

    @property
    def to_send(self) -> bool:
        """In the next export: never sent, or rejected by the CDC."""
        return self.status in (NEVER_SENT, DeclarationStatus.REJECTED)

    def days_left(self, today: date | None = None) -> int:
        return (self.deadline - (today or utcnow().date())).days

    def urgent(self, today: date | None = None) -> bool:
        """Still to declare, its deadline within ``ALERT_DAYS`` days or past."""
        return self.to_send and self.days_left(today) <= ALERT_DAYS

    @property
    def name(self) -> str:
        return self.user.full_name


def holders(date_from: date, date_to: date) -> list[Holder]:
    """The holders awarded from ``date_from`` to ``date_to`` (inclusive), by award date
    then name, with their declaration, their exam dates and the problems of their record
    (four statements)."""
    rows = db.session.execute(
        select(Enrolment, Candidate, User, CertificationSession, TrainingCentre,
               Deliberation.held_on, CpfDeclaration)
        .join(TitleResult, TitleResult.enrolment_id == Enrolment.id)
        .join(Candidate, Candidate.id == Enrolment.candidate_id)
        .join(User, User.id == Candidate.user_id)
        .join(CertificationSession, CertificationSession.id == Enrolment.session_id)
        .join(TrainingCentre, TrainingCentre.id == CertificationSession.centre_id)
        .join(Deliberation, Deliberation.session_id == CertificationSession.id)
        .outerjoin(CpfDeclaration, CpfDeclaration.enrolment_id == Enrolment.id)
        .where(TitleResult.outcome == TitleOutcome.AWARDED,
               TitleResult.published_at.is_not(None),
               Deliberation.held_on >= date_from, Deliberation.held_on <= date_to)
        .order_by(Deliberation.held_on, User.last_name, User.first_name, Enrolment.id)).all()
    found = [Holder(e, c, u, s, centre, held_on, d) for e, c, u, s, centre, held_on, d in rows]
    _exam_dates(found)
    for h in found:
        h.problems = problems(h.identity, h.candidate.access_route, CPF_ACCESS_ROUTE)
    return found


def _exam_dates(found: list[Holder]) -> None:
    """Each holder's first and last exam day (their blocs' épreuves, in the platform's
    time zone) and whether they sat them in person, remotely or both."""
    if not found:
        return
    session_ids = sorted({h.session.id for h in found})
    enrolment_ids = [h.enrolment.id for h in found]
    parts = defaultdict(list)  # (session id, block id) -> [(start, end, remote)]
    for session_id, block_id, starts_at, minutes, remote in db.session.execute(
            select(Exam.session_id, Exam.block_id, ExamPart.starts_at,
                   ExamPart.duration_minutes, ExamPart.remote)
            .join(ExamPart, ExamPart.exam_id == Exam.id)
            .where(Exam.session_id.in_(session_ids), ExamPart.starts_at.is_not(None))):
        end = starts_at + timedelta(minutes=minutes or 0)
        parts[(session_id, block_id)].append((starts_at, end, bool(remote)))
    blocks = defaultdict(list)
    for enrolment_id, block_id in db.session.execute(
            select(enrolment_blocks.c.enrolment_id, enrolment_blocks.c.block_id)
            .where(enrolment_blocks.c.enrolment_id.in_(enrolment_ids))):
        blocks[enrolment_id].append(block_id)
    zone = ZoneInfo(current_app.config.get("TIMEZONE") or "Europe/Paris")
    for h in found:
        mine = [p for b in blocks[h.enrolment.id] for p in parts[(h.session.id, b)]]
        if not mine:
            continue
        h.exam_start = _local_day(min(p[0] for p in mine), zone)
        h.exam_end = _local_day(max(p[1] for p in mine), zone)
        remote = {p[2] for p in mine}
        h.exam_mode = ("MIXTE" if len(remote) == 2 else
                       "A_DISTANCE" if True in remote else "EN_PRESENTIEL")


def _local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).date()


def certification() -> Certification | None:
    return db.session.get(Certification, 1)


def exports() -> list[CpfExport]:
    """Every export, newest first, with who made it (one statement)."""
    return list(db.session.scalars(select(CpfExport).options(joinedload(CpfExport.created_by))
                                   .order_by(CpfExport.id.desc())))


def reports() -> list[CpfReport]:
    return list(db.session.scalars(select(CpfReport).options(joinedload(CpfReport.imported_by))
                                   .order_by(CpfReport.id.desc())))


def export_by_flux(id_flux: str) -> CpfExport | None:
    return db.session.scalar(select(CpfExport).where(CpfExport.id_flux == id_flux))


def declarations_by_id(id_techniques) -> dict[str, CpfDeclaration]:
    ids = sorted(set(id_techniques))
    found: dict[str, CpfDeclaration] = {}
    for start in range(0, len(ids), 500):
        found.update((d.id_technique, d) for d in db.session.scalars(
            select(CpfDeclaration).where(CpfDeclaration.id_technique.in_(ids[start:start + 500]))))
    return found


def report_by_hash(sha256: str) -> CpfReport | None:
    return db.session.scalar(select(CpfReport).where(CpfReport.sha256 == sha256))


def key_in_use(key: str) -> bool:
    return (db.session.scalar(select(CpfExport.id).where(CpfExport.storage_key == key)
                              .limit(1)) is not None
            or db.session.scalar(select(CpfReport.id).where(CpfReport.storage_key == key)
                                 .limit(1)) is not None)


@dataclass(frozen=True)
class DeadlineAlert:
    """Holders still to declare whose deadline is within ``ALERT_DAYS`` days or past."""

    due_soon: int
    overdue: int
    first_deadline: date
    first_award: date  # the earliest award date among them (the /cpf page's range)
    within: int = ALERT_DAYS

    @property
    def total(self) -> int:
        return self.due_soon + self.overdue


def deadline_alert(user, today: date | None = None) -> DeadlineAlert | None:
    """For the certifier's pages: None for anyone else, or when no holder is close to
    their deadline (one statement)."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.CERTIFIER_ADMIN:
        return None
    today = today or utcnow().date()
    # deadline <= today + ALERT_DAYS  <=>  award date <= that day three months earlier
    # (give or take the days a shorter month clamps: checked exactly below).
    latest = add_months(today + timedelta(days=ALERT_DAYS), -DEADLINE_MONTHS) \
        + timedelta(days=3)
    days = db.session.scalars(
        select(Deliberation.held_on)
        .join(Enrolment, Enrolment.session_id == Deliberation.session_id)
        .join(TitleResult, TitleResult.enrolment_id == Enrolment.id)
        .outerjoin(CpfDeclaration, CpfDeclaration.enrolment_id == Enrolment.id)
        .where(TitleResult.outcome == TitleOutcome.AWARDED,
               TitleResult.published_at.is_not(None), Deliberation.held_on <= latest,
               (CpfDeclaration.id.is_(None))
               | (CpfDeclaration.status == DeclarationStatus.REJECTED))).all()
    close = [(add_months(d, DEADLINE_MONTHS), d) for d in days]
    close = [(deadline, d) for deadline, d in close if (deadline - today).days <= ALERT_DAYS]
    if not close:
        return None
    overdue = sum(1 for deadline, _d in close if deadline < today)
    return DeadlineAlert(due_soon=len(close) - overdue, overdue=overdue,
                         first_deadline=min(c[0] for c in close),
                         first_award=min(c[1] for c in close))
