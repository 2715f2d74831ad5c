"""The relevé de résultats of one published enrolment: what the jury decided, read from
the released results (never from anything unpublished)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.columns import utcnow
from ..decisions.models import BlockDecision, Deliberation
from ..extensions import db
from ..grading.models import CriterionMark, GradingSheet, SheetStatus
from ..juries.models import Assignment
from ..referential.models import Block, Criterion
from ..sessions.models import Exam
from . import queries as q
from .models import BlockResult, TitleOutcome, TitleResult
from .rules import rule_in_words
from .transcript_pdf import CriterionLine, TranscriptBloc, TranscriptData


def published_title(enrolment) -> TitleResult | None:
    return db.session.scalar(select(TitleResult).where(
        TitleResult.enrolment_id == enrolment.id, TitleResult.published_at.is_not(None)))


def transcript_data(enrolment) -> TranscriptData | None:
    """None while the enrolment's results are not published."""
    title = published_title(enrolment)
    if title is None:
        return None
    session = enrolment.session
    settings = q.certification()
    details = bool(settings and settings.transcript_details)
    scale = q.scale_of(session.referential_version.data)
    labels = {lv.code: lv.label for lv in scale.levels}
    results = {r.block_id: r for r in db.session.scalars(
        select(BlockResult).where(BlockResult.enrolment_id == enrolment.id))}
    absent = q.absences(session.id)
    observations = _observations(enrolment) if details else {}
    blocs = []
    for block in db.session.scalars(
            select(Block).where(Block.id.in_([b.id for b in enrolment.blocks]))
            .options(selectinload(Block.criteria)).order_by(Block.number)):
        result = results.get(block.id)
        outcome = "absent" if (enrolment.id, block.id) in absent else (
            str(result.outcome) if result else "not_validated")
        criteria = ()
        if details and result is not None and outcome != "absent":
            levels = result.criterion_levels or {}
            criteria = tuple(CriterionLine(
                c.code, c.text or c.competence_text, labels.get(levels.get(c.code)),
                "\n".join(observations.get((block.id, c.code), [])) or None)
                for c in block.criteria)
        blocs.append(TranscriptBloc(block.number, block.title, outcome,
                                    rule_in_words(block.rule), criteria))
    deliberation = db.session.scalar(select(Deliberation).where(
        Deliberation.session_id == session.id))
    last_decision = db.session.scalar(select(BlockDecision.decided_at).where(
        BlockDecision.enrolment_id == enrolment.id).order_by(BlockDecision.decided_at.desc())
        .limit(1))
    earlier = q.earlier_blocs(session).get(enrolment.candidate.user_id, ())
    return TranscriptData(
        holder_name=enrolment.candidate.user.full_name,
        certification_title=session.referential_version.data.get("title", ""),
        rncp_code=settings.rncp_code if settings else None,
        certifier_name=settings.certifier_name if settings else None,
        session_name=session.name, centre_name=session.centre.name,
        decision_date=(last_decision.date() if last_decision else
                       deliberation.held_on if deliberation else title.published_at.date()),
        blocs=tuple(blocs), earlier_blocs=tuple(sorted(earlier)),
        title="awarded" if title.outcome == TitleOutcome.AWARDED else "not_awarded",
        generated_at=utcnow())


def _observations(enrolment) -> dict[tuple[int, str], list[str]]:
    """The evaluators' observations per (bloc, criterion), submitted sheets only."""
    rows = db.session.execute(
        select(Exam.block_id, Criterion.code, CriterionMark.observation)
        .select_from(Assignment).join(Exam, Exam.id == Assignment.exam_id)
        .join(GradingSheet, GradingSheet.assignment_id == Assignment.id)
        .join(CriterionMark, CriterionMark.sheet_id == GradingSheet.id)
        .join(Criterion, Criterion.id == CriterionMark.criterion_id)
        .where(Assignment.enrolment_id == enrolment.id, Assignment.withdrawn_at.is_(None),
               GradingSheet.status == SheetStatus.SUBMITTED)
        .order_by(Assignment.id))
    out: dict[tuple[int, str], list[str]] = {}
    for block_id, code, observation in rows:
        if observation:
            out.setdefault((block_id, code), []).append(observation)
    return out
