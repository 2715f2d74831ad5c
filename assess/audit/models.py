from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.columns import utcnow
from ..extensions import db


class AuditEvent(db.Model):
    """Append-only: who did what to which object, the old and new values, and why."""

    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(80))
    object_type: Mapped[str] = mapped_column(sa.String(60))
    object_id: Mapped[int | None]
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certification_sessions.id"),
                                                   index=True)
    old: Mapped[dict | None] = mapped_column(sa.JSON)
    new: Mapped[dict | None] = mapped_column(sa.JSON)
    reason: Mapped[str | None] = mapped_column(sa.Text)

    actor = relationship("User")
