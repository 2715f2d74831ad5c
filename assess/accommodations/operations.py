"""Recording an aménagement request and its decision, and opening its supporting
document. Each takes the acting user, audits, flushes, never commits. The audit trail
names the fields that changed, never the health details they hold."""

from __future__ import annotations

from dataclasses import dataclass, fields

import magic
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from workflows.accommodation import Decision, ExtraTime, extra_minutes, extra_time_problem
from workflows.base import Refused

from ..audit.operations import record
from ..core.columns import utcnow
from ..extensions import db
from ..sessions.models import TIMED_PARTS
from ..sessions.operations import ensure_allows
from ..storage import EmptyFile, TooLarge, get_storage
from ..unit_of_work import on_rollback
from .models import Accommodation, AccommodationMeasure
from .permissions import can_manage_accommodation
from .signals import decided

DOCUMENT_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


class AccommodationRefused(Refused):
    """A refused request or decision; ``problems`` says, per field, what to change."""

    def __init__(self, reason: str, problems: dict[str, str] | None = None):
        super().__init__(reason)
        self.problems = problems or {}


@dataclass(frozen=True)
class Request:
    extra_time_percent: int = 0
    exception_reason: str = ""
    human_aid: str = ""
    technical_aid: str = ""
    spread_over_sessions: bool = False
    other: str = ""

    def values(self) -> dict:
        return {f.name: (getattr(self, f.name).strip() or None)
                if isinstance(getattr(self, f.name), str) else getattr(self, f.name)
                for f in fields(self)}


def accommodation_of(enrolment) -> Accommodation | None:
    return db.session.scalar(select(Accommodation).where(
        Accommodation.enrolment_id == enrolment.id))


def save_request(actor, enrolment, request: Request, document=None) -> Accommodation:
    """Record what is asked (a change after a decision sends it back to be decided)."""
    _check(actor, enrolment)
    problem = extra_time_problem(ExtraTime(request.extra_time_percent,
                                           request.exception_reason))
    if problem is not None:
        field = ("exception_reason" if request.extra_time_percent > 0
                 and request.extra_time_percent <= 100 else "extra_time_percent")
        raise AccommodationRefused(problem.render(), {field: problem.render()})
    row = accommodation_of(enrolment)
    created = row is None
    if created:
        row = Accommodation(enrolment_id=enrolment.id, requested_by_id=getattr(actor, "id", None))
        db.session.add(row)
    values = request.values()
    changed = [k for k, v in values.items() if getattr(row, k) != v]
    for key, value in values.items():
        setattr(row, key, value)
    if document is not None and getattr(document, "filename", ""):
        _store_document(row, document)
        changed.append("document")
    if changed and not created and row.status != Decision.REQUESTED:
        row.status, row.decided_at, row.decided_by_id = Decision.REQUESTED, None, None
        row.measures = []  # to be decided again
    if created or changed:
        row.requested_at = utcnow()
        db.session.flush()
        record(actor, "accommodation.requested", enrolment, session_id=enrolment.session_id,
               new={"changed": sorted(changed), "extra_time_percent": row.extra_time_percent})
    return row


def decide(actor, enrolment, decision: Decision | str, note: str = "",
           measures: dict[int, tuple[int, str]] | None = None) -> Accommodation:
    """Grant (with the measures per épreuve: extra minutes and aids) or refuse."""
    _check(actor, enrolment)
    row = accommodation_of(enrolment)
    if row is None:
        raise AccommodationRefused(_("Aucun aménagement n'est demandé : enregistrez d'abord la "
                                     "demande."))
    decision = Decision(decision)
    if decision == Decision.REQUESTED:
        raise AccommodationRefused(_("Choisissez d'accorder ou de refuser l'aménagement."))
    exams = {e.id: e for e in sat_exams(enrolment)}
    row.measures = []
    db.session.flush()
    if decision == Decision.GRANTED:
        for exam_id, (minutes, aids) in (measures or {}).items():
            if exam_id not in exams:
                raise AccommodationRefused(_("Une épreuve ne fait pas partie de l'inscription."))
            if minutes < 0:
                raise AccommodationRefused(_("Le temps supplémentaire ne peut pas être négatif."),
                                           {f"minutes_{exam_id}": _("Indiquez 0 ou plus.")})
            row.measures.append(AccommodationMeasure(exam_id=exam_id, extra_minutes=minutes,
                                                     aids=(aids or "").strip() or None))
    row.status, row.decided_at = decision, utcnow()
    row.decided_by_id, row.decision_note = getattr(actor, "id", None), note.strip() or None
    db.session.flush()
    record(actor, "accommodation.decided", enrolment, session_id=enrolment.session_id,
           new={"status": str(decision),
                "extra_minutes": {str(m.exam_id): m.extra_minutes for m in row.measures}})
    decided.send(enrolment, actor=actor)  # convocations already sent say it again
    return row


def suggested_minutes(enrolment, row: Accommodation | None) -> dict[int, int]:
    """Per épreuve, the extra minutes the requested share gives on its longest timed part."""
    percent = row.extra_time_percent if row else 0
    return {exam.id: extra_minutes(max((p.duration_minutes or 0 for p in exam.parts
                                        if p.kind in TIMED_PARTS), default=0), percent)
            for exam in sat_exams(enrolment)}


def sat_exams(enrolment) -> list:
    blocks = {b.id for b in enrolment.blocks}
    return [e for e in enrolment.session.exams if e.block_id in blocks]


def open_document(actor, enrolment):
    """The supporting document's file, opened for ``actor`` and audited; None if none."""
    if not can_manage_accommodation(actor, enrolment):
        raise AccommodationRefused(_("Vous ne pouvez pas ouvrir ce justificatif."))
    row = accommodation_of(enrolment)
    if row is None or row.document_key is None:
        return None, None
    record(actor, "accommodation.document_opened", enrolment,
           session_id=enrolment.session_id, new={"sha256": row.document_sha256})
    return row, get_storage().open(row.document_key)


def _store_document(row: Accommodation, document) -> None:
    head = document.stream.read(2048)
    document.stream.seek(0)
    mime = magic.from_buffer(head, mime=True) if head else ""
    if mime not in DOCUMENT_TYPES:
        raise AccommodationRefused(
            _("Le justificatif doit être un PDF, un JPEG ou un PNG."),
            {"document": _("Le justificatif doit être un PDF, un JPEG ou un PNG.")})
    try:
        blob = get_storage().save_stream(document.stream,
                                         max_bytes=current_app.config["MAX_UPLOAD_BYTES"])
    except (EmptyFile, TooLarge) as exc:
        message = (_("Le fichier est vide.") if isinstance(exc, EmptyFile) else
                   _("Le fichier dépasse %(mb)d Mo.", mb=exc.max_bytes // 2**20))
        raise AccommodationRefused(message, {"document": message}) from exc
    on_rollback(lambda: _discard_unless_used(blob.key))
    row.document_key, row.document_sha256 = blob.key, blob.sha256
    row.document_name, row.document_size = (document.filename or "")[:255], blob.size


def _discard_unless_used(key: str) -> None:
    if db.session.scalar(select(Accommodation.id).where(Accommodation.document_key == key)
                         .limit(1)) is None:
        get_storage().delete(key)


def _check(actor, enrolment) -> None:
    ensure_allows(enrolment.session, "accommodate")
    if not can_manage_accommodation(actor, enrolment):
        raise AccommodationRefused(_("Vous ne pouvez pas modifier les aménagements de ce "
                                     "candidat."))
