"""Session state changes. Each takes the acting user, audits, flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime

from flask_babel import gettext as _

from workflows.base import Refused, TransitionRefused
from workflows.session import SESSION, refusal

from ..audit.operations import record
from ..extensions import db
from ..referential.operations import latest_version
from ..unit_of_work import Conflict
from .models import CertificationSession, Exam, ExamPart, PartKind
from .permissions import can_change_session, can_create_session, can_run_session
from .queries import lifecycle_facts
from .signals import parts_rescheduled


class SessionError(Refused):
    """A refused session operation; the message is meant for the user."""


@dataclass(frozen=True)
class PartSchedule:
    """New values for one exam part; datetimes are naive UTC. ``expected_version`` is the
    part's version when the form was loaded (None: not checked)."""

    starts_at: datetime | None
    duration_minutes: int | None
    place: str | None
    submission_deadline: datetime | None
    remote: bool = False
    expected_version: int | None = None

    def values(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name != "expected_version"}


def ensure_allows(session: CertificationSession, what: str) -> None:
    """Raise ``TransitionRefused`` unless the session's state allows ``what`` (a key of
    ``workflows.session.ALLOWS``): nothing changes in a closed session, nobody enrols in
    one under deliberation…"""
    reason = refusal(session.status, what)
    if reason is not None:
        raise TransitionRefused(_(reason), lifecycle="session", action=what,
                                state=session.status)


def take_step(actor, session: CertificationSession, action: str, reason: str = "") -> str:
    """Move the session to its next state (``workflows.session.STEPS``); audited with the
    reason the admin gave, if any (to deliberate with grading sheets still missing).
    Returns the new state."""
    if not can_run_session(actor, session):
        raise SessionError(_("Vous ne pouvez pas faire avancer cette session."))
    reason = (reason or "").strip()
    old = session.status
    target = SESSION.check(action, old, lifecycle_facts(session, forced=bool(reason)))
    session.status = target
    record(actor, f"session.{action}", session, session_id=session.id,
           old={"status": old}, new={"status": target}, reason=reason or None)
    db.session.flush()
    return target


def create_session(actor, *, centre_id: int, name: str, starts_on: date | None,
                   ends_on: date | None) -> CertificationSession:
    """A session on the latest référentiel version, with one épreuve per bloc."""
    if not can_create_session(actor, centre_id):
        raise SessionError(_("Vous ne pouvez pas créer de session pour ce centre."))
    if starts_on and ends_on and ends_on < starts_on:
        raise SessionError(_("La date de fin doit être postérieure à la date de début."))
    version = latest_version()
    if version is None:
        raise SessionError(_("Aucun référentiel n'est chargé : lancez la commande "
                             "« assess referential load » puis recommencez."))
    session = CertificationSession(
        centre_id=centre_id, referential_version_id=version.id, name=name.strip(),
        starts_on=starts_on, ends_on=ends_on, created_by_id=actor.id,
    )
    for block in version.blocks:
        exam = Exam(block_id=block.id, position=block.number, modality_kind=block.modality_kind)
        for position, part in enumerate(block.parts, start=1):
            exam.parts.append(ExamPart(kind=PartKind(part["kind"]), position=position,
                                       description=part.get("description", "")))
        session.exams.append(exam)
    db.session.add(session)
    db.session.flush()
    record(actor, "session.created", session, session_id=session.id, new={
        "name": session.name, "centre_id": centre_id, "referential_version": version.number,
        "starts_on": _iso(starts_on), "ends_on": _iso(ends_on),
    })
    return session


def schedule_exams(actor, session: CertificationSession,
                   values: dict[int, PartSchedule]) -> int:
    """Set date, duration, place and deadline of the session's parts (``values`` by part id).

    Returns the number of parts changed; each change is audited with its old and new values.
    Raises ``Conflict`` if a part changed since the form was loaded (its version).
    """
    ensure_allows(session, "schedule")
    if not can_change_session(actor, session, "schedule"):
        raise SessionError(_("Vous ne pouvez pas modifier cette session."))
    parts = {p.id: p for exam in session.exams for p in exam.parts}
    unknown = set(values) - set(parts)
    if unknown:
        raise SessionError(_("Une partie d'épreuve ne fait pas partie de cette session."))
    for part_id, new in values.items():
        if parts[part_id].kind == PartKind.DOSSIER and new.submission_deadline is None:
            raise SessionError(_("La date limite de dépôt du dossier est obligatoire."))
    if any(new.expected_version not in (None, parts[part_id].version)
           for part_id, new in values.items()):
        raise Conflict(session)
    changed = 0
    for part_id, new in values.items():
        part = parts[part_id]
        old = _part_values(part)
        for key, value in new.values().items():
            setattr(part, key, value)
        if _part_values(part) != old:
            changed += 1
            record(actor, "exam.scheduled", part, session_id=session.id, old=old,
                   new=_part_values(part))
    db.session.flush()
    if changed:
        parts_rescheduled.send(session, actor=actor)  # convocations are sent again
    return changed


def _part_values(part: ExamPart) -> dict:
    return {"starts_at": _iso(part.starts_at), "duration_minutes": part.duration_minutes,
            "place": part.place, "remote": part.remote,
            "submission_deadline": _iso(part.submission_deadline)}


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None
