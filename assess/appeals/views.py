"""Appeals: the candidate files and follows theirs; the session's admins and jury review,
reject or re-deliberate, decide again, draw the amendment PV, close."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workflows.appeal import APPEAL

from ..accounts.models import Role
from ..core.access import roles_required
from ..deliberation import queries as dq
from ..deliberation.forms import ConfirmForm, decision_form, levels_of
from ..deliberation.permissions import load_session_for_deliberation
from ..storage import get_storage
from ..unit_of_work import perform
from . import operations, permissions, queries
from .forms import AnswerForm, AppealForm

bp = Blueprint("appeals", __name__)


@bp.app_template_filter("appeal_status")
def status_label(state) -> str:
    return _(APPEAL.state_labels.get(str(state), str(state)))


# -- the candidate ------------------------------------------------------------
@bp.route("/resultats/<int:enrolment_id>/recours", methods=["GET", "POST"])
@roles_required(Role.CANDIDATE)
def file(enrolment_id: int):
    enrolment = permissions.load_own_enrolment(current_user, enrolment_id)
    appeal = operations.appeal_of(enrolment)
    form = AppealForm()
    status = 200
    if appeal is None and request.method == "POST":
        if form.validate():
            outcome = perform(operations.file_appeal, current_user, enrolment,
                              form.reason.data, request.files.getlist(form.files.name))
            if outcome.ok:
                flash(_("Votre recours est enregistré. Vous recevrez un e-mail à chaque "
                        "étape."), "success")
                return redirect(url_for(".file", enrolment_id=enrolment_id))
            flash(outcome.reason, "error")
        status = 422
    return render_template("appeals/candidate.html", enrolment=enrolment, appeal=appeal,
                           form=form, deadline=queries.deadline(enrolment),
                           refusal=queries.filing_refusal(enrolment) if appeal is None
                           else None), status


# -- the session's admins and jury ----------------------------------------------
@bp.get("/sessions/<int:session_id>/recours")
@login_required
def index(session_id: int):
    session = load_session_for_deliberation(current_user, session_id)
    return render_template("appeals/index.html", session=session,
                           appeals=queries.session_appeals(session.id))


def _page(appeal, *, failed=None, answer_form=None, status: int = 200):
    session = appeal.enrolment.session
    board = dq.board(session)
    line = next(c for c in board.candidates if c.enrolment.id == appeal.enrolment_id)
    forms = {}
    for bloc in line.blocs:
        if failed is not None and failed[0] == bloc.block.id:
            forms[bloc.block.id] = failed[1]
        elif bloc.sat:
            forms[bloc.block.id] = decision_form(bloc, board.scale, prefix=f"b{bloc.block.id}")
    return render_template(
        "appeals/show.html", session=session, appeal=appeal, line=line, board=board,
        forms=forms, confirm=ConfirmForm(formdata=None),
        answer_form=answer_form or AnswerForm(formdata=None),
        can_answer=permissions.can_answer(current_user, appeal),
        decided_now=queries.appeal_decisions(appeal),
        amendment=queries.amendment_of(appeal),
        undecided=operations.reopened_undecided(appeal)), status


@bp.get("/sessions/<int:session_id>/recours/<int:appeal_id>")
@login_required
def show(session_id: int, appeal_id: int):
    return _page(permissions.load_appeal_for(current_user, session_id, appeal_id))


ACTIONS = ("examiner", "rejeter", "redeliberer", "avenant", "clore")


@login_required
def answer(session_id: int, appeal_id: int, action: str):
    appeal = permissions.load_appeal_for(current_user, session_id, appeal_id)
    if not permissions.can_answer(current_user, appeal):
        abort(403)
    form = AnswerForm()
    if action in ("rejeter", "redeliberer"):
        if not form.validate():
            return _page(appeal, answer_form=form, status=422)
        operation = operations.reject if action == "rejeter" else operations.redeliberate
        outcome = perform(operation, current_user, appeal, form.answer.data)
    else:
        if not ConfirmForm().validate():
            abort(400)
        operation = {"examiner": operations.review, "avenant": operations.draw_amendment,
                     "clore": operations.close}[action]
        outcome = perform(operation, current_user, appeal)
    if not outcome.ok:
        flash(outcome.reason, "error")
        return _page(appeal, answer_form=form, status=422 if outcome.refusal else 409)
    flash(_("C'est enregistré ; le candidat en est informé.") if action != "avenant" else
          _("L'avenant est dressé : chaque membre du jury le signe."), "success")
    if action == "avenant":
        return redirect(url_for("minutes.show", session_id=session_id,
                                number=outcome.value.number))
    return redirect(url_for(".show", session_id=session_id, appeal_id=appeal_id))


# One rule per answer (their action a default), so url_for("appeals.answer", action=…)
# builds each, and each URL is a plain path.
for _action in ACTIONS:
    bp.add_url_rule(f"/sessions/<int:session_id>/recours/<int:appeal_id>/{_action}",
                    endpoint="answer", view_func=answer, methods=["POST"],
                    defaults={"action": _action})


@bp.post("/sessions/<int:session_id>/recours/<int:appeal_id>/decisions/<int:block_id>")
@login_required
def decide(session_id: int, appeal_id: int, block_id: int):
    appeal = permissions.load_appeal_for(current_user, session_id, appeal_id)
    board = dq.board(appeal.enrolment.session)
    line = next(c for c in board.candidates if c.enrolment.id == appeal.enrolment_id)
    bloc = next((b for b in line.blocs if b.block.id == block_id), None)
    if bloc is None:
        abort(404)
    form = decision_form(bloc, board.scale, formdata=request.form, prefix=f"b{block_id}")
    if not form.validate():
        return _page(appeal, failed=(block_id, form), status=422)
    outcome = perform(operations.decide, current_user, appeal, block_id,
                      outcome=form.outcome.data, reason=form.reason.data,
                      levels=levels_of(form))
    if not outcome.ok:
        flash(outcome.reason, "error")
        return _page(appeal, failed=(block_id, form), status=outcome.status)
    flash(_("Nouvelle décision enregistrée pour le bloc %(n)d.", n=bloc.block.number),
          "success")
    return redirect(url_for(".show", session_id=session_id, appeal_id=appeal_id))


@bp.get("/sessions/<int:session_id>/recours/<int:appeal_id>/fichiers/<int:file_id>")
@login_required
def attachment(session_id: int, appeal_id: int, file_id: int):
    appeal = permissions.load_appeal_for(current_user, session_id, appeal_id)
    stored = next((f for f in appeal.files if f.id == file_id), None)
    if stored is None:
        abort(404)
    handle = get_storage().open(stored.storage_key)
    return Response(stream_with_context(iter(lambda: handle.read(64 * 1024), b"")),
                    mimetype=stored.content_type, headers={
                        "Content-Disposition": f'attachment; filename="recours-{appeal.id}-'
                                               f'{stored.id}{_ext(stored.content_type)}"',
                        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


def _ext(mime: str) -> str:
    return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(mime, "")

