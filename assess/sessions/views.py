"""Admin pages of a certification session: list, create, overview, schedule of the épreuves.

Enrolment is in ``candidates.views``, the assignment of jurors in ``juries.views``.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from workflows.session import SESSION, STEPS

from ..accounts.models import Role
from ..core.access import ADMIN_ROLES, roles_required
from ..core.labels import label
from ..referential.operations import latest_version
from ..unit_of_work import perform
from . import queries
from .forms import (
    SessionForm,
    add_schedule_problems,
    differences,
    part_fields,
    refresh_versions,
    schedule_form,
    schedule_values,
)
from .labels import SESSION_STATUS, STEP_LABELS
from .operations import (
    LateWorkWarning,
    ScheduleRefused,
    create_session,
    schedule_exams,
    take_step,
)
from .permissions import can_change_session, can_run_session, load_session_for

bp = Blueprint("sessions", __name__, url_prefix="/sessions")


@bp.app_template_filter("session_status")
def session_status_label(status) -> str:
    return label(SESSION_STATUS, status)


@bp.get("/")
@roles_required(*ADMIN_ROLES)
def index():
    from ..cpf.queries import deadline_alert

    return render_template("sessions/index.html", rows=queries.session_rows(current_user),
                           cpf_alert=deadline_alert(current_user))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*ADMIN_ROLES)
def create():
    form = SessionForm()
    centres = queries.centres_for(current_user)
    form.centre_id.choices = [SelectChoice(c.id, c.name) for c in centres]
    if current_user.role == Role.CENTRE_ADMIN and request.method == "GET":
        form.centre_id.data = current_user.centre_id
    status = 200
    if form.validate_on_submit():
        outcome = perform(create_session, current_user, centre_id=form.centre_id.data,
                          name=form.name.data, starts_on=form.starts_on.data,
                          ends_on=form.ends_on.data)
        if outcome.ok:
            flash(_("Session créée. Fixez maintenant les dates des épreuves."), "success")
            return redirect(url_for(".edit_exams", session_id=outcome.value.id))
        flash(outcome.reason, "error")
        status = outcome.status
    return render_template("sessions/create.html", form=form, version=latest_version(),
                           fixed_centre=current_user.role == Role.CENTRE_ADMIN,
                           centres=centres), status


@bp.get("/<int:session_id>")
@roles_required(*ADMIN_ROLES)
def show(session_id: int):
    session = load_session_for(current_user, session_id)
    exams = queries.session_exams(session.id)
    # A page asked for out of range (?page=0, -3, 999, "abc") is the nearest valid one.
    page = queries.page_of(request.args.get("page", 1, type=int),
                           queries.enrolment_count(session.id))
    return render_template(
        "sessions/show.html", cert_session=session, exams=exams, page=page,
        rows=queries.candidate_rows(session.id, exams, page),
        steps=_steps(session),
        can_enrol=can_change_session(current_user, session, "enrol"),
        can_schedule=can_change_session(current_user, session, "schedule"),
        can_assign=can_change_session(current_user, session, "assign"))


def _steps(session) -> list[dict]:
    """The lifecycle's next steps from here, each with why it is refused (or None)."""
    if not can_run_session(current_user, session):
        return []
    facts = queries.lifecycle_facts(session)
    return [{"action": action, "label": STEP_LABELS[action],
             "refusal": SESSION.refusal(action, session.status, facts),
             # Passing to deliberation with sheets missing takes a written reason.
             "needs_reason": action == "deliberate" and facts.missing_sheets > 0}
            for action in STEPS if session.status in _sources(action)]


def _sources(action: str) -> frozenset:
    return frozenset().union(*(t.sources for t in SESSION.transitions if t.action == action))


@bp.post("/<int:session_id>/etapes/<action>")
@roles_required(*ADMIN_ROLES)
def step(session_id: int, action: str):
    session = load_session_for(current_user, session_id)
    if action not in STEPS:
        abort(404)
    outcome = perform(take_step, current_user, session, action, request.form.get("reason", ""))
    if outcome.ok:
        flash(_("La session est maintenant « %(state)s ».",
                state=session_status_label(outcome.value)), "success")
    elif outcome.conflict is not None:
        outcome.unwrap()
    else:
        flash(outcome.reason, "error")
    return redirect(url_for(".show", session_id=session_id))


@bp.route("/<int:session_id>/exams", methods=["GET", "POST"])
@roles_required(*ADMIN_ROLES)
def edit_exams(session_id: int):
    session = load_session_for(current_user, session_id)
    exams = queries.session_exams(session.id)
    parts = [p for exam in exams for p in exam.parts]
    form = schedule_form(parts)
    status, changes, late = 200, [], None
    if form.validate_on_submit():
        outcome = perform(schedule_exams, current_user, session, schedule_values(form, parts),
                          late_confirmed=request.form.get("confirm_late") == "1")
        if outcome.ok:
            flash(_("Calendrier des épreuves enregistré (%(n)d partie(s) modifiée(s)).",
                    n=outcome.value), "success")
            return redirect(url_for(".show", session_id=session.id))
        flash(outcome.reason, "warning" if isinstance(outcome.refusal, LateWorkWarning)
              else "error")
        status = outcome.status
        if isinstance(outcome.refusal, ScheduleRefused):
            add_schedule_problems(form, outcome.refusal.problems)
            status = 422
        elif isinstance(outcome.refusal, LateWorkWarning):
            late = sum(outcome.refusal.late.values())
        if outcome.conflict is not None:
            # Someone else saved meanwhile: show what they changed, keep what was typed,
            # and let the next save knowingly replace the stored values.
            exams = queries.session_exams(session.id)
            parts = [p for exam in exams for p in exam.parts]
            changes = differences(form, parts)
            refresh_versions(form, parts)
    return render_template("sessions/exams.html", cert_session=session, exams=exams, form=form,
                           part_fields=part_fields, changes=changes, late=late,
                           can_manage=can_change_session(current_user, session, "schedule")
                           ), status
