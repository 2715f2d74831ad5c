from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflows.session import SessionStatus

from ..core.columns import enum_column, utcnow
from ..extensions import db


class PartKind(enum.StrEnum):
    WRITTEN = "written"
    PRACTICAL = "practical"
    DOSSIER = "dossier"
    ORAL = "oral"


# Parts held at a time for a length of time (a dossier is handed in over a period).
TIMED_PARTS = frozenset({PartKind.WRITTEN, PartKind.PRACTICAL, PartKind.ORAL})
# Parts where work is handed in by a deadline (required for the dossier); the oral has none.
DEADLINE_REQUIRED = frozenset({PartKind.DOSSIER})
WITHOUT_DEADLINE = frozenset({PartKind.ORAL})


class CertificationSession(db.Model):
    __tablename__ = "certification_sessions"
    __table_args__ = (
        sa.CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on",
                           name="dates_in_order"),
        sa.CheckConstraint(
            "(status IN ('published', 'closed')) = (results_published_at IS NOT NULL)",
            name="published_has_time"),
        sa.CheckConstraint("evaluators_per_work BETWEEN 1 AND 5", name="evaluators_range"),
        sa.CheckConstraint("max_sheets_per_juror IS NULL OR max_sheets_per_juror > 0",
                           name="positive_max_sheets"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(sa.ForeignKey("training_centres.id"), index=True)
    referential_version_id: Mapped[int] = mapped_column(sa.ForeignKey("referential_versions.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    status = enum_column(SessionStatus, "session_status", nullable=False,
                         default=SessionStatus.DRAFT)
    starts_on: Mapped[date | None] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    results_published_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    # What the latest computation read (results.queries.results_basis): results computed
    # from other inputs than today's are stale and may not be published.
    results_basis: Mapped[str | None] = mapped_column(sa.String(120))
    # Work handed in after a deadline is accepted, flagged late everywhere it appears.
    accepts_late_work: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Written work graded anonymously: jurors see a candidate number until the identities
    # are revealed (an audited action, at deliberation).
    anonymous_grading: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    identities_revealed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    identities_revealed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Allocation: how many evaluators grade each piece of written work, and at most how
    # many sheets a juror is given in the session (None: no limit).
    evaluators_per_work: Mapped[int] = mapped_column(default=2, server_default="2")
    max_sheets_per_juror: Mapped[int | None] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)

    centre = relationship("TrainingCentre")
    referential_version = relationship("ReferentialVersion")
    exams = relationship("Exam", back_populates="session", order_by="Exam.position",
                         cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}


class Exam(db.Model):
    """An épreuve: one per bloc of the session's référentiel version."""

    __tablename__ = "exams"
    __table_args__ = (sa.UniqueConstraint("session_id", "block_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("certification_sessions.id"),
                                            index=True)
    block_id: Mapped[int] = mapped_column(sa.ForeignKey("blocks.id"))
    position: Mapped[int]
    modality_kind: Mapped[str] = mapped_column(sa.String(40))
    # The file deliverables handed in as one combined document instead of one file each.
    combined_hand_in: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # When the jurors' sheets are due (naive UTC); reminders go out before it.
    grading_due_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    session = relationship("CertificationSession", back_populates="exams")
    block = relationship("Block")
    parts = relationship("ExamPart", back_populates="exam", order_by="ExamPart.position",
                         cascade="all, delete-orphan")


class ExamPart(db.Model):
    """A dated part of an épreuve (bloc 3 has a dossier part, then an oral part)."""

    __tablename__ = "exam_parts"
    __table_args__ = (
        sa.UniqueConstraint("exam_id", "kind"),
        sa.CheckConstraint("duration_minutes IS NULL OR duration_minutes > 0",
                           name="positive_duration"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exams.id"), index=True)
    kind = enum_column(PartKind, "part_kind", nullable=False)
    position: Mapped[int]
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    duration_minutes: Mapped[int | None]
    place: Mapped[str | None] = mapped_column(sa.String(300))
    # Taken from home (a dossier handed in online, a remote oral): no place to give.
    remote: Mapped[bool] = mapped_column(default=False)
    # Where the candidate hands in work (the bloc 3 dossier, case-study deliverables).
    submission_deadline: Mapped[datetime | None] = mapped_column(sa.DateTime)
    # Two admins editing the calendar at once: the second save is refused (409).
    version: Mapped[int] = mapped_column(default=1)

    exam = relationship("Exam", back_populates="parts")

    __mapper_args__ = {"version_id_col": version}

    @property
    def scheduled(self) -> bool:
        """Dated, with its length (if timed), its place or « à distance », and its deadline
        (where one is required): ready for the session to open."""
        return (self.starts_at is not None
                and (self.duration_minutes is not None or self.kind not in TIMED_PARTS)
                and (bool(self.place) or self.remote)
                and (self.submission_deadline is not None
                     or self.kind not in DEADLINE_REQUIRED))
