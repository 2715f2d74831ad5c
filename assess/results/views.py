"""Results: compute (with a progress bar), review, publish; a candidate's own results."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workflows.base import TransitionRefused
from workflows.session import SESSION

from ..accounts.models import Role
from ..core.access import ADMIN_ROLES as ADMINS
from ..core.access import roles_required
from ..jobs import operations as jobs
from ..outbox.relay import commit
from ..sessions.labels import SESSION_STATUS, label
from ..sessions.permissions import load_session_for
from . import operations, permissions
from .compute import JOB_KIND
from .queries import candidate_results, session_summary

bp = Blueprint("results", __name__)




@bp.get("/sessions/<int:session_id>/resultats")
@roles_required(*ADMINS)
def session_results(session_id: int):
    session = load_session_for(current_user, session_id)
    job = jobs.latest_job(JOB_KIND, session.id)
    ctx = operations.workflow_context(session)
    return render_template(
        "results/session.html", session=session, job=job, summary=session_summary(session),
        actions=SESSION.allowed_actions(str(session.status), ctx), ctx=ctx,
        state_label=label(SESSION_STATUS, session.status),
    )


@bp.post("/sessions/<int:session_id>/resultats/calculer")
@roles_required(*ADMINS)
def compute(session_id: int):
    session = load_session_for(current_user, session_id)
    if not permissions.can_compute(current_user, session):
        abort(403)
    try:
        operations.start_compute(current_user, session)
    except TransitionRefused as exc:
        flash(exc.reason, "error")
        return redirect(url_for(".session_results", session_id=session.id))
    commit()
    flash(_("Le calcul des résultats est lancé. La barre de progression indique son avancement."),
          "success")
    return redirect(url_for(".session_results", session_id=session_id))


@bp.post("/sessions/<int:session_id>/resultats/publier")
@roles_required(*ADMINS)
def publish(session_id: int):
    session = load_session_for(current_user, session_id)
    if not permissions.can_publish(current_user, session):
        abort(403)
    try:
        count = operations.publish_results(current_user, session)
    except TransitionRefused as exc:
        flash(exc.reason, "error")
        return redirect(url_for(".session_results", session_id=session.id))
    commit()
    flash(_("Résultats publiés : %(n)d candidat(s) vont recevoir un e-mail les invitant à "
            "les consulter.", n=count), "success")
    return redirect(url_for(".session_results", session_id=session_id))


@bp.get("/jobs/<int:job_id>")
@roles_required(*ADMINS)
def job_status(job_id: int):
    job = permissions.load_job(current_user, job_id)
    response = jsonify(jobs.status_dict(job))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/resultats")
@roles_required(Role.CANDIDATE)
def mine():
    published, waiting = candidate_results(current_user)
    return render_template("results/mine.html", published=published, waiting=waiting)

