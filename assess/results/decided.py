"""The jury's decisions made the results candidates see: a result's ``outcome`` and its
retained levels follow the current decisions, the title follows the blocs.

Called when the jury decides at its deliberation, and for a re-deliberation only when
its amendment PV is sealed: until then the published result stays what it was.
"""

from __future__ import annotations

from sqlalchemy import select

from rubrics.scoring import title_outcome

from ..candidates.models import Enrolment
from ..decisions.models import BlockDecision, LevelDecision
from ..extensions import db
from ..referential.models import Block
from . import queries as q
from .models import BlockOutcome, BlockResult, TitleOutcome, TitleResult


def apply(session, enrolment: Enrolment) -> None:
    """Write the enrolment's current decisions into its results, then its title."""
    results = {r.block_id: r for r in db.session.scalars(
        select(BlockResult).where(BlockResult.enrolment_id == enrolment.id))}
    for d in db.session.scalars(select(BlockDecision).where(
            BlockDecision.enrolment_id == enrolment.id, BlockDecision.superseded_at.is_(None))):
        if d.block_id in results:
            results[d.block_id].outcome = BlockOutcome(str(d.outcome))
            results[d.block_id].proposed_outcome = d.proposed
    for d in db.session.scalars(select(LevelDecision).where(
            LevelDecision.enrolment_id == enrolment.id, LevelDecision.superseded_at.is_(None))):
        result = results.get(d.block_id)
        if result is not None and (result.criterion_levels or {}).get(d.criterion_code) != d.level:
            # A new dict: the JSON column is replaced, not mutated in place (it would miss it).
            result.criterion_levels = {**(result.criterion_levels or {}), d.criterion_code: d.level}
    db.session.flush()
    derive_title(session, enrolment, results.values())


def derive_title(session, enrolment: Enrolment, block_results) -> None:
    """The title follows the blocs' outcomes and those acquired earlier, still valid."""
    title = db.session.scalar(select(TitleResult).where(
        TitleResult.enrolment_id == enrolment.id))
    if title is None:
        return
    numbers = {b.id: b.number for b in db.session.scalars(
        select(Block).where(Block.version_id == session.referential_version_id))}
    outcomes = {numbers[r.block_id]: str(r.outcome) for r in block_results}
    settings = q.certification()
    earlier = q.earlier_blocs(session).get(enrolment.candidate.user_id, ())
    outcome = title_outcome(outcomes, sorted(numbers.values()), earlier,
                            award_date=q.award_dates([session.id]).get(session.id),
                            expiry_date=settings.expiry_date if settings else None)
    if str(title.outcome) != outcome:
        title.outcome = TitleOutcome(outcome)
        db.session.flush()
