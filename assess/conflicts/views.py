"""Conflicts of interest: a juror's own declarations; a session's links and what is left to
reassign, for its admins."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..accounts.models import Role
from ..core.access import ADMIN_ROLES, roles_required
from ..core.labels import label
from ..sessions.permissions import load_session_for
from ..unit_of_work import perform
from . import queries
from .forms import KnownLinkForm, OwnLinkForm
from .labels import LINK_KINDS
from .operations import MAX_DETAIL, AlreadyDeclared, declare_own_link, record_known_link

bp = Blueprint("conflicts", __name__)


@bp.app_template_filter("link_kind")
def link_kind_label(kind) -> str:
    return label(LINK_KINDS, kind)


def _status(outcome) -> int:
    if outcome.conflict is not None or isinstance(outcome.refusal, AlreadyDeclared):
        return 409
    return 422


def _flash_declared(declared) -> None:
    withdrawn = len(declared.withdrawn)
    if withdrawn:
        flash(ngettext("Lien enregistré. L'évaluateur a été retiré de %(num)d épreuve de ce "
                       "candidat ; l'administrateur de la session est prévenu pour la "
                       "réaffecter.",
                       "Lien enregistré. L'évaluateur a été retiré de %(num)d épreuves de ce "
                       "candidat ; l'administrateur de la session est prévenu pour les "
                       "réaffecter.", withdrawn), "success")
    else:
        flash(_("Lien enregistré : ce membre du jury ne sera jamais affecté à ce candidat."),
              "success")


@bp.route("/jury/conflits", methods=["GET", "POST"])
@roles_required(Role.JUROR)
def own_links():
    form = OwnLinkForm()
    if request.method == "GET":
        form.q.data = request.args.get("q", "")
        assignment = request.args.get("assignment", type=int)
        if assignment is not None:
            form.candidate.data = f"a{assignment}"
    status = 200
    if form.validate_on_submit():
        outcome = perform(declare_own_link, current_user, form.candidate.data, form.kind.data,
                          form.detail.data)
        if outcome.ok:
            _flash_declared(outcome.value)
            return redirect(url_for(".own_links"))
        flash(outcome.reason, "error")
        status = _status(outcome)
    elif form.is_submitted():
        status = 422
    return _own_page(form, status)


def _own_page(form, status: int):
    declared = queries.declared_ids(current_user)
    assigned = queries.assignment_choices(current_user, declared)
    text = (form.q.data or "").strip()
    found, more = queries.search(current_user, text, declared)
    offered = {c.value for c in [*assigned, *found]}
    picked = queries.parse_choice(form.candidate.data)
    if picked and picked[0] == "e" and form.candidate.data not in offered:
        # Found by an earlier search and posted back: offered again if still in reach.
        kept = queries.searched_choice(current_user, picked[1], declared)
        found = [kept, *found] if kept is not None else found
    return render_template("conflicts/own.html", form=form, links=queries.own_links(current_user),
                           assigned=assigned, found=found, more=more, q=text,
                           min_search=queries.MIN_SEARCH, max_results=queries.MAX_RESULTS,
                           searched=bool(text), max_detail=MAX_DETAIL), status


@bp.route("/sessions/<int:session_id>/conflits", methods=["GET", "POST"])
@roles_required(*ADMIN_ROLES)
def session_links(session_id: int):
    session = load_session_for(current_user, session_id)
    jurors, enrolments = queries.session_pool(session), queries.session_enrolments(session)
    form = KnownLinkForm().offer(jurors, enrolments)
    status = 200
    if form.validate_on_submit():
        outcome = perform(record_known_link, current_user, session, form.juror_id,
                          form.enrolment_id, form.kind.data, form.detail.data)
        if outcome.ok:
            _flash_declared(outcome.value)
            return redirect(url_for(".session_links", session_id=session.id))
        flash(outcome.reason, "error")
        status = _status(outcome)
    elif form.is_submitted():
        status = 422
    return render_template("conflicts/session.html", cert_session=session, form=form,
                           links=queries.session_links(session),
                           to_reassign=queries.to_reassign(session), jurors=jurors,
                           max_detail=MAX_DETAIL), status
