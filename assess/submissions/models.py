from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflows.submission import SubmissionStatus

from ..core.columns import enum_column, utcnow
from ..extensions import db


class Submission(db.Model):
    """What a candidate handed in for one épreuve."""

    __tablename__ = "submissions"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "exam_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), index=True)
    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exams.id"), index=True)
    status = enum_column(SubmissionStatus, "submission_status", nullable=False,
                         default=SubmissionStatus.SUBMITTED)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, onupdate=utcnow)

    enrolment = relationship("Enrolment")
    exam = relationship("Exam")
    files = relationship("StoredFile", back_populates="submission",
                         order_by="StoredFile.uploaded_at")


class StoredFile(db.Model):
    """A file fully written to storage; the row exists only once the bytes and hash do."""

    __tablename__ = "stored_files"
    __table_args__ = (
        sa.CheckConstraint("size > 0", name="not_empty"),
        sa.CheckConstraint("length(sha256) = 64", name="sha256_length"),
        # One current file per submission; the ones it replaced stay, superseded.
        sa.Index("uq_stored_files_live_per_submission", "submission_id", unique=True,
                 sqlite_where=sa.text("superseded_at IS NULL"),
                 postgresql_where=sa.text("superseded_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int | None] = mapped_column(sa.ForeignKey("submissions.id"),
                                                      index=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(255))
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    # A newer upload for the same épreuve supersedes this one; both stay on record.
    superseded_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    submission = relationship("Submission", back_populates="files")
    uploaded_by = relationship("User")
