from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.columns import enum_column, utcnow
from ..extensions import db


class BlockOutcome(enum.StrEnum):
    VALIDATED = "validated"
    NOT_VALIDATED = "not_validated"
    PENDING = "pending"


class TitleOutcome(enum.StrEnum):
    AWARDED = "awarded"
    NOT_AWARDED = "not_awarded"
    PENDING = "pending"


class BlockResult(db.Model):
    __tablename__ = "block_results"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "block_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), index=True)
    block_id: Mapped[int] = mapped_column(sa.ForeignKey("blocks.id"))
    # The outcome: the rule's proposal until the jury decides, then the jury's decision
    # (assess.deliberation); ``proposed_outcome`` keeps the proposal.
    outcome = enum_column(BlockOutcome, "block_outcome", nullable=False)
    proposed_outcome: Mapped[str | None] = mapped_column(sa.String(20))
    # {criterion code: consolidated level or None}, and the codes the evaluators disagree on.
    criterion_levels: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    disagreements: Mapped[list] = mapped_column(sa.JSON, default=list)
    computed_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)

    enrolment = relationship("Enrolment")
    block = relationship("Block")


class TitleResult(db.Model):
    __tablename__ = "title_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), unique=True)
    outcome = enum_column(TitleOutcome, "title_outcome", nullable=False)
    proposed_outcome: Mapped[str | None] = mapped_column(sa.String(20))
    computed_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    # Results reach the candidate only once published (all at once or per candidate).
    published_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    enrolment = relationship("Enrolment")
