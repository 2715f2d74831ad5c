from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.columns import enum_column, utcnow
from ..extensions import db


class OutboxMessage(db.Model):
    """A side effect written in the same transaction as the state change that causes it."""

    __tablename__ = "outbox"
    __table_args__ = (sa.Index("ix_outbox_pending", "done_at", "dispatched_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(sa.String(120))
    payload: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Idempotency: the same effect is queued once however often the operation is retried.
    key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    done_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)


class NotificationStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Notification(db.Model):
    """An e-mail; its key (event, recipient, object) makes it go out once."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    event: Mapped[str] = mapped_column(sa.String(80))
    recipient_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recipient_email: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    status = enum_column(NotificationStatus, "notification_status", nullable=False,
                         default=NotificationStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
