"""Who may see and retry the platform's messages: the one place for this rule.

The outbox is platform-wide (every centre's e-mails, every session's computations): only
the certifier's admins see it. A centre admin, like anyone else, is refused (403). A row
that is unknown, or not a dead letter, cannot be retried: not found (404).
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from ..accounts.models import Role
from ..extensions import db
from ..outbox.models import OutboxMessage

ROLES = (Role.CERTIFIER_ADMIN,)


def can_manage_messages(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and actor.role in ROLES


def load_dead_message(actor, outbox_id: int) -> OutboxMessage:
    if not can_manage_messages(actor):
        abort(403)
    message = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.id == outbox_id, OutboxMessage.dead_at.is_not(None)))
    if message is None:
        abort(404)
    return message
