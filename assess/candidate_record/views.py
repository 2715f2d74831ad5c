"""A candidate's record, for the admins of their session (GET), and the correction of
their identity (POST)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workflows.session import allows

from ..attendance.forms import CLEAR, attendance_form
from ..attendance.labels import ATTENDANCE
from ..attendance.operations import clear_attendance, record_attendance
from ..attendance.permissions import can_record_attendance
from ..candidates.identity import Identity
from ..candidates.operations import IdentityRefused, update_candidate
from ..candidates.permissions import load_enrolment_for
from ..convocations.queries import sent_convocations
from ..core.access import ADMIN_ROLES, roles_required
from ..core.columns import utcnow
from ..core.labels import label
from ..grading.operations import scale_levels
from ..sessions.permissions import load_session_for
from ..submissions.labels import human_size
from ..unit_of_work import perform
from .forms import IdentityEditForm
from .labels import EVENTS
from .permissions import can_edit_identity
from .queries import record_of

bp = Blueprint("candidate_record", __name__)


@bp.app_template_filter("record_event")
def record_event_label(action: str) -> str:
    return label(EVENTS, action)


@bp.app_template_filter("attendance")
def attendance_label(status) -> str:
    return label(ATTENDANCE, status)


@bp.route("/sessions/<int:session_id>/candidats/<int:enrolment_id>", methods=["GET", "POST"])
@roles_required(*ADMIN_ROLES)
def show(session_id: int, enrolment_id: int):
    session = load_session_for(current_user, session_id)
    enrolment = load_enrolment_for(current_user, session, enrolment_id)
    candidate = enrolment.candidate
    can_edit = can_edit_identity(current_user, session, candidate)
    form = IdentityEditForm(obj=candidate if request.method == "GET" else None)
    status = 200
    if request.method == "POST":
        if not can_edit:
            abort(403)
        if form.validate_on_submit():
            outcome = perform(update_candidate, current_user, candidate, form.identity(),
                              form.access_route.data)
            if outcome.ok:
                flash(_("L'identité de %(name)s est enregistrée.", name=candidate.full_name),
                      "success")
                return redirect(url_for(".show", session_id=session.id,
                                        enrolment_id=enrolment.id) + "#identite")
            if isinstance(outcome.refusal, IdentityRefused):
                form.add_problems(outcome.refusal.problems)
            flash(outcome.reason, "error")
            status = outcome.status if outcome.conflict else 422
        else:
            status = 422
    return _render(session, enrolment, form, can_edit, status=status)


@bp.post("/sessions/<int:session_id>/candidats/<int:enrolment_id>/epreuves/<int:exam_id>"
         "/presence")
@roles_required(*ADMIN_ROLES)
def attendance(session_id: int, enrolment_id: int, exam_id: int):
    session = load_session_for(current_user, session_id)
    enrolment = load_enrolment_for(current_user, session, enrolment_id)
    exam = next((e for e in session.exams if e.id == exam_id), None)
    if exam is None:
        abort(404)
    form = attendance_form(exam.id)
    if not form.validate_on_submit():
        return _render(session, enrolment, None, None, {exam.id: form}, 422)
    if form.status.data == CLEAR:
        outcome = perform(clear_attendance, current_user, enrolment, exam)
    else:
        outcome = perform(record_attendance, current_user, enrolment, exam, form.status.data,
                          form.on_date.data, form.note.data or "")
    if not outcome.ok:
        form.status.errors = [outcome.reason]
        flash(outcome.reason, "error")
        return _render(session, enrolment, None, None, {exam.id: form}, 422)
    flash(_("Présence à l'épreuve enregistrée."), "success")
    return redirect(url_for(".show", session_id=session.id, enrolment_id=enrolment.id)
                    + f"#exam-{exam.id}")


def _render(session, enrolment, form=None, can_edit=None, attendance_forms=None, status=200):
    candidate = enrolment.candidate
    if can_edit is None:
        can_edit = can_edit_identity(current_user, session, candidate)
    record = record_of(enrolment)
    forms = {}
    for r in record.exams:
        row = r.attendance
        forms[r.exam.id] = (attendance_forms or {}).get(r.exam.id) or attendance_form(
            r.exam.id, formdata=None, data={"status": str(row.status) if row else CLEAR,
                             "on_date": row.on_date if row else utcnow().date(),
                             "note": row.note if row else ""})
    levels = {lv["code"]: lv["label"] for lv in scale_levels(session.referential_version)}
    return render_template(
        "candidate_record/show.html", cert_session=session, enrolment=enrolment,
        candidate=candidate, record=record,
        form=form or IdentityEditForm(formdata=None, obj=candidate),
        can_edit=can_edit, levels=levels, attendance_forms=forms,
        convocations=sent_convocations(enrolment_id=enrolment.id),
        can_record_attendance=(allows(session.status, "attendance")
                               and can_record_attendance(current_user, enrolment)),
        missing=Identity.of(candidate).missing_for_cpf(), human_size=human_size), status
