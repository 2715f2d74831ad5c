"""Candidate space, uploads, receipts and downloads."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workflows.base import TransitionRefused
from workflows.submission import SUBMISSION

from ..accounts.models import Role
from ..convocations.queries import latest_only, sent_convocations
from ..core.access import roles_required
from ..core.columns import utcnow
from ..storage import get_storage
from ..unit_of_work import perform
from . import operations, queries
from .forms import UploadForm, upload_form
from .labels import duration_label, human_size, when
from .permissions import load_file_for, load_own_file, load_upload_target

bp = Blueprint("submissions", __name__)
log = logging.getLogger(__name__)


@bp.context_processor
def _helpers():
    return {"human_size": human_size, "duration_label": duration_label, "when": when}


@dataclass
class ExamCard:
    """What the candidate sees for one épreuve."""

    exam: object
    deadline: object
    current: object
    form: UploadForm | None
    closed_reason: str | None
    earlier: list = field(default_factory=list)


@bp.get("/candidat/")
@roles_required(Role.CANDIDATE)
def home():
    return _render_home()


@bp.post("/candidat/epreuves/<int:exam_id>/depot")
@roles_required(Role.CANDIDATE)
def upload(exam_id: int):
    enrolment, exam = load_upload_target(current_user, exam_id)
    form = upload_form(exam.id)
    if not form.validate_on_submit():
        return _render_home({exam.id: form}, 422)
    outcome = perform(operations.upload, current_user, enrolment, exam, form.file.data)
    if not outcome.ok:
        flash(outcome.reason, "error")
        if isinstance(outcome.refusal, operations.UploadRefused):
            form.file.errors = [outcome.reason]
            return _render_home({exam.id: form}, 422)
        return _render_home(status=409)  # deadline passed, session closed, or a race
    flash(_("Votre dépôt est enregistré. Conservez cet accusé de dépôt : il prouve ce que "
            "vous avez déposé et quand."), "success")
    return redirect(url_for(".receipt", file_id=outcome.value.id))


@bp.get("/candidat/depots/<int:file_id>")
@roles_required(Role.CANDIDATE)
def receipt(file_id: int):
    stored = load_own_file(current_user, file_id)
    return render_template("submissions/receipt.html", stored=stored,
                           exam=stored.submission.exam,
                           session=stored.submission.enrolment.session)


@bp.get("/fichiers/<int:file_id>")
@login_required
def download(file_id: int):
    stored = load_file_for(current_user, file_id)
    try:
        fh = get_storage().open(stored.storage_key)
    except FileNotFoundError:
        log.error("stored file %s: blob %s missing from storage", stored.id, stored.storage_key)
        abort(404)
    try:
        perform(operations.record_download, current_user, stored).unwrap()
    except BaseException:
        fh.close()
        raise
    # Not conditional: a 304/206 would leave the opened blob to the garbage collector,
    # and these confidential papers are not cached anyway (no-store).
    response = send_file(fh, mimetype=operations.PDF_TYPE, as_attachment=True,
                         download_name=stored.original_name, conditional=False, etag=False,
                         last_modified=stored.uploaded_at)
    response.content_length = stored.size
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _render_home(forms: dict | None = None, status: int = 200):
    enrolments = queries.candidate_enrolments(current_user)
    submissions = queries.submissions_for(enrolments)
    now = utcnow()
    sections = [
        (enrolment, [_card(exam, submissions.get((enrolment.id, exam.id)), now,
                           (forms or {}).get(exam.id))
                     for exam in _enrolled_exams(enrolment)])
        for enrolment in enrolments
    ]
    by_enrolment: dict[int, list] = {}
    for c in latest_only(sent_convocations(user_id=current_user.id)):
        by_enrolment.setdefault(c.enrolment_id, []).append(c)
    return render_template("submissions/home.html", sections=sections,
                           convocations_by_enrolment=by_enrolment,
                           max_upload=current_app.config["MAX_UPLOAD_BYTES"]), status


def _enrolled_exams(enrolment) -> list:
    block_ids = {b.id for b in enrolment.blocks}
    return [exam for exam in enrolment.session.exams if exam.block_id in block_ids]


def _card(exam, submission, now, form) -> ExamCard:
    ctx = operations.upload_context(exam, now)
    try:
        SUBMISSION.check("upload", operations.submission_state(submission), ctx)
        closed = None
    except TransitionRefused as exc:
        closed = exc.reason
    current = operations.current_file(submission) if submission else None
    earlier = sorted((f for f in (submission.files if submission else []) if f is not current),
                     key=lambda f: f.uploaded_at, reverse=True)
    return ExamCard(exam=exam, deadline=ctx.deadline, current=current,
                    closed_reason=closed, earlier=earlier,
                    form=None if closed else (form or upload_form(exam.id, formdata=None)))
