"""The one e-mail per juror for a batch of new assignments, whatever made them: the
automatic allocation, the assignment page, the oral panels."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..extensions import db
from ..i18n import moment
from ..notifications.operations import notify
from ..sessions.models import Exam

NOTIFY_EVENT = "assignments"


def notify_batch(assignments: Iterable, batch_key: str | None = None) -> int:
    """One e-mail per juror for a batch of new assignments (anything with ``juror_id`` and
    ``exam_id``: the automatic allocation, a manual page, the oral panels), saying how
    many candidates per épreuve and when the sheets are due. ``batch_key`` identifies the
    batch (the same key twice sends once); a fresh one when None. Returns how many jurors
    are notified. The jurors and épreuves are read in two statements whatever the size
    of the batch, then one outbox notification is written per juror."""
    counts: dict[int, Counter[int]] = defaultdict(Counter)
    for a in assignments:
        counts[a.juror_id][a.exam_id] += 1
    if not counts:
        return 0
    batch_key = batch_key or uuid.uuid4().hex
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(counts)))}
    exam_ids = {x for c in counts.values() for x in c}
    exams = {x.id: x for x in db.session.scalars(
        select(Exam).where(Exam.id.in_(exam_ids))
        .options(joinedload(Exam.block), joinedload(Exam.session)))}
    url = current_app.config["BASE_URL"].rstrip("/") + "/jury/"
    for juror_id in sorted(counts):
        juror = users[juror_id]
        with force_locale(juror.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            subject, body = _batch_message(juror, counts[juror_id], exams, url)
        notify(NOTIFY_EVENT, juror, f"batch:{batch_key}", subject, body, link=url)
    return len(counts)


def _batch_message(juror: User, counts: Counter, exams: dict[int, Exam], url: str):
    lines = []
    for exam_id in sorted(counts, key=lambda i: (exams[i].session_id, exams[i].position)):
        exam, n = exams[exam_id], counts[exam_id]
        candidates = ngettext("%(num)d candidat", "%(num)d candidats", n)
        if exam.grading_due_at is not None:
            lines.append(_("- %(session)s, bloc %(block)d : %(candidates)s, grilles à "
                           "soumettre avant le %(due)s", session=exam.session.name,
                           block=exam.block.number, candidates=candidates,
                           due=moment(exam.grading_due_at)))
        else:
            lines.append(_("- %(session)s, bloc %(block)d : %(candidates)s",
                           session=exam.session.name, block=exam.block.number,
                           candidates=candidates))
    total = sum(counts.values())
    subject = ngettext("%(num)d nouvelle copie à évaluer", "%(num)d nouvelles copies à évaluer",
                       total)
    body = _("Bonjour %(name)s,\n\nDe nouvelles copies vous sont confiées :\n%(lines)s\n\n"
             "Retrouvez-les avec leurs grilles d'évaluation sur %(url)s\n",
             name=juror.full_name, lines="\n".join(lines), url=url)
    return subject, body

