"""Allocation of written work: conflicts, blocs, availability and loads respected, N
distinct evaluators where possible (and why not otherwise), loads and pairs spread evenly,
the same answer for the same facts."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.allocation import (
    AVAILABILITY,
    BLOCK,
    CONFLICT,
    LOAD,
    Juror,
    Pair,
    Work,
    allocate,
    available_during,
    grading_window,
)


def evaluators_of(pairs) -> dict[tuple[int, int], list[int]]:
    found: dict[tuple[int, int], list[int]] = {}
    for p in pairs:
        found.setdefault((p.enrolment_id, p.exam_id), []).append(p.juror_id)
    return found


def test_each_work_gets_n_distinct_evaluators_with_the_lowest_loads():
    works = [Work(e, 10, 1) for e in (1, 2, 3)]
    jurors = [Juror(1, frozenset({1})), Juror(2, frozenset({1})), Juror(3, frozenset({1}))]
    result = allocate(works, jurors, 2)
    by_work = evaluators_of(result.assignments)
    assert all(len(set(v)) == 2 for v in by_work.values())
    assert result.shortfalls == ()
    assert sorted(result.loads.values()) == [2, 2, 2]


def test_a_conflict_a_bloc_an_absence_or_a_full_load_rules_a_juror_out():
    work = Work(7, 10, 1)
    jurors = [Juror(1, frozenset({2})),                      # may not assess bloc 1
              Juror(2, frozenset({1}), available=False),     # away
              Juror(3, frozenset({1})),                      # linked to the candidate
              Juror(4, frozenset({1}), load=3, max_load=3),  # full
              Juror(5, frozenset({1}), unavailable_exams=frozenset({10}))]
    result = allocate([work], jurors, 2, forbidden={(3, 7)})
    assert result.assignments == ()
    [short] = result.shortfalls
    assert (short.work, short.evaluators, short.needed, short.missing) == (work, 0, 2, 2)
    assert short.excluded == ((BLOCK, 1), (AVAILABILITY, 2), (CONFLICT, 1), (LOAD, 1))


def test_a_work_short_of_jurors_gets_those_there_are_and_is_reported():
    result = allocate([Work(1, 10, 1)], [Juror(1, frozenset({1}))], 2)
    assert result.assignments == (Pair(1, 1, 10),)
    [short] = result.shortfalls
    assert (short.evaluators, short.missing, short.excluded) == (1, 1, ())


def test_existing_assignments_count_toward_n_and_are_kept():
    works = [Work(1, 10, 1), Work(2, 10, 1)]
    jurors = [Juror(1, frozenset({1}), load=2), Juror(2, frozenset({1})),
              Juror(3, frozenset({1}))]
    existing = [Pair(1, 1, 10), Pair(1, 2, 10)]
    result = allocate(works, jurors, 2, existing=existing)
    assert [p.juror_id for p in result.assignments] == [2, 3]
    assert result.shortfalls == ()
    # Run again with what was made: nothing more to do.
    again = allocate(works, [Juror(1, frozenset({1}), load=2), Juror(2, frozenset({1}), load=1),
                             Juror(3, frozenset({1}), load=1)], 2,
                     existing=existing + list(result.assignments))
    assert again.assignments == () and again.shortfalls == ()


def test_the_most_constrained_work_is_served_first():
    # Juror 1 is the only one for bloc 2; with a load of one sheet at most, they must go to
    # the bloc 2 work, not to the bloc 1 work listed first.
    works = [Work(1, 10, 1), Work(2, 20, 2)]
    jurors = [Juror(1, frozenset({1, 2}), max_load=1), Juror(2, frozenset({1}))]
    result = allocate(works, jurors, 1)
    assert set(result.assignments) == {Pair(1, 2, 20), Pair(2, 1, 10)}
    assert result.shortfalls == ()


def test_n_must_be_positive():
    with pytest.raises(ValueError):
        allocate([], [], 0)


def test_the_grading_window_runs_from_the_last_part_to_the_deadline():
    assert grading_window([date(2027, 3, 1), date(2027, 3, 4)], date(2027, 3, 20),
                          date(2027, 4, 1)) == (date(2027, 3, 4), date(2027, 3, 20))
    # No deadline: the session's end; a deadline before the end of the épreuve: that day.
    assert grading_window([date(2027, 3, 4)], None, date(2027, 4, 1)) == (
        date(2027, 3, 4), date(2027, 4, 1))
    assert grading_window([date(2027, 3, 4)], date(2027, 3, 1), None) == (
        date(2027, 3, 4), date(2027, 3, 4))
    assert grading_window([], None, None) is None
    assert grading_window([], date(2027, 3, 20), None) == (date(2027, 3, 20),
                                                           date(2027, 3, 20))


def test_available_with_no_period_or_a_period_meeting_the_window():
    window = (date(2027, 3, 4), date(2027, 3, 20))
    assert available_during([], window)
    assert available_during([(date(2027, 3, 20), date(2027, 3, 25))], window)
    assert available_during([(date(2027, 2, 1), date(2027, 3, 4))], window)
    assert not available_during([(date(2027, 2, 1), date(2027, 3, 3)),
                                 (date(2027, 3, 21), date(2027, 4, 1))], window)
    assert available_during([(date(2027, 2, 1), date(2027, 2, 2))], None)


# -- properties -------------------------------------------------------------------------
@st.composite
def facts(draw):
    """Works of blocs 1-2 over two épreuves, jurors with random blocs, availability,
    loads and maxima, random conflicts and existing assignments."""
    n = draw(st.integers(1, 3))
    enrolments = draw(st.integers(0, 12))
    works = [Work(e, 10 + b, b) for e in range(1, enrolments + 1)
             for b in draw(st.sets(st.sampled_from([1, 2]), min_size=1))]
    count = draw(st.integers(0, 7))
    existing: list[Pair] = []
    jurors = []
    for j in range(1, count + 1):
        blocks = frozenset(draw(st.sets(st.sampled_from([1, 2]))))
        mine = [Pair(j, w.enrolment_id, w.exam_id) for w in works
                if w.block in blocks and draw(st.integers(0, 9)) == 0]
        existing.extend(mine)
        load = len(mine) + draw(st.integers(0, 3))
        max_load = draw(st.one_of(st.none(), st.integers(1, 12)))
        jurors.append(Juror(j, blocks, available=draw(st.integers(0, 5)) > 0, load=load,
                            max_load=max_load,
                            unavailable_exams=frozenset(draw(st.sets(st.sampled_from([11, 12]),
                                                                     max_size=1)))))
    forbidden = {(j.id, w.enrolment_id) for j in jurors for w in works
                 if draw(st.integers(0, 7)) == 0}
    existing = [p for p in existing if (p.juror_id, p.enrolment_id) not in forbidden]
    return works, jurors, n, forbidden, existing


def _eligible(juror: Juror, work: Work, forbidden) -> bool:
    return (work.block in juror.blocks and juror.available_for(work.exam_id)
            and (juror.id, work.enrolment_id) not in forbidden)


@settings(max_examples=300, deadline=None)
@given(facts())
def test_the_rules_always_hold(case):
    works, jurors, n, forbidden, existing = case
    result = allocate(works, jurors, n, forbidden=forbidden, existing=existing)
    by_id = {j.id: j for j in jurors}
    works_by_key = {(w.enrolment_id, w.exam_id): w for w in works}
    new = list(result.assignments)
    assert len(set(new)) == len(new)
    assert not set(new) & set(existing)  # the existing ones are kept, never re-made
    for p in new:
        juror, work = by_id[p.juror_id], works_by_key[(p.enrolment_id, p.exam_id)]
        assert (p.juror_id, p.enrolment_id) not in forbidden
        assert work.block in juror.blocks
        assert juror.available_for(work.exam_id)
    added = Counter(p.juror_id for p in new)
    for juror in jurors:
        assert result.loads[juror.id] == juror.load + added[juror.id]
        if added[juror.id] and juror.max_load is not None:
            assert result.loads[juror.id] <= juror.max_load
    everyone = evaluators_of(list(existing) + new)
    short = {(s.work.enrolment_id, s.work.exam_id): s for s in result.shortfalls}
    for key, work in works_by_key.items():
        graders = everyone.get(key, [])
        assert len(graders) == len(set(graders))  # distinct evaluators
        if key in short:
            assert len(graders) < n and short[key].evaluators == len(graders)
            # Reported only when nobody eligible is left for it.
            assert not [j for j in jurors if j.id not in graders
                        and _eligible(j, work, forbidden)
                        and (j.max_load is None or result.loads[j.id] < j.max_load)]
            assert sum(c for _r, c in short[key].excluded) == len(
                [j for j in jurors if j.id not in graders])
        else:
            assert len(graders) >= n
            assert len(set(graders) - {p.juror_id for p in existing}) <= n


@settings(max_examples=200, deadline=None)
@given(facts(), st.randoms(use_true_random=False))
def test_the_same_facts_in_any_order_give_the_same_allocation(case, rnd):
    works, jurors, n, forbidden, existing = case
    first = allocate(works, jurors, n, forbidden=forbidden, existing=existing)
    for items in (works, jurors, existing):
        rnd.shuffle(items)
    second = allocate(works, jurors, n, forbidden=sorted(forbidden, reverse=True),
                      existing=existing)
    assert first == second


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 8), st.integers(0, 40), st.integers(1, 3),
       st.one_of(st.none(), st.integers(5, 30)), st.integers(0, 6))
def test_interchangeable_jurors_end_within_one_sheet(count, enrolments, n, max_load, other):
    # ``other``: a juror of another bloc, who takes nothing and must not skew the rest.
    works = [Work(e, 10, 1) for e in range(enrolments)]
    jurors = [Juror(j, frozenset({1}), max_load=max_load) for j in range(1, count + 1)]
    jurors.append(Juror(99, frozenset({2}), load=other))
    result = allocate(works, jurors, n)
    loads = [result.loads[j] for j in range(1, count + 1)]
    assert max(loads) - min(loads) <= 1
    assert result.loads[99] == other


@settings(max_examples=100, deadline=None)
@given(st.integers(6, 300), st.integers(1, 2))
def test_four_jurors_share_the_pairs_evenly(enrolments, exams):
    # With 4 jurors and 2 evaluators per work there are 6 possible pairs: however many the
    # works, no pair grades together more than once more than any other (bound: 1).
    works = [Work(e, 10 + x, 1) for e in range(enrolments) for x in range(exams)]
    jurors = [Juror(j, frozenset({1})) for j in range(1, 5)]
    result = allocate(works, jurors, 2)
    pairs = Counter(tuple(sorted(v)) for v in evaluators_of(result.assignments).values())
    counts = [pairs[p] for p in combinations(range(1, 5), 2)]
    assert max(counts) - min(counts) <= 1, counts


def test_pairs_are_spread_even_with_existing_assignments():
    # Jurors 1 and 2 already grade 10 works together: the new works pair the others first.
    rng = random.Random(4)
    old = [Work(e, 10, 1) for e in range(10)]
    existing = [Pair(j, w.enrolment_id, 10) for w in old for j in (1, 2)]
    works = old + [Work(e, 10, 1) for e in range(10, 40)]
    rng.shuffle(works)
    jurors = [Juror(j, frozenset({1}), load=10 if j in (1, 2) else 0) for j in range(1, 5)]
    result = allocate(works, jurors, 2, existing=existing)
    pairs = Counter(tuple(sorted(v)) for v in evaluators_of(result.assignments).values())
    assert pairs[(1, 2)] == 0
    assert max(result.loads.values()) - min(result.loads.values()) <= 1
