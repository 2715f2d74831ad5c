"""Retry dead letters: a fresh budget of attempts, published after the commit, audited."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from workflows.base import Refused

from ..audit.operations import record
from ..extensions import db
from ..outbox.models import OutboxMessage
from ..outbox.operations import retry_dead
from .permissions import can_manage_messages

RETRIED = "outbox.retried"


class MessagesRefused(Refused):
    pass


def _ensure_allowed(actor) -> None:
    if not can_manage_messages(actor):
        raise MessagesRefused(_("Seuls les administrateurs du certificateur peuvent "
                                "relancer les messages."))


def retry(actor, message: OutboxMessage) -> OutboxMessage:
    """Retry one dead letter; the audit keeps its id and the error it died of."""
    _ensure_allowed(actor)
    previous = retry_dead(message)
    record(actor, RETRIED, message, old=previous, new={"task": message.task})
    return message


def retry_all(actor) -> int:
    """Retry every dead letter (one audit event each); returns how many."""
    _ensure_allowed(actor)
    dead = db.session.scalars(select(OutboxMessage).where(OutboxMessage.dead_at.is_not(None))
                              .order_by(OutboxMessage.id)).all()
    for message in dead:
        retry(actor, message)
    return len(dead)
