"""Enrolling a candidate in a session: an existing candidate of the centre, or a new one."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ..core.access import ADMIN_ROLES, roles_required
from ..core.labels import label
from ..sessions.permissions import can_change_session, load_session_for
from ..unit_of_work import perform
from . import queries
from .forms import FULL, NEW, EnrolForm
from .labels import ACCESS_ROUTE
from .operations import IdentityRefused, enrol_existing_candidate, enrol_new_candidate

bp = Blueprint("candidates", __name__)


@bp.app_template_filter("access_route")
def access_route_label(route) -> str:
    return label(ACCESS_ROUTE, route)


@bp.route("/sessions/<int:session_id>/enrol", methods=["GET", "POST"])
@roles_required(*ADMIN_ROLES)
def enrol(session_id: int):
    session = load_session_for(current_user, session_id)
    blocks = list(session.referential_version.blocks)
    candidates = queries.centre_candidates(session.centre_id)
    enrolled = queries.enrolled_candidate_ids(session.id)
    form = EnrolForm()
    form.candidate_id.choices = [SelectChoice(0, _("— Choisir un candidat —"))] + [
        SelectChoice(c.id, _candidate_label(c, c.id in enrolled),
                     {"disabled": True} if c.id in enrolled else {}) for c in candidates]
    form.blocks.choices = [SelectChoice(b.id, _("Bloc %(n)d — %(title)s", n=b.number,
                                                 title=b.title)) for b in blocks]
    has_candidates = len(candidates) > len(enrolled)
    if request.method == "GET" and not has_candidates:
        form.who.data = NEW  # nobody to pick: start on the new-candidate part
    status = 200
    if form.validate_on_submit():
        picked = set(form.blocks.data or ())  # None when no box is ticked
        chosen = blocks if form.scope.data == FULL else [b for b in blocks if b.id in picked]
        outcome = perform(_enrol, session, form, chosen)
        if outcome.ok:
            enrolment = outcome.value
            flash(_("%(name)s est inscrit(e) à la session.",
                    name=enrolment.candidate.user.full_name), "success")
            return redirect(url_for("juries.assign", session_id=session.id,
                                    enrolment_id=enrolment.id))
        if isinstance(outcome.refusal, IdentityRefused):
            form.add_problems(outcome.refusal.problems)
        flash(outcome.reason, "error")
        status = outcome.status
    return render_template("candidates/enrol.html", cert_session=session, form=form,
                           has_candidates=has_candidates,
                           can_manage=can_change_session(current_user, session, "enrol")), status


def _enrol(session, form, blocks):
    if form.who.data == NEW:
        return enrol_new_candidate(current_user, session, email=form.email.data,
                                   identity=form.identity(),
                                   access_route=form.access_route.data, blocks=blocks)
    return enrol_existing_candidate(current_user, session, form.candidate_id.data, blocks)


def _candidate_label(candidate, enrolled: bool) -> str:
    text = f"{candidate.user.last_name} {candidate.user.first_name} <{candidate.user.email}>"
    return text + (" — " + _("déjà inscrit(e)") if enrolled else "")
