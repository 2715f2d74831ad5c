"""An account as an admin manages it: edit the profile, deactivate, reactivate."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.labels import ROLE_LABELS
from ..core.access import ADMIN_ROLES, roles_required
from ..core.labels import label
from ..unit_of_work import perform
from .forms import DeactivateForm, ProfileForm
from .operations import deactivate_account, reactivate_account, update_profile
from .permissions import load_account_for

bp = Blueprint("people", __name__, url_prefix="/comptes")


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@roles_required(*ADMIN_ROLES)
def edit(user_id: int):
    user = load_account_for(current_user, user_id)
    form = ProfileForm(obj=user)
    status = 200
    if form.validate_on_submit():
        outcome = perform(update_profile, current_user, user, form.profile())
        if outcome.ok:
            flash(_("Compte de %(name)s enregistré.", name=user.full_name), "success")
            return redirect(url_for(".edit", user_id=user.id))
        flash(outcome.reason, "error")
        status = 422
    elif form.is_submitted():
        status = 422
    return render_template("people/edit.html", person=user, form=form,
                           deactivate_form=DeactivateForm(formdata=None),
                           role=label(ROLE_LABELS, user.role)), status


@bp.post("/<int:user_id>/desactiver")
@roles_required(*ADMIN_ROLES)
def deactivate(user_id: int):
    user = load_account_for(current_user, user_id)
    form = DeactivateForm()
    if form.validate_on_submit():
        outcome = perform(deactivate_account, current_user, user, form.reason.data)
        if outcome.ok:
            flash(_("Le compte de %(name)s est désactivé : il ne peut plus se connecter, son "
                    "historique est conservé.", name=user.full_name), "success")
            return redirect(url_for(".edit", user_id=user.id))
        flash(outcome.reason, "error")
    return render_template("people/edit.html", person=user, form=ProfileForm(obj=user,
                           formdata=None), deactivate_form=form,
                           role=label(ROLE_LABELS, user.role)), 422


@bp.post("/<int:user_id>/reactiver")
@roles_required(*ADMIN_ROLES)
def reactivate(user_id: int):
    user = load_account_for(current_user, user_id)
    outcome = perform(reactivate_account, current_user, user)
    flash(_("Le compte de %(name)s est réactivé.", name=user.full_name) if outcome.ok
          else outcome.reason, "success" if outcome.ok else "error")
    return redirect(url_for(".edit", user_id=user.id))
