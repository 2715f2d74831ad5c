"""Reads of the oral planning: the part's slots with their candidates, one statement."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..candidates.models import Candidate, Enrolment
from ..extensions import db
from .models import OralSlot


def slots_of(part_id: int) -> list[OralSlot]:
    return list(db.session.scalars(
        select(OralSlot).where(OralSlot.exam_part_id == part_id)
        .options(joinedload(OralSlot.enrolment).joinedload(Enrolment.candidate)
                 .joinedload(Candidate.user))
        .order_by(OralSlot.starts_at, OralSlot.room)))
