"""Notifications: written with the state change, sent once by the worker (``tasks``).

Every e-mail is also an entry of the recipient's notification centre (``read_at``,
``link``). An optional e-mail (``kinds``) the recipient opted out of is written all the
same, so that the centre shows it, but it is not queued for sending and its status is
OPTED_OUT with no ``sent_at``. The sending task only claims PENDING (or a stale
SENDING) rows, so such a row is never sent even if a send were queued for it.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, insert, select, update

from workflows.base import Refused

from ..accounts.models import User
from ..audit.operations import record
from ..core.columns import utcnow
from ..core.inserts import insert_many
from ..extensions import db
from ..outbox.operations import add_once, enqueue, enqueue_many
from .kinds import kind_of, kinds_for
from .models import Notification, NotificationStatus, email_opt_outs
from .permissions import can_change_preferences, can_read

SEND_TASK = "notifications.send"
# The e-mails that are themselves the way in: no « set your password » note on them.
ACCESS_EVENTS = frozenset({"invitation", "password_reset"})
# What to add to a message for someone who cannot log in yet (an account created by an
# import, no password set): registered by the accounts package (an invitation link), so
# that notifications need not import it.
_NOTES_FOR_NEW_ACCOUNTS: list[Callable[[object], str]] = []


def note_for_new_accounts(build: Callable[[object], str]) -> Callable[[object], str]:
    """Register ``build(user) -> text`` appended to every message to a user without a
    password (except the invitation and reset e-mails)."""
    _NOTES_FOR_NEW_ACCOUNTS.append(build)
    return build


def _with_note(event: str, user, body: str) -> str:
    if event in ACCESS_EVENTS or user is None or user.password_hash is not None:
        return body
    return body + "".join(build(user) for build in _NOTES_FOR_NEW_ACCOUNTS)
# The status of a row kept for the centre only: the recipient opted out of its e-mail.
OPTED_OUT = NotificationStatus.OPTED_OUT


class PreferencesRefused(Refused):
    """A preference that cannot be saved; the message says what to do."""


def platform_path(link: str | None) -> str | None:
    """``link`` as a path on this platform: a path ("/jury/") is kept, an absolute URL
    under BASE_URL (as the e-mails write them) loses its base. Anything else is a bug of
    the caller: the centre only ever redirects within the platform."""
    if not link:
        return None
    base = current_app.config["BASE_URL"].rstrip("/")
    if base and link.startswith(base + "/"):
        link = link[len(base):]
    if not link.startswith("/") or link.startswith("//") or "\\" in link:
        raise ValueError(f"not a path on this platform: {link!r}")
    return link[:500]


def _opted_out(kind: str | None, user_ids) -> set[int]:
    if kind is None or not user_ids:
        return set()
    return set(db.session.scalars(select(email_opt_outs.c.user_id).where(
        email_opt_outs.c.kind == kind, email_opt_outs.c.user_id.in_(user_ids))))


def notify(event: str, recipient, obj_key: str, subject: str, body: str,
           attachments: list[dict] | None = None, link: str | None = None) -> Notification:
    """Queue an e-mail keyed by (event, recipient, object): sent once however often retried.
    ``attachments``: [{"filename", "mime", "key"}], files already in the storage; ``link``:
    the page it is about (a path, or a URL under BASE_URL), opened from the centre."""
    key = f"{event}:{recipient.id}:{obj_key}"
    silenced = recipient.id in _opted_out(kind_of(event), [recipient.id])
    body = _with_note(event, recipient, body)
    notification, created = add_once(
        Notification(key=key, event=event, recipient_id=recipient.id,
                     recipient_email=recipient.email, subject=subject, body=body,
                     attachments=attachments, link=platform_path(link),
                     status=OPTED_OUT if silenced else NotificationStatus.PENDING), key)
    if created and not silenced:
        enqueue(SEND_TASK, {"notification_id": notification.id}, key=f"notify:{key}")
    return notification


def notify_many(event: str, messages: list[tuple[int, str, str, str, str]],
                link: str | None = None) -> None:
    """``notify`` for many recipients in three statements: each message is (recipient id,
    address, object key, subject, body), all about the page ``link``; a key already
    queued is left alone."""
    now = utcnow()
    path = platform_path(link)
    silenced = _opted_out(kind_of(event), sorted({m[0] for m in messages}))
    new_accounts = {} if event in ACCESS_EVENTS else {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_({m[0] for m in messages}),
                           User.password_hash.is_(None)))}
    messages = [(rid, email, obj_key, subject, _with_note(event, new_accounts.get(rid), body))
                for rid, email, obj_key, subject, body in messages]
    rows = [{"key": f"{event}:{rid}:{obj_key}", "event": event, "recipient_id": rid,
             "recipient_email": email, "subject": subject, "body": body, "link": path,
             "status": str(OPTED_OUT if rid in silenced else NotificationStatus.PENDING),
             "created_at": now}
            for rid, email, obj_key, subject, body in messages]
    inserted = insert_many(Notification, rows, returning=("id", "key", "recipient_id"),
                           unique=("key",))
    enqueue_many(SEND_TASK, [({"notification_id": nid}, f"notify:{key}")
                             for nid, key, rid in sorted(inserted) if rid not in silenced])


# -- the notification centre --------------------------------------------------------------

def mark_read(actor, notification: Notification) -> Notification:
    """Read in the centre. Not audited: reading one's own messages changes nothing of
    the certification, and the time is kept on the row."""
    if not can_read(actor, notification):
        raise Refused(_("Cette notification ne vous est pas adressée."))
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification


def mark_all_read(actor) -> int:
    """Every unread notification of ``actor`` read, in one UPDATE; returns how many."""
    return db.session.execute(
        update(Notification)
        .where(Notification.recipient_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount


# -- e-mail preferences -------------------------------------------------------------------

def save_email_preferences(actor, user, receive) -> list[str]:
    """``user`` receives the optional kinds in ``receive`` and no other offered one;
    returns the kinds now turned off. A kind that is not offered to the user (unknown,
    or an always-sent event) is refused: nothing can silence those."""
    if not can_change_preferences(actor, user):
        raise PreferencesRefused(_("Vous ne pouvez changer que vos propres préférences."))
    offered = kinds_for(user.role)
    receive = set(receive)
    unknown = sorted(receive - set(offered))
    if unknown:
        raise PreferencesRefused(_(
            "Ce choix n'existe pas : les convocations, les résultats, les recours et les "
            "messages de sécurité sont toujours envoyés. Rechargez la page puis recommencez."))
    before = sorted(db.session.scalars(select(email_opt_outs.c.kind).where(
        email_opt_outs.c.user_id == user.id)))
    after = sorted(k for k in offered if k not in receive)
    if before != after:
        db.session.execute(delete(email_opt_outs).where(email_opt_outs.c.user_id == user.id))
        if after:
            db.session.execute(insert(email_opt_outs),
                               [{"user_id": user.id, "kind": k} for k in after])
        record(actor, "account.email_preferences", user, old={"opted_out": before},
               new={"opted_out": after})
        db.session.flush()
    return after
