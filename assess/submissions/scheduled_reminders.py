"""The periodic reminders before a hand-in deadline, run by the worker's beat (an admin
may also remind, on demand, those missing a required deliverable: ``reminders``).

Every ``REMINDER_EVERY`` seconds it finds, in one statement, the candidates who have handed
in nothing yet for an épreuve whose deadline (theirs, if they were granted an extension)
is less than one of ``DELIVERABLE_REMINDER_DAYS`` away (7 and 1 by default), and queues one
e-mail per candidate, part and threshold through the outbox. Reminders are computed from
the database, never scheduled ahead: a restart loses none, and the key
(``deliverable_reminder:<user>:part:<id>:J<days>``) sends each once. A platform that was
down at J-7 sends the J-7 reminder late, but never two reminders at once: only the nearest
threshold already reached counts. Withdrawn or absent candidates get none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import Celery
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, or_, select

from workflows.session import ALLOWS

from ..accounts.models import User
from ..attendance.models import ExamAttendance
from ..candidates.models import Candidate, Enrolment, enrolment_blocks
from ..core.columns import utcnow
from ..extensions import db
from ..i18n import moment
from ..notifications.operations import notify_many
from ..outbox import periodic
from ..outbox.periodic import register_look
from ..referential.labels import part_label
from ..sessions.models import CertificationSession, Exam, ExamPart
from .models import DeadlineExtension, StoredFile, Submission, SubmittedLink

REMINDER_TASK = "submissions.deliverable_reminders"
REMINDER_EVENT = "deliverable_reminder"
REMINDER_EVERY = 3600.0  # seconds between two looks: thresholds are counted in days


@dataclass(frozen=True)
class Due:
    user_id: int
    email: str
    name: str
    locale: str | None
    part_id: int
    part_kind: str
    block: int
    session_name: str
    deadline: datetime  # the candidate's own (an extension replaces the part's)


def thresholds() -> list[int]:
    configured = current_app.config.get("DELIVERABLE_REMINDER_DAYS", (7, 1))
    return sorted({int(d) for d in configured if int(d) > 0})


def reminders_due(now: datetime, days: list[int]) -> list[tuple[Due, int]]:
    """(who, threshold) pairs due at ``now``: one statement whatever the number."""
    if not days:
        return []
    deadline = func.coalesce(DeadlineExtension.until, ExamPart.submission_deadline)
    handed_in = exists().where(
        Submission.enrolment_id == Enrolment.id, Submission.exam_id == Exam.id,
        or_(exists().where(StoredFile.submission_id == Submission.id),
            exists().where(SubmittedLink.submission_id == Submission.id)))
    not_sitting = exists().where(ExamAttendance.enrolment_id == Enrolment.id,
                                 ExamAttendance.exam_id == Exam.id)
    rows = db.session.execute(
        select(User.id, User.email, User.first_name, User.last_name, User.locale,
               ExamPart.id, ExamPart.kind, Exam.position, CertificationSession.name,
               deadline)
        .select_from(ExamPart)
        .join(Exam, Exam.id == ExamPart.exam_id)
        .join(CertificationSession, CertificationSession.id == Exam.session_id)
        .join(Enrolment, Enrolment.session_id == CertificationSession.id)
        .join(enrolment_blocks, and_(enrolment_blocks.c.enrolment_id == Enrolment.id,
                                     enrolment_blocks.c.block_id == Exam.block_id))
        .join(Candidate, Candidate.id == Enrolment.candidate_id)
        .join(User, User.id == Candidate.user_id)
        .outerjoin(DeadlineExtension, and_(DeadlineExtension.enrolment_id == Enrolment.id,
                                           DeadlineExtension.exam_id == Exam.id))
        .where(ExamPart.submission_deadline.is_not(None),
               CertificationSession.status.in_(ALLOWS["upload"]),
               User.active.is_(True), ~handed_in, ~not_sitting,
               deadline > now, deadline <= now + timedelta(days=max(days)))
        .order_by(User.id, ExamPart.id))
    found = []
    for uid, email, first, last, locale, part_id, kind, block, session, due in rows:
        reached = [d for d in days if due - timedelta(days=d) <= now]
        if reached:
            found.append((Due(uid, email, f"{first} {last}", locale, part_id, str(kind), block,
                              session, due), min(reached)))
    return found


def queue_deliverable_reminders(now: datetime | None = None) -> int:
    """Queue the reminders due at ``now`` (naive UTC); returns how many were looked at
    (those already sent are left alone by their key). Does not commit."""
    due = reminders_due(now or utcnow(), thresholds())
    messages = [(d.user_id, d.email, f"part:{d.part_id}:J{days}", *_message(d))
                for d, days in due]
    if messages:
        notify_many(REMINDER_EVENT, messages, link="/candidat/")
    return len(messages)


def _message(d: Due) -> tuple[str, str]:
    with force_locale(d.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        what = _("%(part)s du bloc %(block)d", part=part_label(d.part_kind), block=d.block)
        subject = _("Rappel : %(what)s à déposer avant le %(due)s", what=what,
                    due=moment(d.deadline))
        body = _("Bonjour %(name)s,\n\nPour la session « %(session)s », vous n'avez encore "
                 "rien déposé pour : %(what)s. Le dépôt se ferme le %(due)s (heure de "
                 "Paris) ; après, il n'est plus accepté sans prolongation accordée par votre "
                 "centre.\n\nDéposez votre travail sur %(url)s\n", name=d.name,
                 session=d.session_name, what=what, due=moment(d.deadline),
                 url=current_app.config["BASE_URL"].rstrip("/") + "/candidat/")
    return subject, body


def register(celery: Celery) -> None:
    register_look(celery, REMINDER_TASK, queue_deliverable_reminders, "deliverable reminders (candidate × part)")


def schedule() -> dict:
    """The beat entry (``assess.background.celery_app``)."""
    return periodic.schedule(REMINDER_TASK, REMINDER_EVERY)
