"""Rows for the oral panel tests: a world whose candidates have oral slots, and jurors
who may sit on bloc 3's panels."""

from __future__ import annotations

from datetime import timedelta

from assess.extensions import db
from assess.juries.models import juror_blocks
from assess.orals.models import OralPanelMember, OralSlot
from assess.sessions.models import PartKind


def oral_part(session):
    return next(p for e in session.exams for p in e.parts if p.kind == PartKind.ORAL)


def may_sit(*jurors, block=3) -> None:
    for juror in jurors:
        juror.is_professional = True
        db.session.execute(juror_blocks.insert().values(juror_id=juror.id, block_number=block))


def slot(session, enrolment, room, starts, minutes=45) -> OralSlot:
    row = OralSlot(exam_part_id=oral_part(session).id, enrolment_id=enrolment.id, room=room,
                   starts_at=starts, ends_at=starts + timedelta(minutes=minutes))
    db.session.add(row)
    db.session.flush()
    return row


def seat(slot_row, juror, role="member") -> None:
    db.session.add(OralPanelMember(slot_id=slot_row.id, juror_id=juror.id, role=role))
    db.session.flush()
