"""The rules of aménagements: the one-third cap and its exception, the minutes granted."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from workflows.accommodation import MAX_EXTRA_PERCENT, ExtraTime, extra_minutes, extra_time_problem


def test_up_to_a_third_needs_no_reason():
    assert extra_time_problem(ExtraTime(33)) is None
    assert extra_time_problem(ExtraTime(0)) is None


def test_beyond_a_third_needs_a_written_exception():
    assert "dérogation" in extra_time_problem(ExtraTime(50)).message
    assert extra_time_problem(ExtraTime(50, "   ")) is not None
    assert extra_time_problem(ExtraTime(50, "Avis du médecin de la MDPH")) is None


def test_out_of_range_is_refused():
    assert extra_time_problem(ExtraTime(-1)) is not None
    assert extra_time_problem(ExtraTime(101, "raison")) is not None


def test_minutes_are_rounded_up():
    assert extra_minutes(240, 33) == 80  # 79.2 → 80
    assert extra_minutes(180, 25) == 45
    assert extra_minutes(None, 33) == 0 and extra_minutes(60, 0) == 0


@given(st.integers(1, 600), st.integers(0, MAX_EXTRA_PERCENT))
def test_never_less_than_decided_nor_a_minute_more(duration, percent):
    minutes = extra_minutes(duration, percent)
    assert duration * percent / 100 <= minutes < duration * percent / 100 + 1
