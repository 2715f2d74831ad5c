"""Who may plan the oral: the admins who may date the session's épreuves."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from ..extensions import db
from ..sessions.models import Exam, ExamPart, PartKind
from .models import OralSlot


def load_oral_part(session) -> ExamPart:
    """The session's oral part (its session already loaded for the user), else 404."""
    part = db.session.scalar(select(ExamPart).join(Exam, Exam.id == ExamPart.exam_id).where(
        Exam.session_id == session.id, ExamPart.kind == PartKind.ORAL))
    if part is None:
        abort(404)
    return part


def load_slot(part: ExamPart, slot_id: int) -> OralSlot:
    slot = db.session.scalar(select(OralSlot).where(OralSlot.id == slot_id,
                                                    OralSlot.exam_part_id == part.id))
    if slot is None:
        abort(404)
    return slot
