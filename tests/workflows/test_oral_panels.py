"""The panel rules of the oral: a juror available that day, in one place at a time."""

from __future__ import annotations

from datetime import date, datetime

from workflows.oral_panels import Period, Seat, available, clashes, overlaps, panel_problems

NINE, TEN, ELEVEN = (datetime(2027, 3, 15, h) for h in (9, 10, 11))
MARCH_15 = date(2027, 3, 15)


def seat(slot_id, juror_id, starts, ends, label="Session B, salle A"):
    return Seat(slot_id, juror_id, starts, ends, label)


def test_overlaps_is_half_open():
    assert overlaps(NINE, TEN, datetime(2027, 3, 15, 9, 30), ELEVEN)
    assert not overlaps(NINE, TEN, TEN, ELEVEN)  # back to back is fine
    assert not overlaps(TEN, ELEVEN, NINE, TEN)


def test_clashes_finds_the_jurors_other_seats_at_that_time_only():
    seats = [seat(1, 7, NINE, TEN), seat(2, 7, TEN, ELEVEN), seat(3, 8, NINE, TEN),
             seat(4, 7, datetime(2027, 3, 15, 9, 45), ELEVEN)]
    found = clashes({7}, 9, datetime(2027, 3, 15, 9, 30), TEN, seats)
    assert [s.slot_id for s in found] == [1, 4]
    assert clashes({7}, 1, NINE, TEN, seats[:1]) == []  # the slot itself is not a clash


def test_a_juror_without_any_period_is_available_and_one_with_periods_only_inside():
    assert available(MARCH_15, [])
    periods = [Period(date(2027, 3, 1), date(2027, 3, 14)), Period(MARCH_15, MARCH_15)]
    assert available(MARCH_15, periods)
    assert not available(date(2027, 3, 16), periods)


def test_panel_problems_name_the_juror_the_day_and_the_other_slot():
    problems = panel_problems(
        {7: "Ada Martin", 8: "Léo Petit"}, slot_id=9, starts=NINE, ends=TEN, day=MARCH_15,
        day_label="15 mars 2027", seats=[seat(1, 8, NINE, TEN, "Session B, salle C, 9h")],
        periods={7: [Period(date(2027, 4, 1), date(2027, 4, 2))]})
    assert [p.rule for p in problems] == ["available", "one_place"]
    assert all(p.blocking for p in problems)
    assert "Ada Martin" in problems[0].render() and "15 mars 2027" in problems[0].render()
    assert "Léo Petit" in problems[1].render() and "Session B, salle C, 9h" in (
        problems[1].render())
    assert panel_problems({7: "Ada"}, slot_id=9, starts=NINE, ends=TEN, day=MARCH_15,
                          day_label="", seats=[], periods={}) == []
