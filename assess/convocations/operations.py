"""Writing convocations: a new version for each candidate and part whose convocation
would say something new, queued for the worker (which makes the PDF and the .ics and
sends them). Flushes, never commits."""

from __future__ import annotations

import hashlib
import json

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workflows.accommodation import Decision
from workflows.base import Refused
from workflows.session import ENROLMENT, EXAMS

from ..accommodations.models import Accommodation, AccommodationMeasure
from ..attendance.models import Attendance, ExamAttendance
from ..audit.operations import record
from ..candidates.models import Enrolment
from ..certification.operations import current as current_certification
from ..core.inserts import insert_many
from ..extensions import db
from ..orals.models import OralSlot
from ..outbox.operations import enqueue_many
from ..sessions.models import Exam
from ..sessions.permissions import can_view_session
from .models import Convocation

SEND_TASK = "convocations.send"
# While candidates are still to come to their épreuves.
SENDING_STATES = frozenset({ENROLMENT, EXAMS})


class ConvocationRefused(Refused):
    """Convocations cannot be sent now; the message says why."""


def details_of(session, exam, part, enrolment, rncp_code: str | None,
               measure: AccommodationMeasure | None = None, slot: OralSlot | None = None
               ) -> dict:
    """What a convocation says, in plain values (times in UTC, ISO): its fingerprint
    changes exactly when the candidate must be told again. A planned oral slot gives the
    candidate's own time, length and room."""
    if slot is not None:
        starts, place, remote = slot.starts_at, slot.room, False
        minutes = int((slot.ends_at - slot.starts_at).total_seconds() // 60)
    else:
        starts, place, remote = part.starts_at, part.place, bool(part.remote)
        minutes = part.duration_minutes
    return {
        "title": session.referential_version.title, "rncp_code": rncp_code,
        "session": session.name, "centre": session.centre.name,
        "bloc": exam.block.number, "bloc_title": exam.block.title,
        "part": str(part.kind), "starts_at": _iso(starts),
        "duration_minutes": minutes, "place": place,
        "remote": remote, "deadline": _iso(part.submission_deadline),
        # What was granted for this épreuve (never the request or its health details).
        "accommodation": ({"extra_minutes": measure.extra_minutes, "aids": measure.aids}
                          if measure is not None else None),
    }


def fingerprint(details: dict) -> str:
    return hashlib.sha256(json.dumps(details, sort_keys=True).encode()).hexdigest()


def send_convocations(actor, session, *, only_if_sent: bool = False) -> dict[str, int]:
    """Queue a convocation for every candidate and scheduled part of the épreuves they
    sit (not those they withdrew from), unless the one already sent says the same.
    ``only_if_sent``: refresh only the convocations already sent once (after a change of
    date or place). Returns how many are new, changed and unchanged."""
    if not can_view_session(actor, session):
        raise ConvocationRefused(_("Vous ne pouvez pas convoquer les candidats de cette "
                                   "session."))
    if session.status not in SENDING_STATES:
        if only_if_sent:
            return {"new": 0, "changed": 0, "unchanged": 0}
        raise ConvocationRefused(_("Les convocations s'envoient quand la session est ouverte "
                                   "aux inscriptions ou pendant les épreuves."))
    exams = list(db.session.scalars(select(Exam).where(Exam.session_id == session.id)))
    parts = [(exam, part) for exam in exams for part in exam.parts if part.scheduled]
    # The blocs of every enrolment in one statement: the loop below reads them all.
    enrolments = list(db.session.scalars(
        select(Enrolment).where(Enrolment.session_id == session.id)
        .options(selectinload(Enrolment.blocks))))
    withdrawn = set(db.session.execute(
        select(ExamAttendance.enrolment_id, ExamAttendance.exam_id)
        .join(Enrolment, Enrolment.id == ExamAttendance.enrolment_id)
        .where(Enrolment.session_id == session.id,
               ExamAttendance.status == Attendance.WITHDRAWN)).all())
    latest: dict[tuple[int, int], tuple[int, str]] = {}
    for e, p, v, f in db.session.execute(
            select(Convocation.enrolment_id, Convocation.exam_part_id, Convocation.version,
                   Convocation.fingerprint)
            .join(Enrolment, Enrolment.id == Convocation.enrolment_id)
            .where(Enrolment.session_id == session.id).order_by(Convocation.version)):
        latest[(e, p)] = (v, f)  # ordered by version: the last one wins
    granted = {(a.enrolment_id, m.exam_id): m for a, m in db.session.execute(
        select(Accommodation, AccommodationMeasure)
        .join(AccommodationMeasure, AccommodationMeasure.accommodation_id == Accommodation.id)
        .join(Enrolment, Enrolment.id == Accommodation.enrolment_id)
        .where(Enrolment.session_id == session.id,
               Accommodation.status == Decision.GRANTED))}
    slots = {(s.enrolment_id, s.exam_part_id): s for s in db.session.scalars(
        select(OralSlot).join(Enrolment, Enrolment.id == OralSlot.enrolment_id)
        .where(Enrolment.session_id == session.id))}
    rncp = current_certification().rncp_code
    counts = {"new": 0, "changed": 0, "unchanged": 0}
    rows = []
    for enrolment in enrolments:
        sat = {b.id for b in enrolment.blocks}
        for exam, part in parts:
            if exam.block_id not in sat or (enrolment.id, exam.id) in withdrawn:
                continue
            before = latest.get((enrolment.id, part.id))
            if before is None and only_if_sent:
                continue
            details = details_of(session, exam, part, enrolment, rncp,
                                 granted.get((enrolment.id, exam.id)),
                                 slots.get((enrolment.id, part.id)))
            mark = fingerprint(details)
            if before is not None and before[1] == mark:
                counts["unchanged"] += 1
                continue
            counts["changed" if before else "new"] += 1
            rows.append({"enrolment_id": enrolment.id, "exam_part_id": part.id,
                         "version": (before[0] + 1) if before else 1, "details": details,
                         "fingerprint": mark, "created_by_id": getattr(actor, "id", None)})
    ids = [i for (i,) in insert_many(Convocation, rows, returning=("id",))]
    enqueue_many(SEND_TASK, [({"convocation_id": i}, f"{SEND_TASK}:{i}") for i in sorted(ids)])
    if rows:
        record(actor, "convocations.queued", session, session_id=session.id, new=counts)
    db.session.flush()
    return counts


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None
