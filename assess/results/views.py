"""Results: compute (with a progress bar), review, publish; a candidate's own results."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from workflows.session import SESSION

from ..accounts.models import Role
from ..core.access import ADMIN_ROLES, roles_required
from ..core.exports import XLSX_MIME, csv_chunks, xlsx_file
from ..jobs import operations as jobs
from ..jobs.models import JobKind
from ..sessions.permissions import load_session_for
from ..sessions.queries import lifecycle_facts, page_of
from ..unit_of_work import perform
from . import export as results_export
from . import operations, permissions
from .permissions import load_enrolment
from .queries import (
    candidate_appeals,
    candidate_results,
    criterion_agreement,
    publication_summary,
    session_summary,
    title_refusal,
)
from .rules import rule_in_words
from .transcript import transcript_data
from .transcript_pdf import render_transcript_pdf

bp = Blueprint("results", __name__)


@bp.get("/sessions/<int:session_id>/resultats")
@roles_required(*ADMIN_ROLES)
def session_results(session_id: int):
    session = load_session_for(current_user, session_id)
    job = jobs.latest_job(JobKind.COMPUTE_RESULTS, session.id)
    ctx = lifecycle_facts(session)
    # The candidates counted once (lifecycle_facts); a page out of range is the nearest one.
    page = page_of(request.args.get("page", 1, type=int), ctx.enrolment_count)
    return render_template(
        "results/session.html", session=session, job=job,
        summary=session_summary(session, page),
        job_interrupted=job is not None and jobs.seems_interrupted(job),
        actions=SESSION.allowed_actions(session.status, ctx), ctx=ctx,
        publish_refusal=SESSION.refusal("publish", session.status, ctx),
        refused_after=title_refusal(session.id),
        agreement=criterion_agreement(session),
    )


@bp.post("/sessions/<int:session_id>/resultats/calculer")
@roles_required(*ADMIN_ROLES)
def compute(session_id: int):
    session = load_session_for(current_user, session_id)
    if not permissions.can_compute(current_user, session):
        abort(403)
    outcome = perform(operations.start_compute, current_user, session)
    if outcome.ok:
        flash(_("Le calcul des résultats est lancé. La barre de progression indique son "
                "avancement."), "success")
    else:
        _refused(outcome)
    # Back to the page of the list the candidate was on.
    return redirect(url_for(".session_results", session_id=session_id,
                            page=request.args.get("page", type=int)))


@bp.route("/sessions/<int:session_id>/resultats/publier", methods=["GET", "POST"])
@roles_required(*ADMIN_ROLES)
def publish(session_id: int):
    """GET: what publication releases, to confirm (it is final); POST: publish. (One rule
    for both methods, so that an id beyond the database's integers is 404, not 405.)"""
    session = load_session_for(current_user, session_id)
    if not permissions.can_publish(current_user, session):
        abort(403)
    if request.method == "GET":
        ctx = lifecycle_facts(session)
        return render_template("results/publish.html", session=session,
                               summary=publication_summary(session.id),
                               refusal=SESSION.refusal("publish", session.status, ctx))
    if request.form.get("confirmed") != "1":  # only from the confirmation page
        return redirect(url_for(".publish", session_id=session_id))
    outcome = perform(operations.publish_results, current_user, session)
    if outcome.ok:
        flash(_("Résultats publiés : %(n)d candidat(s) vont recevoir un e-mail les invitant à "
                "les consulter.", n=outcome.value), "success")
    else:
        _refused(outcome)
    return redirect(url_for(".session_results", session_id=session_id))


@bp.post("/sessions/<int:session_id>/resultats/publier/<int:enrolment_id>")
@roles_required(*ADMIN_ROLES)
def publish_candidate(session_id: int, enrolment_id: int):
    session = load_session_for(current_user, session_id)
    if not permissions.can_publish(current_user, session):
        abort(403)
    enrolment = load_enrolment(session, enrolment_id)
    if request.form.get("confirmed") != "1":
        abort(400)
    outcome = perform(operations.publish_candidate, current_user, session, enrolment)
    if outcome.ok:
        flash(_("Résultats de %(name)s publiés : un e-mail l'invite à les consulter.",
                name=enrolment.candidate.user.full_name), "success")
    else:
        _refused(outcome)
    return redirect(url_for(".session_results", session_id=session_id))


def _refused(outcome) -> None:
    """A refusal is explained on the results page; a concurrent click (someone computed or
    published meanwhile) is answered 409 with its message."""
    if outcome.conflict is not None:
        outcome.unwrap()
    flash(outcome.reason, "error")


@bp.get("/jobs/<int:job_id>")
@roles_required(*ADMIN_ROLES)
def job_status(job_id: int):
    job = permissions.load_job(current_user, job_id)
    response = jsonify(jobs.status_dict(job))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_template_filter("rule_in_words")
def _rule_in_words(stored_rule) -> str:
    return rule_in_words(stored_rule)


@bp.get("/resultats")
@roles_required(Role.CANDIDATE)
def mine():
    published, waiting = candidate_results(current_user)
    return render_template("results/mine.html", published=published, waiting=waiting,
                           appeals=candidate_appeals(current_user))


@bp.get("/resultats/<int:enrolment_id>/releve.pdf")
@roles_required(Role.CANDIDATE)
def transcript(enrolment_id: int):
    """The candidate's relevé de résultats, once published; 404 before (nothing leaks)."""
    enrolment = permissions.load_own_enrolment(current_user, enrolment_id)
    data = transcript_data(enrolment)
    if data is None:
        abort(404)
    return Response(render_transcript_pdf(data), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="releve-resultats-{enrolment_id}.pdf"',
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})


# -- the session's results as a file ------------------------------------------------
@bp.get("/sessions/<int:session_id>/resultats/export.csv", defaults={"fmt": "csv"})
@bp.get("/sessions/<int:session_id>/resultats/export.xlsx", defaults={"fmt": "xlsx"})
@roles_required(*ADMIN_ROLES)
def export_results(session_id: int, fmt: str):
    """One row per candidate with each bloc's outcome and each criterion's level: for the
    session's admins only (as the results page), provisional before publication (see
    assess.results.export)."""
    session = load_session_for(current_user, session_id)
    header, rows = results_export.results_table(session)
    name = results_export.file_name(session, fmt)
    private = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}
    if fmt == "csv":
        return Response(stream_with_context(csv_chunks(header, rows)),
                        mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"',
                                 **private})
    response = send_file(xlsx_file(_("Résultats"), header, rows, freeze="D2"),
                         mimetype=XLSX_MIME, as_attachment=True, download_name=name)
    response.headers.update(private)
    return response
