"""Long jobs and their progress, shown by a page as a progress bar.

Progress is written with UPDATE statements by id, so that a worker can commit
it every few items without reloading (or expiring) the objects it works on.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from ..core.columns import utcnow
from ..extensions import db
from ..outbox.operations import renew_lease
from .models import Job, JobStatus

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


def create_job(actor, kind: str, *, session_id: int | None = None, total: int = 0) -> Job:
    job = Job(kind=kind, session_id=session_id, total=total,
              created_by_id=getattr(actor, "id", None))
    db.session.add(job)
    db.session.flush()
    return job


def latest_job(kind: str, session_id: int) -> Job | None:
    return db.session.scalar(
        select(Job).where(Job.kind == kind, Job.session_id == session_id)
        .order_by(Job.id.desc()).limit(1)
    )


def has_active_job(kind: str, session_id: int) -> bool:
    """A queued or running job of ``kind`` for the session (a crashed one is resumed by the
    outbox sweep, so it does not stay "running" for ever)."""
    return db.session.scalar(
        select(Job.id).where(Job.kind == kind, Job.session_id == session_id,
                             Job.status.in_(ACTIVE)).limit(1)
    ) is not None


def mark_running(job_id: int, total: int, outbox_id: int | None = None) -> None:
    now = utcnow()
    db.session.execute(update(Job).where(Job.id == job_id).values(
        status=JobStatus.RUNNING, done=0, total=total, message=None, started_at=now,
        heartbeat_at=now, finished_at=None))
    renew_lease(outbox_id)


def set_progress(job_id: int, done: int, outbox_id: int | None = None) -> None:
    """Progress, and the heartbeat of the job and of the outbox row that runs it."""
    db.session.execute(update(Job).where(Job.id == job_id).values(done=done,
                                                                  heartbeat_at=utcnow()))
    renew_lease(outbox_id)


def seems_interrupted(job: Job) -> bool:
    """Running, but silent for longer than a lease: its worker probably died. The outbox
    sweep takes it over (resumes it) as soon as a worker runs."""
    lease = timedelta(seconds=current_app.config["OUTBOX_RUNNING_LEASE"])
    return (job.status == JobStatus.RUNNING and job.heartbeat_at is not None
            and job.heartbeat_at < utcnow() - lease)


def mark_done(job_id: int, message: str | None = None) -> None:
    db.session.execute(update(Job).where(Job.id == job_id).values(
        status=JobStatus.DONE, done=Job.total, message=message, finished_at=utcnow()))


def mark_failed(job_id: int, message: str) -> None:
    db.session.execute(update(Job).where(Job.id == job_id).values(
        status=JobStatus.FAILED, message=message[:2000], finished_at=utcnow()))


def status_dict(job: Job) -> dict:
    """The JSON a progress bar polls."""
    return {"status": str(job.status), "done": job.done, "total": job.total,
            "percent": job.percent, "message": job.message,
            "interrupted": seems_interrupted(job)}
