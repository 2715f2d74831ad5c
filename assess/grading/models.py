from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.columns import enum_column, utcnow
from ..extensions import db


class SheetStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class GradingSheet(db.Model):
    """A juror's grille d'évaluation for one assignment; versioned against stale edits."""

    __tablename__ = "grading_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id"), unique=True)
    status = enum_column(SheetStatus, "sheet_status", nullable=False, default=SheetStatus.DRAFT)
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    assignment = relationship("Assignment", back_populates="sheet")
    marks = relationship("CriterionMark", back_populates="sheet", cascade="all, delete-orphan",
                         order_by="CriterionMark.id")

    __mapper_args__ = {"version_id_col": version}


class CriterionMark(db.Model):
    """One line of the grille: a level of the référentiel's scale and an observation."""

    __tablename__ = "criterion_marks"
    __table_args__ = (sa.UniqueConstraint("sheet_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(sa.ForeignKey("grading_sheets.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria.id"))
    level: Mapped[str | None] = mapped_column(sa.String(40))
    observation: Mapped[str] = mapped_column(sa.Text, default="")
    evidence: Mapped[str | None] = mapped_column(sa.Text)

    sheet = relationship("GradingSheet", back_populates="marks")
    criterion = relationship("Criterion")
