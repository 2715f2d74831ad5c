"""A candidate's record, for the admins of their session (GET), and the correction of
their identity (POST)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import to_user_timezone, to_utc
from flask_login import current_user

from workflows.session import allows

from ..accommodations.forms import RequestForm, decision_form, measures_of
from ..accommodations.labels import DECISION
from ..accommodations.operations import (
    AccommodationRefused,
    accommodation_of,
    decide,
    open_document,
    sat_exams,
    save_request,
    suggested_minutes,
)
from ..accommodations.permissions import can_manage_accommodation
from ..attendance.forms import CLEAR, attendance_form
from ..attendance.labels import ATTENDANCE
from ..attendance.operations import clear_attendance, record_attendance
from ..attendance.permissions import can_record_attendance
from ..candidates.acquired import acquired_blocs
from ..candidates.identity import Identity
from ..candidates.operations import IdentityRefused, update_candidate
from ..candidates.permissions import load_enrolment_for
from ..convocations.queries import sent_convocations
from ..core.access import ADMIN_ROLES, roles_required
from ..core.columns import utcnow
from ..core.labels import label
from ..grading.operations import scale_levels
from ..sessions.permissions import load_session_for
from ..submissions.deliverables import expected as expected_deliverables
from ..submissions.forms import extension_form, scan_form
from ..submissions.labels import human_size, when
from ..submissions.operations import grant_extension
from ..submissions.operations import upload as upload_file
from ..submissions.queries import settings_for
from ..unit_of_work import perform
from .forms import IdentityEditForm
from .labels import EVENTS
from .permissions import can_edit_identity
from .queries import record_of

bp = Blueprint("candidate_record", __name__)


@bp.app_template_filter("record_event")
def record_event_label(action: str) -> str:
    return label(EVENTS, action)


@bp.app_template_filter("accommodation_decision")
def accommodation_decision_label(status) -> str:
    return label(DECISION, status)


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


def _exam_of(session, exam_id: int):
    exam = next((e for e in session.exams if e.id == exam_id), None)
    if exam is None:
        abort(404)
    return exam


def _back_to(session, enrolment, exam):
    return redirect(url_for(".show", session_id=session.id, enrolment_id=enrolment.id)
                    + f"#exam-{exam.id}")


@bp.post("/sessions/<int:session_id>/candidats/<int:enrolment_id>/epreuves/<int:exam_id>"
         "/delai")
@roles_required(*ADMIN_ROLES)
def extension(session_id: int, enrolment_id: int, exam_id: int):
    session = load_session_for(current_user, session_id)
    enrolment = load_enrolment_for(current_user, session, enrolment_id)
    exam = _exam_of(session, exam_id)
    form = extension_form(exam.id)
    if not form.validate_on_submit():
        return _render(session, enrolment, status=422, hand_in_forms={exam.id: form})
    outcome = perform(grant_extension, current_user, enrolment, exam, to_utc(form.until.data),
                      form.reason.data)
    if not outcome.ok:
        form.until.errors = [outcome.reason]  # the reason typed stays in its field
        return _render(session, enrolment, status=422, hand_in_forms={exam.id: form})
    flash(_("Délai accordé jusqu'au %(when)s ; le candidat en est informé par e-mail.",
            when=when(outcome.value.until)), "success")
    return _back_to(session, enrolment, exam)


@bp.post("/sessions/<int:session_id>/candidats/<int:enrolment_id>/epreuves/<int:exam_id>"
         "/scan")
@roles_required(*ADMIN_ROLES)
def scan(session_id: int, enrolment_id: int, exam_id: int):
    session = load_session_for(current_user, session_id)
    enrolment = load_enrolment_for(current_user, session, enrolment_id)
    exam = _exam_of(session, exam_id)
    form = scan_form(exam.id, expected_deliverables(exam, settings_for([exam.id])
                                                     .get(exam.id, {})))
    if not form.validate_on_submit():
        return _render(session, enrolment, status=422, scan_forms={exam.id: form})
    outcome = perform(upload_file, current_user, enrolment, exam, form.file.data,
                      form.deliverable.data, on_behalf=True)
    if not outcome.ok:
        form.file.errors = [outcome.reason]
        return _render(session, enrolment, status=422, scan_forms={exam.id: form})
    flash(_("Scan déposé pour le candidat ; il est signalé comme déposé par le centre."),
          "success")
    return _back_to(session, enrolment, exam)


@bp.post("/sessions/<int:session_id>/candidats/<int:enrolment_id>/amenagement")
@roles_required(*ADMIN_ROLES)
def accommodation_request(session_id: int, enrolment_id: int):
    session = load_session_for(current_user, session_id)
    enrolment = load_enrolment_for(current_user, session, enrolment_id)
    form = RequestForm()
    if form.validate_on_submit():
        outcome = perform(save_request, current_user, enrolment, form.request(),
                          form.document.data)
        if outcome.ok:
            flash(_("Demande d'aménagement enregistrée."), "success")
            return redirect(url_for(".show", session_id=session.id,
                                    enrolment_id=enrolment.id) + "#amenagement")
        if isinstance(outcome.refusal, AccommodationRefused):
            form.add_problems(outcome.refusal.problems)
        flash(outcome.reason, "error")
    return _render(session, enrolment, request_form=form, status=422)


@bp.post("/sessions/<int:session_id>/candidats/<int:enrolment_id>/amenagement/decision")
@roles_required(*ADMIN_ROLES)
def accommodation_decision(session_id: int, enrolment_id: int):
    session = load_session_for(current_user, session_id)
    enrolment = load_enrolment_for(current_user, session, enrolment_id)
    row = accommodation_of(enrolment)
    exams = sat_exams(enrolment)
    form = decision_form(exams, suggested_minutes(enrolment, row), row)
    if form.validate_on_submit():
        outcome = perform(decide, current_user, enrolment, form.decision.data,
                          form.note.data or "", measures_of(form, exams))
        if outcome.ok:
            flash(_("Décision enregistrée."), "success")
            return redirect(url_for(".show", session_id=session.id,
                                    enrolment_id=enrolment.id) + "#amenagement")
        if isinstance(outcome.refusal, AccommodationRefused):
            for name, message in outcome.refusal.problems.items():
                if name in form:
                    form[name].errors = [*form[name].errors, message]
        flash(outcome.reason, "error")
    return _render(session, enrolment, decision_form_=form, status=422)


@bp.get("/sessions/<int:session_id>/candidats/<int:enrolment_id>/amenagement/justificatif")
@roles_required(*ADMIN_ROLES)
def accommodation_document(session_id: int, enrolment_id: int):
    """Health data: opened by the admins who manage the candidate, each opening audited
    (committed before the file leaves)."""
    session = load_session_for(current_user, session_id)
    enrolment = load_enrolment_for(current_user, session, enrolment_id)
    outcome = perform(open_document, current_user, enrolment)
    row, handle = outcome.unwrap() if outcome.ok else (None, None)
    if handle is None:
        abort(404)
    response = send_file(handle, as_attachment=True, download_name=row.document_name
                         or "justificatif", mimetype="application/octet-stream")
    response.headers["Cache-Control"] = "no-store"
    return response


def _render(session, enrolment, form=None, can_edit=None, attendance_forms=None, status=200,
            request_form=None, decision_form_=None, hand_in_forms=None, scan_forms=None):
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
    extension_forms, scans = {}, {}
    for r in record.exams:
        x = r.extension
        extension_forms[r.exam.id] = (hand_in_forms or {}).get(r.exam.id) or extension_form(
            r.exam.id, formdata=None, data={"until": to_user_timezone(x.until).replace(
                tzinfo=None) if x else None, "reason": x.reason if x else ""})
        scans[r.exam.id] = (scan_forms or {}).get(r.exam.id) or scan_form(
            r.exam.id, r.expected, formdata=None)
    levels = {lv["code"]: lv["label"] for lv in scale_levels(session.referential_version)}
    accommodation = accommodation_of(enrolment)
    exams = sat_exams(enrolment)
    if request_form is None:
        request_form = RequestForm(formdata=None, obj=accommodation)
    if decision_form_ is None:
        decision_form_ = decision_form(exams, suggested_minutes(enrolment, accommodation),
                                       accommodation, formdata=None)
    return render_template(
        "candidate_record/show.html", cert_session=session, enrolment=enrolment,
        candidate=candidate, record=record,
        form=form or IdentityEditForm(formdata=None, obj=candidate),
        can_edit=can_edit, levels=levels, attendance_forms=forms,
        convocations=sent_convocations(enrolment_id=enrolment.id),
        accommodation=accommodation, request_form=request_form, decision_form=decision_form_,
        sat_exams=exams, exam_numbers={e.id: e.block.number for e in exams},
        acquired=sorted(acquired_blocs([candidate.user_id]).get(candidate.user_id, {})
                        .values(), key=lambda a: a.number),
        can_accommodate=(allows(session.status, "accommodate")
                         and can_manage_accommodation(current_user, enrolment)),
        can_record_attendance=(allows(session.status, "attendance")
                               and can_record_attendance(current_user, enrolment)),
        missing=Identity.of(candidate).missing_for_cpf(), human_size=human_size,
        extension_forms=extension_forms, scan_forms=scans,
        can_hand_in=allows(session.status, "upload")), status
