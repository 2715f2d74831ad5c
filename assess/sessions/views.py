"""Admin pages of a certification session: list, create, overview, schedule of the épreuves.

Enrolment and juror assignment pages are in ``views_people``, on the same blueprint.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from workflows.base import TransitionRefused

from ..accounts.models import Role
from ..core.access import ADMIN_ROLES as ADMINS
from ..core.access import roles_required
from ..outbox.relay import commit
from ..referential.operations import latest_version
from . import queries
from .forms import SessionForm, part_fields, part_label, schedule_form, schedule_values
from .labels import ACCESS_ROUTE, PART_KIND, SESSION_STATUS, SHEET_STATUS, label
from .operations import SessionError, create_session, schedule_exams
from .permissions import can_manage_session, load_session_for

bp = Blueprint("sessions", __name__, url_prefix="/sessions")


@bp.context_processor
def _labels():
    # Only the session templates use these; the names are prefixed to avoid clashes.
    return {"sessions_label": label, "SESSION_STATUS": SESSION_STATUS, "PART_KIND": PART_KIND,
            "ACCESS_ROUTE": ACCESS_ROUTE, "SHEET_STATUS": SHEET_STATUS}


@bp.get("/")
@roles_required(*ADMINS)
def index():
    return render_template("sessions/index.html", rows=queries.session_rows(current_user))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*ADMINS)
def create():
    form = SessionForm()
    centres = queries.centres_for(current_user)
    form.centre_id.choices = [SelectChoice(c.id, c.name) for c in centres]
    if current_user.role == Role.CENTRE_ADMIN and request.method == "GET":
        form.centre_id.data = current_user.centre_id
    version = latest_version()
    if form.validate_on_submit():
        try:
            session = create_session(current_user, centre_id=form.centre_id.data,
                                     name=form.name.data, starts_on=form.starts_on.data,
                                     ends_on=form.ends_on.data)
        except SessionError as exc:
            flash(str(exc), "error")
        else:
            commit()
            flash(_("Session créée. Fixez maintenant les dates des épreuves."), "success")
            return redirect(url_for(".edit_exams", session_id=session.id))
    return render_template("sessions/create.html", form=form, version=version,
                           fixed_centre=current_user.role == Role.CENTRE_ADMIN,
                           centres=centres)


@bp.get("/<int:session_id>")
@roles_required(*ADMINS)
def show(session_id: int):
    session = load_session_for(current_user, session_id)
    exams = queries.session_exams(session.id)
    return render_template(
        "sessions/show.html", cert_session=session, exams=exams,
        rows=queries.candidate_rows(session.id, exams), part_label=part_label,
        can_manage=can_manage_session(current_user, session))


@bp.route("/<int:session_id>/exams", methods=["GET", "POST"])
@roles_required(*ADMINS)
def edit_exams(session_id: int):
    session = load_session_for(current_user, session_id)
    exams = queries.session_exams(session.id)
    parts = [p for exam in exams for p in exam.parts]
    form = schedule_form(parts)
    if form.validate_on_submit():
        try:
            changed = schedule_exams(current_user, session, schedule_values(form, parts))
        except (TransitionRefused, SessionError) as exc:
            flash(str(exc), "error")
        else:
            commit()
            flash(_("Calendrier des épreuves enregistré (%(n)d partie(s) modifiée(s)).",
                    n=changed), "success")
            return redirect(url_for(".show", session_id=session.id))
    return render_template("sessions/exams.html", cert_session=session, exams=exams, form=form,
                           part_fields=part_fields, part_label=part_label,
                           can_manage=can_manage_session(current_user, session))


from . import views_people  # noqa: E402,F401  (registers the enrolment and jury routes)
