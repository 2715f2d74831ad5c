"""Enrolling a candidate in a session (an existing candidate of the centre, or a new one),
and importing a file of candidates."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ..core.access import ADMIN_ROLES, roles_required
from ..core.labels import label
from ..jobs.operations import seems_interrupted
from ..sessions.permissions import can_change_session, load_session_for
from ..unit_of_work import perform
from . import imports, queries
from .forms import FULL, NEW, EnrolForm, ImportConfirmForm, ImportUploadForm
from .import_file import ImportFileRefused
from .import_template import template_csv, template_xlsx
from .labels import ACCESS_ROUTE, IMPORT_OUTCOME, IMPORT_STATUS
from .operations import IdentityRefused, enrol_existing_candidate, enrol_new_candidate
from .permissions import load_import_for

bp = Blueprint("candidates", __name__)


@bp.app_template_filter("access_route")
def access_route_label(route) -> str:
    return label(ACCESS_ROUTE, route)


@bp.app_template_filter("import_status")
def import_status_label(status) -> str:
    return label(IMPORT_STATUS, status)


@bp.app_template_filter("import_outcome")
def import_outcome_label(outcome) -> str:
    return label(IMPORT_OUTCOME, outcome)


@bp.route("/sessions/<int:session_id>/enrol", methods=["GET", "POST"])
@roles_required(*ADMIN_ROLES)
def enrol(session_id: int):
    session = load_session_for(current_user, session_id)
    blocks = list(session.referential_version.blocks)
    candidates = queries.centre_candidates(session.centre_id)
    enrolled = queries.enrolled_candidate_ids(session.id)
    form = EnrolForm()
    form.candidate_id.choices = [SelectChoice(0, _("— Choisir un candidat —"))] + [
        SelectChoice(c.id, _candidate_label(c, c.id in enrolled),
                     {"disabled": True} if c.id in enrolled else {}) for c in candidates]
    form.blocks.choices = [SelectChoice(b.id, _("Bloc %(n)d — %(title)s", n=b.number,
                                                 title=b.title)) for b in blocks]
    has_candidates = len(candidates) > len(enrolled)
    if request.method == "GET" and not has_candidates:
        form.who.data = NEW  # nobody to pick: start on the new-candidate part
    status = 200
    if form.validate_on_submit():
        picked = set(form.blocks.data or ())  # None when no box is ticked
        chosen = blocks if form.scope.data == FULL else [b for b in blocks if b.id in picked]
        outcome = perform(_enrol, session, form, chosen)
        if outcome.ok:
            enrolment = outcome.value
            flash(_("%(name)s est inscrit(e) à la session.",
                    name=enrolment.candidate.user.full_name), "success")
            return redirect(url_for("juries.assign", session_id=session.id,
                                    enrolment_id=enrolment.id))
        if isinstance(outcome.refusal, IdentityRefused):
            form.add_problems(outcome.refusal.problems)
        flash(outcome.reason, "error")
        status = outcome.status
    return render_template("candidates/enrol.html", cert_session=session, form=form,
                           has_candidates=has_candidates,
                           can_manage=can_change_session(current_user, session, "enrol")), status


def _enrol(session, form, blocks):
    if form.who.data == NEW:
        return enrol_new_candidate(current_user, session, email=form.email.data,
                                   identity=form.identity(),
                                   access_route=form.access_route.data, blocks=blocks)
    return enrol_existing_candidate(current_user, session, form.candidate_id.data, blocks)


def _candidate_label(candidate, enrolled: bool) -> str:
    text = f"{candidate.user.last_name} {candidate.user.first_name} <{candidate.user.email}>"
    return text + (" — " + _("déjà inscrit(e)") if enrolled else "")


# -- import of candidates: upload, preview, confirm, follow the progress --

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/sessions/<int:session_id>/import", methods=["GET", "POST"])
@roles_required(*ADMIN_ROLES)
def import_upload(session_id: int):
    session = load_session_for(current_user, session_id)
    form = ImportUploadForm()
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        outcome = perform(imports.preview_import, current_user, session, upload.filename,
                          upload.stream)
        if outcome.ok:
            return redirect(url_for(".import_show", session_id=session.id,
                                    import_id=outcome.value.id))
        if isinstance(outcome.refusal, ImportFileRefused):
            form.file.errors = [outcome.reason]
        flash(outcome.reason, "error")
        status = 422
    elif form.is_submitted():
        status = 422
    return render_template("candidates/import_upload.html", cert_session=session, form=form,
                           recent=queries.recent_imports(session.id),
                           can_import=can_change_session(current_user, session, "enrol")
                           ), status


@bp.get("/sessions/<int:session_id>/import/<int:import_id>")
@roles_required(*ADMIN_ROLES)
def import_show(session_id: int, import_id: int):
    session = load_session_for(current_user, session_id)
    imported = load_import_for(session, import_id)
    job = queries.import_job(imported)
    show = request.args.get("lignes", "problemes")
    rows = imported.preview["rows"]
    if show != "toutes":
        rows = [r for r in rows if r["errors"] or r["warnings"]]
    return render_template("candidates/import_show.html", cert_session=session,
                           imported=imported, job=job, rows=rows, show=show,
                           job_interrupted=job is not None and seems_interrupted(job),
                           form=ImportConfirmForm())


@bp.post("/sessions/<int:session_id>/import/<int:import_id>/confirmer")
@roles_required(*ADMIN_ROLES)
def import_confirm(session_id: int, import_id: int):
    session = load_session_for(current_user, session_id)
    imported = load_import_for(session, import_id)
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    outcome = perform(imports.confirm_import, current_user, imported,
                      valid_only=form.mode.data == "valid")
    if outcome.ok:
        flash(_("Import lancé : la page suit son avancement."), "success")
    else:
        if outcome.conflict is not None:
            outcome.unwrap()
        flash(outcome.reason, "error")
    return redirect(url_for(".import_show", session_id=session.id, import_id=imported.id))


@bp.post("/sessions/<int:session_id>/import/<int:import_id>/annuler")
@roles_required(*ADMIN_ROLES)
def import_cancel(session_id: int, import_id: int):
    session = load_session_for(current_user, session_id)
    imported = load_import_for(session, import_id)
    if not ImportConfirmForm().validate_on_submit():
        abort(400)
    outcome = perform(imports.cancel_import, current_user, imported)
    flash(_("Import annulé : rien n'a été écrit.") if outcome.ok else outcome.reason,
          "success" if outcome.ok else "error")
    return redirect(url_for(".import_upload", session_id=session.id))


@bp.get("/sessions/<int:session_id>/import/modele.csv", defaults={"fmt": "csv"})
@bp.get("/sessions/<int:session_id>/import/modele.xlsx", defaults={"fmt": "xlsx"})
@roles_required(*ADMIN_ROLES)
def import_template(session_id: int, fmt: str):
    load_session_for(current_user, session_id)
    body, mimetype = ((template_csv(), "text/csv; charset=utf-8") if fmt == "csv"
                      else (template_xlsx(), XLSX))
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="modele-import-candidats.{fmt}"'})
