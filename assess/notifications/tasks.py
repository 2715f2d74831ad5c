"""The worker side of notifications: send one e-mail, at least once and never lost.

A delivery claims the notification ("sending", with its time and the outbox attempt
that claimed it) and commits before talking to the mail server, so that no lock is held
during a slow SMTP exchange; it records "sent" only once the server accepted the message.
A later delivery of the same outbox row (its worker died) finds the claim of an earlier
attempt and sends again: the one window left is a worker killed after the server accepted
and before "sent" was recorded, which gives one duplicate with the same Message-ID, never
a loss.
"""

from __future__ import annotations

import smtplib
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, update

from ..core.columns import utcnow
from ..extensions import db
from ..outbox.handlers import TransientError, handler
from ..storage import get_storage
from . import mail
from .models import Notification, NotificationStatus
from .operations import SEND_TASK


@handler(SEND_TASK)
def send_notification(payload: dict) -> None:
    """Send the e-mail, however often the row is delivered."""
    nid = payload["notification_id"]
    claimed_at = _claim(nid, payload.get("attempt", 0))
    if claimed_at is None:
        return  # sent, or being sent by a live delivery
    n = db.session.get(Notification, nid)
    try:
        mail.send(n.recipient_email, n.subject, n.body, message_id=mail.message_id_for(n),
                  attachments=_attachments(n))
    except Exception as exc:
        _release(nid, claimed_at)  # back to pending: the retry sends it
        if isinstance(exc, OSError | smtplib.SMTPException):
            raise TransientError(f"{type(exc).__name__}: {exc}") from exc
        raise
    _mark_sent(nid, claimed_at)


def _attachments(n: Notification) -> list[tuple[str, str, bytes]]:
    storage = get_storage()
    files = []
    for item in n.attachments or ():
        with storage.open(item["key"]) as fh:
            files.append((item["filename"], item["mime"], fh.read()))
    return files


def _claim(nid: int, attempt: int):
    """Move the row to "sending" by a conditional update, committed BEFORE sending: a
    concurrent delivery finds nothing to claim. A claim is taken again when an earlier
    attempt of the same outbox row made it (that delivery's worker died: the outbox only
    delivers a row again once its lease lapsed or its message came back from a lost
    worker), or when it is older than NOTIFICATION_CLAIM_LEASE (a claim from elsewhere).
    Returns the claim's time, or None."""
    now = utcnow()
    lease = timedelta(seconds=current_app.config["NOTIFICATION_CLAIM_LEASE"])
    sending = Notification.status == NotificationStatus.SENDING
    claimable = or_(
        Notification.status == NotificationStatus.PENDING,
        sending & (Notification.claim_attempt < attempt),
        sending & (Notification.claimed_at < now - lease),
    )
    claimed = db.session.execute(
        update(Notification).where(Notification.id == nid, claimable)
        .values(status=NotificationStatus.SENDING, claimed_at=now, claim_attempt=attempt)
    ).rowcount
    db.session.commit()
    return now if claimed else None


def _mark_sent(nid: int, claimed_at) -> None:
    """Sent: recorded only once the mail backend accepted the message, and committed at
    once, so that the window in which a crash makes a duplicate stays as short as can be."""
    db.session.execute(
        update(Notification)
        .where(Notification.id == nid, Notification.status == NotificationStatus.SENDING,
               Notification.claimed_at == claimed_at)
        .values(status=NotificationStatus.SENT, sent_at=utcnow())
    )
    db.session.commit()


def _release(nid: int, claimed_at) -> None:
    db.session.rollback()
    db.session.execute(
        update(Notification)
        .where(Notification.id == nid, Notification.status == NotificationStatus.SENDING,
               Notification.claimed_at == claimed_at)
        .values(status=NotificationStatus.PENDING, claimed_at=None, claim_attempt=None)
    )
    db.session.commit()
