"""Allocation of written work: its settings and the automatic run (one e-mail per juror
for the batch: ``juries.messages.notify_batch``). Each takes the acting user, audits,
flushes, never commits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from workflows import allocation as rules
from workflows.base import Refused

from ..accounts.models import User
from ..audit.operations import record
from ..core.columns import utcnow
from ..extensions import db
from ..i18n import moment
from ..juries.messages import notify_batch
from ..juries.operations import assign_juror
from ..sessions.models import CertificationSession, Exam
from ..sessions.operations import ensure_allows
from . import queries
from .permissions import can_allocate


class AllocationError(Refused):
    """A refused allocation change; the message is meant for the user."""


class SettingsRefused(AllocationError):
    """Deadlines that cannot be kept; ``problems`` says, per exam id, what to change."""

    def __init__(self, problems: dict[int, str]):
        super().__init__(_("Certaines dates limites de correction sont impossibles : corrigez "
                           "les champs signalés, votre saisie a été conservée."))
        self.problems = problems


@dataclass(frozen=True)
class Settings:
    evaluators_per_work: int
    max_sheets_per_juror: int | None
    grading_due: dict[int, datetime | None]  # written exam id -> naive UTC


@dataclass
class SettingsChange:
    changed: bool
    over_max: list[tuple[User, int]] = field(default_factory=list)  # juror, sheets held


def _check(actor, session: CertificationSession) -> None:
    ensure_allows(session, "assign")
    if not can_allocate(actor, session):
        raise AllocationError(_("Vous ne pouvez pas répartir les copies de cette session."))


def update_settings(actor, session: CertificationSession, settings: Settings) -> SettingsChange:
    """Set how many evaluators grade each work, the maximum load, and the grading deadline
    of each written épreuve. A maximum below what jurors already hold is accepted (nothing
    is taken off them; they get no more): those jurors are returned to be told."""
    _check(actor, session)
    n, top = settings.evaluators_per_work, settings.max_sheets_per_juror
    if n is None or not 1 <= n <= 5:
        raise AllocationError(_("Indiquez un nombre d'évaluateurs entre 1 et 5."))
    if top is not None and top < 1:
        raise AllocationError(_("Indiquez un nombre de copies d'au moins 1, ou laissez vide "
                                "(sans limite)."))
    exams = {x.id: x for x in queries.written_exams(session.id)}
    if set(settings.grading_due) - set(exams):
        raise AllocationError(_("Une épreuve ne fait pas partie de cette session : rechargez "
                                "la page."))
    _check_deadlines(exams, settings.grading_due)
    old = _values(session, exams.values())
    session.evaluators_per_work, session.max_sheets_per_juror = n, top
    for exam_id, due in settings.grading_due.items():
        exams[exam_id].grading_due_at = due
    new = _values(session, exams.values())
    change = SettingsChange(changed=new != old)
    if change.changed:
        record(actor, "allocation.settings_updated", session, session_id=session.id,
               old=old, new=new)
    db.session.flush()
    if top is not None:
        loads = queries.loads_in_session(session.id)
        over = {i: n for i, n in loads.items() if n > top}
        if over:
            users = db.session.scalars(select(User).where(User.id.in_(over))
                                       .order_by(User.last_name, User.first_name, User.id))
            change.over_max = [(u, over[u.id]) for u in users]
    return change


def _check_deadlines(exams: dict[int, Exam], due: dict[int, datetime | None]) -> None:
    now = utcnow()
    problems = {}
    for exam_id, value in due.items():
        exam = exams[exam_id]
        if value is None or _minute(value) == _minute(exam.grading_due_at):
            continue  # unchanged: a deadline passed meanwhile may stay as it was
        end = queries.exam_end(exam)
        if value < now:
            problems[exam_id] = _("Cette date est passée : indiquez une date à venir.")
        elif end is not None and value <= end:
            problems[exam_id] = _("La correction ne peut finir qu'après l'épreuve (qui se "
                                  "termine le %(end)s).", end=moment(end))
    if problems:
        raise SettingsRefused(problems)


def _minute(value: datetime | None) -> datetime | None:
    return value.replace(second=0, microsecond=0) if value is not None else None


def _values(session: CertificationSession, exams: Iterable[Exam]) -> dict:
    return {"evaluators_per_work": session.evaluators_per_work,
            "max_sheets_per_juror": session.max_sheets_per_juror,
            "grading_due": {str(x.id): x.grading_due_at.isoformat() if x.grading_due_at
                            else None for x in sorted(exams, key=lambda x: x.id)}}


@dataclass(frozen=True)
class ShortWork:
    """A work the allocation left with fewer than N evaluators, and why."""

    enrolment: object
    exam: Exam
    shortfall: rules.Shortfall


@dataclass
class RunReport:
    created: int
    notified: int
    batch_key: str
    short: list[ShortWork]


def run_allocation(actor, session: CertificationSession) -> RunReport:
    """Give every written work of the session's enrolments its N evaluators where the rules
    allow (``workflows.allocation``), through ``assign_juror`` (which checks each pair
    again), and tell each juror who got new sheets in one e-mail. Running it again creates
    nothing that exists."""
    _check(actor, session)
    exams = queries.written_exams(session.id)
    facts = queries.allocation_facts(session, exams)
    result = rules.allocate(facts.works, facts.jurors, session.evaluators_per_work,
                            forbidden=facts.forbidden | facts.withdrawn,
                            existing=facts.existing)
    made = [assign_juror(actor, facts.enrolments[p.enrolment_id], facts.exams[p.exam_id],
                         facts.users[p.juror_id]) for p in result.assignments]
    event = record(actor, "allocation.run", session, session_id=session.id, new={
        "created": len(made), "works": len(facts.works),
        "short": len(result.shortfalls), "jurors": len({a.juror_id for a in made}),
        "evaluators_per_work": session.evaluators_per_work,
        "max_sheets_per_juror": session.max_sheets_per_juror})
    db.session.flush()
    batch_key = f"run{event.id}"
    notified = notify_batch(made, batch_key)
    short = [ShortWork(facts.enrolments[s.work.enrolment_id], facts.exams[s.work.exam_id], s)
             for s in result.shortfalls]
    return RunReport(created=len(made), notified=notified, batch_key=batch_key, short=short)
