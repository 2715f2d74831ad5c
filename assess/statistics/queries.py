"""The Qualiopi figures: candidates presented, blocs validated, fully and partially
certified, absent, per session, training centre, year and bloc; per criterion the
acquisition rate and the agreement between evaluators.

Only PUBLISHED results count (``TitleResult.published_at`` set; the public page only
sessions whose results are released as a whole). The year is that of the session's
publication (before it, of the candidate's own publication: results can be released per
candidate), so that a released session is counted in one year. Absence follows the relevé de résultats
(``assess.results.queries.absences``): a bloc is « absent » when its épreuve has an
attendance row (absent or withdrawn) for the candidate. For one enrolment:

- **inscrit**: its results are published (one per enrolment);
- **absent**: absent from every bloc it was enrolled in; **présenté**: the others;
- **certifié** (fully): the title is awarded; **partiellement certifié**: at least one bloc
  validated in the session, the title not awarded; **non certifié**: the other presented;
- **blocs validés**: blocs validated in the session (an absent bloc never is).

Everything is computed in SQL with GROUP BY, a fixed number of statements whatever the
number of sessions and candidates; per centre and per year totals are sums of the
per-session groups (each enrolment is in exactly one).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, case, exists, extract, func, literal, select, true

from rubrics.agreement import agreement
from rubrics.model import Scale
from workflows.session import RESULTS_RELEASED

from ..attendance.models import ExamAttendance
from ..candidates.models import Enrolment, enrolment_blocks
from ..centres.models import TrainingCentre
from ..extensions import db
from ..grading.models import CriterionMark, GradingSheet, SheetStatus
from ..juries.models import Assignment
from ..referential.models import Block, Criterion, ReferentialVersion
from ..results.models import BlockOutcome, BlockResult, TitleOutcome, TitleResult
from ..results.queries import CriterionAgreement, scale_of
from ..sessions.models import CertificationSession, Exam


@dataclass(frozen=True)
class Scope:
    """What is counted: every filter None counts everything the caller may see (the
    caller restricts ``centre_id`` for a centre admin)."""

    year: int | None = None
    centre_id: int | None = None
    session_id: int | None = None
    released_only: bool = False  # only sessions published as a whole (the public page)


def rate(part: int, whole: int) -> float | None:
    """A percentage rounded to 0.1, None when there is nobody to count."""
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Figures:
    enrolled: int = 0
    absent: int = 0
    fully: int = 0
    partially: int = 0
    blocs_validated: int = 0

    @property
    def presented(self) -> int:
        return self.enrolled - self.absent

    @property
    def not_certified(self) -> int:
        return self.presented - self.fully - self.partially

    @property
    def fully_rate(self) -> float | None:
        return rate(self.fully, self.presented)

    @property
    def partially_rate(self) -> float | None:
        return rate(self.partially, self.presented)

    @property
    def not_certified_rate(self) -> float | None:
        return rate(self.not_certified, self.presented)

    @property
    def absent_rate(self) -> float | None:
        return rate(self.absent, self.enrolled)

    def add(self, other: Figures) -> None:
        self.enrolled += other.enrolled
        self.absent += other.absent
        self.fully += other.fully
        self.partially += other.partially
        self.blocs_validated += other.blocs_validated


@dataclass
class BlocFigures:
    enrolled: int = 0
    absent: int = 0
    validated: int = 0

    @property
    def presented(self) -> int:
        return self.enrolled - self.absent

    @property
    def validated_rate(self) -> float | None:
        return rate(self.validated, self.presented)

    @property
    def absent_rate(self) -> float | None:
        return rate(self.absent, self.enrolled)

    def add(self, other: BlocFigures) -> None:
        self.enrolled += other.enrolled
        self.absent += other.absent
        self.validated += other.validated


@dataclass
class SessionLine:
    session_id: int
    name: str
    centre_id: int
    centre: str
    year: int
    figures: Figures


@dataclass
class Group:
    """A total over sessions (a centre, a year, a centre in a year, everything)."""

    key: tuple
    label: str
    figures: Figures = field(default_factory=Figures)


@dataclass
class BlocLine:
    year: int | None
    number: int
    figures: BlocFigures


@dataclass
class CriterionLine:
    block: int
    code: str
    counts: dict[str, int]  # {level code: how many results at that level}
    scale: Scale

    @property
    def graded(self) -> int:
        return sum(self.counts.values())

    @property
    def acquired(self) -> int:
        return self.counts.get(self.scale.top, 0)

    @property
    def acquired_rate(self) -> float | None:
        return rate(self.acquired, self.graded)


@dataclass
class Statistics:
    sessions: list[SessionLine]
    centres: list[Group]
    years: list[Group]
    total: Group
    blocs: list[BlocLine]  # per bloc number, all years of the scope together
    criteria: list[CriterionLine]
    agreement: list[CriterionAgreement]


# -- the per (enrolment, bloc) base every figure is counted from ---------------------
def _published_year():
    return extract("year", func.coalesce(CertificationSession.results_published_at,
                                         TitleResult.published_at))


def _absent(enrolment_id, block_id):
    """The transcript's rule (results.queries.absences) as an SQL condition."""
    return exists().where(ExamAttendance.enrolment_id == enrolment_id,
                          ExamAttendance.exam_id == Exam.id,
                          Exam.session_id == Enrolment.session_id, Exam.block_id == block_id)


def _scoped(query, scope: Scope):
    """Published enrolments in ``scope`` (the query must join Enrolment)."""
    query = (query.join(TitleResult, TitleResult.enrolment_id == Enrolment.id)
             .join(CertificationSession, CertificationSession.id == Enrolment.session_id)
             .where(TitleResult.published_at.is_not(None)))
    if scope.released_only:
        query = query.where(CertificationSession.status.in_(RESULTS_RELEASED))
    if scope.year is not None:
        query = query.where(_published_year() == scope.year)
    if scope.centre_id is not None:
        query = query.where(CertificationSession.centre_id == scope.centre_id)
    if scope.session_id is not None:
        query = query.where(Enrolment.session_id == scope.session_id)
    return query


def _bloc_base(scope: Scope):
    """One row per published enrolment and bloc it was enrolled in: absent (0/1), validated
    (0/1, never when absent), the title awarded (0/1)."""
    absent = _absent(Enrolment.id, enrolment_blocks.c.block_id)
    query = (
        select(Enrolment.id.label("enrolment_id"), Enrolment.session_id.label("session_id"),
               _published_year().label("year"), Block.number.label("number"),
               case((absent, 1), else_=0).label("absent"),
               case((and_(BlockResult.outcome == BlockOutcome.VALIDATED, ~absent), 1),
                    else_=0).label("validated"),
               case((TitleResult.outcome == TitleOutcome.AWARDED, 1), else_=0)
               .label("awarded"))
        .select_from(Enrolment)
        .join(enrolment_blocks, enrolment_blocks.c.enrolment_id == Enrolment.id)
        .join(Block, Block.id == enrolment_blocks.c.block_id)
        .outerjoin(BlockResult, and_(BlockResult.enrolment_id == Enrolment.id,
                                     BlockResult.block_id == enrolment_blocks.c.block_id)))
    return _scoped(query, scope).subquery("bloc_base")


def session_lines(scope: Scope) -> list[SessionLine]:
    """Per session (and year of publication): one statement."""
    base = _bloc_base(scope)
    per_enrolment = (
        select(base.c.enrolment_id, base.c.session_id, base.c.year,
               func.count().label("blocs"), func.sum(base.c.absent).label("absent"),
               func.sum(base.c.validated).label("validated"),
               func.max(base.c.awarded).label("awarded"))
        .group_by(base.c.enrolment_id, base.c.session_id, base.c.year)
    ).subquery("per_enrolment")
    e = per_enrolment.c
    absent = case((e.absent >= e.blocs, 1), else_=0)
    rows = db.session.execute(
        select(CertificationSession.id, CertificationSession.name, TrainingCentre.id,
               TrainingCentre.name, e.year, func.count(), func.sum(absent),
               func.sum(case((and_(e.awarded == 1, e.absent < e.blocs), 1), else_=0)),
               func.sum(case((and_(e.awarded == 0, e.validated > 0), 1), else_=0)),
               func.sum(e.validated))
        .select_from(per_enrolment)
        .join(CertificationSession, CertificationSession.id == e.session_id)
        .join(TrainingCentre, TrainingCentre.id == CertificationSession.centre_id)
        .group_by(CertificationSession.id, CertificationSession.name, TrainingCentre.id,
                  TrainingCentre.name, e.year)
        .order_by(e.year.desc(), TrainingCentre.name, CertificationSession.name,
                  CertificationSession.id))
    return [SessionLine(sid, name, cid, centre, int(year),
                        Figures(int(n), int(a or 0), int(f or 0), int(p or 0), int(v or 0)))
            for sid, name, cid, centre, year, n, a, f, p, v in rows]


def bloc_lines(scope: Scope, *, by_year: bool = False) -> list[BlocLine]:
    """Per bloc number (and per year with ``by_year``): one statement."""
    base = _bloc_base(scope)
    year = base.c.year if by_year else literal(None)
    keys = [base.c.year, base.c.number] if by_year else [base.c.number]
    rows = db.session.execute(
        select(year, base.c.number, func.count(), func.sum(base.c.absent),
               func.sum(base.c.validated))
        .group_by(*keys).order_by(*[k.desc() if k is base.c.year else k for k in keys]))
    return [BlocLine(int(y) if y is not None else None, number,
                     BlocFigures(int(n), int(a or 0), int(v or 0)))
            for y, number, n, a, v in rows]


def _json_levels():
    """The (criterion code, level) pairs of ``BlockResult.criterion_levels`` as a table."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.json_each_text(BlockResult.criterion_levels).table_valued(
            "key", "value", name="levels")
    return func.json_each(BlockResult.criterion_levels).table_valued(
        "key", "value", name="levels")


def criterion_counts(scope: Scope) -> dict[tuple[int, int, str], dict[str, int]]:
    """{(référentiel version, bloc number, code): {level: results}} over the published
    results of blocs sat (the consolidated level, or the jury's): one statement."""
    levels = _json_levels()
    query = (
        select(CertificationSession.referential_version_id, Block.number, levels.c.key,
               levels.c.value, func.count())
        .select_from(BlockResult)
        .join(Enrolment, Enrolment.id == BlockResult.enrolment_id)
        .join(Block, Block.id == BlockResult.block_id)
        .join(levels, true())
        .where(levels.c.value.is_not(None), ~_absent(Enrolment.id, BlockResult.block_id)))
    query = _scoped(query, scope).group_by(
        CertificationSession.referential_version_id, Block.number, levels.c.key,
        levels.c.value)
    out: dict[tuple[int, int, str], dict[str, int]] = defaultdict(dict)
    for version_id, number, code, level, n in db.session.execute(query):
        out[(version_id, number, code)][str(level)] = int(n)
    return out


def _sheet_levels(scope: Scope):
    """Every level of a submitted sheet by a non-withdrawn evaluator on the published
    enrolments of the scope: (version, enrolment, bloc, assignment, code, level), one
    statement (what results.queries.evaluator_levels reads, over many sessions)."""
    query = (
        select(CertificationSession.referential_version_id, Enrolment.id, Block.number,
               Assignment.id, Criterion.code, CriterionMark.level)
        .select_from(Assignment)
        .join(Enrolment, Enrolment.id == Assignment.enrolment_id)
        .join(Exam, and_(Exam.id == Assignment.exam_id,
                         Exam.session_id == Enrolment.session_id))
        .join(Block, Block.id == Exam.block_id)
        .join(GradingSheet, and_(GradingSheet.assignment_id == Assignment.id,
                                 GradingSheet.status == SheetStatus.SUBMITTED))
        .join(CriterionMark, CriterionMark.sheet_id == GradingSheet.id)
        .join(Criterion, Criterion.id == CriterionMark.criterion_id)
        .where(Assignment.withdrawn_at.is_(None)))
    return db.session.execute(_scoped(query, scope))


def _versions(version_ids) -> dict[int, tuple[Scale, list[tuple[int, str]]]]:
    """{version id: (its scale, [(bloc number, criterion code)] in référentiel order)}."""
    if not version_ids:
        return {}
    out = {}
    for version_id, data in db.session.execute(
            select(ReferentialVersion.id, ReferentialVersion.data)
            .where(ReferentialVersion.id.in_(sorted(version_ids)))
            .order_by(ReferentialVersion.number)):
        codes = [(b["number"], c["code"]) for b in sorted(data["blocks"],
                                                          key=lambda b: b["number"])
                 for c in b["criteria"]]
        out[version_id] = (scale_of(data), codes)
    return out


def criteria_and_agreement(scope: Scope) -> tuple[list[CriterionLine], list[CriterionAgreement]]:
    """Per criterion, the acquisition rate and the agreement between evaluators (three
    statements). The criteria of référentiel versions with the same scale are pooled by
    (bloc, code); for one session the agreement is ``results.queries.criterion_agreement``'s
    over its published candidates."""
    counts = criterion_counts(scope)
    works: dict[tuple[int, int], dict[int, dict[str, str]]] = defaultdict(dict)
    version_of: dict[tuple[int, int], int] = {}
    for version_id, enrolment_id, number, assignment_id, code, level in _sheet_levels(scope):
        version_of[(enrolment_id, number)] = version_id
        sheet = works[(enrolment_id, number)].setdefault(assignment_id, {})
        if level:
            sheet[code] = level
    versions = _versions({v for v, _n, _c in counts} | set(version_of.values()))
    # Pool by scale, then (bloc, code), in the order of the latest version.
    order: dict[tuple, int] = {}
    scales: dict[tuple, Scale] = {}
    for scale, codes in versions.values():
        for i, (number, code) in enumerate(codes):
            order[(scale.codes, number, code)] = i
            scales[(scale.codes, number, code)] = scale
    pooled: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (version_id, number, code), by_level in counts.items():
        for level, n in by_level.items():
            pooled[(versions[version_id][0].codes, number, code)][level] += n
    pairs: dict[tuple, list[list[str]]] = defaultdict(list)
    for (enrolment_id, number), sheets in works.items():
        submitted = [s for s in sheets.values() if s]
        if len(submitted) < 2:
            continue
        scale = versions[version_of[(enrolment_id, number)]][0]
        codes = {c for s in submitted for c in s}
        for code in codes:
            pairs[(scale.codes, number, code)].append([s[code] for s in submitted if s.get(code)])
    keys = sorted(set(pooled) | set(pairs) | set(order),
                  key=lambda k: (k[1], order.get(k, 10**6), k[2], k[0]))
    criteria = [CriterionLine(k[1], k[2], dict(pooled[k]), scales[k]) for k in keys
                if k in scales and pooled.get(k)]
    agreements = [CriterionAgreement(k[1], k[2], agreement(pairs.get(k, []), scales[k]))
                  for k in keys if k in scales]
    return criteria, agreements


# -- putting it together ---------------------------------------------------------------
def roll_up(lines: list[SessionLine]) -> tuple[list[Group], list[Group], Group]:
    """Per centre, per year, and the total, from the per-session lines (no statement)."""
    centres: dict[int, Group] = {}
    years: dict[int, Group] = {}
    total = Group((), "")
    for line in lines:
        centres.setdefault(line.centre_id, Group((line.centre_id,), line.centre)).figures.add(
            line.figures)
        years.setdefault(line.year, Group((line.year,), str(line.year))).figures.add(
            line.figures)
        total.figures.add(line.figures)
    return (sorted(centres.values(), key=lambda g: g.label),
            sorted(years.values(), key=lambda g: g.key, reverse=True), total)


def statistics(scope: Scope) -> Statistics:
    """The internal page's figures: six statements."""
    lines = session_lines(scope)
    centres, years, total = roll_up(lines)
    criteria, agreements = criteria_and_agreement(scope)
    return Statistics(lines, centres, years, total, bloc_lines(scope), criteria, agreements)


# -- the filters' choices ----------------------------------------------------------------
def years(centre_id: int | None = None) -> list[int]:
    """The years with published results (of ``centre_id``'s sessions): one statement."""
    query = (select(_published_year()).distinct().select_from(TitleResult)
             .join(Enrolment, Enrolment.id == TitleResult.enrolment_id)
             .join(CertificationSession, CertificationSession.id == Enrolment.session_id)
             .where(TitleResult.published_at.is_not(None)))
    if centre_id is not None:
        query = query.where(CertificationSession.centre_id == centre_id)
    return sorted((int(y) for y in db.session.scalars(query) if y is not None), reverse=True)


def centres(centre_id: int | None = None) -> list[tuple[int, str]]:
    query = select(TrainingCentre.id, TrainingCentre.name).order_by(TrainingCentre.name)
    if centre_id is not None:
        query = query.where(TrainingCentre.id == centre_id)
    return [tuple(r) for r in db.session.execute(query)]


def sessions_with_results(centre_id: int | None = None) -> list[tuple[int, str, str]]:
    """(id, name, centre name) of the sessions with published results: one statement."""
    published = select(Enrolment.session_id).join(
        TitleResult, TitleResult.enrolment_id == Enrolment.id).where(
        TitleResult.published_at.is_not(None))
    query = (select(CertificationSession.id, CertificationSession.name, TrainingCentre.name)
             .join(TrainingCentre, TrainingCentre.id == CertificationSession.centre_id)
             .where(CertificationSession.id.in_(published))
             .order_by(CertificationSession.starts_on.desc(), CertificationSession.name))
    if centre_id is not None:
        query = query.where(CertificationSession.centre_id == centre_id)
    return [tuple(r) for r in db.session.execute(query)]


def session_centre(session_id: int) -> int | None:
    """The centre of a session (None: no such session): one statement."""
    return db.session.scalar(select(CertificationSession.centre_id).where(
        CertificationSession.id == session_id))


def centre_exists(centre_id: int) -> bool:
    return db.session.get(TrainingCentre, centre_id) is not None
