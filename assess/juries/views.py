"""Jurors of a session: assigning them to a candidate's épreuves, inviting new ones."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..candidates.permissions import load_enrolment_for
from ..core.access import ADMIN_ROLES, roles_required
from ..core.redirects import safe_next
from ..sessions import queries as session_queries
from ..sessions.permissions import can_change_session, load_session_for
from ..unit_of_work import perform
from . import queries
from .forms import InviteJurorForm
from .operations import assign_selected, invite_juror, unassign
from .permissions import can_unassign, load_assignment_of

bp = Blueprint("juries", __name__)


@bp.route("/sessions/<int:session_id>/enrolments/<int:enrolment_id>/assign",
          methods=["GET", "POST"])
@roles_required(*ADMIN_ROLES)
def assign(session_id: int, enrolment_id: int):
    session = load_session_for(current_user, session_id)
    enrolment = load_enrolment_for(current_user, session, enrolment_id)
    block_ids = {b.id for b in enrolment.blocks}
    exams = [x for x in session_queries.session_exams(session.id) if x.block_id in block_ids]
    jurors = queries.pool(session.centre_id)
    status = 200
    if request.method == "POST":
        selected = {exam.id: request.form.getlist(f"exam-{exam.id}") for exam in exams}
        outcome = perform(assign_selected, current_user, enrolment, exams, jurors, selected)
        if outcome.ok:
            _flash_added(outcome.value, sum(len(ids) for ids in selected.values()))
            return redirect(request.path)
        flash(outcome.reason, "error")
        status = outcome.status
    assignments = session_queries.session_assignments(session.id, enrolment.id)
    by_exam = {x.id: [a for a in assignments if a.exam_id == x.id] for x in exams}
    return render_template("juries/assign.html", cert_session=session, enrolment=enrolment,
                           exams=exams, jurors=jurors, by_exam=by_exam,
                           can_unassign=lambda a: can_unassign(current_user, a),
                           can_manage=can_change_session(current_user, session, "assign")), status


def _flash_added(added: int, selected: int) -> None:
    if added:
        flash(_("%(n)d affectation(s) ajoutée(s).", n=added), "success")
    elif selected:
        flash(_("Ces évaluateurs étaient déjà affectés : rien n'a changé."), "info")
    else:
        flash(_("Aucun évaluateur sélectionné : choisissez-en un dans une liste."), "warning")


@bp.post("/sessions/<int:session_id>/enrolments/<int:enrolment_id>/assignments"
         "/<int:assignment_id>/remove", endpoint="unassign")
@roles_required(*ADMIN_ROLES)
def unassign_juror(session_id: int, enrolment_id: int, assignment_id: int):
    session = load_session_for(current_user, session_id)
    enrolment = load_enrolment_for(current_user, session, enrolment_id)
    assignment = load_assignment_of(current_user, enrolment, assignment_id)
    outcome = perform(unassign, current_user, assignment)
    if outcome.ok:
        flash(_("Affectation retirée."), "success")
    else:
        flash(outcome.reason, "error")
    return redirect(url_for(".assign", session_id=session.id, enrolment_id=enrolment.id))


@bp.route("/sessions/jurors/new", methods=["GET", "POST"], endpoint="invite_juror")
@roles_required(*ADMIN_ROLES)
def invite_juror_view():
    form = InviteJurorForm()
    back = safe_next(request.values.get("next"))
    status = 200
    if form.validate_on_submit():
        outcome = perform(invite_juror, current_user, email=form.email.data,
                          first_name=form.first_name.data, last_name=form.last_name.data,
                          organisation=form.organisation.data,
                          profession=form.profession.data,
                          open_to_all_centres=bool(form.open_to_all_centres.data),
                          is_professional=bool(form.is_professional.data),
                          works_for_certifier=bool(form.works_for_certifier.data),
                          blocks=form.blocks.data or ())
        if outcome.ok:
            # In the words typed: a known juror's account is not shown to the centre.
            flash(_("Invitation envoyée à %(email)s. %(name)s peut maintenant être affecté(e).",
                    email=form.email.data,
                    name=f"{form.first_name.data} {form.last_name.data}"), "success")
            return redirect(back or url_for("sessions.index"))
        form.email.errors.append(outcome.reason)
        status = outcome.status
    return render_template("juries/invite_juror.html", form=form, back=back,
                           certifier=current_user.role == Role.CERTIFIER_ADMIN), status
