"""Benchmark 1: "Calculer les résultats", set-based handler versus the naive N+1 way.

The set-based handler (``assess.results.tasks.compute_results``) reads everything with
a fixed number of statements and writes with bulk INSERTs per batch. The BASELINE below is
the straightforward ORM code one would write first: per candidate, per bloc, lazy-load
the sheets and their marks, score with ``rubrics.scoring``, and save each row. Both start
from the same state (no result rows, a fresh ORM session) and must produce the same rows.

Run alone: ``python -m benchmarks.compute_results [--quick]``.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from dataclasses import dataclass
from functools import partial

from sqlalchemy import delete, select

from .harness import (
    Timing,
    best_of,
    count_statements,
    ms,
    parse_args,
    ratio,
    repeats_for,
    table,
    temp_app,
)

FULL_SIZES = (20, 200)
QUICK_SIZES = (5, 20)


@dataclass
class SizeResult:
    candidates: int
    batches: int
    naive: Timing
    set_based: Timing
    set_based_reads: int  # SELECT statements of the set-based handler
    naive_outcomes: dict
    set_based_outcomes: dict

    @property
    def speedup(self) -> float:
        return ratio(self.naive.best, self.set_based.best)


@dataclass
class ComputeBenchmark:
    sizes: list[SizeResult]

    @property
    def growth(self) -> float:
        """time(largest N) / time(smallest N) of the set-based handler."""
        return ratio(self.sizes[-1].set_based.best, self.sizes[0].set_based.best)

    @property
    def naive_growth(self) -> float:
        return ratio(self.sizes[-1].naive.best, self.sizes[0].naive.best)


# -- data ----------------------------------------------------------------------
def build_session(version, n: int, jurors) -> int:
    """A session of ``n`` candidates graded in a mix of ways; returns its id.

    Candidate i follows pattern i % 10: all acquired, a criterion failed, a sheet still a
    draft, two evaluators disagreeing, a partially acquired criterion, a sheet never
    started, two evaluators agreeing, a partial enrolment (blocs 2 and 3 only)...
    """
    from assess.extensions import db
    from assess.sessions.models import SessionStatus
    from tests.factories import assign, create_centre, create_session, create_user, enrol

    centre = create_centre()
    session = create_session(version, centre, name=f"Session de {n} candidats",
                             status=SessionStatus.DELIBERATION)
    exams = {exam.block_id: exam for exam in session.exams}
    blocks = list(version.blocks)
    for i in range(n):
        kind = i % 10
        user = create_user("candidate", centre=centre)
        enrolled = blocks[1:] if kind == 9 else blocks
        enrolment = enrol(session, user, enrolled if kind == 9 else None)
        for block in enrolled:
            first = assign(jurors[0], enrolment, exams[block.id])
            second = partial(assign, jurors[1], enrolment, exams[block.id])
            _grade_bloc(kind, block, first, second)
    db.session.commit()
    return session.id


def _grade_bloc(kind: int, block, assignment, second_evaluator) -> None:
    from assess.grading.models import SheetStatus

    first_code = block.criteria[0].code
    if kind == 1 and block.number == 1:
        _sheet(assignment, block, {first_code: "non_acquis"})
    elif kind == 2 and block.number == 3:
        _sheet(assignment, block, status=SheetStatus.DRAFT)  # blind: not counted
    elif kind == 3 and block.number == 2:
        _sheet(assignment, block)
        _sheet(second_evaluator(), block, {first_code: "partiellement_acquis"})
    elif kind == 4 and block.number == 2:
        _sheet(assignment, block, {first_code: "partiellement_acquis"})
    elif kind == 6 and block.number == 1:
        pass  # assigned, sheet never started
    elif kind == 7 and block.number == 3:
        _sheet(assignment, block)
        _sheet(second_evaluator(), block)
    else:
        _sheet(assignment, block)


def _sheet(assignment, block, levels=None, status=None) -> None:
    from assess.core.columns import utcnow
    from assess.extensions import db
    from assess.grading.models import CriterionMark, GradingSheet, SheetStatus

    status = status or SheetStatus.SUBMITTED
    sheet = GradingSheet(assignment_id=assignment.id, status=status,
                         submitted_at=utcnow() if status == SheetStatus.SUBMITTED else None)
    for criterion in block.criteria:
        sheet.marks.append(CriterionMark(criterion_id=criterion.id, observation="Observation.",
                                         level=(levels or {}).get(criterion.code, "acquis")))
    db.session.add(sheet)


# -- the naive baseline ----------------------------------------------------------
def naive_compute(session_id: int) -> None:
    """The N+1 way: walk the ORM graph candidate by candidate, bloc by bloc."""
    from assess.candidates.models import Enrolment
    from assess.extensions import db
    from assess.results.models import TitleOutcome, TitleResult
    from assess.results.queries import scale_of
    from assess.sessions.models import CertificationSession
    from rubrics.scoring import title_outcome

    session = db.session.get(CertificationSession, session_id)
    version = session.referential_version
    scale = scale_of(version.data)
    required = [block.number for block in version.blocks]
    exams = {exam.block_id: exam for exam in session.exams}
    enrolments = db.session.scalars(
        select(Enrolment).where(Enrolment.session_id == session_id).order_by(Enrolment.id))
    for enrolment in enrolments.all():
        outcomes = {block.number: _naive_block(enrolment, block, exams[block.id], scale)
                    for block in enrolment.blocks}  # lazy load per candidate
        title = title_outcome(outcomes, required, _naive_earlier(enrolment))
        row = db.session.scalar(select(TitleResult).where(
            TitleResult.enrolment_id == enrolment.id))
        if row is None:
            row = TitleResult(enrolment_id=enrolment.id)
            db.session.add(row)
        row.outcome = TitleOutcome(title)
    db.session.commit()


def _naive_block(enrolment, block, exam, scale) -> str:
    from assess.extensions import db
    from assess.grading.models import SheetStatus
    from assess.juries.models import Assignment
    from assess.results.models import BlockOutcome, BlockResult
    from assess.results.queries import rule_of
    from rubrics.scoring import block_outcome, consolidate

    assignments = db.session.scalars(select(Assignment).where(
        Assignment.enrolment_id == enrolment.id, Assignment.exam_id == exam.id)).all()
    sheets = []
    for assignment in assignments:
        sheet = assignment.sheet  # lazy: one SELECT per evaluator
        if sheet is None or sheet.status != SheetStatus.SUBMITTED:
            sheets.append(None)
        else:  # lazy: one SELECT of the marks per sheet
            sheets.append({mark.criterion.code: mark.level for mark in sheet.marks})
    levels, disagreements = {}, []
    for criterion in block.criteria:
        merged = consolidate([None if s is None else s.get(criterion.code) for s in sheets],
                             scale)
        levels[criterion.code] = merged.level
        if merged.disagreement:
            disagreements.append(criterion.code)
    outcome = block_outcome(rule_of(block.rule), levels, scale)
    row = db.session.scalar(select(BlockResult).where(
        BlockResult.enrolment_id == enrolment.id, BlockResult.block_id == block.id))
    if row is None:
        row = BlockResult(enrolment_id=enrolment.id, block_id=block.id)
        db.session.add(row)
    row.outcome, row.criterion_levels = BlockOutcome(outcome), levels
    row.disagreements = disagreements
    return outcome


def _naive_earlier(enrolment) -> set[int]:
    """Blocs validated in other, published sessions: one query per candidate."""
    from assess.candidates.models import Enrolment
    from assess.extensions import db
    from assess.referential.models import Block
    from assess.results.models import BlockOutcome, BlockResult
    from assess.sessions.models import CertificationSession
    from workflows.session import RESULTS_RELEASED

    return set(db.session.scalars(
        select(Block.number).select_from(BlockResult)
        .join(Enrolment, Enrolment.id == BlockResult.enrolment_id)
        .join(CertificationSession, CertificationSession.id == Enrolment.session_id)
        .join(Block, Block.id == BlockResult.block_id)
        .where(Enrolment.candidate_id == enrolment.candidate_id,
               Enrolment.session_id != enrolment.session_id,
               CertificationSession.status.in_(RESULTS_RELEASED),
               BlockResult.outcome == BlockOutcome.VALIDATED)))


# -- measuring -----------------------------------------------------------------------
def clear_results(session_id: int) -> None:
    """Back to "nothing computed", and a fresh ORM session (empty identity map)."""
    from assess.candidates.models import Enrolment
    from assess.extensions import db
    from assess.results.models import BlockResult, TitleResult

    enrolments = select(Enrolment.id).where(Enrolment.session_id == session_id)
    db.session.execute(delete(BlockResult).where(BlockResult.enrolment_id.in_(enrolments)))
    db.session.execute(delete(TitleResult).where(TitleResult.enrolment_id.in_(enrolments)))
    db.session.commit()
    db.session.remove()


def read_outcomes(session_id: int) -> dict[int, tuple]:
    """{enrolment id: (title, {bloc number: (outcome, levels, disagreements)})}."""
    from assess.candidates.models import Enrolment
    from assess.extensions import db
    from assess.referential.models import Block
    from assess.results.models import BlockResult, TitleResult

    out: dict[int, tuple] = {}
    for enrolment_id, title in db.session.execute(
            select(TitleResult.enrolment_id, TitleResult.outcome)
            .join(Enrolment, Enrolment.id == TitleResult.enrolment_id)
            .where(Enrolment.session_id == session_id)):
        out[enrolment_id] = (str(title), {})
    for enrolment_id, number, outcome, levels, disagreements in db.session.execute(
            select(BlockResult.enrolment_id, Block.number, BlockResult.outcome,
                   BlockResult.criterion_levels, BlockResult.disagreements)
            .join(Block, Block.id == BlockResult.block_id)
            .join(Enrolment, Enrolment.id == BlockResult.enrolment_id)
            .where(Enrolment.session_id == session_id)):
        out.setdefault(enrolment_id, ("missing", {}))[1][number] = (
            str(outcome), dict(levels), tuple(disagreements))
    db.session.remove()
    return out


def measure_size(app, session_id: int, admin_id: int, n: int, repeats: int) -> SizeResult:
    from assess.accounts.models import User
    from assess.extensions import db
    from assess.results.operations import start_compute
    from assess.results.tasks import compute_results
    from assess.sessions.models import CertificationSession

    job: dict[str, int] = {}

    def queue_job() -> None:
        clear_results(session_id)
        created = start_compute(db.session.get(User, admin_id),
                                db.session.get(CertificationSession, session_id))
        db.session.commit()  # no relay: the benchmark runs the handler itself
        job["id"] = created.id
        db.session.remove()

    naive = best_of(lambda: naive_compute(session_id), repeats, engine=db.engine,
                    setup=lambda: clear_results(session_id))
    naive_outcomes = read_outcomes(session_id)
    set_based = best_of(lambda: compute_results({"job_id": job["id"]}), repeats,
                        engine=db.engine, setup=queue_job)
    set_based_outcomes = read_outcomes(session_id)
    queue_job()
    with count_statements(db.engine) as statements:
        compute_results({"job_id": job["id"]})
    reads = sum(1 for s in statements if s.lstrip().upper().startswith("SELECT"))
    batch = app.config["RESULTS_COMPUTE_BATCH"]
    return SizeResult(n, math.ceil(n / batch), naive, set_based, reads, naive_outcomes,
                      set_based_outcomes)


def run(quick: bool = False, repeats: int | None = None) -> ComputeBenchmark:
    from assess.extensions import db
    from tests.factories import create_user

    repeats = repeats_for(quick, repeats)
    sizes = QUICK_SIZES if quick else FULL_SIZES
    with temp_app() as (app, version_id):
        from assess.referential.models import ReferentialVersion

        version = db.session.get(ReferentialVersion, version_id)
        admin = create_user("certifier_admin")
        jurors = [create_user("juror"), create_user("juror")]
        built = [(n, build_session(version, n, jurors)) for n in sizes]
        admin_id = admin.id
        db.session.remove()
        return ComputeBenchmark([measure_size(app, session_id, admin_id, n, repeats)
                                 for n, session_id in built])


def report(result: ComputeBenchmark) -> str:
    rows = []
    for s in result.sizes:
        titles = Counter(title for title, _ in s.set_based_outcomes.values())
        mix = "/".join(str(titles[k]) for k in ("awarded", "not_awarded", "pending"))
        rows.append([s.candidates, ms(s.naive.best), s.naive.statements, ms(s.set_based.best),
                     f"{s.set_based.statements} ({s.set_based_reads} reads, "
                     f"{s.batches} batch{'es' if s.batches > 1 else ''})",
                     f"{s.speedup:.1f}x", mix,
                     "yes" if s.naive_outcomes == s.set_based_outcomes else "NO"])
    first, last = result.sizes[0], result.sizes[-1]
    growth = (f"growth N={first.candidates} -> N={last.candidates} "
              f"(x{last.candidates / first.candidates:g} candidates): "
              f"set-based time x{result.growth:.2f}, naive time x{result.naive_growth:.2f}; "
              f"set-based statements {first.set_based.statements} -> "
              f"{last.set_based.statements}, reads {first.set_based_reads} -> "
              f"{last.set_based_reads}")
    return table(
        "compute_results: naive N+1 baseline vs set-based handler (best of k)",
        ["N", "naive", "naive stmts", "set-based", "set-based stmts", "naive/set",
         "awarded/not/pending", "same rows"], rows) + "\n" + growth


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv, __doc__.splitlines()[0])
    print(report(run(args.quick, args.repeats)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
