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
    links = relationship("SubmittedLink", back_populates="submission",
                         order_by="SubmittedLink.given_at")


class StoredFile(db.Model):
    """A file fully written to storage; the row exists only once the bytes and hash do."""

    __tablename__ = "stored_files"
    __table_args__ = (
        sa.CheckConstraint("size > 0", name="not_empty"),
        sa.CheckConstraint("length(sha256) = 64", name="sha256_length"),
        # One current file per deliverable of a submission; the ones it replaced stay,
        # superseded.
        sa.Index("uq_stored_files_live_per_deliverable", "submission_id", "deliverable",
                 unique=True, sqlite_where=sa.text("superseded_at IS NULL"),
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
    # A newer upload for the same deliverable supersedes this one; both stay on record.
    superseded_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    # The référentiel's deliverable code (``audit``, ``dossier``…), or ``combined`` when
    # the session asks for one document holding them all.
    deliverable: Mapped[str] = mapped_column(sa.String(40), default="document",
                                             server_default="document")
    # Handed in after the deadline, in a session that accepts late work: shown as such.
    late: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # A scan of a paper copy uploaded by an admin on the candidate's behalf.
    on_behalf: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The worker's check of a PDF (pdf_check): pending, ok or refused (encrypted,
    # unreadable, too heavy); None for the types it does not check.
    check_status: Mapped[str | None] = mapped_column(sa.String(12))
    check_detail: Mapped[str | None] = mapped_column(sa.String(40))
    page_count: Mapped[int | None]
    checked_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    submission = relationship("Submission", back_populates="files")
    uploaded_by = relationship("User")


class SubmittedLink(db.Model):
    """A URL deliverable (the content published with a CMS): recorded as evidence with the
    time it was given, never fetched. Versions like files: a new one supersedes."""

    __tablename__ = "submitted_links"
    __table_args__ = (
        sa.Index("uq_submitted_links_live_per_deliverable", "submission_id", "deliverable",
                 unique=True, sqlite_where=sa.text("superseded_at IS NULL"),
                 postgresql_where=sa.text("superseded_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    deliverable: Mapped[str] = mapped_column(sa.String(40))
    url: Mapped[str] = mapped_column(sa.Text)
    given_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    given_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    superseded_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    late: Mapped[bool] = mapped_column(default=False)
    on_behalf: Mapped[bool] = mapped_column(default=False)

    submission = relationship("Submission", back_populates="links")
    given_by = relationship("User")


class DeliverableSetting(db.Model):
    """A session's choice for one deliverable of an épreuve, where it differs from the
    référentiel's default: the accepted file types and whether it is required."""

    __tablename__ = "deliverable_settings"
    __table_args__ = (sa.UniqueConstraint("exam_id", "deliverable"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exams.id", ondelete="CASCADE"),
                                         index=True)
    deliverable: Mapped[str] = mapped_column(sa.String(40))
    accepts: Mapped[list] = mapped_column(sa.JSON, default=list)
    required: Mapped[bool] = mapped_column(default=True)


class DeadlineExtension(db.Model):
    """An individual extension of one candidate's deadline for one épreuve, with its
    reason (an aménagement, an incident). Granting another replaces it (audited)."""

    __tablename__ = "deadline_extensions"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "exam_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id",
                                                            ondelete="CASCADE"), index=True)
    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exams.id"))
    until: Mapped[datetime] = mapped_column(sa.DateTime)
    reason: Mapped[str] = mapped_column(sa.Text)
    granted_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    granted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    granted_by = relationship("User")
