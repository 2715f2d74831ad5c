"""What an oral defence panel must respect besides the composition rules of
``workflows.jury_rules``: each juror is available that day, and sits on one panel at a time
(across every session: a juror cannot be in two rooms at once). Pure: facts in, problems
out, in the same ``Problem`` shape as the composition rules.

A juror who has declared no availability at all is taken as available: the periods are a
way for a juror to narrow their days, not a register every juror must fill in first. Once a
juror has declared one period, only the days inside their periods count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from .base import N_, Reason
from .jury_rules import Problem

PANEL_RULES = ("available", "one_place")


@dataclass(frozen=True)
class Seat:
    """A juror's place on the panel of one slot, named as the reader will see the slot."""

    slot_id: int
    juror_id: int
    starts: datetime
    ends: datetime
    label: str


@dataclass(frozen=True)
class Period:
    starts_on: date
    ends_on: date


def overlaps(a_starts: datetime, a_ends: datetime, b_starts: datetime, b_ends: datetime
             ) -> bool:
    """Half-open intervals: a slot ending at 10:00 leaves the juror free at 10:00."""
    return a_starts < b_ends and b_starts < a_ends


def clashes(juror_ids: Iterable[int], slot_id: int | None, starts: datetime, ends: datetime,
            seats: Iterable[Seat]) -> list[Seat]:
    """The seats of these jurors, on other slots, at a time overlapping [starts, ends)."""
    wanted = set(juror_ids)
    return sorted((s for s in seats if s.juror_id in wanted and s.slot_id != slot_id
                   and overlaps(starts, ends, s.starts, s.ends)),
                  key=lambda s: (s.starts, s.slot_id, s.juror_id))


def available(day: date, periods: Sequence[Period]) -> bool:
    """Available on ``day``: no period declared, or ``day`` inside one of them."""
    return not periods or any(p.starts_on <= day <= p.ends_on for p in periods)


def panel_problems(names: Mapping[int, str], *, slot_id: int | None, starts: datetime,
                   ends: datetime, day: date, day_label: str, seats: Iterable[Seat],
                   periods: Mapping[int, Sequence[Period]]) -> list[Problem]:
    """The problems of a panel (``names``: juror id -> name, in the order to report them)
    on a slot: the unavailable jurors, then those already sitting elsewhere at that time.
    Both block the panel."""
    problems = [Problem("available", Reason(N_(
        "Disponibilité : %(name)s n'est pas disponible le %(day)s ; choisissez un autre "
        "membre, ou demandez-lui d'ajouter ce jour à ses disponibilités."),
        {"name": name, "day": day_label}))
        for juror_id, name in names.items() if not available(day, periods.get(juror_id, ()))]
    seats = list(seats)
    for juror_id, name in names.items():
        for seat in clashes({juror_id}, slot_id, starts, ends, seats):
            problems.append(Problem("one_place", Reason(N_(
                "Chevauchement : %(name)s siège déjà au jury d'un autre oral à ce moment "
                "(%(other)s) ; choisissez un autre membre ou déplacez l'un des deux créneaux."),
                {"name": name, "other": seat.label})))
    return problems
