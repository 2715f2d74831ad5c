"""Reads of the oral planning: the part's slots with their candidates; the panels with
what their rules read; a juror's timetable. Each in a fixed number of statements."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime

from flask_babel import format_time, to_user_timezone
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from workflows import jury_rules
from workflows.jury_rules import Link, Member, Problem
from workflows.oral_panels import Period, Seat, available, panel_problems

from ..accounts.models import User
from ..candidates.models import Candidate, Enrolment
from ..extensions import db
from ..i18n import day, moment
from ..juries import facts
from ..juries.models import Assignment, JurorAvailability, juror_blocks
from ..juries.queries import pool
from ..sessions.models import CertificationSession, Exam, ExamPart
from .models import OralPanelMember, OralSlot


def slots_of(part_id: int) -> list[OralSlot]:
    return list(db.session.scalars(
        select(OralSlot).where(OralSlot.exam_part_id == part_id)
        .options(joinedload(OralSlot.enrolment).joinedload(Enrolment.candidate)
                 .joinedload(Candidate.user))
        .order_by(OralSlot.starts_at, OralSlot.room)))


# --- Oral panels -------------------------------------------------------------------------


def panel_board(part_id: int) -> list[OralSlot]:
    """The part's slots with their candidates and panels (two statements)."""
    return list(db.session.scalars(
        select(OralSlot).where(OralSlot.exam_part_id == part_id)
        .options(joinedload(OralSlot.enrolment).joinedload(Enrolment.candidate)
                 .joinedload(Candidate.user),
                 selectinload(OralSlot.panel).joinedload(OralPanelMember.juror))
        .order_by(OralSlot.starts_at, OralSlot.room)))


def eligible_jurors(centre_id: int, block_number: int) -> list[User]:
    """The centre's pool who may assess the bloc (``juror_blocks``), by name (two
    statements)."""
    allowed = set(db.session.scalars(select(juror_blocks.c.juror_id).where(
        juror_blocks.c.block_number == block_number)))
    return [u for u in pool(centre_id) if u.id in allowed]


def seats_of(juror_ids: Iterable[int], viewer_centre_id: int) -> list[Seat]:
    """Every panel seat of these jurors, in any session (one statement). A slot of another
    centre's session is named by its time only: a centre learns nothing else of it."""
    ids = set(juror_ids)
    if not ids:
        return []
    rows = db.session.execute(
        select(OralPanelMember.juror_id, OralSlot.id, OralSlot.starts_at, OralSlot.ends_at,
               OralSlot.room, CertificationSession.name, CertificationSession.centre_id)
        .join(OralSlot, OralSlot.id == OralPanelMember.slot_id)
        .join(ExamPart, ExamPart.id == OralSlot.exam_part_id)
        .join(Exam, Exam.id == ExamPart.exam_id)
        .join(CertificationSession, CertificationSession.id == Exam.session_id)
        .where(OralPanelMember.juror_id.in_(ids)))
    return [Seat(slot_id, juror_id, starts, ends,
                 _seat_label(starts, ends, room, session, centre_id == viewer_centre_id))
            for juror_id, slot_id, starts, ends, room, session, centre_id in rows]


def _seat_label(starts, ends, room: str, session: str, same_centre: bool) -> str:
    when = f"{moment(starts)}–{format_time(ends, 'short')}"
    if same_centre:
        return _("%(session)s, salle « %(room)s », %(when)s", session=session, room=room,
                 when=when)
    return _("un oral d'un autre centre, %(when)s", when=when)


def periods_of(juror_ids: Iterable[int]) -> dict[int, list[Period]]:
    """The availability periods each juror declared (one statement)."""
    ids = set(juror_ids)
    found: dict[int, list[Period]] = {}
    if ids:
        for row in db.session.scalars(select(JurorAvailability).where(
                JurorAvailability.juror_id.in_(ids))):
            found.setdefault(row.juror_id, []).append(Period(row.starts_on, row.ends_on))
    return found


def unavailable_on(slot: OralSlot, jurors, periods: dict[int, list[Period]]) -> frozenset[int]:
    """The jurors who declared periods none of which covers the slot's day."""
    day_ = paris_day(slot.starts_at)
    return frozenset(j.id for j in jurors if not available(day_, periods.get(j.id, [])))


def paris_day(moment_utc: datetime) -> date:
    """The day of a naive-UTC time where the oral takes place (the platform's time zone)."""
    return to_user_timezone(moment_utc).date()


def slot_problems(centre_id: int, slot: OralSlot, members: list[Member], links: list[Link],
                  seats: list[Seat], periods: dict[int, list[Period]]) -> list[Problem]:
    """Every problem of the panel ``members`` on ``slot``: the composition rules (blocking
    ones first, the parity warning last) and the panel rules (availability, one place)."""
    if not members:
        return []
    found = jury_rules.check(members, [centre_id], links)
    day_ = paris_day(slot.starts_at)
    found += panel_problems({m.user_id: m.name for m in members}, slot_id=slot.id,
                            starts=slot.starts_at, ends=slot.ends_at, day=day_,
                            day_label=day(day_), seats=seats, periods=periods)
    return sorted(found, key=lambda p: not p.blocking)


def board_problems(session, slots: list[OralSlot]) -> dict[int, list[Problem]]:
    """The problems of every slot's current panel, in a fixed number of statements."""
    users = {m.juror_id: m.juror for s in slots for m in s.panel}
    base = {m.user_id: m for m in facts.members(users.values())}
    conflicts = facts.conflicted_pairs(users, {s.enrolment_id for s in slots})
    seats = seats_of(users, session.centre_id)
    periods = periods_of(users)
    found = {}
    for s in slots:
        members = [replace(base[m.juror_id], is_president=m.role == "president")
                   for m in s.panel]
        links = [Link(m.juror_id, s.enrolment.candidate.user.full_name) for m in s.panel
                 if (m.juror_id, s.enrolment_id) in conflicts]
        found[s.id] = slot_problems(session.centre_id, s, members, links, seats, periods)
    return found


# --- A juror's timetable -----------------------------------------------------------------


def timetable_of(juror_id: int) -> list[OralSlot]:
    """The slots whose panel the juror sits on, in every session, by time (three
    statements)."""
    mine = select(OralPanelMember.slot_id).where(OralPanelMember.juror_id == juror_id)
    return list(db.session.scalars(
        select(OralSlot).where(OralSlot.id.in_(mine))
        .options(joinedload(OralSlot.enrolment).joinedload(Enrolment.candidate)
                 .joinedload(Candidate.user),
                 joinedload(OralSlot.enrolment).joinedload(Enrolment.session),
                 joinedload(OralSlot.part).joinedload(ExamPart.exam).joinedload(Exam.block),
                 selectinload(OralSlot.panel).joinedload(OralPanelMember.juror))
        .order_by(OralSlot.starts_at, OralSlot.room, OralSlot.id)))


def assignments_by_slot(juror_id: int, slots: list[OralSlot]) -> dict[int, int]:
    """Slot id -> the id of the juror's assignment to grade that candidate's épreuve (one
    statement)."""
    exam_ids = {s.part.exam_id for s in slots}
    if not exam_ids:
        return {}
    found = {(e, x): i for i, e, x in db.session.execute(
        select(Assignment.id, Assignment.enrolment_id, Assignment.exam_id).where(
            Assignment.juror_id == juror_id, Assignment.exam_id.in_(exam_ids)))}
    return {s.id: found[(s.enrolment_id, s.part.exam_id)] for s in slots
            if (s.enrolment_id, s.part.exam_id) in found}


def by_day(slots: list[OralSlot]) -> list[tuple[date, list[OralSlot]]]:
    days: dict[date, list[OralSlot]] = {}
    for s in slots:
        days.setdefault(paris_day(s.starts_at), []).append(s)
    return list(days.items())
