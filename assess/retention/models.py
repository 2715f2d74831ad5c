"""The retention periods set by the certifier, and the record of every purge."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.columns import enum_column, utcnow
from ..extensions import db


class RetentionKind(enum.StrEnum):
    PAPERS = "papers"                      # the files handed in (submissions)
    OBSERVATIONS = "observations"          # the evaluators' observations on the sheets
    HEALTH_DOCUMENTS = "health_documents"  # the aménagements' supporting documents
    MINUTES = "minutes"                    # the procès-verbaux (archival: never purged)
    ATTESTATIONS = "attestations"          # attestations and certificates (archival)
    AWARDS = "awards"                      # decisions and results (archival)


# Kept at least for their period and never purged by the platform: the period is an
# archival minimum, shown as such.
ARCHIVAL = frozenset({RetentionKind.MINUTES, RetentionKind.ATTESTATIONS, RetentionKind.AWARDS})
# What the certifier sees until they set another period (months).
DEFAULT_MONTHS = {
    RetentionKind.PAPERS: 12,
    RetentionKind.OBSERVATIONS: 12,
    RetentionKind.HEALTH_DOCUMENTS: 12,
    RetentionKind.MINUTES: 600,
    RetentionKind.ATTESTATIONS: 600,
    RetentionKind.AWARDS: 600,
}
MAX_MONTHS = 1200


class RetentionPeriod(db.Model):
    """The certifier's period for one kind; a kind without a row has its default."""

    __tablename__ = "retention_periods"
    __table_args__ = (sa.CheckConstraint(f"months BETWEEN 1 AND {MAX_MONTHS}",
                                         name="months_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind = enum_column(RetentionKind, "retention_kind", nullable=False, unique=True)
    months: Mapped[int] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class RetentionPurge(db.Model):
    """What one purge removed of one kind in one session, and when: the record that stays
    once the data is gone. ``pending_keys``: blobs whose rows are gone but which could not
    be deleted yet (written within the grace period), None once there are none; the next
    run retries them."""

    __tablename__ = "retention_purges"
    __table_args__ = (sa.CheckConstraint("item_count > 0", name="purged_something"),
                      sa.Index("ix_retention_purges_purged_at", "purged_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind = enum_column(RetentionKind, "retention_purge_kind", nullable=False)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("certification_sessions.id"),
                                            index=True)
    purged_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    # None: the scheduled task; else who ran the command or the button.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    months: Mapped[int] = mapped_column()  # the period applied
    item_count: Mapped[int] = mapped_column()
    # One entry per row purged: ids, names, sizes and fingerprints (never the content).
    items: Mapped[list] = mapped_column(sa.JSON, default=list)
    blobs_deleted: Mapped[int] = mapped_column(default=0)
    pending_keys: Mapped[list | None] = mapped_column(sa.JSON(none_as_null=True))

    session = relationship("CertificationSession")
