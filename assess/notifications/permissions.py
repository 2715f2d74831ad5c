"""Who may read a notification and change e-mail preferences: the one place for these rules.

- A notification is its recipient's alone, whatever their role: anybody else's is not
  found (404), so that ids cannot be probed. The security messages (``kinds``) are never
  shown in the centre, not even to their recipient.
- E-mail preferences are each user's own choice: nobody changes them for someone else.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from ..extensions import db
from .kinds import HIDDEN_FROM_CENTRE
from .models import Notification


def can_read(actor, notification: Notification) -> bool:
    return (actor.is_authenticated and notification.recipient_id == actor.id
            and notification.event not in HIDDEN_FROM_CENTRE)


def can_change_preferences(actor, user) -> bool:
    return actor.is_authenticated and actor.id == user.id


def load_own_notification(actor, notification_id: int) -> Notification:
    notification = db.session.scalar(select(Notification).where(
        Notification.id == notification_id, Notification.recipient_id == actor.id))
    if notification is None or not can_read(actor, notification):
        abort(404)
    return notification
