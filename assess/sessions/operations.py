"""Session state changes. Each takes the acting user, audits, flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from workflows.base import Refused, TransitionRefused
from workflows.session import SESSION, refusal

from ..audit.operations import record
from ..core.columns import utcnow
from ..extensions import db
from ..referential.operations import latest_version
from ..submissions.models import StoredFile, Submission
from ..unit_of_work import Conflict
from .models import CertificationSession, Exam, ExamPart, PartKind
from .permissions import can_change_session, can_create_session, can_run_session
from .queries import lifecycle_facts
from .signals import parts_rescheduled


class SessionError(Refused):
    """A refused session operation; the message is meant for the user."""


class ScheduleRefused(SessionError):
    """Dates that cannot be kept; ``problems`` says, per (part id, field), what to change."""

    def __init__(self, problems: dict[tuple[int, str], str]):
        super().__init__(_("Le calendrier contient des dates impossibles : corrigez les champs "
                           "signalés, votre saisie a été conservée."))
        self.problems = problems


class LateWorkWarning(SessionError):
    """A deadline moved before work already handed in: said first, done once confirmed."""

    def __init__(self, late: dict[int, int]):
        super().__init__(_("Avancer la date limite ferait passer %(n)d dépôt(s) déjà reçu(s) "
                           "en retard : cochez la confirmation pour enregistrer quand même.",
                           n=sum(late.values())))
        self.late = late  # part id -> files that would be late


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
                   values: dict[int, PartSchedule], *, late_confirmed: bool = False,
                   allow_past: bool = False) -> int:
    """Set date, duration, place and deadline of the session's parts (``values`` by part id).

    Returns the number of parts changed; each change is audited with its old and new values.
    Raises ``Conflict`` if a part changed since the form was loaded (its version),
    ``ScheduleRefused`` for a start put in the past or a deadline before its start, and
    ``LateWorkWarning`` (unless ``late_confirmed``) for a deadline moved before work already
    handed in, which is then flagged late. ``allow_past``: the demo's session, under way
    from the start (no form passes it).
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
    _check_dates(parts, values, allow_past)
    late = _late_after(parts, values)
    if late and not late_confirmed:
        raise LateWorkWarning(late)
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


def _check_dates(parts: dict[int, ExamPart], values: dict[int, PartSchedule],
                 allow_past: bool = False) -> None:
    now = utcnow()
    problems: dict[tuple[int, str], str] = {}
    for part_id, new in values.items():
        part = parts[part_id]
        # The form has minute precision: a start it leaves as it was is not a new date.
        moved = part.starts_at is None or _minute(new.starts_at) != _minute(part.starts_at)
        if new.starts_at is not None and moved and new.starts_at < now and not allow_past:
            problems[(part_id, "starts_at")] = _("Cette date est passée : indiquez une date à "
                                                 "venir.")
        if (new.submission_deadline is not None and new.starts_at is not None
                and new.submission_deadline <= new.starts_at):
            problems[(part_id, "deadline")] = _("La date limite doit suivre le début de "
                                                "l'épreuve.")
    if problems:
        raise ScheduleRefused(problems)


def _minute(value: datetime | None) -> datetime | None:
    return value.replace(second=0, microsecond=0) if value is not None else None


def _late_after(parts: dict[int, ExamPart], values: dict[int, PartSchedule]) -> dict[int, int]:
    """Per part whose deadline moves earlier, the current files handed in after the new
    deadline: one statement per such part (rare)."""
    late = {}
    for part_id, new in values.items():
        old = parts[part_id].submission_deadline
        if new.submission_deadline is None or old is None or new.submission_deadline >= old:
            continue
        count = db.session.scalar(
            select(func.count(StoredFile.id))
            .join(Submission, Submission.id == StoredFile.submission_id)
            .where(Submission.exam_id == parts[part_id].exam_id,
                   StoredFile.superseded_at.is_(None),
                   StoredFile.uploaded_at > new.submission_deadline)) or 0
        if count:
            late[part_id] = count
    return late


def _part_values(part: ExamPart) -> dict:
    return {"starts_at": _iso(part.starts_at), "duration_minutes": part.duration_minutes,
            "place": part.place, "remote": part.remote,
            "submission_deadline": _iso(part.submission_deadline)}


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None
