"""Placing candidates in oral slots: windows, rooms, breaks, extra time, hand-moved slots."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.oral_planning import Slot, Window, overlaps, place

DAY = datetime(2027, 3, 1, 9, 0)
MORNING = Window(DAY, DAY + timedelta(hours=3))


def test_slots_follow_each_other_with_the_break():
    slots, left = place([(1, 0), (2, 0), (3, 0)], [MORNING], ["A"], 40, 10)
    assert left == []
    assert [(s.starts.strftime("%H:%M"), s.ends.strftime("%H:%M")) for s in slots] == [
        ("09:00", "09:40"), ("09:50", "10:30"), ("10:40", "11:20")]


def test_two_rooms_run_in_parallel_and_extra_time_makes_a_longer_slot():
    slots, left = place([(1, 20), (2, 0)], [MORNING], ["A", "B"], 40, 10)
    assert {s.who: (s.room, s.ends - s.starts) for s in slots} == {
        1: ("A", timedelta(minutes=60)), 2: ("B", timedelta(minutes=40))}


def test_who_does_not_fit_is_said():
    slots, left = place([(i, 0) for i in range(5)], [MORNING], ["A"], 60, 0)
    assert len(slots) == 3 and left == [3, 4]


def test_a_slot_moved_by_hand_is_kept_free():
    taken = [Slot(9, "A", DAY, DAY + timedelta(minutes=40))]
    slots, _ = place([(1, 0)], [MORNING], ["A"], 40, 10, taken)
    assert slots[0].starts == DAY + timedelta(minutes=50)


@settings(max_examples=60)
@given(st.lists(st.integers(0, 30), max_size=12), st.integers(1, 3), st.integers(20, 60),
       st.integers(0, 15))
def test_no_two_slots_of_a_room_overlap_and_all_stay_in_their_window(extras, n_rooms, length,
                                                                       pause):
    windows = [MORNING, Window(DAY + timedelta(hours=5), DAY + timedelta(hours=8))]
    rooms = [f"R{i}" for i in range(n_rooms)]
    slots, left = place(list(enumerate(extras)), windows, rooms, length, pause)
    assert len(slots) + len(left) == len(extras)
    for s in slots:
        assert any(w.starts <= s.starts and s.ends <= w.ends for w in windows)
        assert s.ends - s.starts == timedelta(minutes=length + extras[s.who])
    for a in slots:
        for b in slots:
            if a is not b and a.room == b.room:
                assert not overlaps(a.starts, a.ends + timedelta(minutes=pause), b.starts,
                                    b.ends)
