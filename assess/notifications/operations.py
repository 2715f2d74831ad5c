"""Notifications: written with the state change, sent once by the worker (``tasks``)."""

from __future__ import annotations

from ..core.columns import utcnow
from ..core.inserts import insert_many
from ..outbox.operations import add_once, enqueue, enqueue_many
from .models import Notification

SEND_TASK = "notifications.send"


def notify(event: str, recipient, obj_key: str, subject: str, body: str,
           attachments: list[dict] | None = None) -> Notification:
    """Queue an e-mail keyed by (event, recipient, object): sent once however often retried.
    ``attachments``: [{"filename", "mime", "key"}], files already in the storage."""
    key = f"{event}:{recipient.id}:{obj_key}"
    notification, created = add_once(
        Notification(key=key, event=event, recipient_id=recipient.id,
                     recipient_email=recipient.email, subject=subject, body=body,
                     attachments=attachments), key)
    if created:
        enqueue(SEND_TASK, {"notification_id": notification.id}, key=f"notify:{key}")
    return notification


def notify_many(event: str, messages: list[tuple[int, str, str, str, str]]) -> None:
    """``notify`` for many recipients in two INSERTs: each message is (recipient id,
    address, object key, subject, body); a key already queued is left alone."""
    now = utcnow()
    rows = [{"key": f"{event}:{rid}:{obj_key}", "event": event, "recipient_id": rid,
             "recipient_email": email, "subject": subject, "body": body,
             "status": "pending", "created_at": now}
            for rid, email, obj_key, subject, body in messages]
    inserted = insert_many(Notification, rows, returning=("id", "key"), unique=("key",))
    enqueue_many(SEND_TASK, [({"notification_id": nid}, f"notify:{key}")
                             for nid, key in sorted(inserted)])
