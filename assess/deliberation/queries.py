"""What the deliberation screen and its guards read, in a fixed number of statements
whatever the number of candidates, evaluators or criteria."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from rubrics.model import Scale
from workflows.deliberation import DeliberationContext

from ..accommodations.models import Accommodation
from ..candidates.models import Enrolment
from ..decisions.models import BlockDecision, Deliberation, LevelDecision
from ..extensions import db
from ..referential.models import Block
from ..results import queries as results
from ..results.models import BlockResult, TitleResult
from ..sessions.queries import lifecycle_facts


@dataclass
class CriterionLine:
    code: str
    label: str
    level: str | None  # consolidated, or retained by the jury
    disputed: bool
    readings: list[results.Reading] = field(default_factory=list)
    retained: LevelDecision | None = None


@dataclass
class BlocLine:
    block: Block
    result: BlockResult | None
    sat: bool
    criteria: list[CriterionLine]
    decision: BlockDecision | None

    @property
    def proposed(self) -> str | None:
        if self.result is None:
            return None
        return self.result.proposed_outcome or str(self.result.outcome)

    @property
    def undecided_disputes(self) -> list[CriterionLine]:
        return [c for c in self.criteria if c.disputed and c.retained is None]


@dataclass
class CandidateLine:
    enrolment: Enrolment
    blocs: list[BlocLine]
    title: TitleResult | None
    accommodation: Accommodation | None
    earlier: frozenset[int]

    @property
    def undecided(self) -> int:
        return sum(1 for b in self.blocs if b.sat and b.decision is None)


@dataclass
class Board:
    deliberation: Deliberation | None
    scale: Scale
    blocks: list[Block]
    candidates: list[CandidateLine]

    @property
    def undecided(self) -> int:
        return sum(c.undecided for c in self.candidates)

    @property
    def disputes(self) -> int:
        return sum(1 for c in self.candidates for b in c.blocs for k in b.criteria
                   if k.disputed)


def deliberation_of(session_id: int) -> Deliberation | None:
    return db.session.scalar(select(Deliberation).where(Deliberation.session_id == session_id))


def context(session, *, undecided: tuple[str, ...] = ()) -> DeliberationContext:
    facts = lifecycle_facts(session)
    return DeliberationContext(
        session_deliberating=session.status == "deliberation",
        results_ready=bool(facts.result_count) and not facts.results_stale
        and not facts.job_running,
        undecided=undecided)


def current_block_decisions(session_id: int) -> dict[tuple[int, int], BlockDecision]:
    rows = db.session.scalars(
        select(BlockDecision).join(Enrolment, Enrolment.id == BlockDecision.enrolment_id)
        .where(Enrolment.session_id == session_id, BlockDecision.superseded_at.is_(None))
        .options(joinedload(BlockDecision.decided_by)))
    return {(d.enrolment_id, d.block_id): d for d in rows}


def current_level_decisions(session_id: int) -> dict[tuple[int, int, str], LevelDecision]:
    rows = db.session.scalars(
        select(LevelDecision).join(Enrolment, Enrolment.id == LevelDecision.enrolment_id)
        .where(Enrolment.session_id == session_id, LevelDecision.superseded_at.is_(None))
        .options(joinedload(LevelDecision.decided_by)))
    return {(d.enrolment_id, d.block_id, d.criterion_code): d for d in rows}


def board(session) -> Board:
    """Per candidate and bloc: the consolidated grid, each disagreement with every
    evaluator's level and observation, the proposal, the decision, the aménagements."""
    scale = results.scale_of(session.referential_version.data)
    blocks = list(db.session.scalars(
        select(Block).where(Block.version_id == session.referential_version_id)
        .options(selectinload(Block.criteria)).order_by(Block.number)))
    enrolments = results.session_enrolments(session.id)
    by_block, titles = results.session_results(session.id)
    absent = results.absences(session.id)
    decisions = current_block_decisions(session.id)
    retained = current_level_decisions(session.id)
    read = results.readings(session.id)
    accommodations = {a.enrolment_id: a for a in db.session.scalars(
        select(Accommodation).join(Enrolment, Enrolment.id == Accommodation.enrolment_id)
        .where(Enrolment.session_id == session.id))}
    earlier = results.earlier_blocs(session)
    lines = []
    for enrolment in enrolments:
        enrolled = {b.id for b in enrolment.blocks}
        blocs = []
        for block in blocks:
            if block.id not in enrolled:
                continue
            result = by_block.get((enrolment.id, block.id))
            disputed = set(result.disagreements or ()) if result else set()
            levels = (result.criterion_levels or {}) if result else {}
            criteria = [CriterionLine(
                c.code, c.text or c.competence_text, levels.get(c.code), c.code in disputed,
                read.get((enrolment.id, block.id, c.code), []),
                retained.get((enrolment.id, block.id, c.code))) for c in block.criteria]
            blocs.append(BlocLine(block, result, (enrolment.id, block.id) not in absent,
                                  criteria, decisions.get((enrolment.id, block.id))))
        lines.append(CandidateLine(enrolment, blocs, titles.get(enrolment.id),
                                   accommodations.get(enrolment.id),
                                   frozenset(earlier.get(enrolment.candidate.user_id, ()))))
    return Board(deliberation_of(session.id), scale, blocks, lines)


def undecided_labels(session) -> tuple[str, ...]:
    """« Nom (bloc n) » for each bloc sat with no decision yet, for the close guard."""
    out = []
    for line in board(session).candidates:
        for bloc in line.blocs:
            if bloc.sat and bloc.decision is None:
                out.append(f"{line.enrolment.candidate.user.full_name} "
                           f"({bloc.block.number})")
    return tuple(out)
