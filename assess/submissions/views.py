"""Candidate space, uploads, receipts and downloads."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from workflows import session as session_rules
from workflows.base import TransitionRefused
from workflows.submission import SUBMISSION, effective_deadline, is_late

from ..accounts.models import Role
from ..convocations.queries import latest_only, sent_convocations
from ..core.access import ADMIN_ROLES, roles_required
from ..core.columns import utcnow
from ..core.exports import XLSX_MIME, csv_chunks, xlsx_file
from ..referential.modality import hand_ins_of
from ..sessions.permissions import load_session_for
from ..storage import get_storage
from ..unit_of_work import perform
from . import anonymity, deliverables, operations, queries, reminders
from . import settings as hand_in_settings
from .deliverables import Expected
from .filetypes import BY_MIME, TYPES
from .filetypes import labels as type_labels
from .forms import link_form, settings_form, upload_form
from .labels import deliverable_status, duration_label, human_size, time_left, when
from .messages import check_outcome_text
from .permissions import load_file_for, load_own_file, load_receipt_for, load_upload_target
from .receipt_pdf import receipt_of
from .zips import zip_stream

bp = Blueprint("submissions", __name__)
log = logging.getLogger(__name__)


@bp.app_template_filter("deliverable_status")
def deliverable_status_filter(status: str) -> str:
    return deliverable_status(status)


@bp.app_template_filter("check_outcome")
def check_outcome_filter(stored) -> str:
    return check_outcome_text(stored)


@bp.app_template_global("candidate_name")
def candidate_name(enrolment) -> str:
    """The name, or the candidate number for a juror of an anonymous session."""
    return anonymity.shown_name(current_user, enrolment)


@bp.app_template_global("shown_file_name")
def shown_file_name(stored, enrolment=None) -> str:
    enrolment = enrolment or stored.submission.enrolment
    if anonymity.hidden_from(current_user, enrolment.session):
        return anonymity.anonymous_file_name(enrolment, stored.deliverable,
                                             _extension(stored))
    return stored.original_name


def _extension(stored) -> str:
    kind = BY_MIME.get(stored.content_type)
    return kind.extension if kind else ""


@bp.context_processor
def _helpers():
    return {"human_size": human_size, "duration_label": duration_label, "when": when}


@dataclass
class DeliverableCard:
    """One deliverable of an épreuve as the candidate sees it: its status, the current
    version, the ones it replaced, and the form to hand it in."""

    expected: Expected
    current: object = None
    earlier: list = field(default_factory=list)
    form: object = None

    @property
    def status(self) -> str:
        if self.current is None:
            return "missing"
        check = getattr(self.current, "check_status", None)
        if check == "refused":
            return "refused"
        if self.current.late:
            return "late"
        return "checked" if check == "ok" else "received"


@dataclass
class ExamCard:
    """What the candidate sees for one épreuve."""

    exam: object
    deadline: object
    extension: object
    closed_reason: str | None
    late_accepted: bool
    time_left: str = ""
    deliverables: list[DeliverableCard] = field(default_factory=list)

    @property
    def current(self):  # the latest current file, whatever its deliverable
        files = [d.current for d in self.deliverables if d.current and not d.expected.is_url]
        return max(files, key=lambda f: f.uploaded_at) if files else None


@bp.get("/candidat/")
@roles_required(Role.CANDIDATE)
def home():
    return _render_home()


@bp.post("/candidat/epreuves/<int:exam_id>/depot", defaults={"code": None})
@bp.post("/candidat/epreuves/<int:exam_id>/depot/<code>")
@roles_required(Role.CANDIDATE)
def upload(exam_id: int, code: str | None):
    enrolment, exam = load_upload_target(current_user, exam_id)
    wanted = _wanted(exam, code, url=False)
    form = upload_form(exam.id, wanted.code, wanted.accepts)
    key = (exam.id, wanted.code)
    if not form.validate_on_submit():
        return _render_home({key: form}, 422)
    outcome = perform(operations.upload, current_user, enrolment, exam, form.file.data,
                      wanted)
    if not outcome.ok:
        flash(outcome.reason, "error")
        if isinstance(outcome.refusal, operations.UploadRefused):
            form.file.errors = [outcome.reason]
            full = isinstance(outcome.refusal, operations.StorageFull)
            return _render_home({key: form}, 507 if full else 422)
        return _render_home(status=409)  # deadline passed, session closed, or a race
    flash(_("Votre dépôt est enregistré. Conservez cet accusé de dépôt : il prouve ce que "
            "vous avez déposé et quand."), "success")
    return redirect(url_for(".receipt", file_id=outcome.value.id))


@bp.post("/candidat/epreuves/<int:exam_id>/lien/<code>")
@roles_required(Role.CANDIDATE)
def give_link(exam_id: int, code: str):
    enrolment, exam = load_upload_target(current_user, exam_id)
    wanted = _wanted(exam, code, url=True)
    form = link_form(exam.id, wanted.code)
    key = (exam.id, wanted.code)
    if not form.validate_on_submit():
        return _render_home({key: form}, 422)
    outcome = perform(operations.give_link, current_user, enrolment, exam, wanted,
                      form.url.data)
    if not outcome.ok:
        if isinstance(outcome.refusal, operations.UploadRefused):
            form.url.errors = [outcome.reason]  # what was typed stays in the field
            return _render_home({key: form}, 422)
        flash(outcome.reason, "error")
        return _render_home(status=409)
    flash(_("L'adresse est enregistrée, avec l'heure à laquelle vous l'avez donnée."),
          "success")
    return redirect(url_for(".home", _anchor=f"exam-{exam.id}"))


def _wanted(exam, code: str | None, *, url: bool) -> Expected:
    try:
        if code is None:
            return operations.file_deliverable(exam, None)
        wanted = operations.expected_for(exam, code)
    except operations.UnknownDeliverable:
        abort(404)
    if wanted.is_url != url:
        abort(404)
    return wanted


@bp.get("/candidat/depots/<int:file_id>")
@roles_required(Role.CANDIDATE)
def receipt(file_id: int):
    stored = load_own_file(current_user, file_id)
    return render_template("submissions/receipt.html", stored=stored,
                           exam=stored.submission.exam,
                           session=stored.submission.enrolment.session)


@bp.get("/depots/<int:file_id>/accuse.pdf")
@login_required
def receipt_pdf(file_id: int):
    """The receipt as a PDF: for the candidate and the session's admins (jurors, who may
    grade anonymously, never read whose file it is here)."""
    stored = load_receipt_for(current_user, file_id)
    response = send_file(io.BytesIO(receipt_of(stored)),
                         mimetype="application/pdf", as_attachment=True,
                         download_name=_("accuse-de-depot-%(id)d.pdf", id=stored.id))
    response.headers["Cache-Control"] = "private, no-store"
    return response


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
    enrolment = stored.submission.enrolment if stored.submission else None
    hidden = enrolment is not None and anonymity.hidden_from(current_user, enrolment.session)
    name, size = stored.original_name, stored.size
    if hidden:
        # Named by number, and a PDF's metadata (author, title) removed.
        name = shown_file_name(stored, enrolment)
        if stored.content_type == operations.PDF_TYPE:
            with fh:
                data = anonymity.without_metadata(fh)
            fh, size = io.BytesIO(data), len(data)
    # Not conditional: a 304/206 would leave the opened blob to the garbage collector,
    # and these confidential papers are not cached anyway (no-store).
    response = send_file(fh, mimetype=stored.content_type, as_attachment=True,
                         download_name=name, conditional=False, etag=False,
                         last_modified=stored.uploaded_at)
    response.content_length = size
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Opened in a tab anyway, the file runs nothing and reaches nothing.
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _render_home(forms: dict | None = None, status: int = 200):
    enrolments = queries.candidate_enrolments(current_user)
    submissions = queries.submissions_for(enrolments)
    exams = [exam for e in enrolments for exam in _enrolled_exams(e)]
    settings = queries.settings_for([exam.id for exam in exams])
    extensions = queries.extensions_for([e.id for e in enrolments])
    now = utcnow()
    sections = [
        (enrolment, [_card(exam, submissions.get((enrolment.id, exam.id)), now,
                           forms or {}, settings.get(exam.id, {}),
                           extensions.get((enrolment.id, exam.id)))
                     for exam in _enrolled_exams(enrolment)])
        for enrolment in enrolments
    ]
    by_enrolment: dict[int, list] = {}
    for c in latest_only(sent_convocations(user_id=current_user.id)):
        by_enrolment.setdefault(c.enrolment_id, []).append(c)
    return render_template("submissions/home.html", sections=sections,
                           convocations_by_enrolment=by_enrolment,
                           max_upload=current_app.config["MAX_UPLOAD_BYTES"],
                           type_labels=type_labels), status


def _enrolled_exams(enrolment) -> list:
    block_ids = {b.id for b in enrolment.blocks}
    return [exam for exam in enrolment.session.exams if exam.block_id in block_ids]


def _card(exam, submission, now, forms: dict, settings: dict, extension) -> ExamCard:
    ctx = operations.upload_context(exam, now,
                                    extended_until=extension.until if extension else None)
    try:
        SUBMISSION.check("upload", operations.submission_state(submission), ctx)
        closed = None
    except TransitionRefused as exc:
        closed = exc.reason
    card = ExamCard(exam=exam, deadline=ctx.deadline, extension=extension,
                    closed_reason=closed, late_accepted=closed is None and is_late(ctx),
                    time_left=time_left(effective_deadline(ctx), now) if closed is None else "")
    files = submission.files if submission else []
    links = submission.links if submission else []
    for wanted in deliverables.expected(exam, settings):
        versions = sorted((v for v in (links if wanted.is_url else files)
                           if v.deliverable == wanted.code),
                          key=lambda v: (_at(v), v.id), reverse=True)
        current = next((v for v in versions if v.superseded_at is None), None)
        form = None
        if closed is None:
            form = forms.get((exam.id, wanted.code)) or (
                link_form(exam.id, wanted.code, formdata=None) if wanted.is_url
                else upload_form(exam.id, wanted.code, wanted.accepts, formdata=None))
        card.deliverables.append(DeliverableCard(
            expected=wanted, current=current,
            earlier=[v for v in versions if v is not current], form=form))
    return card


def _at(version):
    return getattr(version, "uploaded_at", None) or version.given_at


@bp.route("/sessions/<int:session_id>/depots", methods=["GET", "POST"])
@roles_required(*ADMIN_ROLES)
def settings(session_id: int):
    """The session's hand-in choices: late work, combined documents, types, required."""
    session = load_session_for(current_user, session_id)
    offered = hand_in_settings.offered_types()
    labels = {k: t.label for k, t in TYPES.items()}
    chosen = queries.settings_for([e.id for e in session.exams])
    expected = {exam.id: {d.code: d for d in deliverables.expected(
        exam, chosen.get(exam.id, {}))} for exam in session.exams}
    hand_ins = {exam.id: hand_ins_of(exam.block) for exam in session.exams}
    data = {"accepts_late": session.accepts_late_work, "anonymous": session.anonymous_grading}
    for exam in session.exams:
        data[f"combined_{exam.id}"] = exam.combined_hand_in
        for d in hand_ins[exam.id]:
            row = chosen.get(exam.id, {}).get(d.code)
            data[f"accepts_{exam.id}_{d.code}"] = list(row.accepts if row else d.accepts)
            data[f"required_{exam.id}_{d.code}"] = row.required if row else d.required
    form = settings_form(session, offered, labels, data=data)
    status = 200
    can_change = session_rules.allows(session.status, "schedule")
    if form.validate_on_submit():
        choices = {exam.id: hand_in_settings.ExamChoice(
            combined=bool(getattr(form, f"combined_{exam.id}", None)
                          and getattr(form, f"combined_{exam.id}").data),
            deliverables={d.code: hand_in_settings.DeliverableChoice(
                accepts=tuple(getattr(form, f"accepts_{exam.id}_{d.code}").data or ())
                if d.kind == "file" else (),
                required=bool(getattr(form, f"required_{exam.id}_{d.code}").data))
                for d in hand_ins[exam.id]}) for exam in session.exams}
        outcome = perform(hand_in_settings.update_hand_in_settings, current_user, session,
                          accepts_late=bool(form.accepts_late.data), exams=choices,
                          anonymous=bool(form.anonymous.data))
        if outcome.ok:
            flash(_("Les règles de dépôt de la session sont enregistrées."), "success")
            return redirect(url_for(".settings", session_id=session.id))
        flash(outcome.reason, "error")
        status = 422 if isinstance(outcome.refusal, hand_in_settings.SettingsRefused) else 409
    elif form.is_submitted():
        status = 422
    return render_template("submissions/settings.html", cert_session=session, form=form,
                           hand_ins=hand_ins, expected=expected, can_change=can_change,
                           reveal_refusal=anonymity.reveal_refusal(session),
                           max_upload=current_app.config["MAX_UPLOAD_BYTES"]), status


@bp.post("/sessions/<int:session_id>/anonymat/lever")
@roles_required(*ADMIN_ROLES)
def reveal(session_id: int):
    session = load_session_for(current_user, session_id)
    outcome = perform(anonymity.reveal_identities, current_user, session)
    if outcome.ok:
        flash(_("L'anonymat est levé : les évaluateurs voient désormais les noms."), "success")
    else:
        flash(outcome.reason, "error")
    return redirect(url_for(".settings", session_id=session.id, _anchor="reveal-title"))


@bp.post("/sessions/<int:session_id>/epreuves/<int:exam_id>/rappels")
@roles_required(*ADMIN_ROLES)
def remind(session_id: int, exam_id: int):
    session = load_session_for(current_user, session_id)
    exam = _exam_of(session, exam_id)
    outcome = perform(reminders.send_reminders, current_user, exam)
    if outcome.ok:
        flash(ngettext("Rappel envoyé à %(num)d candidat.", "Rappel envoyé à %(num)d candidats.",
                       outcome.value) if outcome.value else
              _("Aucun rappel à envoyer : chacun a déposé ou a déjà reçu ce rappel."),
              "success" if outcome.value else "info")
    else:
        flash(outcome.reason, "error")
    return redirect(url_for(".exam_hand_ins", session_id=session.id, exam_id=exam.id))


STATUS_FILTERS = ("missing", "received", "late", "refused")


def _exam_of(session, exam_id: int):
    exam = next((e for e in session.exams if e.id == exam_id), None)
    if exam is None:
        abort(404)
    return exam


def _hand_in_table(session, exam):
    wanted = deliverables.expected(exam, queries.settings_for([exam.id]).get(exam.id, {}))
    rows = queries.hand_in_rows(exam, [e.code for e in wanted])
    status = request.args.get("statut", "")
    code = request.args.get("livrable", "")
    if status in STATUS_FILTERS:
        codes = [code] if code in {e.code for e in wanted} else [e.code for e in wanted]
        rows = [r for r in rows if any(r.status(c) == status for c in codes)]
    return wanted, rows, status, code


@bp.get("/sessions/<int:session_id>/epreuves/<int:exam_id>/depots")
@roles_required(*ADMIN_ROLES)
def exam_hand_ins(session_id: int, exam_id: int):
    """Per épreuve: who handed in what and when, what is missing, what is late."""
    session = load_session_for(current_user, session_id)
    exam = _exam_of(session, exam_id)
    wanted, rows, status, code = _hand_in_table(session, exam)
    return render_template("submissions/exam_hand_ins.html", cert_session=session, exam=exam,
                           wanted=wanted, rows=rows, status=status, code=code,
                           statuses=STATUS_FILTERS)


@bp.get("/sessions/<int:session_id>/epreuves/<int:exam_id>/depots.csv",
        defaults={"fmt": "csv"})
@bp.get("/sessions/<int:session_id>/epreuves/<int:exam_id>/depots.xlsx",
        defaults={"fmt": "xlsx"})
@roles_required(*ADMIN_ROLES)
def exam_hand_ins_export(session_id: int, exam_id: int, fmt: str):
    session = load_session_for(current_user, session_id)
    exam = _exam_of(session, exam_id)
    wanted, rows, _status, _code = _hand_in_table(session, exam)
    header = [_("Nom"), _("Prénom"), _("E-mail")]
    for e in wanted:
        name = e.title
        header += [name, _("%(name)s : reçu le", name=name)]

    def lines():
        for r in rows:
            user = r.enrolment.candidate.user
            line = [user.last_name, user.first_name, user.email]
            for e in wanted:
                version = r.current.get(e.code)
                at = getattr(version, "uploaded_at", None) or getattr(version, "given_at", None)
                line += [deliverable_status(r.status(e.code)), when(at, seconds=True)]
            yield line

    name = f"depots-session-{session.id}-bloc-{exam.block.number}.{fmt}"
    if fmt == "csv":
        return Response(stream_with_context(csv_chunks(header, lines())),
                        mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return send_file(xlsx_file(_("Dépôts"), header, lines()), mimetype=XLSX_MIME,
                     as_attachment=True, download_name=name)


@bp.get("/jury/epreuves/<int:exam_id>/copies.zip")
@roles_required(Role.JUROR)
def juror_zip(exam_id: int):
    """Every current file of the juror's assignments for one épreuve, as one zip streamed
    as it is written (never built in memory), named by candidate number when anonymous."""
    exam, entries = queries.juror_zip_entries(current_user, exam_id)
    if exam is None:
        abort(404)
    hidden, bloc = anonymity.hidden_from(current_user, exam.session), exam.block.number
    # Names and keys are read now: the rows are gone from the session once the audit
    # commits, while the archive is still being sent.
    planned, seen = [], set()
    for enrolment, stored in entries:
        folder = (anonymity.number_label(enrolment) if hidden
                  else enrolment.candidate.user.full_name)
        name = (anonymity.anonymous_file_name(enrolment, stored.deliverable, _extension(stored))
                if hidden else stored.original_name)
        path = f"{folder}/{name}"
        if path in seen:  # two files of one name: keep both
            path = f"{folder}/{stored.id}-{name}"
        seen.add(path)
        planned.append((path, stored.storage_key,
                        hidden and stored.content_type == operations.PDF_TYPE))
    perform(operations.record_zip_download, current_user, exam, [f for _e, f in entries]
            ).unwrap()
    storage = get_storage()

    def opened(key, strip):
        fh = storage.open(key)
        if not strip:
            return fh
        with fh:
            return io.BytesIO(anonymity.without_metadata(fh))

    response = Response(stream_with_context(zip_stream(planned, opened)),
                        mimetype="application/zip")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="copies-bloc-{bloc}.zip"')
    response.headers["Cache-Control"] = "private, no-store"
    return response
