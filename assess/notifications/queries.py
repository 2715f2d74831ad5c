"""Reads of the notification centre, each in a fixed number of statements."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..extensions import db
from .kinds import HIDDEN_FROM_CENTRE, kinds_for
from .models import Notification, email_opt_outs

PAGE_SIZE = 30
EXCERPT = 160
_GREETING = re.compile(r"^\s*(Bonjour|Hello|Dear)\b[^\n]*\n", re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    id: int
    subject: str
    excerpt: str
    created_at: datetime
    link: str | None
    unread: bool


def excerpt(body: str, size: int = EXCERPT) -> str:
    """The start of the message, on one line, without its greeting."""
    text = " ".join(_GREETING.sub("", body or "", count=1).split())
    return text if len(text) <= size else text[:size - 1].rstrip() + "…"


def _shown(user_id: int) -> list:
    return [Notification.recipient_id == user_id,
            Notification.event.not_in(HIDDEN_FROM_CENTRE)]


def unread_count(user_id: int) -> int:
    """For the header: one statement (the index on (recipient_id, read_at) serves it)."""
    return db.session.scalar(select(func.count(Notification.id)).where(
        *_shown(user_id), Notification.read_at.is_(None))) or 0


def centre_page(user_id: int, page: int = 1) -> tuple[list[Entry], int]:
    """One page of the user's notifications, newest first, and how many there are: two
    statements whatever the number."""
    total = db.session.scalar(select(func.count(Notification.id)).where(*_shown(user_id)))
    rows = db.session.execute(
        select(Notification.id, Notification.subject, Notification.body,
               Notification.created_at, Notification.link, Notification.read_at)
        .where(*_shown(user_id))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE))
    return [Entry(r.id, r.subject, excerpt(r.body), r.created_at, r.link, r.read_at is None)
            for r in rows], total or 0


def received_kinds(user) -> list[str]:
    """The optional kinds offered to ``user`` that they receive (not opted out of)."""
    off = set(db.session.scalars(select(email_opt_outs.c.kind).where(
        email_opt_outs.c.user_id == user.id)))
    return [k for k in kinds_for(user.role) if k not in off]
