"""Reads about appeals: the filing period, a session's appeals, what was decided again."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from workflows.appeal import AppealRefused, check_window, filing_deadline

from ..candidates.models import Candidate, Enrolment
from ..core.columns import utcnow
from ..decisions.models import Appeal, BlockDecision, Minutes
from ..extensions import db
from ..results import queries as results
from .operations import appeal_of, published_on


def deadline(enrolment) -> date | None:
    """The last day the candidate may appeal, or None (no publication, no period)."""
    settings = results.certification()
    published = published_on(enrolment)
    if published is None or not (settings and settings.appeal_days):
        return None
    return filing_deadline(published, settings.appeal_days)


def filing_refusal(enrolment) -> str | None:
    """Why no appeal can be filed now (read before the candidate types a word)."""
    settings = results.certification()
    try:
        check_window(published_on=published_on(enrolment), today=utcnow().date(),
                     period_days=settings.appeal_days if settings else None,
                     already=appeal_of(enrolment) is not None)
    except AppealRefused as refused:
        return refused.reason
    return None


def session_appeals(session_id: int) -> list[Appeal]:
    return list(db.session.scalars(
        select(Appeal).join(Enrolment, Enrolment.id == Appeal.enrolment_id)
        .where(Enrolment.session_id == session_id)
        .options(joinedload(Appeal.enrolment).joinedload(Enrolment.candidate)
                 .joinedload(Candidate.user))
        .order_by(Appeal.filed_at)))


def appeal_decisions(appeal: Appeal) -> dict[int, BlockDecision]:
    """{block id: the decision recorded in answer to ``appeal``}."""
    return {d.block_id: d for d in db.session.scalars(select(BlockDecision).where(
        BlockDecision.appeal_id == appeal.id, BlockDecision.superseded_at.is_(None)))}


def amendment_of(appeal: Appeal) -> Minutes | None:
    return db.session.scalar(select(Minutes).where(Minutes.appeal_id == appeal.id))
