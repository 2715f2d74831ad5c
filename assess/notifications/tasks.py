"""The worker side of notifications: send one e-mail, at least once and never lost.

A delivery claims the notification ("sending", with its time and the outbox attempt
that claimed it) and commits before talking to the mail server, so that no lock is held
during a slow SMTP exchange, and so that two deliveries racing cannot both send: the
conditional update lets one of them claim it. It records "sent" only once the server
accepted the message. A later delivery of the same outbox row (its worker died) finds the
claim of an earlier attempt: nobody can tell whether the server got the message before
the worker died, so it sends again, with the same Message-ID, and logs a warning. The one
window left is thus a worker killed after the server accepted and before "sent" was
recorded: one duplicate with the same Message-ID, never a loss (README, "Messages").
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from ..accounts.models import User
from ..core.columns import utcnow
from ..extensions import db
from ..outbox.handlers import PermanentError, TransientError, handler, on_dead, on_retry
from ..storage import get_storage
from . import mail
from .attachments import draw
from .models import Notification, NotificationStatus
from .operations import SEND_TASK

log = logging.getLogger(__name__)


@handler(SEND_TASK)
def send_notification(payload: dict) -> None:
    """Send the e-mail, however often the row is delivered."""
    nid = payload["notification_id"]
    claimed = _claim(nid, payload.get("attempt", 0))
    if claimed is None:
        return  # sent, or being sent by a live delivery
    claimed_at, taken_over = claimed
    n = db.session.get(Notification, nid)
    event, address = n.event, n.recipient_email
    if taken_over:
        log.warning("e-mail %s: an earlier delivery died while sending it; sending it again "
                    "with the same Message-ID (the recipient may get it twice)", nid)
    try:
        mail.send(n.recipient_email, n.subject, n.body, message_id=mail.message_id_for(n),
                  attachments=_attachments(n), lang=_locale_of(n.recipient_id))
    except Exception as exc:
        _release(nid, claimed_at)  # back to pending: the retry sends it
        if _refused_for_good(exc):
            raise PermanentError(f"{type(exc).__name__}: {exc}") from exc
        if isinstance(exc, OSError | smtplib.SMTPException):
            raise TransientError(f"{type(exc).__name__}: {exc}") from exc
        raise
    _mark_sent(nid, claimed_at)
    log.info("e-mail sent: %s to %s", event, address)


def _refused_for_good(exc: Exception) -> bool:
    """A 5xx from the mail server (no such mailbox, message rejected): retrying sends the
    same thing to the same refusal. A 4xx, a timeout or a lost connection may pass later."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500 and not (
        isinstance(exc, smtplib.SMTPAuthenticationError))  # our settings: fixed, then retried


def _locale_of(user_id: int | None) -> str | None:
    return db.session.scalar(select(User.locale).where(User.id == user_id)) if user_id else None


@on_dead(SEND_TASK)
def notification_failed(payload: dict) -> None:
    """Its outbox row is a dead letter: the notification says it failed, not "sending"."""
    db.session.execute(
        update(Notification)
        .where(Notification.id == payload.get("notification_id"),
               Notification.status.in_((NotificationStatus.PENDING, NotificationStatus.SENDING)))
        .values(status=NotificationStatus.FAILED))


@on_retry(SEND_TASK)
def notification_retried(payload: dict) -> None:
    """An admin retries it: pending again, no claim left (the next delivery sends it)."""
    db.session.execute(
        update(Notification)
        .where(Notification.id == payload.get("notification_id"),
               Notification.status.in_((NotificationStatus.FAILED, NotificationStatus.SENDING)))
        .values(status=NotificationStatus.PENDING, claimed_at=None, claim_attempt=None))


def _attachments(n: Notification) -> list[tuple[str, str, bytes]]:
    storage = get_storage()
    files = []
    for item in n.attachments or ():
        if "render" in item:  # drawn now (attachments.py), the same as its download
            files.append((item["filename"], item["mime"], draw(item)))
            continue
        with storage.open(item["key"]) as fh:
            files.append((item["filename"], item["mime"], fh.read()))
    return files


def _claim(nid: int, attempt: int):
    """Move the row to "sending" by a conditional update, committed BEFORE sending: a
    concurrent delivery finds nothing to claim. A claim is taken again when an earlier
    attempt of the same outbox row made it (that delivery's worker died: the outbox only
    delivers a row again once its lease lapsed or its message came back from a lost
    worker), or when it is older than NOTIFICATION_CLAIM_LEASE (a claim from elsewhere).
    Returns (the claim's time, whether it took over a claim left "sending"), or None."""
    now = utcnow()
    lease = timedelta(seconds=current_app.config["NOTIFICATION_CLAIM_LEASE"])
    sending = Notification.status == NotificationStatus.SENDING
    values = {"status": NotificationStatus.SENDING, "claimed_at": now, "claim_attempt": attempt}
    for claimable, taken_over in (
            (Notification.status == NotificationStatus.PENDING, False),
            (sending & or_(Notification.claim_attempt < attempt,
                           Notification.claimed_at < now - lease), True)):
        claimed = db.session.execute(
            update(Notification).where(Notification.id == nid, claimable).values(**values)
        ).rowcount
        if claimed:
            db.session.commit()
            return now, taken_over
    db.session.commit()
    return None


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
