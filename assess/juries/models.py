from __future__ import annotations

import enum
from datetime import date, datetime

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


# The blocs a juror may assess (by number: the same across référentiel versions).
juror_blocks = sa.Table(
    "juror_blocks",
    db.metadata,
    sa.Column("juror_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("block_number", sa.Integer, primary_key=True),
)

# The training centres a juror is NOT external to (employed there, trains its groups):
# a juror external to a centre has no row for it.
juror_affiliations = sa.Table(
    "juror_affiliations",
    db.metadata,
    sa.Column("juror_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("centre_id", sa.ForeignKey("training_centres.id", ondelete="CASCADE"),
              primary_key=True),
)


class JurorAvailability(db.Model):
    """A period (whole days, both included) when a juror can grade or sit on a panel."""

    __tablename__ = "juror_availabilities"
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                          index=True)
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)


class Jury(db.Model):
    """A session's jury (``exam_id`` None), or the jury of one of its épreuves where it
    differs. The composition rules (workflows.jury_rules) block the move to grading unless
    a certifier admin forces it with a written reason (printed later on the PV)."""

    __tablename__ = "juries"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("certification_sessions.id"),
                                            index=True)
    exam_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exams.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    forced_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    forced_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    forced_reason: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    session = relationship("CertificationSession")
    exam = relationship("Exam")
    forced_by = relationship("User", foreign_keys=[forced_by_id])
    members = relationship("JuryMember", back_populates="jury", cascade="all, delete-orphan",
                           order_by="JuryMember.id")


class JuryMember(db.Model):
    __tablename__ = "jury_members"
    __table_args__ = (sa.UniqueConstraint("jury_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[int] = mapped_column(sa.ForeignKey("juries.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    role = enum_column(MemberRole, "member_role", nullable=False, default=MemberRole.MEMBER)

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
    # Taken off the work (a conflict of interest declared after allocation): the row and
    # any draft are kept as evidence, but the sheet no longer counts and cannot be changed.
    withdrawn_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    withdrawn_reason: Mapped[str | None] = mapped_column(sa.String(40))

    juror = relationship("User", foreign_keys=[juror_id])
    enrolment = relationship("Enrolment")
    exam = relationship("Exam")
    sheet = relationship("GradingSheet", back_populates="assignment", uselist=False)


class LinkKind(enum.StrEnum):
    TRAINER = "trainer"
    EMPLOYER = "employer"
    COLLEAGUE = "colleague"
    RELATIVE = "relative"
    OTHER = "other"


class ConflictOfInterest(db.Model):
    """A link between a juror and a candidate (enrolment): declared by the juror, or
    recorded by an admin. The juror never grades that candidate."""

    __tablename__ = "conflicts_of_interest"
    __table_args__ = (sa.UniqueConstraint("juror_id", "enrolment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id",
                                                            ondelete="CASCADE"), index=True)
    kind = enum_column(LinkKind, "link_kind", nullable=False)
    detail: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # The juror themself, or the admin who recorded a known link.
    declared_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    declared_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)

    juror = relationship("User", foreign_keys=[juror_id])
    declared_by = relationship("User", foreign_keys=[declared_by_id])
    enrolment = relationship("Enrolment")
