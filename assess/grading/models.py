from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflows.grading import SheetStatus

from ..core.columns import enum_column, utcnow
from ..extensions import db


class GradingSheet(db.Model):
    """A juror's grille d'évaluation for one assignment; versioned against stale edits."""

    __tablename__ = "grading_sheets"
    __table_args__ = (
        sa.CheckConstraint("(status = 'submitted') = (submitted_at IS NOT NULL)",
                           name="submitted_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id"), unique=True)
    status = enum_column(SheetStatus, "sheet_status", nullable=False, default=SheetStatus.DRAFT)
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    overall_comment: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # The candidate did not come to the oral (bloc 3): recorded by the panel on the sheet,
    # and as the épreuve's attendance, which the results count.
    candidate_absent: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

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
    # A code of a stored référentiel's scale (the database refuses any other string); the
    # operation checks it belongs to the scale of this sheet's version.
    level: Mapped[str | None] = mapped_column(sa.String(40), sa.ForeignKey("level_codes.code"))
    observation: Mapped[str] = mapped_column(sa.Text, default="")
    # The evidence relied on: from the dossier (or the written work), and for bloc 3 from
    # the oral defence as well.
    evidence: Mapped[str | None] = mapped_column(sa.Text)
    oral_evidence: Mapped[str | None] = mapped_column(sa.Text)

    sheet = relationship("GradingSheet", back_populates="marks")
    criterion = relationship("Criterion")
