"""Enrolment of candidates and assignment of jurors, on the ``sessions`` blueprint."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from workflows.base import TransitionRefused

from ..accounts.operations import AccountError
from ..candidates.models import Candidate
from ..candidates.operations import EnrolmentError, enrol_candidate, enrol_new_candidate
from ..candidates.permissions import load_enrolment_for
from ..core.access import roles_required
from ..core.redirects import safe_next
from ..extensions import db
from ..juries.models import Assignment
from ..juries.operations import AssignmentError, assign_jurors, invite_juror, unassign
from ..juries.permissions import can_unassign
from ..outbox.relay import commit
from . import queries
from .forms import FULL, NEW, EnrolForm, InviteJurorForm
from .permissions import can_manage_session, load_session_for
from .views import ADMINS, bp

# Refusals whose message is for the user (``str`` of a TransitionRefused is its reason).
REFUSED = (TransitionRefused, EnrolmentError, AssignmentError, AccountError)


@bp.route("/<int:session_id>/enrol", methods=["GET", "POST"])
@roles_required(*ADMINS)
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
    if form.validate_on_submit():
        picked = set(form.blocks.data or ())  # None when no box is ticked
        chosen = blocks if form.scope.data == FULL else [b for b in blocks if b.id in picked]
        try:
            enrolment = _do_enrol(session, form, chosen)
        except REFUSED as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            commit()
            flash(_("%(name)s est inscrit(e) à la session.",
                    name=enrolment.candidate.user.full_name), "success")
            return redirect(url_for(".assign", session_id=session.id,
                                    enrolment_id=enrolment.id))
    return render_template("sessions/enrol.html", cert_session=session, form=form,
                           has_candidates=has_candidates,
                           can_manage=can_manage_session(current_user, session))


def _do_enrol(session, form, blocks):
    if form.who.data == NEW:
        return enrol_new_candidate(
            current_user, session, email=form.email.data, first_name=form.first_name.data,
            last_name=form.last_name.data, access_route=form.access_route.data,
            birth_date=form.birth_date.data, blocks=blocks)
    candidate = db.session.get(Candidate, form.candidate_id.data)
    if candidate is None:
        raise EnrolmentError(_("Ce candidat n'existe pas : choisissez-en un dans la liste."))
    return enrol_candidate(current_user, session, candidate, blocks)


def _candidate_label(candidate, enrolled: bool) -> str:
    text = f"{candidate.user.last_name} {candidate.user.first_name} <{candidate.user.email}>"
    return text + (" — " + _("déjà inscrit(e)") if enrolled else "")


@bp.route("/<int:session_id>/enrolments/<int:enrolment_id>/assign", methods=["GET", "POST"])
@roles_required(*ADMINS)
def assign(session_id: int, enrolment_id: int):
    session = load_session_for(current_user, session_id)
    enrolment = load_enrolment_for(current_user, session, enrolment_id)
    block_ids = {b.id for b in enrolment.blocks}
    exams = [x for x in queries.session_exams(session.id) if x.block_id in block_ids]
    jurors = queries.jurors()
    if request.method == "POST":
        try:
            pairs = _posted_pairs(exams, {j.id: j for j in jurors})
            added = assign_jurors(current_user, enrolment, pairs)
        except REFUSED as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            commit()
            _flash_added(added, len(pairs))
            return redirect(request.path)
    assignments = queries.session_assignments(session.id, enrolment.id)
    by_exam = {x.id: [a for a in assignments if a.exam_id == x.id] for x in exams}
    return render_template("sessions/assign.html", cert_session=session, enrolment=enrolment,
                           exams=exams, jurors=jurors, by_exam=by_exam,
                           can_unassign=lambda a: can_unassign(current_user, a),
                           can_manage=can_manage_session(current_user, session))


def _flash_added(added: int, selected: int) -> None:
    if added:
        flash(_("%(n)d affectation(s) ajoutée(s).", n=added), "success")
    elif selected:
        flash(_("Ces évaluateurs étaient déjà affectés : rien n'a changé."), "info")
    else:
        flash(_("Aucun évaluateur sélectionné : choisissez-en un dans une liste."), "warning")


def _posted_pairs(exams, jurors) -> list:
    """The (épreuve, juror) pairs selected in the fields ``exam-<id>``."""
    pairs = []
    for exam in exams:
        for raw in request.form.getlist(f"exam-{exam.id}"):
            juror = jurors.get(int(raw)) if raw.isdigit() else None
            if juror is None:
                raise AssignmentError(_("Évaluateur inconnu : rechargez la page et réessayez."))
            pairs.append((exam, juror))
    return pairs


@bp.post("/<int:session_id>/enrolments/<int:enrolment_id>/assignments/<int:assignment_id>"
         "/remove", endpoint="unassign")
@roles_required(*ADMINS)
def unassign_juror(session_id: int, enrolment_id: int, assignment_id: int):
    session = load_session_for(current_user, session_id)
    enrolment = load_enrolment_for(current_user, session, enrolment_id)
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.enrolment_id != enrolment.id:
        abort(404)
    try:
        unassign(current_user, assignment)
    except REFUSED as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        commit()
        flash(_("Affectation retirée."), "success")
    return redirect(url_for(".assign", session_id=session.id, enrolment_id=enrolment.id))


@bp.route("/jurors/new", methods=["GET", "POST"], endpoint="invite_juror")
@roles_required(*ADMINS)
def invite_juror_view():
    form = InviteJurorForm()
    back = safe_next(request.values.get("next"))
    if form.validate_on_submit():
        try:
            juror = invite_juror(current_user, email=form.email.data,
                                 first_name=form.first_name.data, last_name=form.last_name.data,
                                 organisation=form.organisation.data,
                                 profession=form.profession.data)
        except REFUSED as exc:
            db.session.rollback()
            form.email.errors.append(str(exc))
        else:
            commit()
            flash(_("Invitation envoyée à %(email)s. %(name)s peut maintenant être affecté(e).",
                    email=juror.email, name=juror.full_name), "success")
            return redirect(back or url_for(".index"))
    return render_template("sessions/invite_juror.html", form=form, back=back)

