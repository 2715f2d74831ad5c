"""Training centres, for the certifier admin: list, create, show, invite the centre's admins."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..core.access import roles_required
from ..unit_of_work import perform
from . import queries
from .forms import CentreForm, InviteCentreAdminForm
from .labels import format_siret
from .operations import create_centre, invite_centre_admin, reinvite_centre_admin, update_centre
from .permissions import can_reinvite, load_centre_admin, load_centre_for

bp = Blueprint("centres", __name__, url_prefix="/centres")


@bp.app_template_filter("siret")
def siret_filter(siret: str | None) -> str:
    return format_siret(siret)


# Only the certifier admin manages centres (``permissions.can_manage_centres``).
centres_required = roles_required(Role.CERTIFIER_ADMIN)


@bp.get("/")
@centres_required
def index():
    return render_template("centres/index.html", rows=queries.centre_rows())


@bp.route("/new", methods=["GET", "POST"])
@centres_required
def create():
    form = CentreForm()
    status = 200
    if form.validate_on_submit():
        outcome = perform(create_centre, current_user, name=form.name.data,
                          siret=form.siret.data, city=form.city.data)
        if outcome.ok:
            centre = outcome.value
            flash(_("Centre « %(name)s » créé. Invitez maintenant son administrateur.",
                    name=centre.name), "success")
            return redirect(url_for(".show", centre_id=centre.id))
        form.name.errors.append(outcome.reason)
        status = outcome.status
    return render_template("centres/create.html", form=form), status


def _show_page(centre, invite_form: InviteCentreAdminForm, status: int = 200):
    return render_template(
        "centres/show.html", centre=centre, invite_form=invite_form,
        admins=queries.centre_admins(centre.id), sessions=queries.centre_sessions(centre.id),
        can_reinvite=lambda admin: can_reinvite(current_user, admin)), status


@bp.route("/<int:centre_id>/modifier", methods=["GET", "POST"])
@centres_required
def edit(centre_id: int):
    centre = load_centre_for(current_user, centre_id)
    form = CentreForm(obj=centre)
    status = 200
    if form.validate_on_submit():
        outcome = perform(update_centre, current_user, centre, name=form.name.data,
                          siret=form.siret.data, city=form.city.data)
        if outcome.ok:
            flash(_("Centre « %(name)s » enregistré.", name=centre.name), "success")
            return redirect(url_for(".show", centre_id=centre.id))
        form.name.errors.append(outcome.reason)
        status = 422
    elif form.is_submitted():
        status = 422
    return render_template("centres/edit.html", form=form, centre=centre), status


@bp.get("/<int:centre_id>")
@centres_required
def show(centre_id: int):
    centre = load_centre_for(current_user, centre_id)
    return _show_page(centre, InviteCentreAdminForm())


@bp.post("/<int:centre_id>/admins")
@centres_required
def invite_admin(centre_id: int):
    centre = load_centre_for(current_user, centre_id)
    form = InviteCentreAdminForm()
    status = 200
    if form.validate_on_submit():
        outcome = perform(invite_centre_admin, current_user, centre, email=form.email.data,
                          first_name=form.first_name.data, last_name=form.last_name.data)
        if outcome.ok:
            admin = outcome.value
            flash(_("Invitation envoyée à %(email)s : %(name)s choisira son mot de passe en "
                    "suivant le lien reçu.", email=admin.email, name=admin.full_name), "success")
            return redirect(url_for(".show", centre_id=centre.id))
        form.email.errors.append(outcome.reason)
        status = outcome.status
    return _show_page(centre, form, status)


@bp.post("/<int:centre_id>/admins/<int:user_id>/reinvite")
@centres_required
def reinvite(centre_id: int, user_id: int):
    centre = load_centre_for(current_user, centre_id)
    admin = load_centre_admin(current_user, centre, user_id)
    outcome = perform(reinvite_centre_admin, current_user, admin)
    if outcome.ok:
        flash(_("Invitation renvoyée à %(email)s.", email=admin.email), "success")
    else:
        flash(outcome.reason, "error")
    return redirect(url_for(".show", centre_id=centre.id))
