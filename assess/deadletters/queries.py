"""The dead letters and the pending rows of the outbox, a page at a time.

Three statements whatever the page holds: the counts, the page's rows, and the
notifications of the e-mails among them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from ..core.columns import utcnow
from ..extensions import db
from ..notifications.models import Notification
from ..notifications.operations import SEND_TASK
from ..outbox.models import OutboxMessage

PAGE_SIZE = 50
ERROR_PREVIEW = 120


@dataclass(frozen=True)
class Counts:
    dead: int
    pending: int

    @property
    def total(self) -> int:
        return self.dead + self.pending


@dataclass(frozen=True)
class Row:
    id: int
    task: str
    key: str
    dead: bool
    attempts: int
    last_error: str | None
    created_at: datetime
    dead_at: datetime | None
    age_seconds: float
    # For an e-mail: its address and subject (None for another kind of task).
    address: str | None = None
    subject: str | None = None

    @property
    def error_preview(self) -> str:
        text = self.last_error or ""
        return text if len(text) <= ERROR_PREVIEW else text[:ERROR_PREVIEW].rstrip() + "…"


NOT_DONE = OutboxMessage.done_at.is_(None)


def counts() -> Counts:
    dead = OutboxMessage.dead_at.is_not(None)
    n_dead, n_pending = db.session.execute(
        select(func.coalesce(func.sum(case((dead, 1), else_=0)), 0),
               func.coalesce(func.sum(case((dead, 0), else_=1)), 0))
        .where(NOT_DONE)).one()
    return Counts(dead=int(n_dead), pending=int(n_pending))


def page(number: int) -> list[Row]:
    """Dead letters first (the latest first), then the rows still to be done (oldest
    first: the longest wait is the one to look at)."""
    number = max(number, 1)
    dead_first = case((OutboxMessage.dead_at.is_not(None), 0), else_=1)
    messages = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.task, OutboxMessage.key, OutboxMessage.payload,
               OutboxMessage.dead_at, OutboxMessage.attempts, OutboxMessage.last_error,
               OutboxMessage.created_at)
        .where(NOT_DONE)
        .order_by(dead_first, OutboxMessage.dead_at.desc(), OutboxMessage.created_at,
                  OutboxMessage.id)
        .limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)).all()
    wanted = {m.payload.get("notification_id") for m in messages
              if m.task == SEND_TASK and isinstance(m.payload, dict)}
    wanted.discard(None)
    emails = {}
    if wanted:
        emails = {n.id: (n.recipient_email, n.subject) for n in db.session.execute(
            select(Notification.id, Notification.recipient_email, Notification.subject)
            .where(Notification.id.in_(wanted)))}
    now = utcnow()
    rows = []
    for m in messages:
        address, subject = (emails.get(m.payload.get("notification_id"), (None, None))
                            if m.task == SEND_TASK and isinstance(m.payload, dict)
                            else (None, None))
        rows.append(Row(id=m.id, task=m.task, key=m.key, dead=m.dead_at is not None,
                        attempts=m.attempts, last_error=m.last_error, created_at=m.created_at,
                        dead_at=m.dead_at, age_seconds=(now - m.created_at).total_seconds(),
                        address=address, subject=subject))
    return rows


def pages(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))
