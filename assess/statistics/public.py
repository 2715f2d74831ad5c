"""The public summary the certifier links to (Qualiopi asks for published pass rates):
totals only, of sessions whose results are released as a whole, never a person.

Small groups are hidden. With a handful of candidates a rate describes people: « 0 %
certifiés » in a session of two tells anyone who knows who sat it that both failed. So a
row with fewer than ``MIN_PRESENTED`` candidates presented shows « moins de 5 » and no
rate (the CNIL and the statistical services use the same kind of threshold). A hidden
session row could be found again by subtracting the others from its year's total: when
exactly one session of a year is hidden, the next smallest one is hidden too
(complementary suppression). Hidden rows still count in the totals shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import queries
from .queries import BlocLine, Figures, Scope, SessionLine

MIN_PRESENTED = 5


@dataclass
class PublicRow:
    label: str
    centre: str
    figures: Figures
    hidden: bool = False


@dataclass
class PublicBloc:
    line: BlocLine
    hidden: bool


@dataclass
class PublicYear:
    year: int
    total: Figures
    hidden: bool
    sessions: list[PublicRow]
    blocs: list[PublicBloc]


def small(presented: int) -> bool:
    return presented < MIN_PRESENTED


def suppress(rows: list[PublicRow], total_shown: bool) -> None:
    """Hide the small rows, then one more when a single hidden row could be recovered
    from the total shown."""
    for row in rows:
        row.hidden = small(row.figures.presented)
    hidden = [r for r in rows if r.hidden]
    shown = [r for r in rows if not r.hidden]
    if total_shown and len(hidden) == 1 and shown:
        min(shown, key=lambda r: (r.figures.presented, r.label)).hidden = True


def summary() -> list[PublicYear]:
    """Per year (newest first): the total, each session, each bloc. Two statements."""
    scope = Scope(released_only=True)
    lines: list[SessionLine] = queries.session_lines(scope)
    blocs = queries.bloc_lines(scope, by_year=True)
    years: dict[int, PublicYear] = {}
    for line in lines:
        year = years.setdefault(line.year, PublicYear(line.year, Figures(), False, [], []))
        year.total.add(line.figures)
        year.sessions.append(PublicRow(line.name, line.centre, line.figures))
    for bloc in blocs:
        if bloc.year in years:
            years[bloc.year].blocs.append(PublicBloc(bloc, small(bloc.figures.presented)))
    for year in years.values():
        year.hidden = small(year.total.presented)
        suppress(year.sessions, not year.hidden)
    return sorted(years.values(), key=lambda y: y.year, reverse=True)
