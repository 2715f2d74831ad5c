"""State changes of results: request a computation, publish. They flush, never commit."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from workflows.base import Refused
from workflows.session import DELIBERATION, SESSION

from ..audit.operations import record
from ..candidates.models import Enrolment
from ..core.columns import utcnow
from ..extensions import db
from ..i18n import day
from ..jobs import operations as jobs
from ..jobs.models import Job, JobKind
from ..notifications.operations import notify
from ..outbox.operations import enqueue
from ..sessions.queries import lifecycle_facts
from . import queries as q
from .compute import COMPUTE_TASK
from .models import TitleOutcome, TitleResult

PUBLISHED_EVENT = "results_published"


def start_compute(actor, session) -> Job:
    """Queue the computation of the session's results; the worker does the work."""
    ctx = lifecycle_facts(session)
    SESSION.check("compute", session.status, ctx)
    job = jobs.create_job(actor, JobKind.COMPUTE_RESULTS, session_id=session.id,
                          total=ctx.enrolment_count)
    enqueue(COMPUTE_TASK, {"job_id": job.id}, key=f"{COMPUTE_TASK}:{job.id}")
    record(actor, "results.compute_requested", session, new={"job_id": job.id},
           session_id=session.id)
    return job


def publish_results(actor, session) -> int:
    """Release every result of the session to its candidates; returns how many."""
    ctx = lifecycle_facts(session)
    target = SESSION.check("publish", session.status, ctx)
    now = utcnow()
    _refuse_titles_after_expiry(session, now.date())
    enrolment_ids = select(Enrolment.id).where(Enrolment.session_id == session.id)
    db.session.execute(
        update(TitleResult)
        .where(TitleResult.enrolment_id.in_(enrolment_ids), TitleResult.published_at.is_(None))
        .values(published_at=now), execution_options={"synchronize_session": False})
    session.results_published_at = now
    session.status = target
    record(actor, "results.published", session, old={"status": DELIBERATION},
           new={"status": target, "results": ctx.result_count}, session_id=session.id)
    for enrolment in q.session_enrolments(session.id):
        _notify_candidate(enrolment.candidate.user, session)
    db.session.flush()
    return ctx.result_count


class PublicationRefused(Refused):
    """Results that cannot be published as computed; the message says what to do."""


def _refuse_titles_after_expiry(session, today) -> None:
    """Results computed before the RNCP expiry and published after it would award titles
    the certification can no longer award: they are computed again first (the titles are
    then refused, with the reason on the page)."""
    expiry = q.expiry_date()
    if expiry is None or today <= expiry:
        return
    awarded = db.session.scalar(select(TitleResult.id).join(
        Enrolment, Enrolment.id == TitleResult.enrolment_id).where(
        Enrolment.session_id == session.id, TitleResult.outcome == TitleOutcome.AWARDED)
        .limit(1))
    if awarded is not None:
        raise PublicationRefused(_(
            "La certification RNCP a expiré le %(date)s, après le calcul de ces résultats : "
            "aucun titre ne peut plus être délivré. Recalculez les résultats avant de les "
            "publier.", date=day(expiry)))


def _notify_candidate(user, session) -> None:
    # The e-mail only says where to look: results are read on the platform, signed in.
    link = current_app.config["BASE_URL"].rstrip("/") + url_for("results.mine")
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Vos résultats de certification sont disponibles")
        body = _(
            "Bonjour %(name)s,\n\n"
            "Les résultats de la session « %(session)s » sont publiés.\n"
            "Connectez-vous pour les consulter : %(link)s\n\n"
            "Ce message est envoyé automatiquement, merci de ne pas y répondre.",
            name=user.full_name, session=session.name, link=link)
    notify(PUBLISHED_EVENT, user, f"session:{session.id}", subject, body, link=link)
