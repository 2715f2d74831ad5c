"""The panels of the oral defence: the jurors who hear one candidate, who are also that
candidate's evaluators for the bloc (their ``Assignment``s follow the panel). A panel is
checked against the composition rules (workflows.jury_rules) and the panel rules
(workflows.oral_panels: availability, one place at a time across every session).

A panel change re-sends no convocation: the candidate's time and room are unchanged.
Each operation takes the acting user, audits, flushes, never commits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from workflows import jury_rules
from workflows.base import Refused
from workflows.jury_rules import Link
from workflows.oral_panels import panel_problems

from ..accounts.models import User
from ..audit.operations import record
from ..extensions import db
from ..i18n import day
from ..juries import facts
from ..juries.messages import notify_batch
from ..juries.models import Assignment
from ..juries.operations import assign_juror, unassign
from ..juries.permissions import sheet_submitted
from ..sessions.models import PartKind
from ..sessions.operations import ensure_allows
from ..sessions.permissions import can_change_session
from . import queries
from .models import OralPanelMember, OralSlot

ROLES = ("president", "member")


class PanelRefused(Refused):
    """A panel that breaks a rule; the message names the rule and the people."""


@dataclass(frozen=True)
class Change:
    """A checked panel change: the new roles, and the assignments to take away."""

    roles: dict[int, str]
    jurors: dict[int, User]
    removed: list[Assignment]


def panel_of(slot: OralSlot) -> dict[int, str]:
    return {m.juror_id: m.role for m in slot.panel}


def save_panel(actor, session, slot: OralSlot, roles: Mapping[int, str]) -> bool:
    """Give ``slot`` the panel ``roles`` (juror id -> 'president' | 'member'; an empty
    mapping clears the panel). Returns whether anything changed."""
    _check(actor, session, slot)
    change = _checked_change(session, slot, roles)
    created: list[Assignment] = []
    changed = _apply(actor, session, slot, change, created)
    notify_batch(created)
    return changed


def apply_to_room_day(actor, session, slot: OralSlot, roles: Mapping[int, str]
                      ) -> tuple[int, list[tuple[OralSlot, str]]]:
    """The same panel on every slot of ``slot``'s room that day (the usual case: one panel
    per room and half-day). A slot the panel does not suit (a conflict with that
    candidate, a sheet already submitted) is left as it was and reported with the reason.
    Returns how many slots have the panel now, and the slots left with why."""
    _check(actor, session, slot)
    day_ = queries.paris_day(slot.starts_at)
    same = [s for s in queries.panel_board(slot.exam_part_id)
            if s.room == slot.room and queries.paris_day(s.starts_at) == day_]
    done, left, created = 0, [], []
    for other in same:
        try:
            change = _checked_change(session, other, roles)
        except PanelRefused as exc:
            left.append((other, exc.reason))
            continue
        _apply(actor, session, other, change, created)
        done += 1
    notify_batch(created)  # one e-mail per juror for the whole room and day
    return done, left


def ensure_panel_free(session, slot: OralSlot, starts_at: datetime, ends_at: datetime) -> None:
    """Before a slot moves: its panel must be free (and available) at the new time."""
    if not slot.panel:
        return
    jurors = {m.juror_id: m.juror.full_name for m in slot.panel}
    day_ = queries.paris_day(starts_at)
    problems = panel_problems(jurors, slot_id=slot.id, starts=starts_at, ends=ends_at,
                              day=day_, day_label=day(day_),
                              seats=queries.seats_of(jurors, session.centre_id),
                              periods=queries.periods_of(jurors))
    if problems:
        raise PanelRefused(" ".join(p.render() for p in problems))


def _checked_change(session, slot: OralSlot, roles: Mapping[int, str]) -> Change:
    """Every check, nothing written: refused with all the blocking problems at once."""
    wanted = {int(j): r for j, r in roles.items() if r}
    if any(r not in ROLES for r in wanted.values()):
        raise PanelRefused(_("Rôle inconnu : rechargez la page et réessayez."))
    exam = slot.part.exam
    eligible = {u.id: u for u in queries.eligible_jurors(session.centre_id, exam.block.number)}
    jurors = {}
    for juror_id in wanted:
        juror = eligible.get(juror_id) or db.session.get(User, juror_id)
        if juror is None:
            raise PanelRefused(_("Membre du jury inconnu : rechargez la page et réessayez."))
        if juror_id not in eligible:
            raise PanelRefused(_(
                "%(name)s ne peut pas siéger à ce jury : il faut un membre du jury du centre, "
                "habilité à évaluer le bloc %(n)d. Retirez-le du jury ou complétez son profil.",
                name=juror.full_name, n=exam.block.number))
        jurors[juror_id] = juror
    if wanted:
        problems = _problems(session, slot, wanted, jurors)
        blocking = [p for p in problems if p.blocking]
        if blocking:
            raise PanelRefused(" ".join(p.render() for p in blocking))
    removed = []
    for juror_id in set(panel_of(slot)) - set(wanted):
        assignment = _assignment(juror_id, slot)
        if assignment is None:
            continue
        if sheet_submitted(assignment):
            raise PanelRefused(_(
                "%(name)s a déjà soumis sa grille pour ce candidat : il reste au jury de ce "
                "créneau (sa grille est une pièce de l'évaluation).",
                name=assignment.juror.full_name))
        removed.append(assignment)
    return Change(wanted, jurors, removed)


def _problems(session, slot, wanted, jurors) -> list[jury_rules.Problem]:
    members = [replace(m, is_president=wanted[m.user_id] == "president")
               for m in facts.members(jurors.values())]
    conflicted = facts.conflicted_pairs(wanted, {slot.enrolment_id})
    links = [Link(j, slot.enrolment.candidate.user.full_name) for j, _e in sorted(conflicted)]
    return queries.slot_problems(session.centre_id, slot, members, links,
                                 queries.seats_of(wanted, session.centre_id),
                                 queries.periods_of(wanted))


def _apply(actor, session, slot: OralSlot, change: Change, created: list) -> bool:
    """Apply ``change``; the assignments it creates are added to ``created``."""
    old = panel_of(slot)
    if old == change.roles:
        return False
    for assignment in change.removed:
        unassign(actor, assignment)
    for member in list(slot.panel):
        if member.juror_id not in change.roles:
            slot.panel.remove(member)
        else:
            member.role = change.roles[member.juror_id]
    for juror_id, role in change.roles.items():
        if juror_id not in old:
            slot.panel.append(OralPanelMember(juror_id=juror_id, role=role))
    db.session.flush()
    exam = slot.part.exam
    assigned = {j for j in change.roles if _assignment(j, slot) is not None}
    created.extend(assign_juror(actor, slot.enrolment, exam, change.jurors[juror_id])
                   for juror_id in change.roles if juror_id not in assigned)
    record(actor, "oral.panel_changed", slot, session_id=session.id,
           old={"panel": _listed(old)},
           new={"panel": _listed(change.roles), "enrolment_id": slot.enrolment_id,
                "room": slot.room, "starts_at": slot.starts_at.isoformat()})
    return True


def _listed(roles: Mapping[int, str]) -> list[dict]:
    return [{"juror_id": j, "role": r} for j, r in sorted(roles.items())]


def _assignment(juror_id: int, slot: OralSlot) -> Assignment | None:
    return db.session.scalar(select(Assignment).where(
        Assignment.juror_id == juror_id, Assignment.enrolment_id == slot.enrolment_id,
        Assignment.exam_id == slot.part.exam_id))


def _check(actor, session, slot: OralSlot) -> None:
    ensure_allows(session, "assign")
    if not can_change_session(actor, session, "assign"):
        raise PanelRefused(_("Vous ne pouvez pas composer les jurys d'oral de cette session."))
    if slot.part.kind != PartKind.ORAL or slot.part.exam.session_id != session.id:
        raise PanelRefused(_("Ce créneau n'appartient pas à l'oral de cette session."))
