"""The deliberation's state changes: open, decide, reveal identities, close. They flush,
never commit (assess.unit_of_work), and audit every decision with who recorded it.

A decision writes through to the result the candidate will see (``results.decided``:
``BlockResult.outcome``, the retained levels, the title derived again); a decision
recorded in answer to an appeal does so only once its amendment PV is sealed.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from rubrics.scoring import block_outcome
from workflows.base import N_
from workflows.deliberation import (
    DELIBERATION,
    NOT_OPENED,
    DecisionRefused,
    check_bloc_decision,
    check_held_on,
    check_level_decision,
    check_reason,
)

from ..audit.operations import record
from ..candidates.models import Enrolment
from ..core.columns import utcnow
from ..decisions.models import BlockDecision, DecidedOutcome, Deliberation, LevelDecision
from ..extensions import db
from ..minutes import operations as minutes
from ..referential.models import Block
from ..results import decided
from ..results import queries as results
from ..results.models import BlockResult
from ..submissions import anonymity
from . import queries as q


def open_deliberation(actor, session, *, held_on: date, place: str | None) -> Deliberation:
    current = q.deliberation_of(session.id)
    DELIBERATION.check("open", current.status if current else NOT_OPENED, q.context(session))
    check_held_on(held_on, today=utcnow().date(),
                  computed_on=results.award_dates([session.id]).get(session.id))
    row = Deliberation(session_id=session.id, held_on=held_on,
                       place=(place or "").strip() or None, opened_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    record(actor, "deliberation.opened", row, new={"held_on": held_on.isoformat(),
                                                   "place": row.place},
           session_id=session.id)
    return row


def _open_row(session) -> Deliberation:
    row = q.deliberation_of(session.id)
    DELIBERATION.check("decide", row.status if row else NOT_OPENED, q.context(session))
    return row


def decide(actor, session, enrolment_id: int, block_id: int, *, outcome: str,
           reason: str | None, levels: dict[str, tuple[str, str | None]] | None = None,
           appeal=None) -> BlockDecision:
    """Record the jury's decision on one candidate's bloc: the level retained for each
    disputed criterion (``levels``: {code: (level, reason)}), then the bloc's outcome.
    The proposal the outcome is compared with is the rule applied to the retained levels.
    ``appeal``: a re-deliberation after an appeal (the deliberation is then closed)."""
    if appeal is None:
        _open_row(session)
    enrolment = db.session.get(Enrolment, enrolment_id)
    block = db.session.get(Block, block_id)
    if enrolment is None or enrolment.session_id != session.id or block is None \
            or block.version_id != session.referential_version_id:
        raise DecisionRefused(N_("Ce candidat ou ce bloc n'appartient pas à la session."))
    enrolled = any(b.id == block_id for b in enrolment.blocks)
    sat = (enrolment_id, block_id) not in results.absences(session.id)
    check_bloc_decision(outcome, enrolled=enrolled, sat=sat)
    result = db.session.scalar(select(BlockResult).where(
        BlockResult.enrolment_id == enrolment_id, BlockResult.block_id == block_id))
    if result is None:
        raise DecisionRefused(N_("Les résultats de ce candidat ne sont pas calculés : lancez "
                                 "le calcul des résultats d'abord."))
    now = utcnow()
    for code, (level, level_reason) in sorted((levels or {}).items()):
        _retain(actor, session, result, code, level, level_reason, now, appeal)
    scale = results.scale_of(session.referential_version.data)
    proposal = block_outcome(results.rule_of(block.rule),
                             _levels_with_retained(result), scale)
    text = check_reason(proposal, outcome, reason)
    current = _current(BlockDecision, enrolment_id, block_id)
    if current is not None:
        if (str(current.outcome), current.reason) == (outcome, text) and appeal is None:
            return current  # the same decision submitted twice: nothing new to record
        current.superseded_at = now
        db.session.flush()  # the one-current index sees the old row superseded first
    decision = BlockDecision(enrolment_id=enrolment_id, block_id=block_id,
                             outcome=DecidedOutcome(outcome), proposed=str(proposal),
                             reason=text, decided_by_id=actor.id, decided_at=now,
                             appeal_id=getattr(appeal, "id", None))
    db.session.add(decision)
    db.session.flush()
    record(actor, "deliberation.bloc_decided", decision,
           old={"outcome": str(current.outcome), "reason": current.reason} if current else
           {"proposed": str(proposal)},
           new={"outcome": outcome, "bloc": block.number, "enrolment_id": enrolment_id,
                "appeal_id": getattr(appeal, "id", None)},
           reason=text, session_id=session.id)
    if appeal is None:  # a re-deliberation takes effect when its amendment is sealed
        decided.apply(session, enrolment)
    return decision


def _retain(actor, session, result: BlockResult, code: str, level: str,
            reason: str | None, now, appeal) -> None:
    scale = results.scale_of(session.referential_version.data)
    check_level_decision(level, scale_codes=tuple(lv.code for lv in scale.levels),
                         disputed=code in (result.disagreements or ()))
    current = _current(LevelDecision, result.enrolment_id, result.block_id, code)
    text = check_reason(None, level, reason)
    if current is not None:
        if (current.level, current.reason) == (level, text) and appeal is None:
            return
        current.superseded_at = now
        db.session.flush()
    row = LevelDecision(enrolment_id=result.enrolment_id, block_id=result.block_id,
                        criterion_code=code, level=level, reason=text,
                        decided_by_id=actor.id, decided_at=now,
                        appeal_id=getattr(appeal, "id", None))
    db.session.add(row)
    db.session.flush()
    record(actor, "deliberation.level_retained", row,
           old={"level": current.level} if current else None,
           new={"criterion": code, "level": level, "enrolment_id": result.enrolment_id},
           reason=text, session_id=session.id)


def _levels_with_retained(result: BlockResult) -> dict:
    """The consolidated levels with the jury's retained level on each disagreement."""
    levels = dict(result.criterion_levels or {})
    for row in db.session.scalars(select(LevelDecision).where(
            LevelDecision.enrolment_id == result.enrolment_id,
            LevelDecision.block_id == result.block_id, LevelDecision.superseded_at.is_(None))):
        levels[row.criterion_code] = row.level
    return levels


def _current(model, enrolment_id: int, block_id: int, code: str | None = None):
    query = select(model).where(model.enrolment_id == enrolment_id,
                                model.block_id == block_id, model.superseded_at.is_(None))
    if code is not None:
        query = query.where(model.criterion_code == code)
    return db.session.scalar(query)


def reveal_identities(actor, session) -> None:
    """Lift the anonymity of grading, here at deliberation, as an audited action."""
    refusal = anonymity.reveal_refusal(session)
    if refusal:
        raise anonymity.RevealRefused(refusal)
    session.identities_revealed_at, session.identities_revealed_by_id = utcnow(), actor.id
    db.session.flush()
    record(actor, "session.identities_revealed", session, new={"at": "deliberation"},
           session_id=session.id)


def close_deliberation(actor, session):
    """Close once every bloc sat is decided; the PV is drawn for the members to sign."""
    row = q.deliberation_of(session.id)
    DELIBERATION.check("close", row.status if row else NOT_OPENED,
                       q.context(session, undecided=q.undecided_labels(session)))
    row.status, row.closed_at, row.closed_by_id = "closed", utcnow(), actor.id
    db.session.flush()
    record(actor, "deliberation.closed", row, session_id=session.id)
    return minutes.draw(actor, session)
