from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.columns import enum_column, utcnow
from ..extensions import db


class MemberRole(enum.StrEnum):
    PRESIDENT = "president"
    MEMBER = "member"


# The centres whose pool a juror belongs to: invited by (or for) that centre.
juror_centres = sa.Table(
    "juror_centres",
    db.metadata,
    sa.Column("juror_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("centre_id", sa.ForeignKey("training_centres.id", ondelete="CASCADE"),
              primary_key=True),
)


class Jury(db.Model):
    __tablename__ = "juries"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("certification_sessions.id"),
                                            index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)

    session = relationship("CertificationSession")
    members = relationship("JuryMember", back_populates="jury", cascade="all, delete-orphan")


class JuryMember(db.Model):
    __tablename__ = "jury_members"
    __table_args__ = (sa.UniqueConstraint("jury_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[int] = mapped_column(sa.ForeignKey("juries.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    role = enum_column(MemberRole, "member_role", nullable=False, default=MemberRole.MEMBER)
    # External to the certifier and to the candidates' training centre.
    is_external: Mapped[bool] = mapped_column(default=False)

    jury = relationship("Jury", back_populates="members")
    user = relationship("User")


class Assignment(db.Model):
    """A juror asked to grade one candidate's épreuve."""

    __tablename__ = "assignments"
    __table_args__ = (sa.UniqueConstraint("juror_id", "enrolment_id", "exam_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), index=True)
    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exams.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    juror = relationship("User", foreign_keys=[juror_id])
    enrolment = relationship("Enrolment")
    exam = relationship("Exam")
    sheet = relationship("GradingSheet", back_populates="assignment", uselist=False)
