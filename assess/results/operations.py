"""State changes of results: request a computation, publish. They flush, never commit."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from workflows.session import SESSION, SessionContext

from ..audit.operations import record
from ..candidates.models import Enrolment
from ..core.columns import utcnow
from ..extensions import db
from ..jobs import operations as jobs
from ..jobs.models import Job
from ..notifications.operations import notify
from ..outbox.operations import enqueue
from . import queries as q
from .compute import COMPUTE_TASK, JOB_KIND
from .models import TitleResult

PUBLISHED_EVENT = "results_published"


def enrolment_count(session_id: int) -> int:
    return db.session.scalar(
        select(func.count(Enrolment.id)).where(Enrolment.session_id == session_id)) or 0


def workflow_context(session) -> SessionContext:
    """What the session lifecycle's guards need to decide on compute and publish."""
    results = q.result_count(session.id)
    return SessionContext(
        enrolment_count=enrolment_count(session.id),
        job_running=jobs.has_active_job(JOB_KIND, session.id),
        result_count=results,
        # Results computed from other inputs than today's (a sheet submitted, changed or
        # reopened since, an enrolment added) may not be published.
        results_stale=bool(results) and session.results_basis != q.results_basis(session.id),
        pending_results=q.pending_count(session.id) if results else 0)


def start_compute(actor, session) -> Job:
    """Queue the computation of the session's results; the worker does the work."""
    ctx = workflow_context(session)
    SESSION.check("compute", session.status, ctx)
    job = jobs.create_job(actor, JOB_KIND, session_id=session.id, total=ctx.enrolment_count)
    enqueue(COMPUTE_TASK, {"job_id": job.id}, key=f"{COMPUTE_TASK}:{job.id}")
    record(actor, "results.compute_requested", session, new={"job_id": job.id},
           session_id=session.id)
    return job


def publish_results(actor, session) -> int:
    """Release every result of the session to its candidates; returns how many."""
    ctx = workflow_context(session)
    target = SESSION.check("publish", session.status, ctx)
    now = utcnow()
    enrolment_ids = select(Enrolment.id).where(Enrolment.session_id == session.id)
    db.session.execute(
        update(TitleResult)
        .where(TitleResult.enrolment_id.in_(enrolment_ids), TitleResult.published_at.is_(None))
        .values(published_at=now), execution_options={"synchronize_session": False})
    session.results_published_at = now
    session.status = target
    record(actor, "results.published", session, new={"results": ctx.result_count},
           session_id=session.id)
    for enrolment in q.session_enrolments(session.id):
        _notify_candidate(enrolment.candidate.user, session)
    db.session.flush()
    return ctx.result_count


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
    notify(PUBLISHED_EVENT, user, f"session:{session.id}", subject, body)
