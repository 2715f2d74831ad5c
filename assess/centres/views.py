"""Training centres, for the certifier admin: list, create, show, invite the centre's admins."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..accounts.operations import AccountError
from ..core.access import roles_required
from ..extensions import db
from ..outbox.relay import commit
from ..sessions.labels import SESSION_STATUS, label
from . import queries
from .forms import CentreForm, InviteCentreAdminForm
from .operations import CentreError, create_centre, invite_centre_admin, reinvite_centre_admin
from .permissions import can_reinvite, load_centre_admin, load_centre_for

bp = Blueprint("centres", __name__, url_prefix="/centres")


@bp.context_processor
def _helpers():
    return {"format_siret": queries.format_siret, "centres_session_status":
            lambda status: label(SESSION_STATUS, status)}


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
    if form.validate_on_submit():
        try:
            centre = create_centre(current_user, name=form.name.data, siret=form.siret.data,
                                   city=form.city.data)
        except CentreError as exc:
            db.session.rollback()
            form.name.errors.append(str(exc))
        else:
            commit()
            flash(_("Centre « %(name)s » créé. Invitez maintenant son administrateur.",
                    name=centre.name), "success")
            return redirect(url_for(".show", centre_id=centre.id))
    return render_template("centres/create.html", form=form)


def _show_page(centre, invite_form: InviteCentreAdminForm):
    return render_template(
        "centres/show.html", centre=centre, invite_form=invite_form,
        admins=queries.centre_admins(centre.id), sessions=queries.centre_sessions(centre.id),
        can_reinvite=lambda admin: can_reinvite(current_user, admin))


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
    if form.validate_on_submit():
        try:
            admin = invite_centre_admin(current_user, centre, email=form.email.data,
                                        first_name=form.first_name.data,
                                        last_name=form.last_name.data)
        except (AccountError, CentreError) as exc:
            db.session.rollback()
            form.email.errors.append(str(exc))
        else:
            commit()
            flash(_("Invitation envoyée à %(email)s : %(name)s choisira son mot de passe en "
                    "suivant le lien reçu.", email=admin.email, name=admin.full_name), "success")
            return redirect(url_for(".show", centre_id=centre.id))
    return _show_page(centre, form)


@bp.post("/<int:centre_id>/admins/<int:user_id>/reinvite")
@centres_required
def reinvite(centre_id: int, user_id: int):
    centre = load_centre_for(current_user, centre_id)
    admin = load_centre_admin(current_user, centre, user_id)
    try:
        reinvite_centre_admin(current_user, admin)
    except CentreError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        commit()
        flash(_("Invitation renvoyée à %(email)s.", email=admin.email), "success")
    return redirect(url_for(".show", centre_id=centre.id))
