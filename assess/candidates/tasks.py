"""The worker side of an import: apply a confirmed file, once, resuming where a crashed
worker stopped."""

from __future__ import annotations

from workflows.base import Refused

from ..accounts.models import User
from ..extensions import db
from ..jobs import operations as jobs
from ..outbox.handlers import handler
from .imports import IMPORT_TASK, run_import
from .models import CandidateImport, ImportStatus


@handler(IMPORT_TASK)
def import_candidates(payload: dict) -> None:
    imported = db.session.get(CandidateImport, payload["import_id"])
    if imported is None or imported.status != ImportStatus.CONFIRMED:
        return  # applied (or cancelled) already: a second delivery changes nothing
    import_id, job_id = imported.id, imported.job_id
    actor = db.session.get(User, imported.confirmed_by_id)
    try:
        counts = run_import(actor, imported, payload.get("outbox_id"))
        if job_id:
            jobs.mark_done(job_id, _summary(counts))
        db.session.commit()
    except Refused as exc:
        # Refused as a whole (the session closed its enrolments, a row became invalid):
        # said on the page, not retried; the batches already committed stay.
        db.session.rollback()
        _fail(import_id, job_id, exc.reason)
    except Exception as exc:
        db.session.rollback()
        if job_id:
            jobs.mark_failed(job_id, f"{type(exc).__name__}: {exc}")
            db.session.commit()
        raise


def _fail(import_id: int, job_id: int | None, message: str) -> None:
    imported = db.session.get(CandidateImport, import_id)
    imported.status = ImportStatus.FAILED
    if job_id:
        jobs.mark_failed(job_id, message)
    db.session.commit()


def _summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{key}={value}" for key, value in counts.items())
