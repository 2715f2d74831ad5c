"""A juror's own profile and availability; the admins' list of their pool's jurors."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..core.access import ADMIN_ROLES, roles_required
from ..i18n import day
from ..referential.targeted_jobs import TARGETED_JOBS
from ..unit_of_work import perform
from . import queries
from .forms import AvailabilityForm, JurorProfileForm, OwnProfileForm
from .operations import (
    add_availability,
    remove_availability,
    update_juror_profile,
    update_own_profile,
)
from .permissions import load_availability_of, load_juror_for

bp = Blueprint("jurors", __name__)


def _prefill(juror) -> dict:
    """The stored profile as form data (not ``obj``: it would win over these keys)."""
    return {"first_name": juror.first_name, "last_name": juror.last_name,
            "organisation": juror.organisation, "profession": juror.profession,
            "is_professional": juror.is_professional,
            "works_for_certifier": juror.works_for_certifier,
            "gender": str(juror.gender) if juror.gender else "",
            "blocks": sorted(queries.blocks_of(juror.id)),
            "affiliations": sorted(queries.affiliations_of(juror.id))}


def _own_form(from_request: bool = True) -> OwnProfileForm:
    """Filled from the request, else (another form of the page was posted) from the profile."""
    kwargs = _prefill(current_user)
    form = OwnProfileForm(**kwargs) if from_request else OwnProfileForm(formdata=None,
                                                                        **kwargs)
    return form.offer(queries.latest_blocks(), queries.offered_centres(current_user,
                                                                      current_user))


def _profile_page(form, availability_form, status: int = 200):
    return render_template("jurors/profile.html", form=form,
                           availability_form=availability_form, jobs=TARGETED_JOBS,
                           periods=queries.availabilities_of(current_user.id)), status


@bp.route("/jury/profil", methods=["GET", "POST"])
@roles_required(Role.JUROR)
def profile():
    form = _own_form()
    status = 200
    if form.validate_on_submit():
        outcome = perform(update_own_profile, current_user, form.profile())
        if outcome.ok:
            flash(_("Votre profil est enregistré."), "success")
            return redirect(url_for(".profile"))
        flash(outcome.reason, "error")
        status = outcome.status if outcome.conflict else 422
    elif form.is_submitted():
        status = 422
    return _profile_page(form, AvailabilityForm(formdata=None), status)


@bp.post("/jury/profil/disponibilites")
@roles_required(Role.JUROR)
def add_period():
    form = AvailabilityForm()
    if form.validate_on_submit():
        outcome = perform(add_availability, current_user, current_user, form.starts_on.data,
                          form.ends_on.data)
        if outcome.ok:
            period = outcome.value
            flash(_("Disponibilité enregistrée : du %(start)s au %(end)s.",
                    start=day(period.starts_on), end=day(period.ends_on)), "success")
            return redirect(url_for(".profile") + "#disponibilites")
        form.ends_on.errors = [*form.ends_on.errors, outcome.reason]
    return _profile_page(_own_form(from_request=False), form, 422)


@bp.post("/jury/profil/disponibilites/<int:availability_id>/supprimer")
@roles_required(Role.JUROR)
def remove_period(availability_id: int):
    period = load_availability_of(current_user, availability_id)
    outcome = perform(remove_availability, current_user, current_user, period)
    flash(_("Période retirée.") if outcome.ok else outcome.reason,
          "success" if outcome.ok else "error")
    return redirect(url_for(".profile") + "#disponibilites")


@bp.get("/jurys/membres")
@roles_required(*ADMIN_ROLES)
def pool():
    blocks = queries.latest_blocks()
    block = request.args.get("bloc", type=int)
    if block not in {n for n, _t in blocks}:
        block = None
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = queries.pool_page(current_user, block=block, page=page)
    pages = max(1, -(-total // queries.PAGE_SIZE))
    return render_template("jurors/pool.html", rows=rows, total=total, page=page,
                           pages=pages, blocks=blocks, block=block,
                           centre_id=current_user.centre_id
                           if current_user.role == Role.CENTRE_ADMIN else None)


@bp.route("/jurys/membres/<int:user_id>", methods=["GET", "POST"])
@roles_required(*ADMIN_ROLES)
def edit(user_id: int):
    juror = load_juror_for(current_user, user_id)
    form = JurorProfileForm(**_prefill(juror)).offer(
        queries.latest_blocks(), queries.offered_centres(current_user, juror))
    status = 200
    if form.validate_on_submit():
        outcome = perform(update_juror_profile, current_user, juror, form.profile())
        if outcome.ok:
            flash(_("Profil de %(name)s enregistré.", name=juror.full_name), "success")
            return redirect(url_for(".edit", user_id=juror.id))
        flash(outcome.reason, "error")
        status = outcome.status if outcome.conflict else 422
    elif form.is_submitted():
        status = 422
    return render_template("jurors/edit.html", juror=juror, form=form, jobs=TARGETED_JOBS,
                           periods=queries.availabilities_of(juror.id)), status
