from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.columns import enum_column, utcnow
from ..extensions import db


class JobKind(enum.StrEnum):
    """The long jobs there are (a page shows their progress)."""

    COMPUTE_RESULTS = "compute_results"
    IMPORT_CANDIDATES = "import_candidates"


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(db.Model):
    """A long task whose progress a page shows as a progress bar."""

    __tablename__ = "jobs"
    __table_args__ = (
        # One active job of a kind per session: two quick clicks cannot start two.
        sa.Index("uq_jobs_active_session_kind", "session_id", "kind", unique=True,
                 sqlite_where=sa.text("status IN ('queued', 'running')"),
                 postgresql_where=sa.text("status IN ('queued', 'running')")),
        sa.CheckConstraint("(status IN ('done', 'failed')) = (finished_at IS NOT NULL)",
                           name="finished_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(60))
    status = enum_column(JobStatus, "job_status", nullable=False, default=JobStatus.QUEUED)
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certification_sessions.id"),
                                                   index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    message: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    # Written with each progress report: a running job whose heartbeat is old lost its
    # worker (the outbox sweep resumes it once its lease lapses).
    heartbeat_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
