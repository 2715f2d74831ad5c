"""Notifications: written with the state change, sent once by the worker (``tasks``)."""

from __future__ import annotations

from ..outbox.operations import add_once, enqueue
from .models import Notification

SEND_TASK = "notifications.send"


def notify(event: str, recipient, obj_key: str, subject: str, body: str) -> Notification:
    """Queue an e-mail keyed by (event, recipient, object): sent once however often retried."""
    key = f"{event}:{recipient.id}:{obj_key}"
    notification, created = add_once(
        Notification(key=key, event=event, recipient_id=recipient.id,
                     recipient_email=recipient.email, subject=subject, body=body), key)
    if created:
        enqueue(SEND_TASK, {"notification_id": notification.id}, key=f"notify:{key}")
    return notification
