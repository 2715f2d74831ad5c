"""A session's hand-in choices: late work accepted or not; per épreuve, one combined
document or one file per deliverable; per deliverable, the accepted types and whether it
is required. Changed while the calendar may change, audited; flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from workflows import session as session_rules
from workflows.base import Refused, TransitionRefused

from ..audit.operations import record
from ..core.access import can_manage_centre
from ..extensions import db
from ..referential.modality import hand_ins_of
from .anonymity import ensure_numbers
from .filetypes import TYPES
from .models import DeliverableSetting


class SettingsRefused(Refused):
    pass


@dataclass(frozen=True)
class DeliverableChoice:
    accepts: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class ExamChoice:
    combined: bool
    deliverables: dict[str, DeliverableChoice] = field(default_factory=dict)


def offered_types() -> tuple[str, ...]:
    """The types a session may accept (a setting: ``UPLOAD_FILE_TYPES``)."""
    wanted = current_app.config.get("UPLOAD_FILE_TYPES", ("pdf", "pptx", "odp"))
    return tuple(t for t in wanted if t in TYPES)


def update_hand_in_settings(actor, session, *, accepts_late: bool,
                            exams: dict[int, ExamChoice], anonymous: bool | None = None) -> None:
    if not can_manage_centre(actor, session.centre_id):
        raise PermissionError("only the session's centre admins change its hand-in settings")
    refusal = session_rules.refusal(session.status, "schedule")
    if refusal:
        raise TransitionRefused(refusal)
    offered = set(offered_types())
    existing = {(s.exam_id, s.deliverable): s for s in db.session.scalars(
        select(DeliverableSetting).where(DeliverableSetting.exam_id.in_(
            [e.id for e in session.exams])))}
    changes: dict = {}
    if bool(session.accepts_late_work) != accepts_late:
        changes["accepts_late_work"] = accepts_late
        session.accepts_late_work = accepts_late
    if anonymous is not None and bool(session.anonymous_grading) != anonymous:
        if session.identities_revealed_at is not None:
            raise SettingsRefused(_("Les identités ont été levées : l'anonymat ne se "
                                    "rétablit pas."))
        changes["anonymous_grading"] = anonymous
        session.anonymous_grading = anonymous
        if anonymous:
            ensure_numbers(session.id)
    for exam in session.exams:
        choice = exams.get(exam.id)
        if choice is None:
            continue
        if bool(exam.combined_hand_in) != choice.combined:
            changes[f"exam:{exam.id}:combined"] = choice.combined
            exam.combined_hand_in = choice.combined
        known = {d.code: d for d in hand_ins_of(exam.block)}
        for code, wanted in choice.deliverables.items():
            if code not in known:
                continue
            default = known[code]
            accepts = tuple(t for t in wanted.accepts if t in offered)
            if default.kind == "file" and not accepts:
                raise SettingsRefused(_("« %(name)s » : cochez au moins un type de fichier "
                                        "accepté.", name=default.name))
            row = existing.get((exam.id, code))
            same_as_default = accepts == default.accepts and wanted.required == default.required
            if row is None and same_as_default:
                continue
            if row is not None and tuple(row.accepts) == accepts and row.required == wanted.required:
                continue
            if row is None:
                row = DeliverableSetting(exam_id=exam.id, deliverable=code)
                db.session.add(row)
            row.accepts, row.required = list(accepts), wanted.required
            changes[f"exam:{exam.id}:{code}"] = {"accepts": list(accepts),
                                                  "required": wanted.required}
    if changes:
        db.session.flush()
        record(actor, "session.hand_in_settings_changed", session, new=changes,
               session_id=session.id)
