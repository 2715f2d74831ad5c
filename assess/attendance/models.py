from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.columns import enum_column, utcnow
from ..extensions import db


class Attendance(enum.StrEnum):
    ABSENT = "absent"  # did not come (or hand in) on the day
    WITHDRAWN = "withdrawn"  # désistement: told the centre they will not sit it


class ExamAttendance(db.Model):
    """A candidate who did not sit an épreuve of their enrolment: absent or withdrawn, on
    a date. No row: expected (or present). Changes are audited."""

    __tablename__ = "exam_attendances"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "exam_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id",
                                                            ondelete="CASCADE"), index=True)
    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exams.id"), index=True)
    status = enum_column(Attendance, "attendance", nullable=False)
    on_date: Mapped[date] = mapped_column(sa.Date)
    note: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)

    exam = relationship("Exam")
