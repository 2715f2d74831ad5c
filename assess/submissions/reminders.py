"""Reminders to candidates who have not handed in a required deliverable: one e-mail per
candidate listing what is missing, through the outbox; a deliverable is reminded once
per deadline, however often the admin asks (a moved deadline is a new one)."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from workflows import session as session_rules
from workflows.base import Refused, TransitionRefused

from ..core.access import can_manage_centre
from ..core.columns import utcnow
from ..extensions import db
from ..notifications.models import Notification
from ..notifications.operations import notify_many
from . import deliverables, queries
from .labels import when
from .operations import submission_deadline

EVENT = "submission.reminder"


class ReminderRefused(Refused):
    pass


def send_reminders(actor, exam) -> int:
    """Queue the reminders of one épreuve; returns how many candidates are reminded."""
    if not can_manage_centre(actor, exam.session.centre_id):
        raise PermissionError("only the session's admins send reminders")
    refusal = session_rules.refusal(exam.session.status, "upload")
    if refusal:
        raise TransitionRefused(refusal)
    deadline = submission_deadline(exam)
    if deadline is None or deadline < utcnow():
        raise ReminderRefused(_("Les rappels s'envoient avant la date limite de dépôt."))
    wanted = [e for e in deliverables.expected(
        exam, queries.settings_for([exam.id]).get(exam.id, {})) if e.required]
    rows = queries.hand_in_rows(exam, [e.code for e in wanted])
    stamp = f"{deadline:%Y%m%d%H%M}"
    prefix = f"exam:{exam.id}:{stamp}:"
    reminded: dict[int, set[str]] = {}
    for recipient_id, key in db.session.execute(
            select(Notification.recipient_id, Notification.key)
            .where(Notification.event == EVENT, Notification.key.like(f"{EVENT}:%:{prefix}%"))):
        reminded.setdefault(recipient_id, set()).update(key.rsplit(":", 1)[-1].split(","))
    link = current_app.config["BASE_URL"].rstrip("/") + url_for("submissions.home")
    messages = []
    for row in rows:
        user = row.enrolment.candidate.user
        if not user.active:
            continue
        missing = [e for e in wanted if row.status(e.code) == "missing"
                   and e.code not in reminded.get(user.id, set())]
        if not missing:
            continue
        with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            names = "\n".join(f"- {e.title}" for e in missing)
            subject = _("Rappel : dépôt attendu pour le bloc %(n)s", n=exam.block.number)
            body = _("Bonjour %(name)s,\n\nIl vous reste à déposer pour le bloc %(n)s, avant "
                     "le %(when)s :\n%(names)s\n\nVos dépôts : %(link)s\n\nCe message est "
                     "envoyé automatiquement, merci de ne pas y répondre.",
                     name=user.full_name, n=exam.block.number, when=when(deadline),
                     names=names, link=link)
        codes = ",".join(sorted(e.code for e in missing))
        messages.append((user.id, user.email, f"{prefix}{codes}", subject, body))
    notify_many(EVENT, messages, link=link)
    return len(messages)
