"""The certification's settings page, for the certifier's admins."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..core.access import roles_required
from ..unit_of_work import perform
from .forms import CertificationForm
from .operations import Settings, current, update

bp = Blueprint("certification", __name__)


@bp.route("/certification", methods=["GET", "POST"])
@roles_required(Role.CERTIFIER_ADMIN)
def settings():
    row = current()
    form = CertificationForm(obj=row)
    form.version.data = form.version.data or str(row.version or 0)
    status = 200
    if form.validate_on_submit():
        raw = form.version.data or ""
        values = Settings(**{name: form[name].data or None for name in (
            "rncp_code", "expiry_date", "bloc_validity_years", "certifier_name",
            "cpf_id_client", "cpf_id_contrat", "appeal_days")},
                          transcript_details=bool(form.transcript_details.data))
        outcome = perform(update, current_user, values,
                          int(raw) if raw.isdigit() and raw != "0" else None)
        if outcome.ok:
            flash(_("Les réglages de la certification sont enregistrés."), "success")
            return redirect(url_for(".settings"))
        flash(outcome.reason, "error")
        status = outcome.status
        if outcome.conflict is not None:
            form.version.data = str(current().version)  # saving again knowingly replaces
    return render_template("certification/settings.html", form=form, row=row), status
