"""The jury's records: a session's deliberation and its decisions, the procès-verbal and
its signatures, the candidates' appeals.

Decisions are never edited: a new one supersedes the current one (an appeal's
re-deliberation), both stay on record. A PV's content (``content_pdf``) is drawn once, when
the deliberation closes (or an appeal is re-deliberated: an amendment, ``number`` ≥ 1);
each member signs its SHA-256. When the last has signed, the sealed PDF (content and
signature page, PAdES-signed with the platform's key) is stored with its own hash, and
nothing about the PV changes again.

These models live apart from the features that use them (``deliberation``, ``minutes``,
``appeals``) so that the session's lifecycle facts can read them without an import cycle.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflows.appeal import AppealStatus
from workflows.deliberation import DeliberationStatus

from ..core.columns import enum_column, utcnow
from ..extensions import db


class DecidedOutcome(enum.StrEnum):
    VALIDATED = "validated"
    NOT_VALIDATED = "not_validated"

class Deliberation(db.Model):
    __tablename__ = "deliberations"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("certification_sessions.id"),
                                            unique=True)
    status = enum_column(DeliberationStatus, "deliberation_status", nullable=False,
                         default=DeliberationStatus.OPEN)
    held_on: Mapped[date] = mapped_column(sa.Date)
    place: Mapped[str | None] = mapped_column(sa.String(300))
    opened_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    session = relationship("CertificationSession")


def _one_current(name: str, *columns: str) -> sa.Index:
    return sa.Index(name, *columns, unique=True, sqlite_where=sa.text("superseded_at IS NULL"),
                    postgresql_where=sa.text("superseded_at IS NULL"))


class BlockDecision(db.Model):
    """The jury's outcome for a candidate's bloc; ``proposed`` is what the rule gave."""

    __tablename__ = "block_decisions"
    __table_args__ = (_one_current("uq_block_decisions_current", "enrolment_id", "block_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), index=True)
    block_id: Mapped[int] = mapped_column(sa.ForeignKey("blocks.id"))
    outcome = enum_column(DecidedOutcome, "decided_outcome", nullable=False)
    proposed: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    # Recorded in answer to an appeal (re-deliberation), else at the deliberation.
    appeal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("appeals.id"))

    decided_by = relationship("User")
    block = relationship("Block")


class LevelDecision(db.Model):
    """The level the jury retains on a criterion its evaluators disagree on."""

    __tablename__ = "level_decisions"
    __table_args__ = (_one_current("uq_level_decisions_current", "enrolment_id", "block_id",
                                   "criterion_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), index=True)
    block_id: Mapped[int] = mapped_column(sa.ForeignKey("blocks.id"))
    criterion_code: Mapped[str] = mapped_column(sa.String(20))
    level: Mapped[str] = mapped_column(sa.String(40))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    appeal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("appeals.id"))

    decided_by = relationship("User")


class MinutesStatus(enum.StrEnum):
    SIGNING = "signing"
    SEALED = "sealed"


class Minutes(db.Model):
    __tablename__ = "minutes"
    __table_args__ = (sa.UniqueConstraint("session_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("certification_sessions.id"),
                                            index=True)
    number: Mapped[int] = mapped_column(default=0)  # 0: the PV; n: amendment n° n
    status = enum_column(MinutesStatus, "minutes_status", nullable=False,
                         default=MinutesStatus.SIGNING)
    content_pdf: Mapped[bytes] = mapped_column(sa.LargeBinary)
    content_sha256: Mapped[str] = mapped_column(sa.String(64))
    # The user ids expected to sign: the session jury's members when the PV was drawn.
    signers: Mapped[list] = mapped_column(sa.JSON, default=list)
    appeal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("appeals.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    sealed_pdf: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    sealed_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    sealed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    session = relationship("CertificationSession")
    signatures = relationship("MinutesSignature", order_by="MinutesSignature.id",
                              back_populates="minutes")

    def awaits(self, user_id: int) -> bool:
        """``user_id`` is an expected signer who has not signed yet."""
        return user_id in (self.signers or ()) and all(
            s.user_id != user_id for s in self.signatures)


class MinutesSignature(db.Model):
    __tablename__ = "minutes_signatures"
    __table_args__ = (sa.UniqueConstraint("minutes_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(sa.ForeignKey("minutes.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(sa.String(20))
    signed_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    content_sha256: Mapped[str] = mapped_column(sa.String(64))

    minutes = relationship("Minutes", back_populates="signatures")
    user = relationship("User")


# Files attached to an appeal, stored and checked like any hand-in.
appeal_files = sa.Table(
    "appeal_files",
    db.metadata,
    sa.Column("appeal_id", sa.ForeignKey("appeals.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("stored_file_id", sa.ForeignKey("stored_files.id"), primary_key=True),
)


class Appeal(db.Model):
    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One appeal per result: a second one is refused.
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), unique=True)
    status = enum_column(AppealStatus, "appeal_status", nullable=False,
                         default=AppealStatus.FILED)
    reason: Mapped[str] = mapped_column(sa.Text)
    filed_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    filed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answer: Mapped[str | None] = mapped_column(sa.Text)  # the rejection's or re-deliberation's reason
    answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    version: Mapped[int] = mapped_column(default=1)

    enrolment = relationship("Enrolment")
    files = relationship("StoredFile", secondary=appeal_files, order_by="StoredFile.id")

    __mapper_args__ = {"version_id_col": version}
