"""Recording that a candidate was absent from, or withdrew from, an épreuve. Flushes,
never commits; every change is audited (old and new)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from workflows.base import Refused

from ..audit.operations import record
from ..core.columns import utcnow
from ..extensions import db
from ..sessions.operations import ensure_allows
from .models import Attendance, ExamAttendance
from .permissions import can_record_attendance


class AttendanceRefused(Refused):
    """A refused absence or withdrawal; the message says what to change."""


def attendance_of(enrolment, exam) -> ExamAttendance | None:
    return db.session.scalar(select(ExamAttendance).where(
        ExamAttendance.enrolment_id == enrolment.id, ExamAttendance.exam_id == exam.id))


def record_attendance(actor, enrolment, exam, status: Attendance | str, on_date: date,
                      note: str = "") -> ExamAttendance:
    """Mark the candidate absent from, or withdrawn from, ``exam`` on ``on_date``."""
    _check(actor, enrolment, exam)
    if on_date > utcnow().date():
        raise AttendanceRefused(_("La date ne peut pas être dans le futur : indiquez le jour "
                                  "de l'absence ou celui où le désistement a été annoncé."))
    row = attendance_of(enrolment, exam)
    new = {"status": str(Attendance(status)), "on_date": on_date.isoformat(),
           "note": note.strip() or None}
    old = None
    if row is None:
        row = ExamAttendance(enrolment_id=enrolment.id, exam_id=exam.id)
        db.session.add(row)
    else:
        old = {"status": str(row.status), "on_date": row.on_date.isoformat(), "note": row.note}
        if old == new:
            return row
    row.status, row.on_date, row.note = Attendance(status), on_date, new["note"]
    row.recorded_by_id, row.recorded_at = getattr(actor, "id", None), utcnow()
    db.session.flush()
    record(actor, "attendance.recorded", enrolment, old=old,
           new={"exam_id": exam.id, **new}, session_id=enrolment.session_id)
    return row


def clear_attendance(actor, enrolment, exam) -> None:
    """The candidate sits the épreuve after all (an absence recorded by mistake)."""
    _check(actor, enrolment, exam)
    row = attendance_of(enrolment, exam)
    if row is None:
        return
    record(actor, "attendance.cleared", enrolment, session_id=enrolment.session_id,
           old={"exam_id": exam.id, "status": str(row.status),
                "on_date": row.on_date.isoformat()})
    db.session.delete(row)
    db.session.flush()


def _check(actor, enrolment, exam) -> None:
    session = enrolment.session
    ensure_allows(session, "attendance")
    if not can_record_attendance(actor, enrolment):
        raise AttendanceRefused(_("Vous ne pouvez pas modifier la présence de ce candidat."))
    if exam.session_id != session.id or exam.block_id not in {b.id for b in enrolment.blocks}:
        raise AttendanceRefused(_("Ce candidat n'est pas inscrit à cette épreuve."))
