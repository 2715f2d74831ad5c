"""Blocs a person already holds: validated in a session whose results were published to
them, still within the validity the certification sets for acquired blocs (empty: for
life). A re-sit does not enrol them again. Blocs are matched by number across the
référentiel's versions (the same title, the same bloc)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from rubrics.scoring import still_valid
from workflows.session import RESULTS_RELEASED

from ..certification.operations import current as current_certification
from ..extensions import db
from ..referential.models import Block
from ..results.models import BlockOutcome, BlockResult, TitleResult
from ..sessions.models import CertificationSession
from .models import Candidate, Enrolment


@dataclass(frozen=True)
class AcquiredBloc:
    number: int
    session_name: str
    published_at: datetime


def acquired_blocs(user_ids: list[int], *, today: date | None = None
                   ) -> dict[int, dict[int, AcquiredBloc]]:
    """{user id: {bloc number: where and when it was acquired}} in one statement."""
    if not user_ids:
        return {}
    today = today or date.today()
    years = current_certification().bloc_validity_years
    rows = db.session.execute(
        select(Candidate.user_id, Block.number, CertificationSession.name,
               TitleResult.published_at)
        .join(Enrolment, Enrolment.candidate_id == Candidate.id)
        .join(CertificationSession, CertificationSession.id == Enrolment.session_id)
        .join(BlockResult, BlockResult.enrolment_id == Enrolment.id)
        .join(Block, Block.id == BlockResult.block_id)
        .join(TitleResult, TitleResult.enrolment_id == Enrolment.id)
        .where(Candidate.user_id.in_(user_ids), BlockResult.outcome == BlockOutcome.VALIDATED,
               TitleResult.published_at.is_not(None),
               CertificationSession.status.in_(RESULTS_RELEASED))
        .order_by(TitleResult.published_at))
    found: dict[int, dict[int, AcquiredBloc]] = {}
    for user_id, number, name, published_at in rows:
        if not still_valid(published_at.date(), today, years):
            continue  # expired: the same rule as the results' (rubrics.scoring)
        found.setdefault(user_id, {}).setdefault(number, AcquiredBloc(number, name,
                                                                      published_at))
    return found
