from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class OralPlan(db.Model):
    """How an oral part is planned: ``windows`` [{"day": "2027-03-01", "start": "09:00",
    "end": "12:30"}] in Paris time, ``rooms`` [names]."""

    __tablename__ = "oral_plans"
    __table_args__ = (sa.CheckConstraint("slot_minutes > 0", name="positive_slot"),
                      sa.CheckConstraint("break_minutes >= 0", name="positive_break"))

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_part_id: Mapped[int] = mapped_column(sa.ForeignKey("exam_parts.id"), unique=True)
    slot_minutes: Mapped[int] = mapped_column(default=45)
    break_minutes: Mapped[int] = mapped_column(default=15)
    windows: Mapped[list] = mapped_column(sa.JSON, default=list)
    rooms: Mapped[list] = mapped_column(sa.JSON, default=list)


class OralSlot(db.Model):
    """One candidate's oral: a room and a time (naive UTC)."""

    __tablename__ = "oral_slots"
    __table_args__ = (sa.UniqueConstraint("exam_part_id", "enrolment_id"),
                      sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"))

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_part_id: Mapped[int] = mapped_column(sa.ForeignKey("exam_parts.id"), index=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id",
                                                            ondelete="CASCADE"), index=True)
    room: Mapped[str] = mapped_column(sa.String(120))
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime)
    ends_at: Mapped[datetime] = mapped_column(sa.DateTime)
    moved_by_hand: Mapped[bool] = mapped_column(default=False)

    enrolment = relationship("Enrolment")
    part = relationship("ExamPart")
    panel = relationship("OralPanelMember", back_populates="slot", cascade="all, delete-orphan",
                         order_by="OralPanelMember.juror_id")


class OralPanelMember(db.Model):
    """A juror of one oral slot's panel; ``role`` as in a jury (one president)."""

    __tablename__ = "oral_panel_members"
    __table_args__ = (sa.CheckConstraint("role IN ('president', 'member')",
                                         name="known_role"),)

    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("oral_slots.id", ondelete="CASCADE"),
                                         primary_key=True)
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True,
                                          index=True)
    role: Mapped[str] = mapped_column(sa.String(20), default="member")

    slot = relationship("OralSlot", back_populates="panel")
    juror = relationship("User")
