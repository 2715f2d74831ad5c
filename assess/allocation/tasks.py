"""The periodic reminder before the grading deadline, run by the worker's beat.

Every ``REMINDER_EVERY`` seconds it finds, in one statement, the jurors with sheets not
submitted for an épreuve whose ``grading_due_at`` is less than ``GRADING_REMINDER_HOURS``
away and not passed, and queues one e-mail per juror and épreuve through the outbox. Its
key (``grading_reminder:<juror>:exam:<id>``) makes it once: running again, or a deadline
moved within the window, sends nothing more."""

from __future__ import annotations

from datetime import datetime

from celery import Celery
from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from workflows.session import ALLOWS

from ..core.columns import utcnow
from ..i18n import moment
from ..notifications.operations import notify_many
from ..outbox import periodic
from ..outbox.periodic import register_look
from .queries import Reminder, reminders_due

REMINDER_TASK = "allocation.grading_reminders"
REMINDER_EVENT = "grading_reminder"
REMINDER_EVERY = 3600.0  # seconds between two looks: the window is counted in hours


def queue_grading_reminders(now: datetime | None = None) -> int:
    """Queue the reminders due at ``now`` (naive UTC); returns how many were looked at
    (those already sent are left alone by their key). Does not commit."""
    now = now or utcnow()
    hours = int(current_app.config["GRADING_REMINDER_HOURS"])
    due = reminders_due(now, hours, ALLOWS["grade"])
    messages = [(r.juror_id, r.email, f"exam:{r.exam_id}", *_message(r)) for r in due]
    if messages:
        notify_many(REMINDER_EVENT, messages, link="/jury/")
    return len(messages)


def _message(r: Reminder) -> tuple[str, str]:
    with force_locale(r.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Rappel : grilles à soumettre avant le %(due)s", due=moment(r.due_at))
        sheets = ngettext("%(num)d grille n'est pas encore soumise",
                          "%(num)d grilles ne sont pas encore soumises", r.unsubmitted)
        body = _("Bonjour %(name)s,\n\nPour la session « %(session)s », bloc %(block)d, "
                 "%(sheets)s : à soumettre avant le %(due)s.\n\n"
                 "Retrouvez vos grilles sur %(url)s\n", name=r.name, session=r.session_name,
                 block=r.block, sheets=sheets, due=moment(r.due_at),
                 url=current_app.config["BASE_URL"].rstrip("/") + "/jury/")
    return subject, body


def register(celery: Celery) -> None:
    register_look(celery, REMINDER_TASK, queue_grading_reminders, "grading reminders (juror × épreuve)")


def schedule() -> dict:
    """The beat entry (``assess.background.celery_app``)."""
    return periodic.schedule(REMINDER_TASK, REMINDER_EVERY)
