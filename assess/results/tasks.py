"""The worker side of "Calculer les résultats": run the computation of one job, once."""

from __future__ import annotations

from ..extensions import db
from ..jobs import operations as jobs
from ..jobs.models import Job, JobStatus
from ..outbox.handlers import handler
from .compute import COMPUTE_TASK, compute_session, finish_job


@handler(COMPUTE_TASK)
def compute_results(payload: dict) -> None:
    job = db.session.get(Job, payload["job_id"])
    if job is None or job.status == JobStatus.DONE:
        return  # already computed: a second delivery changes nothing
    job_id, session_id, actor_id = job.id, job.session_id, job.created_by_id
    try:
        computed = compute_session(job_id, session_id, actor_id, payload.get("outbox_id"))
        finish_job(job, actor_id, computed)
        jobs.mark_done(job_id)
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        jobs.mark_failed(job_id, f"{type(exc).__name__}: {exc}")
        db.session.commit()
        raise
