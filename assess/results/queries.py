"""Set-based reads for computing and showing results: one statement each, whatever the
number of candidates (no per-row loading)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload, selectinload

from rubrics.model import Level, Rule, Scale
from workflows.session import RESULTS_RELEASED

from ..attendance.models import ExamAttendance
from ..candidates.models import Candidate, Enrolment, enrolment_blocks
from ..extensions import db
from ..grading.models import CriterionMark, GradingSheet, SheetStatus
from ..juries.models import Assignment
from ..referential.models import Block, Criterion
from ..sessions.models import CertificationSession, Exam
from .models import BlockOutcome, BlockResult, TitleResult


@dataclass(frozen=True)
class BlockInfo:
    id: int
    number: int
    rule: Rule
    codes: tuple[str, ...]


def scale_of(version_data: dict) -> Scale:
    return Scale(tuple(Level(lv["code"], lv["label"]) for lv in version_data["scale"]["levels"]))


def rule_of(stored: dict) -> Rule:
    # Block.rule is stored as {"type": ..., "params": {...}} (see referential.operations.store).
    return Rule(stored["type"], stored.get("params") or {})


def blocks_of_version(version_id: int) -> dict[int, BlockInfo]:
    """{block id: BlockInfo}, criteria codes in référentiel order (two statements)."""
    blocks = db.session.scalars(
        select(Block).where(Block.version_id == version_id)
        .options(selectinload(Block.criteria)).order_by(Block.number)
    ).all()
    return {b.id: BlockInfo(b.id, b.number, rule_of(b.rule), tuple(c.code for c in b.criteria))
            for b in blocks}


def enrolled_blocks(session_id: int) -> dict[int, tuple[int, list[int]]]:
    """{enrolment id: (the person's user id, [enrolled block ids])} for the session. A
    person is counted as such (not as a centre's candidate row): blocs validated while
    prepared by another centre count for the title too."""
    rows = db.session.execute(
        select(Enrolment.id, Candidate.user_id, enrolment_blocks.c.block_id)
        .join(Candidate, Candidate.id == Enrolment.candidate_id)
        .outerjoin(enrolment_blocks, enrolment_blocks.c.enrolment_id == Enrolment.id)
        .where(Enrolment.session_id == session_id).order_by(Enrolment.id)
    )
    out: dict[int, tuple[int, list[int]]] = {}
    for enrolment_id, person_id, block_id in rows:
        entry = out.setdefault(enrolment_id, (person_id, []))
        if block_id is not None:
            entry[1].append(block_id)
    return out


Sheets = dict[int, dict[str, str | None] | None]


def absences(session_id: int) -> set[tuple[int, int]]:
    """(enrolment, block) pairs whose épreuve the candidate did not sit (absent, recorded by
    an admin or on the oral's sheet, or withdrawn): one statement."""
    return set(tuple(row) for row in db.session.execute(
        select(ExamAttendance.enrolment_id, Exam.block_id)
        .join(Exam, Exam.id == ExamAttendance.exam_id).where(Exam.session_id == session_id)))


def evaluator_levels(session_id: int) -> dict[tuple[int, int], Sheets]:
    """{(enrolment, block): {assignment id: {criterion code: level} or None}}.

    Every assigned evaluator appears, with None while their sheet is not submitted:
    grading is blind, nothing is consolidated until everyone has submitted. An evaluator
    taken off the work (``Assignment.withdrawn_at``) does not appear: their sheet, even
    submitted, never counts.
    """
    rows = db.session.execute(
        select(Assignment.enrolment_id, Exam.block_id, Assignment.id, GradingSheet.id,
               Criterion.code, CriterionMark.level)
        .join(Exam, Exam.id == Assignment.exam_id)
        .join(Enrolment, Enrolment.id == Assignment.enrolment_id)
        .outerjoin(GradingSheet, and_(GradingSheet.assignment_id == Assignment.id,
                                      GradingSheet.status == SheetStatus.SUBMITTED))
        .outerjoin(CriterionMark, CriterionMark.sheet_id == GradingSheet.id)
        .outerjoin(Criterion, Criterion.id == CriterionMark.criterion_id)
        # A withdrawn evaluator (conflict of interest) neither counts nor is waited for.
        .where(Enrolment.session_id == session_id, Exam.session_id == session_id,
               Assignment.withdrawn_at.is_(None))
    )
    grades: dict[tuple[int, int], Sheets] = defaultdict(dict)
    for enrolment_id, block_id, assignment_id, sheet_id, code, level in rows:
        sheets = grades[(enrolment_id, block_id)]
        if sheet_id is None:
            sheets[assignment_id] = None
            continue
        sheet = sheets.setdefault(assignment_id, {})
        if code is not None:
            sheet[code] = level
    return grades


def acquired_earlier(session_id: int) -> dict[int, set[int]]:
    """{person (user id): bloc numbers validated in OTHER sessions whose results are
    published}, at any centre.

    Only published (deliberated) results count: a result computed but not released in
    another session may still change.
    """
    people = (select(Candidate.user_id).join(Enrolment, Enrolment.candidate_id == Candidate.id)
              .where(Enrolment.session_id == session_id))
    rows = db.session.execute(
        select(Candidate.user_id, Block.number)
        .select_from(BlockResult)
        .join(Enrolment, Enrolment.id == BlockResult.enrolment_id)
        .join(Candidate, Candidate.id == Enrolment.candidate_id)
        .join(CertificationSession, CertificationSession.id == Enrolment.session_id)
        .join(Block, Block.id == BlockResult.block_id)
        .where(Candidate.user_id.in_(people), Enrolment.session_id != session_id,
               CertificationSession.status.in_(RESULTS_RELEASED),
               BlockResult.outcome == BlockOutcome.VALIDATED)
    )
    out: dict[int, set[int]] = defaultdict(set)
    for person_id, number in rows:
        out[person_id].add(number)
    return out


def existing_block_results(session_id: int) -> dict[tuple[int, int], tuple]:
    """{(enrolment, block): (id, outcome, criterion_levels, disagreements)} as plain values."""
    rows = db.session.execute(
        select(BlockResult.id, BlockResult.enrolment_id, BlockResult.block_id,
               BlockResult.outcome, BlockResult.criterion_levels, BlockResult.disagreements)
        .join(Enrolment, Enrolment.id == BlockResult.enrolment_id)
        .where(Enrolment.session_id == session_id)
    )
    return {(r[1], r[2]): (r[0], r[3], r[4], r[5]) for r in rows}


def existing_title_results(session_id: int) -> dict[int, tuple[int, str]]:
    """{enrolment: (id, outcome)} as plain values."""
    rows = db.session.execute(
        select(TitleResult.id, TitleResult.enrolment_id, TitleResult.outcome)
        .join(Enrolment, Enrolment.id == TitleResult.enrolment_id)
        .where(Enrolment.session_id == session_id)
    )
    return {r[1]: (r[0], r[2]) for r in rows}


def session_enrolments(session_id: int) -> list[Enrolment]:
    """Enrolments with candidate, user and blocs loaded (three statements)."""
    return list(db.session.scalars(
        select(Enrolment).where(Enrolment.session_id == session_id)
        .options(joinedload(Enrolment.candidate).joinedload(Candidate.user),
                 selectinload(Enrolment.blocks))
        .order_by(Enrolment.id)
    ).unique())


def session_results(session_id: int) -> tuple[dict, dict]:
    """({(enrolment, block): BlockResult}, {enrolment: TitleResult}) in two statements."""
    blocks = db.session.scalars(
        select(BlockResult).join(Enrolment, Enrolment.id == BlockResult.enrolment_id)
        .where(Enrolment.session_id == session_id)
    )
    titles = db.session.scalars(
        select(TitleResult).join(Enrolment, Enrolment.id == TitleResult.enrolment_id)
        .where(Enrolment.session_id == session_id)
    )
    return ({(r.enrolment_id, r.block_id): r for r in blocks},
            {r.enrolment_id: r for r in titles})


# -- pages -------------------------------------------------------------------
@dataclass
class ResultRow:
    enrolment: Enrolment
    cells: list[tuple[Block, BlockResult | None, bool]]  # (bloc, result, enrolled)
    title: TitleResult | None


@dataclass
class BlockBar:
    block: Block
    counts: dict[str, int]
    total: int

    def percent(self, outcome: str) -> float:
        return round(100 * self.counts[outcome] / self.total, 1) if self.total else 0.0


def session_summary(session) -> dict:
    """The results table and the per-bloc chart of a session (fixed number of statements)."""
    blocks = list(db.session.scalars(
        select(Block).where(Block.version_id == session.referential_version_id)
        .order_by(Block.number)))
    enrolments = session_enrolments(session.id)
    by_block, titles = session_results(session.id)
    rows = []
    counts = {b.id: dict.fromkeys(BlockOutcome, 0) for b in blocks}
    for enrolment in enrolments:
        enrolled = {b.id for b in enrolment.blocks}
        cells = []
        for block in blocks:
            result = by_block.get((enrolment.id, block.id)) if block.id in enrolled else None
            cells.append((block, result, block.id in enrolled))
            if result is not None:
                counts[block.id][BlockOutcome(result.outcome)] += 1
        rows.append(ResultRow(enrolment, cells, titles.get(enrolment.id)))
    bars = [BlockBar(b, counts[b.id], sum(counts[b.id].values())) for b in blocks]
    return {"blocks": blocks, "rows": rows, "bars": bars, "computed": bool(titles)}


def candidate_results(user) -> tuple[list[dict], list[Enrolment]]:
    """The candidate's PUBLISHED results per session, and the sessions still waiting.

    Unpublished outcomes are never loaded, so they cannot leak into the page.
    """
    mine = select(Candidate.id).where(Candidate.user_id == user.id)
    titles = list(db.session.scalars(
        select(TitleResult).join(Enrolment, Enrolment.id == TitleResult.enrolment_id)
        .where(Enrolment.candidate_id.in_(mine), TitleResult.published_at.is_not(None))
        .options(joinedload(TitleResult.enrolment).joinedload(Enrolment.session))
        .order_by(TitleResult.published_at.desc())))
    published_ids = [t.enrolment_id for t in titles]
    blocks: dict[int, list[BlockResult]] = defaultdict(list)
    if published_ids:
        for r in db.session.scalars(
            select(BlockResult).join(Block, Block.id == BlockResult.block_id)
            .where(BlockResult.enrolment_id.in_(published_ids))
            .options(joinedload(BlockResult.block)).order_by(Block.number)
        ):
            blocks[r.enrolment_id].append(r)
    waiting = list(db.session.scalars(
        select(Enrolment).where(Enrolment.candidate_id.in_(mine),
                                Enrolment.id.not_in(published_ids))
        .options(joinedload(Enrolment.session)).order_by(Enrolment.id)))
    published = [{"session": t.enrolment.session, "title": t, "blocks": blocks[t.enrolment_id]}
                 for t in titles]
    return published, waiting
