from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.columns import utcnow
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
    # When the row was last handed to the broker (the sweep republishes it if it is not
    # done OUTBOX_SWEEP_AFTER seconds later).
    dispatched_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    # Until when a delivery holds it: set when a worker claims it, renewed by a long
    # handler's heartbeat, pushed to the time of a scheduled retry. Past it, a worker that
    # died is taken over by the sweep.
    leased_until: Mapped[datetime | None] = mapped_column(sa.DateTime)
    done_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    # Set aside after too many failed attempts (OUTBOX_MAX_ATTEMPTS): the sweep leaves it
    # until an admin retries it from the dead-letter page.
    dead_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
