"""The worker side of notifications: send one e-mail, once, however often delivered."""

from __future__ import annotations

import smtplib
from datetime import timedelta

from sqlalchemy import or_, update

from ..core.columns import utcnow
from ..extensions import db
from ..outbox.handlers import TransientError, handler
from . import mail
from .models import Notification, NotificationStatus
from .operations import SEND_TASK

# Longer than any SMTP exchange (30 s timeout): an older claim was a worker that died.
CLAIM_LEASE = timedelta(minutes=10)


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
    _mark_sent(nid, claimed_at)


def _claim(nid: int):
    """Move the row from "pending" to "sending" by a conditional update, committed BEFORE
    sending: a second delivery finds nothing to claim, and no lock is held during a slow
    SMTP exchange (on SQLite it would block every writer). A claim older than CLAIM_LEASE
    means the worker died mid-send: it is claimed again. Returns the claim's time, or None."""
    now = utcnow()
    claimable = or_(
        Notification.status == NotificationStatus.PENDING,
        (Notification.status == NotificationStatus.SENDING)
        & (Notification.claimed_at < now - CLAIM_LEASE),
    )
    claimed = db.session.execute(
        update(Notification).where(Notification.id == nid, claimable)
        .values(status=NotificationStatus.SENDING, claimed_at=now)
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
        .values(status=NotificationStatus.PENDING, claimed_at=None)
    )
    db.session.commit()
