"""Planning the oral defences: candidates placed in slots of the days' time windows, room
by room, with a break between slots and a longer slot for a candidate with extra time.
Pure: datetimes in, a placement out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Window:
    starts: datetime
    ends: datetime


@dataclass(frozen=True)
class Slot:
    who: int
    room: str
    starts: datetime
    ends: datetime


def place(candidates: list[tuple[int, int]], windows: list[Window], rooms: list[str],
          slot_minutes: int, break_minutes: int,
          taken: list[Slot] = ()) -> tuple[list[Slot], list[int]]:
    """``candidates``: (id, extra minutes), placed in this order, each in the first room and
    time where their slot fits whole (``taken`` slots, moved by hand, are kept). Returns the
    slots and the ids that did not fit."""
    booked: dict[str, list[tuple[datetime, datetime]]] = {room: [] for room in rooms}
    for s in taken:
        booked.setdefault(s.room, []).append((s.starts, s.ends))
    placed, left = [], []
    gap = timedelta(minutes=break_minutes)
    for who, extra in candidates:
        length = timedelta(minutes=slot_minutes + extra)
        spot = _first_fit(length, gap, windows, rooms, booked)
        if spot is None:
            left.append(who)
            continue
        room, starts = spot
        booked[room].append((starts, starts + length))
        placed.append(Slot(who, room, starts, starts + length))
    return placed, left


def _first_fit(length, gap, windows, rooms, booked):
    """The earliest (room, start) of the earliest window where a slot of ``length`` fits,
    ``gap`` apart from every booked slot of that room."""
    for window in sorted(windows, key=lambda w: w.starts):
        found = []
        for room in rooms:
            start = window.starts
            for b_start, b_end in sorted(booked[room]):  # push past each clash in turn
                if _clashes(start, start + length, [(b_start, b_end)], gap):
                    start = b_end + gap
            if start + length <= window.ends:
                found.append((start, room))
        if found:
            start, room = min(found)
            return room, start
    return None


def _clashes(starts, ends, booked, gap) -> bool:
    return any(starts < b_end + gap and b_start < ends + gap for b_start, b_end in booked)


def overlaps(a_starts: datetime, a_ends: datetime, b_starts: datetime, b_ends: datetime
             ) -> bool:
    return a_starts < b_ends and b_starts < a_ends
