"""Allocation of written work to evaluators: each piece of work gets ``n`` distinct jurors.

A juror is eligible for a work when they may assess its bloc, are available during its
grading window, have no declared link with the candidate (conflict of interest) and are
below their maximum load. Assignments already made are kept: they count toward the ``n``
of their work, and a juror's ``load`` (given) already includes them.

The order is greedy and deterministic:
- the most constrained work first: the fewest eligible jurors left once its need is met
  (``slack``), then by épreuve and enrolment id;
- for each missing evaluator, the eligible juror with the lowest load, tie-broken by how
  often they already grade with the work's other evaluators (so the same two jurors do
  not always grade together), then by id.
Choosing by lowest load keeps interchangeable jurors within one sheet of each other.

Pure: dataclasses in, dataclasses out (no Flask, no database).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

# Why a juror cannot take a work, in the order they are checked (each excluded juror is
# counted once, under the first reason that applies).
BLOCK = "block"
AVAILABILITY = "availability"
CONFLICT = "conflict"
LOAD = "load"
REASONS = (BLOCK, AVAILABILITY, CONFLICT, LOAD)


@dataclass(frozen=True, order=True)
class Work:
    """One candidate's written épreuve (an enrolment × an exam of a bloc)."""

    enrolment_id: int
    exam_id: int
    block: int


@dataclass(frozen=True)
class Juror:
    """``available``: False when the juror is away for every grading window;
    ``unavailable_exams``: the épreuves whose grading window their periods miss.
    ``load``: the sheets they already have (the existing assignments among them);
    ``max_load``: at most this many in all (None: no limit)."""

    id: int
    blocks: frozenset[int]
    available: bool = True
    load: int = 0
    max_load: int | None = None
    unavailable_exams: frozenset[int] = frozenset()

    def available_for(self, exam_id: int) -> bool:
        return self.available and exam_id not in self.unavailable_exams


@dataclass(frozen=True, order=True)
class Pair:
    """A juror asked to grade a work (existing, or new)."""

    juror_id: int
    enrolment_id: int
    exam_id: int


@dataclass(frozen=True)
class Shortfall:
    """A work left with fewer than ``needed`` evaluators; ``excluded`` says how many of the
    other jurors were ruled out for each reason (of ``REASONS``, in that order; none at all:
    nobody else in the pool)."""

    work: Work
    evaluators: int
    needed: int
    excluded: tuple[tuple[str, int], ...]

    @property
    def missing(self) -> int:
        return self.needed - self.evaluators


@dataclass(frozen=True)
class Allocation:
    assignments: tuple[Pair, ...]
    shortfalls: tuple[Shortfall, ...]
    loads: dict[int, int] = field(default_factory=dict)  # juror id -> load afterwards


def grading_window(part_ends: Iterable[date], due: date | None,
                   session_ends: date | None) -> tuple[date, date] | None:
    """The days the work is graded: from the end of the épreuve's last part to its grading
    deadline (the session's end when it has none). None when nothing is dated. A deadline
    set before the end of the épreuve leaves the one day the épreuve ends."""
    ends = [d for d in part_ends if d is not None]
    start = max(ends) if ends else None
    end = due or session_ends
    if start is None and end is None:
        return None
    start = start or end
    end = end if end is not None and end >= start else start
    return start, end


def available_during(periods: Sequence[tuple[date, date]],
                     window: tuple[date, date] | None) -> bool:
    """A juror who declared no period is available; otherwise one of their periods (whole
    days, both ends included) must meet the window. No window: nothing to check."""
    if not periods or window is None:
        return True
    start, end = window
    return any(p_start <= end and start <= p_end for p_start, p_end in periods)


def allocate(works: Iterable[Work], jurors: Iterable[Juror], n: int, *,
             forbidden: Iterable[tuple[int, int]] = (),
             existing: Iterable[Pair] = ()) -> Allocation:
    """New assignments so that each work has ``n`` distinct evaluators where it can, and
    the works that could not (with why). ``forbidden``: (juror id, enrolment id) pairs
    with a declared link; ``existing``: assignments kept as they are."""
    if n < 1:
        raise ValueError("n must be at least 1")
    works = sorted(set(works))
    pool = sorted({j.id: j for j in jurors}.values(), key=lambda j: j.id)
    conflicts = set(forbidden)
    loads = {j.id: j.load for j in pool}
    evaluators: dict[tuple[int, int], list[int]] = {(w.enrolment_id, w.exam_id): []
                                                    for w in works}
    together: Counter[tuple[int, int]] = Counter()  # how often two jurors share a work
    for pair in sorted(set(existing)):
        current = evaluators.get((pair.enrolment_id, pair.exam_id))
        if current is not None and pair.juror_id not in current:
            current.append(pair.juror_id)
    for current in evaluators.values():
        _count_pairs(together, current)

    def reason(juror: Juror, work: Work) -> str | None:
        """Why ``juror`` cannot take ``work`` (None: eligible)."""
        if work.block not in juror.blocks:
            return BLOCK
        if not juror.available_for(work.exam_id):
            return AVAILABILITY
        if (juror.id, work.enrolment_id) in conflicts:
            return CONFLICT
        if juror.max_load is not None and loads[juror.id] >= juror.max_load:
            return LOAD
        return None

    def slack(work: Work) -> tuple:
        current = evaluators[(work.enrolment_id, work.exam_id)]
        eligible = sum(1 for j in pool if j.id not in current and reason(j, work) is None)
        return (eligible - (n - len(current)), work.exam_id, work.enrolment_id)

    new: list[Pair] = []
    shortfalls: list[Shortfall] = []
    for work in sorted(works, key=slack):
        current = evaluators[(work.enrolment_id, work.exam_id)]
        while len(current) < n:
            candidates = [j for j in pool if j.id not in current and reason(j, work) is None]
            if not candidates:
                break
            chosen = min(candidates, key=lambda j: (
                loads[j.id], sum(together[_key(j.id, other)] for other in current), j.id))
            for other in current:
                together[_key(chosen.id, other)] += 1
            current.append(chosen.id)
            loads[chosen.id] += 1
            new.append(Pair(chosen.id, work.enrolment_id, work.exam_id))
        if len(current) < n:
            counts = Counter(reason(j, work) for j in pool if j.id not in current)
            shortfalls.append(Shortfall(
                work, len(current), n, tuple((r, counts[r]) for r in REASONS if counts[r])))
    shortfalls.sort(key=lambda s: (s.work.exam_id, s.work.enrolment_id))
    return Allocation(tuple(sorted(new)), tuple(shortfalls), loads)


def _key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _count_pairs(together: Counter, jurors: Sequence[int]) -> None:
    for i, a in enumerate(jurors):
        for b in jurors[i + 1:]:
            together[_key(a, b)] += 1
