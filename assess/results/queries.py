"""Set-based reads for computing and showing results: one statement each, whatever the
number of candidates (no per-row loading)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import and_, func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from rubrics.agreement import Agreement, agreement_from_counts
from rubrics.model import Level, Rule, Scale
from rubrics.scoring import still_valid, title_refused
from workflows.appeal import filing_deadline
from workflows.session import RESULTS_RELEASED

from ..accounts.models import User
from ..attendance.models import ExamAttendance
from ..candidates.models import Candidate, Enrolment, enrolment_blocks
from ..certification.models import Certification
from ..core.columns import utcnow
from ..decisions.models import Appeal, Deliberation
from ..extensions import db
from ..grading.models import CriterionMark, GradingSheet, SheetStatus
from ..jobs.models import Job, JobKind, JobStatus
from ..juries.models import Assignment
from ..referential.models import Block, Criterion
from ..sessions.models import CertificationSession, Exam
from .models import BlockOutcome, BlockResult, TitleOutcome, TitleResult

if TYPE_CHECKING:
    from ..sessions.queries import Page


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


def award_date(job: Job) -> date:
    """The date a title computed by ``job`` is awarded on: the day the computation was
    asked for (at deliberation), not the publication. Taken from the job, not from the
    clock, so that a re-delivery of the same job the next day decides the same."""
    return job.created_at.date()


def acquired_earlier(session_id: int, *, award_date: date | None = None,
                     validity_years: int | None = None) -> dict[int, set[int]]:
    """{person (user id): bloc numbers validated in OTHER sessions whose results are
    published, and still valid on ``award_date``}, at any centre, in one statement.

    Only published (deliberated) results count: a result computed but not released in
    another session may still change. A bloc is acquired on the day its result was
    published (the candidate's own publication, else the session's); it counts for
    ``validity_years`` after that (None: for life).
    """
    people = (select(Candidate.user_id).join(Enrolment, Enrolment.candidate_id == Candidate.id)
              .where(Enrolment.session_id == session_id))
    rows = db.session.execute(
        select(Candidate.user_id, Block.number,
               func.coalesce(TitleResult.published_at, CertificationSession.results_published_at))
        .select_from(BlockResult)
        .join(Enrolment, Enrolment.id == BlockResult.enrolment_id)
        .join(Candidate, Candidate.id == Enrolment.candidate_id)
        .join(CertificationSession, CertificationSession.id == Enrolment.session_id)
        .join(Block, Block.id == BlockResult.block_id)
        .outerjoin(TitleResult, TitleResult.enrolment_id == Enrolment.id)
        .where(Candidate.user_id.in_(people), Enrolment.session_id != session_id,
               CertificationSession.status.in_(RESULTS_RELEASED),
               BlockResult.outcome == BlockOutcome.VALIDATED)
    )
    out: dict[int, set[int]] = defaultdict(set)
    for person_id, number, published_at in rows:
        if award_date is None or published_at is None or still_valid(
                published_at.date(), award_date, validity_years):
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


def unpublished(session_id: int) -> set[int]:
    """The enrolments of the session whose results are not released yet (one statement)."""
    return set(db.session.scalars(
        select(TitleResult.enrolment_id).join(Enrolment, Enrolment.id == TitleResult.enrolment_id)
        .where(Enrolment.session_id == session_id, TitleResult.published_at.is_(None))))


@dataclass(frozen=True)
class PublicationSummary:
    candidates: int
    validated_blocs: int
    decided_blocs: int
    titles: int


def publication_summary(session_id: int) -> PublicationSummary:
    """What a publication would release: the candidates not yet published, their
    validated blocs and titles (two statements)."""
    waiting = unpublished(session_id)
    outcomes = db.session.execute(
        select(BlockResult.outcome, func.count()).where(BlockResult.enrolment_id.in_(waiting))
        .group_by(BlockResult.outcome)).all() if waiting else []
    titles = db.session.scalar(select(func.count()).select_from(TitleResult).where(
        TitleResult.enrolment_id.in_(waiting), TitleResult.outcome == TitleOutcome.AWARDED)
    ) if waiting else 0
    by = {str(o): n for o, n in outcomes}
    return PublicationSummary(len(waiting), by.get("validated", 0), sum(by.values()),
                              titles or 0)


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


@dataclass(frozen=True)
class Reading:
    """One evaluator's level and observation on a criterion."""

    evaluator: str
    level: str | None
    observation: str


def readings(session_id: int) -> dict[tuple[int, int, str], list[Reading]]:
    """{(enrolment, block, code): each submitted evaluator's level and observation}, the
    withdrawn evaluators left out (one statement)."""
    rows = db.session.execute(
        select(Assignment.enrolment_id, Exam.block_id, Assignment.id, User.first_name,
               User.last_name, Criterion.code, CriterionMark.level, CriterionMark.observation)
        .join(Exam, Exam.id == Assignment.exam_id)
        .join(User, User.id == Assignment.juror_id)
        .join(GradingSheet, and_(GradingSheet.assignment_id == Assignment.id,
                                 GradingSheet.status == SheetStatus.SUBMITTED))
        .join(CriterionMark, CriterionMark.sheet_id == GradingSheet.id)
        .join(Criterion, Criterion.id == CriterionMark.criterion_id)
        .where(Exam.session_id == session_id, Assignment.withdrawn_at.is_(None))
        .order_by(Assignment.id))
    out: dict[tuple[int, int, str], list[Reading]] = defaultdict(list)
    for enrolment_id, block_id, _aid, first, last, code, level, observation in rows:
        out[(enrolment_id, block_id, code)].append(
            Reading(f"{first} {last}".strip(), level, observation or ""))
    return out


def earlier_blocs(session) -> dict[int, set[int]]:
    """{person: bloc numbers validated in earlier published sessions, still valid on the
    award date of the session's computation} (queries.acquired_earlier)."""
    award = award_dates([session.id]).get(session.id)
    settings = certification()
    return acquired_earlier(
        session.id, award_date=award,
        validity_years=settings.bloc_validity_years if settings else None)



# -- pages -------------------------------------------------------------------
def certification() -> Certification | None:
    """The certification's settings (one row; None before they are set)."""
    return db.session.get(Certification, 1)


def expiry_date() -> date | None:
    """The RNCP expiry date from the certification's settings (None: not set)."""
    settings = certification()
    return settings.expiry_date if settings else None


def award_dates(session_ids: list[int]) -> dict[int, date]:
    """{session id: the date its titles are awarded on}: the day the jury deliberated, or
    before that, the day of the last finished computation (two statements)."""
    if not session_ids:
        return {}
    rows = db.session.execute(
        select(Job.session_id, func.max(Job.created_at))
        .where(Job.kind == JobKind.COMPUTE_RESULTS, Job.session_id.in_(session_ids),
               Job.status == JobStatus.DONE).group_by(Job.session_id))
    out = {session_id: created.date() for session_id, created in rows}
    out.update((session_id, held_on) for session_id, held_on in db.session.execute(
        select(Deliberation.session_id, Deliberation.held_on)
        .where(Deliberation.session_id.in_(session_ids))))
    return out


def title_refusal(session_id: int) -> date | None:
    """The RNCP expiry date when it forbids awarding the session's titles, else None.

    The award date is that of the last finished computation (``award_date``), today
    before any: the page then warns before the computation refuses the titles.
    """
    expiry = expiry_date()
    if expiry is None:
        return None
    on = award_dates([session_id]).get(session_id) or utcnow().date()
    return expiry if title_refused(on, expiry) else None


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


def session_summary(session, page: Page) -> dict:
    """The per-bloc chart of the whole session (counted in SQL) and one page of the results
    table: seven statements, whatever the number of candidates."""
    blocks = list(db.session.scalars(
        select(Block).where(Block.version_id == session.referential_version_id)
        .order_by(Block.number)))
    counts = {b.id: dict.fromkeys(BlockOutcome, 0) for b in blocks}
    for block_id, outcome, n in outcome_counts(session.id):
        if block_id in counts:
            counts[block_id][BlockOutcome(outcome)] = n
    bars = [BlockBar(b, counts[b.id], sum(counts[b.id].values())) for b in blocks]
    computed = db.session.scalar(
        select(TitleResult.id).join(Enrolment, Enrolment.id == TitleResult.enrolment_id)
        .where(Enrolment.session_id == session.id).limit(1)) is not None
    return {"blocks": blocks, "rows": result_rows(session.id, blocks, page), "bars": bars,
            "computed": computed, "page": page}


def outcome_counts(session_id: int) -> list[tuple[int, str, int]]:
    """[(bloc id, outcome, how many candidates)] of the session's bloc results, those of a
    bloc the candidate is enrolled in only (one GROUP BY)."""
    return [(b, str(o), n) for b, o, n in db.session.execute(
        select(BlockResult.block_id, BlockResult.outcome, func.count())
        .join(Enrolment, Enrolment.id == BlockResult.enrolment_id)
        .join(enrolment_blocks, and_(enrolment_blocks.c.enrolment_id == BlockResult.enrolment_id,
                                     enrolment_blocks.c.block_id == BlockResult.block_id))
        .where(Enrolment.session_id == session_id)
        .group_by(BlockResult.block_id, BlockResult.outcome))]


def result_rows(session_id: int, blocks: list[Block], page: Page) -> list[ResultRow]:
    """One page of the candidates (in enrolment order) with their bloc and title results
    (four statements)."""
    enrolments = list(db.session.scalars(
        select(Enrolment).where(Enrolment.session_id == session_id)
        .join(Enrolment.candidate).join(Candidate.user)
        .options(contains_eager(Enrolment.candidate).contains_eager(Candidate.user),
                 selectinload(Enrolment.blocks))
        .order_by(Enrolment.id).limit(page.size).offset(page.offset)))
    if not enrolments:
        return []
    ids = [e.id for e in enrolments]
    by_block = {(r.enrolment_id, r.block_id): r for r in db.session.scalars(
        select(BlockResult).where(BlockResult.enrolment_id.in_(ids)))}
    titles = {r.enrolment_id: r for r in db.session.scalars(
        select(TitleResult).where(TitleResult.enrolment_id.in_(ids)))}
    rows = []
    for enrolment in enrolments:
        enrolled = {b.id for b in enrolment.blocks}
        rows.append(ResultRow(enrolment, [
            (block, by_block.get((enrolment.id, block.id)) if block.id in enrolled else None,
             block.id in enrolled) for block in blocks], titles.get(enrolment.id)))
    return rows


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
    expiry = expiry_date() if titles else None
    dates = award_dates([t.enrolment.session_id for t in titles]) if expiry else {}
    # A title not awarded because it was computed after the RNCP expiry says why.
    settings = certification() if titles else None
    period = settings.appeal_days if settings else None
    today = utcnow().date()
    published = [{"session": t.enrolment.session, "title": t, "blocks": blocks[t.enrolment_id],
                  "refused_after": expiry if t.outcome == TitleOutcome.NOT_AWARDED
                  and title_refused(dates.get(t.enrolment.session_id), expiry) else None,
                  # The last day to appeal, while it has not passed.
                  "appeal_until": _appeal_until(t.published_at.date(), period, today)}
                 for t in titles]
    return published, waiting


def _appeal_until(published_on: date, period: int | None, today: date) -> date | None:
    if not period:
        return None
    last = filing_deadline(published_on, period)
    return last if today <= last else None


def candidate_appeals(user) -> dict[int, Appeal]:
    """{enrolment id: appeal} of the candidate ``user`` (one statement)."""
    mine = select(Candidate.id).where(Candidate.user_id == user.id)
    return {a.enrolment_id: a for a in db.session.scalars(
        select(Appeal).join(Enrolment, Enrolment.id == Appeal.enrolment_id)
        .where(Enrolment.candidate_id.in_(mine)))}


@dataclass(frozen=True)
class CriterionAgreement:
    block: int
    code: str
    agreement: Agreement

    @property
    def exact_percent(self) -> float:
        return round(100 * (self.agreement.exact or 0), 1)


def criterion_agreement(session) -> list[CriterionAgreement]:
    """Per criterion of the session, how far the evaluators of the same work agree on the
    submitted sheets (rubrics.agreement): the pairs of levels are counted in SQL (one GROUP
    BY, three statements in all), whatever the number of sheets. Withdrawn evaluators do
    not count; a work with one sheet submitted has no pair."""
    scale = scale_of(session.referential_version.data)
    blocks = blocks_of_version(session.referential_version_id)
    pairs: dict[tuple[int, str], dict[tuple[str, str], int]] = defaultdict(dict)
    for block_id, code, first, second, n in level_pairs(session.id):
        pairs[(block_id, code)][(first, second)] = n
    return [CriterionAgreement(info.number, code,
                               agreement_of_pairs(pairs.get((block_id, code), {}), scale))
            for block_id, info in blocks.items() for code in info.codes]


def level_pairs(session_id: int) -> list[tuple[int, str, str, str, int]]:
    """[(bloc id, criterion code, level, other level, how many)]: every unordered pair of
    levels two active evaluators gave the same criterion of the same work (a candidate's
    épreuve: one per bloc and session) on their submitted sheets, counted in one statement."""
    marks = (select(Assignment.enrolment_id, Assignment.exam_id,
                    Assignment.id.label("assignment_id"), CriterionMark.criterion_id,
                    CriterionMark.level)
             .join(Exam, Exam.id == Assignment.exam_id)
             .join(GradingSheet, and_(GradingSheet.assignment_id == Assignment.id,
                                      GradingSheet.status == SheetStatus.SUBMITTED))
             .join(CriterionMark, CriterionMark.sheet_id == GradingSheet.id)
             .where(Exam.session_id == session_id, Assignment.withdrawn_at.is_(None),
                    CriterionMark.level.is_not(None), CriterionMark.level != "")
             .cte("marks"))
    one, other = marks.alias("one"), marks.alias("other")
    return [tuple(r) for r in db.session.execute(
        select(Exam.block_id, Criterion.code, one.c.level, other.c.level, func.count())
        .select_from(one)
        # The other evaluator of the same work: each unordered pair once.
        .join(other, and_(other.c.enrolment_id == one.c.enrolment_id,
                          other.c.exam_id == one.c.exam_id,
                          other.c.criterion_id == one.c.criterion_id,
                          other.c.assignment_id > one.c.assignment_id))
        .join(Exam, Exam.id == one.c.exam_id)
        .join(Criterion, Criterion.id == one.c.criterion_id)
        .group_by(Exam.block_id, Criterion.code, one.c.level, other.c.level))]


def agreement_of_pairs(pairs: dict[tuple[str, str], int], scale: Scale) -> Agreement:
    """``rubrics.agreement`` from the pairs counted in SQL (``level_pairs``)."""
    return agreement_from_counts(pairs, scale)
