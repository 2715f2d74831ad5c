"""State changes of results: request a computation, publish. They flush, never commit."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import update

from workflows.base import Refused
from workflows.session import DELIBERATION, SESSION

from ..audit.operations import record
from ..core.columns import utcnow
from ..documents.operations import queue_issue
from ..extensions import db
from ..jobs import operations as jobs
from ..jobs.models import Job, JobKind
from ..notifications.operations import notify
from ..outbox.operations import enqueue
from ..sessions.queries import lifecycle_facts
from . import queries as q
from .compute import COMPUTE_TASK
from .models import TitleResult

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
    """Release every result of the session not yet released to its candidates (the
    deliberation decided, its PV sealed); returns how many were released now."""
    ctx = lifecycle_facts(session)
    target = SESSION.check("publish", session.status, ctx)
    now = utcnow()
    waiting = [e for e in q.session_enrolments(session.id) if e.id in q.unpublished(session.id)]
    _release([e.id for e in waiting], now)
    session.results_published_at = now
    session.status = target
    record(actor, "results.published", session, old={"status": DELIBERATION},
           new={"status": target, "results": len(waiting)}, session_id=session.id)
    for enrolment in waiting:
        _notify_candidate(enrolment.candidate.user, session)
    queue_issue([e.id for e in waiting])  # their attestations and certificate
    db.session.flush()
    return len(waiting)


def publish_candidate(actor, session, enrolment) -> None:
    """Release one candidate's results ahead of the session's (the others held back, for
    example while an appeal of an aménagement is pending); the PV must be sealed."""
    ctx = lifecycle_facts(session)
    SESSION.check("publish", session.status, ctx)
    if enrolment.session_id != session.id:
        raise PublicationRefused(_("Ce candidat n'est pas inscrit à cette session."))
    if enrolment.id not in q.unpublished(session.id):
        raise PublicationRefused(_("Les résultats de ce candidat sont déjà publiés."))
    now = utcnow()
    _release([enrolment.id], now)
    record(actor, "results.published_for_candidate", enrolment,
           new={"enrolment_id": enrolment.id}, session_id=session.id)
    _notify_candidate(enrolment.candidate.user, session)
    queue_issue([enrolment.id])  # their attestations and certificate
    db.session.flush()


def _release(enrolment_ids: list[int], now) -> None:
    if enrolment_ids:
        db.session.execute(
            update(TitleResult).where(TitleResult.enrolment_id.in_(enrolment_ids),
                                      TitleResult.published_at.is_(None))
            .values(published_at=now), execution_options={"synchronize_session": False})


class PublicationRefused(Refused):
    """Results that cannot be published as computed; the message says what to do."""


def _notify_candidate(user, session) -> None:
    # The e-mail only says where to look: results are read on the platform, signed in.
    link = current_app.config["BASE_URL"].rstrip("/") + "/resultats"  # results.mine
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Vos résultats de certification sont disponibles")
        body = _(
            "Bonjour %(name)s,\n\n"
            "Les résultats de la session « %(session)s » sont publiés.\n"
            "Connectez-vous pour les consulter : %(link)s\n\n"
            "Ce message est envoyé automatiquement, merci de ne pas y répondre.",
            name=user.full_name, session=session.name, link=link)
    notify(PUBLISHED_EVENT, user, f"session:{session.id}", subject, body, link=link)
