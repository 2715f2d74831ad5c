"""Jurors of a session: its juries and their composition rules, assigning jurors to a
candidate's épreuves, inviting new ones."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..candidates.permissions import load_enrolment_for
from ..composition import reports as composition_reports
from ..core.access import ADMIN_ROLES, roles_required
from ..core.redirects import safe_next
from ..sessions import queries as session_queries
from ..sessions.permissions import can_change_session, load_session_for
from ..unit_of_work import perform
from . import facts, queries
from .composition import force_jury, jury_of, remove_exam_jury, save_jury
from .forms import ForceJuryForm, InviteJurorForm, jury_form
from .operations import assign_selected, invite_juror, unassign
from .permissions import (
    can_compose,
    can_force_jury,
    can_unassign,
    load_assignment_of,
    load_exam_of,
)

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
                           conflicted={j for j, _e in facts.conflicted_pairs(
                               [j.id for j in jurors], [enrolment.id])},
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


@bp.get("/sessions/<int:session_id>/jury")
@roles_required(*ADMIN_ROLES)
def composition(session_id: int):
    session = load_session_for(current_user, session_id)
    return _composition_page(session)


def _composition_page(session, force_form=None, status: int = 200):
    exams = session_queries.session_exams(session.id)
    reports = composition_reports.reports(session, exams)
    jurors = {m.user_id: m.user for r in reports if r.jury for m in r.jury.members}
    own = {r.exam.id for r in reports if r.exam is not None}
    return render_template(
        "juries/composition.html", cert_session=session, reports=reports,
        shared_exams=[x for x in exams if x.id not in own],
        profiles=queries.profiles(jurors.values(), session.centre_id),
        forced=composition_reports.forced(session.id),
        can_compose=can_compose(current_user, session),
        can_force=can_force_jury(current_user, session),
        force_form=force_form or ForceJuryForm(formdata=None)), status


@bp.route("/sessions/<int:session_id>/jury/modifier", methods=["GET", "POST"],
          defaults={"exam_id": None})
@bp.route("/sessions/<int:session_id>/jury/epreuves/<int:exam_id>/modifier",
          methods=["GET", "POST"])
@roles_required(*ADMIN_ROLES)
def compose(session_id: int, exam_id: int | None):
    session = load_session_for(current_user, session_id)
    exam = load_exam_of(session, exam_id) if exam_id is not None else None
    if not can_compose(current_user, session):
        abort(403)
    jury = jury_of(session.id, exam_id)
    pool = queries.pool(session.centre_id)
    form = jury_form(jury, pool, posted=request.method == "POST")
    status = 200
    if form.validate_on_submit():
        outcome = perform(save_jury, current_user, session, exam, form.roles(),
                          form.loaded_version())
        if outcome.ok:
            flash(_("Jury enregistré : les règles de composition sont vérifiées ci-dessous."),
                  "success")
            anchor = f"#jury-{exam.id}" if exam else "#jury-session"
            return redirect(url_for(".composition", session_id=session.id) + anchor)
        flash(outcome.reason, "error")
        status = outcome.status if outcome.conflict else 422
        if outcome.conflict:  # the saved jury, beside the choice typed (kept in the form)
            jury = jury_of(session.id, exam_id)
            form.version.data = str(jury.version) if jury else ""
    elif form.is_submitted():
        status = 422
    return render_template("juries/compose.html", cert_session=session, exam=exam, jury=jury,
                           form=form, profiles=queries.profiles(form.jurors, session.centre_id),
                           saved={m.user_id: str(m.role) for m in (jury.members if jury else ())},
                           stale=status == 409), status


@bp.post("/sessions/<int:session_id>/jury/epreuves/<int:exam_id>/supprimer")
@roles_required(*ADMIN_ROLES)
def remove_exam_jury_view(session_id: int, exam_id: int):
    session = load_session_for(current_user, session_id)
    exam = load_exam_of(session, exam_id)
    version = request.form.get("version", type=int)
    outcome = perform(remove_exam_jury, current_user, session, exam, version)
    flash(_("L'épreuve du bloc %(n)d est de nouveau évaluée par le jury de la session.",
            n=exam.block.number) if outcome.ok else outcome.reason,
          "success" if outcome.ok else "error")
    return redirect(url_for(".composition", session_id=session.id))


@bp.post("/sessions/<int:session_id>/jury/forcer")
@roles_required(*ADMIN_ROLES)
def force(session_id: int):
    session = load_session_for(current_user, session_id)
    form = ForceJuryForm()
    if form.validate_on_submit():
        outcome = perform(force_jury, current_user, session, form.reason.data)
        if outcome.ok:
            flash(_("Le jury peut siéger malgré les règles ; le motif est consigné et figurera "
                    "au procès-verbal."), "success")
            return redirect(url_for(".composition", session_id=session.id))
        form.reason.errors = [*form.reason.errors, outcome.reason]
        return _composition_page(session, form, 403 if not can_force_jury(current_user,
                                                                        session) else 422)
    return _composition_page(session, form, 422)
