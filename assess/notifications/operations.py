"""Notifications: written with the state change, sent once by the worker."""

from __future__ import annotations

import smtplib
from datetime import timedelta

from sqlalchemy import or_, update

from ..core.columns import utcnow
from ..extensions import db
from ..outbox.handlers import TransientError, handler
from ..outbox.models import Notification, NotificationStatus
from ..outbox.operations import add_once, enqueue
from . import mail

SEND_TASK = "notifications.send"
# Longer than any SMTP exchange (30 s timeout): an older claim was a worker that died.
CLAIM_LEASE = timedelta(minutes=10)


def notify(event: str, recipient, obj_key: str, subject: str, body: str) -> Notification:
    """Queue an e-mail keyed by (event, recipient, object): sent once however often retried."""
    key = f"{event}:{recipient.id}:{obj_key}"
    notification, created = add_once(
        Notification(key=key, event=event, recipient_id=recipient.id,
                     recipient_email=recipient.email, subject=subject, body=body), key)
    if created:
        enqueue(SEND_TASK, {"notification_id": notification.id}, key=f"notify:{key}")
    return notification


@handler(SEND_TASK)
def send_notification(payload: dict) -> None:
    """Send the e-mail once, however often the row is delivered."""
    nid = payload["notification_id"]
    claimed_at = _claim(nid)
    if claimed_at is None:
        return  # already sent (or being sent) by another delivery
    n = db.session.get(Notification, nid)
    try:
        mail.send(n.recipient_email, n.subject, n.body)
    except Exception as exc:
        _release(nid, claimed_at)  # back to pending: the retry sends it
        if isinstance(exc, OSError | smtplib.SMTPException):
            raise TransientError(f"{type(exc).__name__}: {exc}") from exc
        raise


def _claim(nid: int):
    """Move the row out of "pending" by a conditional update, committed BEFORE sending:
    a second delivery finds nothing to claim, and no lock is held during a slow SMTP
    exchange (on SQLite it would block every writer). A claim older than CLAIM_LEASE on a
    row still being delivered means the worker died mid-send: it is claimed again.
    Returns the claim's timestamp, or None."""
    now = utcnow()
    claimable = or_(
        Notification.status == NotificationStatus.PENDING,
        (Notification.status == NotificationStatus.SENT) & (Notification.sent_at < now - CLAIM_LEASE),
    )
    claimed = db.session.execute(
        update(Notification).where(Notification.id == nid, claimable)
        .values(status=NotificationStatus.SENT, sent_at=now)
    ).rowcount
    db.session.commit()
    return now if claimed else None


def _release(nid: int, claimed_at) -> None:
    db.session.rollback()
    db.session.execute(
        update(Notification)
        .where(Notification.id == nid, Notification.status == NotificationStatus.SENT,
               Notification.sent_at == claimed_at)
        .values(status=NotificationStatus.PENDING, sent_at=None)
    )
    db.session.commit()
