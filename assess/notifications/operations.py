"""Notifications: written with the state change, sent once by the worker."""

from __future__ import annotations

import smtplib

from sqlalchemy import select, update

from ..core.columns import utcnow
from ..extensions import db
from ..outbox.handlers import handler
from ..outbox.models import Notification, NotificationStatus
from ..outbox.operations import enqueue
from . import mail

SEND_TASK = "notifications.send"


def notify(event: str, recipient, obj_key: str, subject: str, body: str) -> Notification:
    """Queue an e-mail keyed by (event, recipient, object): sent once however often retried."""
    key = f"{event}:{recipient.id}:{obj_key}"
    existing = db.session.scalar(select(Notification).where(Notification.key == key))
    if existing is not None:
        return existing
    notification = Notification(key=key, event=event, recipient_id=recipient.id,
                                recipient_email=recipient.email, subject=subject, body=body)
    db.session.add(notification)
    db.session.flush()
    enqueue(SEND_TASK, {"notification_id": notification.id}, key=f"notify:{key}")
    return notification


@handler(SEND_TASK)
def send_notification(payload: dict) -> None:
    from worker.tasks import TransientError

    nid = payload["notification_id"]
    # Claim the row: only one delivery can move it out of "pending", so it is sent once.
    claimed = db.session.execute(
        update(Notification)
        .where(Notification.id == nid, Notification.status == NotificationStatus.PENDING)
        .values(status=NotificationStatus.SENT, sent_at=utcnow())
    ).rowcount
    if not claimed:
        db.session.rollback()
        return
    n = db.session.get(Notification, nid)
    try:
        mail.send(n.recipient_email, n.subject, n.body)
    except (OSError, smtplib.SMTPException) as exc:
        db.session.rollback()  # back to pending: the retry sends it
        raise TransientError(str(exc)) from exc
    db.session.commit()
