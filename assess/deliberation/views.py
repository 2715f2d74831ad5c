"""The deliberation screen: open it, decide each disagreement and each bloc, reveal the
identities, close it (which draws the PV for the members to sign)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workflows.deliberation import DELIBERATION, NOT_OPENED

from ..core.columns import utcnow
from ..results import queries as results
from ..submissions import anonymity
from ..unit_of_work import perform
from . import operations, permissions
from . import queries as q
from .forms import ConfirmForm, OpenForm, decision_form, levels_of

bp = Blueprint("deliberation", __name__)


@bp.app_template_filter("deliberation_status")
def status_label(state) -> str:
    return _(DELIBERATION.state_labels.get(state, state))


@bp.app_template_filter("level_label")
def level_label(code, scale) -> str:
    """A level's label on the session's scale (« acquis »), or « — » when none."""
    return next((lv.label for lv in scale.levels if lv.code == code), code or "—")


def _prefix(enrolment_id: int, block_id: int) -> str:
    return f"d{enrolment_id}-{block_id}"


def _render(session, *, failed=None, open_form=None, status: int = 200):
    """The screen; ``failed``: ((enrolment id, block id), form) of a refused decision,
    shown with what was typed."""
    board = q.board(session)
    forms = {}
    for line in board.candidates:
        for bloc in line.blocs:
            key = (line.enrolment.id, bloc.block.id)
            if failed is not None and failed[0] == key:
                forms[key] = failed[1]
            elif bloc.sat:
                forms[key] = decision_form(bloc, board.scale, prefix=_prefix(*key))
    row = board.deliberation
    state = row.status if row else NOT_OPENED
    ctx = q.context(session)
    return render_template(
        "deliberation/show.html", session=session, board=board, forms=forms, state=state,
        open_form=open_form or OpenForm(formdata=None, data={"held_on": utcnow().date()}),
        confirm=ConfirmForm(formdata=None), open_refusal=DELIBERATION.refusal(
            "open", state, ctx) if state == NOT_OPENED else None,
        can_lead=permissions.can_lead(current_user, session),
        hides_identity=anonymity.hides_identity(session),
        reveal_refusal=anonymity.reveal_refusal(session),
        agreement=results.criterion_agreement(session)), status


@bp.get("/sessions/<int:session_id>/deliberation")
@login_required
def show(session_id: int):
    session = permissions.load_session_for_deliberation(current_user, session_id)
    return _render(session)


@bp.post("/sessions/<int:session_id>/deliberation/ouvrir")
@login_required
def open_(session_id: int):
    session = permissions.load_session_for_deliberation(current_user, session_id)
    if not permissions.can_lead(current_user, session):
        abort(403)
    form = OpenForm()
    if not form.validate():
        return _render(session, open_form=form, status=422)
    outcome = perform(operations.open_deliberation, current_user, session,
                      held_on=form.held_on.data, place=form.place.data)
    if not outcome.ok:
        flash(outcome.reason, "error")
        return _render(session, open_form=form, status=outcome.status)
    flash(_("La délibération est ouverte. Tranchez chaque désaccord et décidez chaque bloc."),
          "success")
    return redirect(url_for(".show", session_id=session.id))


@bp.post("/sessions/<int:session_id>/deliberation/decisions/<int:enrolment_id>/<int:block_id>")
@login_required
def decide(session_id: int, enrolment_id: int, block_id: int):
    session = permissions.load_session_for_deliberation(current_user, session_id)
    board = q.board(session)
    bloc = next((b for line in board.candidates if line.enrolment.id == enrolment_id
                 for b in line.blocs if b.block.id == block_id), None)
    if bloc is None:
        abort(404)
    key = (enrolment_id, block_id)
    form = decision_form(bloc, board.scale, formdata=request.form, prefix=_prefix(*key))
    if not form.validate():
        return _render(session, failed=(key, form), status=422)
    outcome = perform(operations.decide, current_user, session, enrolment_id, block_id,
                      outcome=form.outcome.data, reason=form.reason.data,
                      levels=levels_of(form))
    if not outcome.ok:
        if outcome.conflict is not None:
            flash(_("Un autre membre du jury vient d'enregistrer une décision sur ce bloc : "
                    "relisez-la, votre saisie est conservée ci-dessous."), "error")
        else:
            flash(outcome.reason, "error")
        return _render(session, failed=(key, form), status=outcome.status)
    flash(_("Décision enregistrée pour le bloc %(n)d.", n=bloc.block.number), "success")
    return redirect(url_for(".show", session_id=session.id, _anchor=f"c{enrolment_id}"))


def _led(session_id: int):
    """The session, for an action only its president or an admin takes (a confirmed
    button: its CSRF token)."""
    session = permissions.load_session_for_deliberation(current_user, session_id)
    if not permissions.can_lead(current_user, session):
        abort(403)
    if not ConfirmForm().validate():
        abort(400)
    return session


@bp.post("/sessions/<int:session_id>/deliberation/lever-anonymat")
@login_required
def reveal(session_id: int):
    session = _led(session_id)
    outcome = perform(operations.reveal_identities, current_user, session)
    flash(_("Les identités des candidats sont levées.") if outcome.ok else outcome.reason,
          "success" if outcome.ok else "error")
    return redirect(url_for(".show", session_id=session.id))


@bp.post("/sessions/<int:session_id>/deliberation/clore")
@login_required
def close(session_id: int):
    session = _led(session_id)
    outcome = perform(operations.close_deliberation, current_user, session)
    if not outcome.ok:
        flash(outcome.reason, "error")
        return redirect(url_for(".show", session_id=session.id))
    flash(_("La délibération est close. Le procès-verbal attend la signature de chaque membre "
            "du jury."), "success")
    return redirect(url_for("minutes.show", session_id=session.id, number=0))
