"""Long jobs and their progress, shown by a page as a progress bar.

Progress is written with UPDATE statements by id, so that a worker can commit
it every few items without reloading (or expiring) the objects it works on.
"""

from __future__ import annotations

from sqlalchemy import select, update

from ..core.columns import utcnow
from ..extensions import db
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


def mark_running(job_id: int, total: int) -> None:
    db.session.execute(update(Job).where(Job.id == job_id).values(
        status=JobStatus.RUNNING, done=0, total=total, message=None, started_at=utcnow(),
        finished_at=None))


def set_progress(job_id: int, done: int) -> None:
    db.session.execute(update(Job).where(Job.id == job_id).values(done=done))


def mark_done(job_id: int, message: str | None = None) -> None:
    db.session.execute(update(Job).where(Job.id == job_id).values(
        status=JobStatus.DONE, done=Job.total, message=message, finished_at=utcnow()))


def mark_failed(job_id: int, message: str) -> None:
    db.session.execute(update(Job).where(Job.id == job_id).values(
        status=JobStatus.FAILED, message=message[:2000], finished_at=utcnow()))


def status_dict(job: Job) -> dict:
    """The JSON a progress bar polls."""
    return {"status": str(job.status), "done": job.done, "total": job.total,
            "percent": job.percent, "message": job.message}
