"""The oral planning page: the plan, placing the candidates, moving a slot by hand; the
panels page (a jury per slot); a juror's timetable of orals, as a page and as .ics."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workflows.session import allows

from ..accounts.models import Role
from ..core.access import ADMIN_ROLES, roles_required
from ..i18n import moment
from ..sessions.permissions import load_session_for
from ..submissions.anonymity import shown_name
from ..unit_of_work import perform
from . import queries
from .calendar import build_ics
from .forms import move_form, panel_form, plan_form
from .operations import PlanningRefused, move_slot, place_candidates, plan_of, save_plan
from .panels import apply_to_room_day, save_panel
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


@bp.get("/sessions/<int:session_id>/oral/jurys")
@roles_required(*ADMIN_ROLES)
def panels(session_id: int):
    session = load_session_for(current_user, session_id)
    return _panels_page(session, load_oral_part(session))


@bp.post("/sessions/<int:session_id>/oral/jurys/<int:slot_id>")
@roles_required(*ADMIN_ROLES)
def panel(session_id: int, slot_id: int):
    session = load_session_for(current_user, session_id)
    part = load_oral_part(session)
    slot = load_slot(part, slot_id)
    jurors = queries.eligible_jurors(session.centre_id, part.exam.block.number)
    periods = queries.periods_of(j.id for j in jurors)
    form = panel_form(slot, jurors, posted=True,
                      unavailable=queries.unavailable_on(slot, jurors, periods))
    if not form.validate_on_submit():
        return _panels_page(session, part, {slot.id: form}, jurors, 422)
    if request.form.get("scope") == "room_day":
        outcome = perform(apply_to_room_day, current_user, session, slot, form.roles())
        if outcome.ok:
            done, left = outcome.value
            flash(_("Jury appliqué à %(n)d créneau(x) de la salle « %(room)s » ce jour-là.",
                    n=done, room=slot.room), "success" if not left else "warning")
            for other, reason in left:
                flash(_("Non appliqué au créneau de %(when)s (%(name)s) : %(reason)s",
                        when=moment(other.starts_at), name=other.enrolment.candidate.full_name,
                        reason=reason), "error")
            return redirect(url_for(".panels", session_id=session.id) + f"#slot-{slot.id}")
    else:
        outcome = perform(save_panel, current_user, session, slot, form.roles())
        if outcome.ok:
            flash(_("Jury du créneau enregistré.") if outcome.value
                  else _("Ce jury était déjà celui du créneau : rien n'a changé."), "success")
            return redirect(url_for(".panels", session_id=session.id) + f"#slot-{slot.id}")
    form.refusal = outcome.reason
    return _panels_page(session, part, {slot.id: form}, jurors, 422)


def _panels_page(session, part, forms=None, jurors=None, status=200):
    slots = queries.panel_board(part.id)
    if jurors is None:
        jurors = queries.eligible_jurors(session.centre_id, part.exam.block.number)
    periods = queries.periods_of(j.id for j in jurors)
    forms = {s.id: (forms or {}).get(s.id) or panel_form(
        s, jurors, formdata=None, unavailable=queries.unavailable_on(s, jurors, periods))
        for s in slots}
    groups: dict[tuple, list] = {}
    for s in slots:
        groups.setdefault((queries.paris_day(s.starts_at), s.room), []).append(s)
    return render_template("orals/panels.html", cert_session=session, part=part,
                           groups=sorted(groups.items()), forms=forms, jurors=jurors,
                           problems=queries.board_problems(session, slots),
                           can_edit=allows(session.status, "assign")), status


@bp.get("/jury/oraux")
@roles_required(Role.JUROR)
def timetable():
    slots = queries.timetable_of(current_user.id)
    return render_template("orals/timetable.html", days=queries.by_day(slots),
                           assignments=queries.assignments_by_slot(current_user.id, slots))


@bp.get("/jury/oraux.ics")
@roles_required(Role.JUROR)
def timetable_ics():
    slots = queries.timetable_of(current_user.id)
    body = build_ics(slots, lambda enrolment: shown_name(current_user, enrolment))
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": "attachment; filename=oraux.ics"})
