from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.columns import utcnow
from ..extensions import db


class Convocation(db.Model):
    """One version of a candidate's convocation to one part of an épreuve. A new version
    is written when what it says changes (its ``details``); each is sent once."""

    __tablename__ = "convocations"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "exam_part_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id",
                                                            ondelete="CASCADE"), index=True)
    exam_part_id: Mapped[int] = mapped_column(sa.ForeignKey("exam_parts.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    # What the convocation says (title, bloc, part, date, duration, place…), as sent.
    details: Mapped[dict] = mapped_column(sa.JSON)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Set by the worker once the PDF is made and the e-mail queued.
    pdf_key: Mapped[str | None] = mapped_column(sa.String(80))
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    ics_key: Mapped[str | None] = mapped_column(sa.String(80))
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    enrolment = relationship("Enrolment")
    part = relationship("ExamPart")

    @property
    def is_change(self) -> bool:
        return self.version > 1
