"""A juror's availability periods (whole days, both ends included), kept as disjoint periods.

A new period that overlaps or touches (the day after) periods already declared is merged
with them into one: a juror who says « available 10-20 » after « 15-25 » means 10-25, and
the oral panels' check (``workflows.oral_panels.available``) reads the same days either way.
Pure: periods in, the merged period and the ids it absorbs out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .base import N_

END_BEFORE_START = N_("La date de fin doit être le même jour que la date de début ou après.")
ALREADY_PAST = N_("Cette période est déjà passée : indiquez une date de fin à venir.")


@dataclass(frozen=True)
class Declared:
    id: int
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class Merged:
    starts_on: date
    ends_on: date
    absorbed: tuple[int, ...]  # ids of the declared periods the new one replaces


def problem(starts_on: date, ends_on: date, today: date) -> str | None:
    """Why this period cannot be declared (a message id), or None."""
    if ends_on < starts_on:
        return END_BEFORE_START
    if ends_on < today:
        return ALREADY_PAST
    return None


def touches(a_starts: date, a_ends: date, b_starts: date, b_ends: date) -> bool:
    """Overlapping, or back to back (one ends the day before the other starts)."""
    day = timedelta(days=1)
    return a_starts <= b_ends + day and b_starts <= a_ends + day


def merge(declared: Iterable[Declared], starts_on: date, ends_on: date) -> Merged:
    """The period to store for [starts_on, ends_on] given those already declared."""
    start, end = starts_on, ends_on
    pending = sorted(declared, key=lambda p: (p.starts_on, p.id))
    absorbed: list[int] = []
    grew = True
    while grew:  # a widened period may now touch one it did not touch before
        grew = False
        for p in pending:
            if p.id not in absorbed and touches(start, end, p.starts_on, p.ends_on):
                absorbed.append(p.id)
                start, end = min(start, p.starts_on), max(end, p.ends_on)
                grew = True
    return Merged(start, end, tuple(sorted(absorbed)))
