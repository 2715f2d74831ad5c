"""Planning the oral: the plan, placing the candidates, moving one by hand. Each takes
the acting user, audits, flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import to_utc
from sqlalchemy import delete, select

from workflows.accommodation import Decision
from workflows.base import Refused
from workflows.oral_planning import Slot, Window, overlaps, place

from ..accommodations.models import Accommodation, AccommodationMeasure
from ..attendance.models import ExamAttendance
from ..audit.operations import record
from ..candidates.models import Candidate, Enrolment, enrolment_blocks
from ..extensions import db
from ..sessions.models import ExamPart, PartKind
from ..sessions.operations import ensure_allows
from ..sessions.permissions import can_change_session
from ..sessions.signals import parts_rescheduled
from .models import OralPanelMember, OralPlan, OralSlot
from .panels import PanelRefused, ensure_panel_free


class PlanningRefused(Refused):
    """A refused plan or move; ``problems`` says, per field, what to change."""

    def __init__(self, reason: str, problems: dict[str, str] | None = None):
        super().__init__(reason)
        self.problems = problems or {}


@dataclass(frozen=True)
class DayWindow:
    day: date
    start: time
    end: time

    def as_dict(self) -> dict:
        return {"day": self.day.isoformat(), "start": self.start.strftime("%H:%M"),
                "end": self.end.strftime("%H:%M")}


def plan_of(part: ExamPart) -> OralPlan | None:
    return db.session.scalar(select(OralPlan).where(OralPlan.exam_part_id == part.id))


def save_plan(actor, session, part: ExamPart, *, slot_minutes: int, break_minutes: int,
              windows: list[DayWindow], rooms: list[str]) -> OralPlan:
    _check(actor, session, part)
    problems = {}
    if not windows:
        problems["windows"] = _("Indiquez au moins une plage horaire.")
    for w in windows:
        if w.end <= w.start:
            problems["windows"] = _("Le %(day)s, la plage finit avant de commencer.",
                                    day=w.day.strftime("%d/%m/%Y"))
    ordered = sorted(windows, key=lambda w: (w.day, w.start))
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.day == b.day and b.start < a.end:
            problems["windows"] = _("Deux plages se chevauchent le %(day)s : fusionnez-les.",
                                    day=a.day.strftime("%d/%m/%Y"))
    names = [r.strip() for r in rooms if r.strip()]
    if not names:
        problems["rooms"] = _("Indiquez au moins une salle.")
    elif len(set(n.lower() for n in names)) != len(names):
        problems["rooms"] = _("Une salle est indiquée deux fois.")
    if problems:
        raise PlanningRefused(_("Le planning contient des erreurs : corrigez les champs "
                                "signalés."), problems)
    plan = plan_of(part) or OralPlan(exam_part_id=part.id)
    db.session.add(plan)
    plan.slot_minutes, plan.break_minutes = slot_minutes, break_minutes
    plan.windows, plan.rooms = [w.as_dict() for w in ordered], names
    db.session.flush()
    record(actor, "oral.planned", part, session_id=session.id,
           new={"slot_minutes": slot_minutes, "break_minutes": break_minutes,
                "windows": plan.windows, "rooms": names})
    return plan


def candidates_to_place(session, part: ExamPart) -> list[tuple[Enrolment, int]]:
    """The candidates who sit the part's épreuve (not absent, not withdrawn), by name, with
    their extra minutes granted for it: three statements."""
    exam = part.exam
    away = select(ExamAttendance.enrolment_id).where(ExamAttendance.exam_id == exam.id)
    enrolments = list(db.session.scalars(
        select(Enrolment).join(enrolment_blocks, enrolment_blocks.c.enrolment_id == Enrolment.id)
        .join(Candidate, Candidate.id == Enrolment.candidate_id)
        .where(Enrolment.session_id == session.id,
               enrolment_blocks.c.block_id == exam.block_id, Enrolment.id.not_in(away))
        .order_by(Candidate.birth_name, Candidate.first_name_1, Enrolment.id)))
    extra = dict(db.session.execute(
        select(Accommodation.enrolment_id, AccommodationMeasure.extra_minutes)
        .join(AccommodationMeasure, AccommodationMeasure.accommodation_id == Accommodation.id)
        .where(Accommodation.status == Decision.GRANTED,
               AccommodationMeasure.exam_id == exam.id)).all())
    return [(e, extra.get(e.id, 0)) for e in enrolments]


def place_candidates(actor, session, part: ExamPart) -> tuple[int, list[Enrolment]]:
    """Place every candidate not moved by hand nor given a panel; returns how many, and who
    did not fit."""
    _check(actor, session, part)
    plan = plan_of(part)
    if plan is None:
        raise PlanningRefused(_("Enregistrez d'abord le planning (plages, durée, salles)."))
    # A slot moved by hand, or whose panel is composed, stays where it is.
    with_panel = select(OralPanelMember.slot_id)
    fixed = OralSlot.moved_by_hand.is_(True) | OralSlot.id.in_(with_panel)
    kept = list(db.session.scalars(select(OralSlot).where(
        OralSlot.exam_part_id == part.id, fixed)))
    db.session.execute(delete(OralSlot).where(OralSlot.exam_part_id == part.id, ~fixed))
    todo = candidates_to_place(session, part)
    by_id = {e.id: e for e, _m in todo}
    hand = {s.enrolment_id for s in kept}
    slots, left = place([(e.id, m) for e, m in todo if e.id not in hand], windows_of(plan),
                        plan.rooms, plan.slot_minutes, plan.break_minutes,
                        [Slot(s.enrolment_id, s.room, s.starts_at, s.ends_at) for s in kept])
    for s in slots:
        db.session.add(OralSlot(exam_part_id=part.id, enrolment_id=s.who, room=s.room,
                                starts_at=s.starts, ends_at=s.ends))
    db.session.flush()
    record(actor, "oral.placed", part, session_id=session.id,
           new={"placed": len(slots), "kept": len(kept), "left": len(left)})
    parts_rescheduled.send(session, actor=actor)  # convocations already sent follow
    return len(slots), [by_id[i] for i in left]


def move_slot(actor, session, slot: OralSlot, *, room: str, starts_at: datetime,
              minutes: int) -> OralSlot:
    """Move one candidate by hand (``starts_at`` naive UTC); overlaps are refused."""
    part = db.session.get(ExamPart, slot.exam_part_id)
    _check(actor, session, part)
    plan = plan_of(part)
    extra = dict((e.id, m) for e, m in candidates_to_place(session, part)).get(
        slot.enrolment_id, 0)
    needed = (plan.slot_minutes if plan else 0) + extra
    if minutes < needed:
        raise PlanningRefused(
            _("Ce créneau est trop court : il faut %(n)d minutes à ce candidat (temps "
              "supplémentaire compris).", n=needed), {"minutes": _("Au moins %(n)d minutes.",
                                                                    n=needed)})
    ends_at = starts_at + timedelta(minutes=minutes)
    room = room.strip()
    for other in db.session.scalars(select(OralSlot).where(
            OralSlot.exam_part_id == part.id, OralSlot.id != slot.id, OralSlot.room == room)):
        if overlaps(starts_at, ends_at, other.starts_at, other.ends_at):
            raise PlanningRefused(_("La salle « %(room)s » est déjà occupée sur ce créneau : "
                                    "choisissez une autre heure ou une autre salle.",
                                    room=room), {"starts_at": _("Salle occupée.")})
    for other_part in _timed_parts_of(slot.enrolment_id, session, exclude=part.id):
        if other_part.starts_at and overlaps(starts_at, ends_at, other_part.starts_at,
                                             other_part.starts_at + timedelta(
                                                 minutes=other_part.duration_minutes or 0)):
            raise PlanningRefused(_("Le candidat passe une autre épreuve à ce moment : "
                                    "choisissez une autre heure."),
                                  {"starts_at": _("Le candidat n'est pas libre.")})
    try:
        ensure_panel_free(session, slot, starts_at, ends_at)
    except PanelRefused as exc:
        raise PlanningRefused(exc.reason, {"starts_at": _(
            "Un membre du jury n'est pas libre à cette heure.")}) from exc
    old = {"room": slot.room, "starts_at": slot.starts_at.isoformat()}
    slot.room, slot.starts_at, slot.ends_at, slot.moved_by_hand = room, starts_at, ends_at, True
    db.session.flush()
    record(actor, "oral.moved", slot, session_id=session.id, old=old,
           new={"room": room, "starts_at": starts_at.isoformat(), "minutes": minutes})
    parts_rescheduled.send(session, actor=actor)
    return slot


def windows_of(plan: OralPlan) -> list[Window]:
    """The plan's windows as naive UTC datetimes (they are typed in Paris time)."""
    found = []
    for w in plan.windows:
        day = date.fromisoformat(w["day"])
        found.append(Window(_utc(day, w["start"]), _utc(day, w["end"])))
    return found


def _utc(day: date, hhmm: str) -> datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return to_utc(datetime.combine(day, time(hour, minute)))


def _timed_parts_of(enrolment_id: int, session, exclude: int) -> list[ExamPart]:
    enrolment = db.session.get(Enrolment, enrolment_id)
    blocks = {b.id for b in enrolment.blocks}
    return [p for e in session.exams if e.block_id in blocks for p in e.parts
            if p.id != exclude and p.kind in (PartKind.WRITTEN, PartKind.PRACTICAL)]


def _check(actor, session, part: ExamPart) -> None:
    ensure_allows(session, "schedule")
    if not can_change_session(actor, session, "schedule"):
        raise PlanningRefused(_("Vous ne pouvez pas modifier le planning de cette session."))
    if part.kind != PartKind.ORAL or part.exam.session_id != session.id:
        raise PlanningRefused(_("Seule la soutenance orale se planifie en créneaux."))
