"""A PV's page: its content and signatures, the download, the member's signature."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts import throttle
from ..signing.pades import verify_pdf
from ..unit_of_work import perform
from . import operations, permissions
from . import queries as q
from .forms import SignForm

bp = Blueprint("minutes", __name__)


def _render(minutes, form=None, status: int = 200):
    session = minutes.session
    return render_template(
        "minutes/show.html", session=session, minutes=minutes,
        all_minutes=q.session_minutes(session.id),
        form=form or SignForm(formdata=None, data={"content_sha256": minutes.content_sha256}),
        may_sign=permissions.may_sign(current_user, minutes),
        verification=verify_pdf(minutes.sealed_pdf) if minutes.sealed_pdf else None), status


@bp.get("/sessions/<int:session_id>/pv/<int:number>")
@login_required
def show(session_id: int, number: int):
    return _render(permissions.load_minutes_for(current_user, session_id, number))


@bp.get("/sessions/<int:session_id>/pv/<int:number>/document.pdf")
@login_required
def download(session_id: int, number: int):
    """The sealed PDF once sealed, else the content the members are asked to sign."""
    minutes = permissions.load_minutes_for(current_user, session_id, number)
    data = minutes.sealed_pdf or minutes.content_pdf
    name = f"pv-session-{session_id}" + (f"-avenant-{number}" if number else "")
    name += ".pdf" if minutes.sealed_pdf else "-a-signer.pdf"
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})


@bp.post("/sessions/<int:session_id>/pv/<int:number>/signer")
@login_required
def sign(session_id: int, number: int):
    minutes = permissions.load_minutes_for(current_user, session_id, number)
    form = SignForm()
    if not form.validate():
        return _render(minutes, form, 422)
    # The password typed here is the login's: its wrong guesses count with the login's
    # and are throttled alike (reserved first, forgiven once the signature is recorded).
    wait = perform(throttle.reserve_login, current_user.email, throttle.client_address())
    if wait.ok and wait.value:
        abort(429)  # the app's page for it: « Trop de tentatives », wait and try again
    outcome = perform(operations.sign, current_user, minutes, form.password.data,
                      form.content_sha256.data or "")
    if outcome.ok:
        perform(throttle.forgive, current_user.email)
    if not outcome.ok:
        flash(outcome.reason, "error")
        return _render(minutes, SignForm(formdata=None, data={
            "content_sha256": minutes.content_sha256}), 422 if outcome.refusal else 409)
    flash(_("Votre signature est enregistrée.") if minutes.status == "signing" else
          _("Votre signature est enregistrée. Tous les membres ont signé : le procès-verbal "
            "est scellé."), "success")
    return redirect(url_for(".show", session_id=session_id, number=number))
