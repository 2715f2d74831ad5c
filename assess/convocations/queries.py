"""Reads of convocations: the latest version of each, for a candidate or an enrolment."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..candidates.models import Candidate, Enrolment
from ..extensions import db
from ..sessions.models import ExamPart
from .models import Convocation


def sent_convocations(*, user_id: int | None = None, enrolment_id: int | None = None
                      ) -> list[Convocation]:
    """Every sent version, newest first, of a candidate's (``user_id``) or an enrolment's
    convocations: one statement."""
    query = (select(Convocation).join(Enrolment, Enrolment.id == Convocation.enrolment_id)
             .join(ExamPart, ExamPart.id == Convocation.exam_part_id)
             .where(Convocation.sent_at.is_not(None))
             .options(joinedload(Convocation.enrolment))
             .order_by(Enrolment.session_id, ExamPart.exam_id, ExamPart.position,
                       Convocation.version.desc()))
    if user_id is not None:
        query = query.join(Candidate, Candidate.id == Enrolment.candidate_id).where(
            Candidate.user_id == user_id)
    if enrolment_id is not None:
        query = query.where(Convocation.enrolment_id == enrolment_id)
    return list(db.session.scalars(query))


def latest_only(convocations: list[Convocation]) -> list[Convocation]:
    seen, latest = set(), []
    for c in convocations:
        if (c.enrolment_id, c.exam_part_id) not in seen:
            seen.add((c.enrolment_id, c.exam_part_id))
            latest.append(c)
    return latest
