"""The oral planning page: the plan, placing the candidates, moving a slot by hand."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workflows.session import allows

from ..core.access import ADMIN_ROLES, roles_required
from ..sessions.permissions import load_session_for
from ..unit_of_work import perform
from . import queries
from .forms import move_form, plan_form
from .operations import PlanningRefused, move_slot, place_candidates, plan_of, save_plan
from .permissions import load_oral_part, load_slot

bp = Blueprint("orals", __name__)


@bp.route("/sessions/<int:session_id>/oral", methods=["GET", "POST"])
@roles_required(*ADMIN_ROLES)
def plan(session_id: int):
    session = load_session_for(current_user, session_id)
    part = load_oral_part(session)
    form = plan_form(plan_of(part))
    status = 200
    if form.validate_on_submit():
        outcome = perform(save_plan, current_user, session, part,
                          slot_minutes=form.slot_minutes.data,
                          break_minutes=form.break_minutes.data or 0,
                          windows=form.day_windows(), rooms=form.room_names())
        if outcome.ok:
            flash(_("Planning enregistré : placez maintenant les candidats."), "success")
            return redirect(url_for(".plan", session_id=session.id))
        if isinstance(outcome.refusal, PlanningRefused):
            for name, message in outcome.refusal.problems.items():
                form[name].errors = [*form[name].errors, message]
        flash(outcome.reason, "error")
        status = 422
    elif form.is_submitted():
        status = 422
    return _page(session, part, form, status=status)


@bp.post("/sessions/<int:session_id>/oral/placer")
@roles_required(*ADMIN_ROLES)
def place(session_id: int):
    session = load_session_for(current_user, session_id)
    part = load_oral_part(session)
    outcome = perform(place_candidates, current_user, session, part)
    if outcome.ok:
        placed, left = outcome.value
        flash(_("%(n)d candidat(s) placé(s).", n=placed), "success")
        if left:
            flash(_("Pas de créneau pour : %(names)s. Ajoutez une plage ou une salle, puis "
                    "placez de nouveau.", names=", ".join(e.candidate.full_name for e in left)),
                  "warning")
    else:
        flash(outcome.reason, "error")
    return redirect(url_for(".plan", session_id=session.id))


@bp.post("/sessions/<int:session_id>/oral/creneaux/<int:slot_id>")
@roles_required(*ADMIN_ROLES)
def move(session_id: int, slot_id: int):
    session = load_session_for(current_user, session_id)
    part = load_oral_part(session)
    slot = load_slot(part, slot_id)
    form = move_form(slot)
    if form.validate_on_submit():
        outcome = perform(move_slot, current_user, session, slot, room=form.room.data,
                          starts_at=form.starts_utc(), minutes=form.minutes.data)
        if outcome.ok:
            flash(_("Créneau déplacé."), "success")
            return redirect(url_for(".plan", session_id=session.id))
        if isinstance(outcome.refusal, PlanningRefused):
            for name, message in outcome.refusal.problems.items():
                form[name].errors = [*form[name].errors, message]
        flash(outcome.reason, "error")
    return _page(session, part, plan_form(plan_of(part), formdata=None), {slot.id: form}, 422)


def _page(session, part, form, move_forms=None, status=200):
    slots = queries.slots_of(part.id)
    forms = {s.id: (move_forms or {}).get(s.id) or move_form(s, formdata=None) for s in slots}
    return render_template("orals/plan.html", cert_session=session, part=part, form=form,
                           slots=slots, move_forms=forms, plan=plan_of(part),
                           can_plan=allows(session.status, "schedule")), status
