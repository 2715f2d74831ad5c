"""A juror's availability periods: refused when inverted or past, merged when they meet."""

from __future__ import annotations

from datetime import date

from workflows.availability import (
    ALREADY_PAST,
    END_BEFORE_START,
    Declared,
    merge,
    problem,
    touches,
)

TODAY = date(2027, 3, 1)


def d(day: int, month: int = 3) -> date:
    return date(2027, month, day)


def test_an_end_before_the_start_or_in_the_past_is_refused():
    assert problem(d(10), d(9), TODAY) == END_BEFORE_START
    assert problem(d(1, 2), d(28, 2), TODAY) == ALREADY_PAST
    assert problem(d(28, 2), d(1), TODAY) is None  # still running today
    assert problem(d(5), d(5), TODAY) is None  # a single day


def test_touching_means_overlapping_or_back_to_back():
    assert touches(d(1), d(10), d(10), d(12))
    assert touches(d(1), d(10), d(11), d(12))  # the day after
    assert not touches(d(1), d(10), d(12), d(14))
    assert touches(d(12), d(14), d(1), d(11))


def test_a_period_apart_from_the_others_is_stored_as_typed():
    merged = merge([Declared(1, d(1), d(5))], d(10), d(12))
    assert (merged.starts_on, merged.ends_on, merged.absorbed) == (d(10), d(12), ())


def test_a_period_bridging_two_others_absorbs_both():
    declared = [Declared(1, d(1), d(5)), Declared(2, d(10), d(20)), Declared(3, d(25), d(26))]
    merged = merge(declared, d(6), d(12))
    assert (merged.starts_on, merged.ends_on, merged.absorbed) == (d(1), d(20), (1, 2))


def test_widening_reaches_a_period_the_typed_one_did_not_touch():
    # 14-16 touches 10-15 (id 2); widened to 10-16 it still does not reach 1-8 (id 1),
    # but a period inside an absorbed one counts whatever its order.
    declared = [Declared(2, d(10), d(15)), Declared(1, d(1), d(8)), Declared(3, d(11), d(12))]
    merged = merge(declared, d(14), d(16))
    assert (merged.starts_on, merged.ends_on, merged.absorbed) == (d(10), d(16), (2, 3))
    assert merge(declared, d(9), d(9)).absorbed == (1, 2, 3)
