from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflows.accommodation import Decision

from ..core.columns import enum_column, utcnow
from ..extensions import db


class Accommodation(db.Model):
    """The aménagement of one enrolment: the request, then the decision (who, when)."""

    __tablename__ = "accommodations"
    __table_args__ = (
        sa.CheckConstraint("extra_time_percent BETWEEN 0 AND 100", name="extra_time_range"),
        # Beyond one third, only with a written exception (workflows.accommodation).
        sa.CheckConstraint("extra_time_percent <= 33 OR exception_reason IS NOT NULL",
                           name="exception_beyond_a_third"),
        sa.CheckConstraint("(status = 'requested') = (decided_at IS NULL)",
                           name="decision_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id",
                                                            ondelete="CASCADE"), unique=True)
    # The request
    extra_time_percent: Mapped[int] = mapped_column(default=0)
    exception_reason: Mapped[str | None] = mapped_column(sa.Text)
    human_aid: Mapped[str | None] = mapped_column(sa.Text)  # a secretary, a reader…
    technical_aid: Mapped[str | None] = mapped_column(sa.Text)  # a computer, software…
    spread_over_sessions: Mapped[bool] = mapped_column(default=False)
    other: Mapped[str | None] = mapped_column(sa.Text)
    requested_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The supporting document (health data): kept in the storage, opened only by admins.
    document_key: Mapped[str | None] = mapped_column(sa.String(80))
    document_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    document_name: Mapped[str | None] = mapped_column(sa.String(255))
    document_size: Mapped[int | None]
    # The decision
    status = enum_column(Decision, "accommodation_decision", nullable=False,
                         default=Decision.REQUESTED)
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decision_note: Mapped[str | None] = mapped_column(sa.Text)

    decided_by = relationship("User", foreign_keys=[decided_by_id])
    measures = relationship("AccommodationMeasure", cascade="all, delete-orphan",
                            order_by="AccommodationMeasure.exam_id")


class AccommodationMeasure(db.Model):
    """What is applied at one épreuve once granted: extra minutes and aids."""

    __tablename__ = "accommodation_measures"
    __table_args__ = (sa.UniqueConstraint("accommodation_id", "exam_id"),
                      sa.CheckConstraint("extra_minutes >= 0", name="extra_minutes_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    accommodation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("accommodations.id", ondelete="CASCADE"), index=True)
    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exams.id"))
    extra_minutes: Mapped[int] = mapped_column(default=0)
    aids: Mapped[str | None] = mapped_column(sa.Text)
