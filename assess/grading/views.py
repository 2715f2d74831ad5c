"""Juror grading: the juror's list of assigned épreuves and the grille d'évaluation.

Only jurors come here (other roles: 403); a juror reaches only their own assignments
(another juror's, or the work of a candidate they declared a link with: 404, so ids
cannot be probed), which also keeps grading blind. The admins of a session come only to
reopen a submitted sheet.

The grille works without JavaScript (save, submit → confirmation page → confirm); with
it, drafts are also saved as the juror types (``draft``, JSON) and kept in the browser.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workflows.base import TransitionRefused

from ..accounts.models import Role
from ..core.access import ADMIN_ROLES, roles_required
from ..core.labels import label
from ..extensions import csrf
from ..unit_of_work import perform
from . import drafts, queries
from .forms import ConfirmForm, ReopenForm, foreign_criteria, initial_data, sheet_form
from .labels import SHEET_STATUS
from .operations import (
    SheetIncomplete,
    criteria_of,
    has_oral,
    reopen_sheet,
    review_sheet,
    save_sheet,
    scale_levels,
    sheet_values,
    sheet_version,
    stored_values,
    submit_sheet,
)
from .pages import render_confirmation, render_sheet
from .permissions import load_assignment_for, load_sheet_for_admin

bp = Blueprint("grading", __name__)

# "submit" asks for confirmation (a page, or the dialog the script opens), "confirm" locks.
OPERATIONS = {"save": save_sheet, "submit": review_sheet, "confirm": submit_sheet}


@bp.app_template_filter("sheet_status")
def sheet_status_label(status) -> str:
    return label(SHEET_STATUS, status)


@bp.get("/jury/")
@roles_required(Role.JUROR)
def index():
    return render_template("grading/index.html", **queries.dashboard(current_user))


@bp.route("/jury/evaluations/<int:assignment_id>", methods=["GET", "POST"])
@roles_required(Role.JUROR)
def sheet(assignment_id: int):
    assignment = load_assignment_for(current_user, assignment_id)
    if request.method == "GET":
        data = initial_data(criteria_of(assignment), stored_values(assignment.sheet),
                            sheet_version(assignment.sheet), sheet_values(assignment.sheet))
        return render_sheet(assignment, _form(assignment, data=data))
    return _post(assignment_id, assignment)


def _post(assignment_id: int, assignment):
    # Enter in a text field posts the first button (save); default to it as well.
    action = request.form.get("action") or "save"
    if action not in OPERATIONS:
        abort(400)
    form = _form(assignment)
    if foreign_criteria(request.form.keys(), criteria_of(assignment)):
        return render_sheet(assignment, form, status=422, summary=_(
            "Ce critère n'appartient pas au bloc de cette épreuve."))
    if not form.validate():
        return render_sheet(assignment, form, status=422)
    outcome = perform(OPERATIONS[action], current_user, assignment, form.values(),
                      form.expected_version(), **form.sheet_fields())
    if not outcome.ok:
        return _refused(assignment_id, assignment, form, outcome)
    if action == "submit":
        return redirect(url_for("grading.confirm", assignment_id=assignment_id))
    if action == "confirm":
        flash(_("Grille soumise : elle est désormais verrouillée et ne peut plus être "
                "modifiée."), "success")
    else:
        flash(_("Brouillon enregistré. Vous pouvez le reprendre plus tard puis soumettre "
                "la grille."), "success")
    return redirect(url_for("grading.sheet", assignment_id=assignment_id))


def _refused(assignment_id: int, assignment, form, outcome):
    if outcome.conflict is not None:
        # Another tab (or request) changed the sheet: show what differs, keep the typing.
        assignment = load_assignment_for(current_user, assignment_id)
        return render_sheet(assignment, form, status=409, conflict=True)
    refusal = outcome.refusal
    if isinstance(refusal, SheetIncomplete):
        form.add_level_errors(refusal.missing, _("Choisissez un niveau pour ce critère."))
        form.add_observation_errors(refusal.missing_observations, _(
            "Une observation est nécessaire pour ce niveau."))
        return render_sheet(assignment, form, status=422, summary=outcome.reason)
    if isinstance(refusal, TransitionRefused):  # locked sheet, closed session, withdrawn
        flash(outcome.reason, "error")
        return render_sheet(assignment, form, status=409, refused=True)
    return render_sheet(assignment, form, status=422, summary=outcome.reason)


@bp.route("/jury/evaluations/<int:assignment_id>/soumettre", methods=["GET", "POST"])
@roles_required(Role.JUROR)
def confirm(assignment_id: int):
    """The confirmation step without JavaScript: the levels summarised, then « Confirmer »."""
    assignment = load_assignment_for(current_user, assignment_id)
    form = ConfirmForm()
    if request.method == "GET":
        form.version.data = str(sheet_version(assignment.sheet))
        return render_confirmation(assignment, form)
    if not form.validate():
        return render_confirmation(assignment, form, status=422)
    outcome = perform(submit_sheet, current_user, assignment, {}, form.expected_version())
    if outcome.conflict is not None:
        assignment = load_assignment_for(current_user, assignment_id)
        form.version.data = str(sheet_version(assignment.sheet))
        return render_confirmation(assignment, form, status=409, conflict=True)
    if not outcome.ok:
        flash(outcome.reason, "error")
        return redirect(url_for("grading.sheet", assignment_id=assignment_id))
    flash(_("Grille soumise : elle est désormais verrouillée et ne peut plus être "
            "modifiée."), "success")
    return redirect(url_for("grading.sheet", assignment_id=assignment_id))


@bp.post("/jury/grilles/<int:assignment_id>/brouillon")
@csrf.exempt  # checked below, so that a failure answers JSON the script understands
def draft(assignment_id: int):
    """The autosave of the grille (JSON): {version, saved_at}, or why not (401 logged
    out, 400 "csrf", 409 "stale" with the saved version, 409 "locked", 422 "invalid")."""
    refusal = drafts.refuse_request(current_user)
    if refusal is not None:
        return refusal
    assignment = load_assignment_for(current_user, assignment_id)
    payload = drafts.read_payload(request.get_json(silent=True))
    if payload is None:
        return drafts.answer(400, code="invalid", message=_("Requête illisible."))
    fields, version = payload
    if foreign_criteria(fields.keys(), criteria_of(assignment)):
        return drafts.answer(422, code="invalid", message=_(
            "Ce critère n'appartient pas au bloc de cette épreuve."))
    form = _form(assignment, formdata=drafts.formdata(fields, version), meta={"csrf": False})
    if not form.validate():
        return drafts.invalid(form)
    outcome = perform(save_sheet, current_user, assignment, form.values(),
                      form.expected_version(), **form.sheet_fields())
    if outcome.conflict is not None:
        return drafts.stale(load_assignment_for(current_user, assignment_id))
    if not outcome.ok:
        status = 409 if isinstance(outcome.refusal, TransitionRefused) else 422
        return drafts.answer(status, code="locked" if status == 409 else "invalid",
                             message=outcome.reason)
    return drafts.saved(outcome.value)


@bp.route("/sessions/<int:session_id>/grilles/<int:sheet_id>/rouvrir", methods=["GET", "POST"])
@roles_required(*ADMIN_ROLES)
def reopen(session_id: int, sheet_id: int):
    """An admin gives a submitted sheet back to its juror, with a written reason."""
    sheet = load_sheet_for_admin(current_user, session_id, sheet_id)
    form = ReopenForm()
    if request.method == "POST" and form.validate():
        outcome = perform(reopen_sheet, current_user, sheet, form.reason.data)
        if outcome.ok:
            flash(_("Grille rouverte : l'évaluateur a été prévenu et peut la modifier."),
                  "success")
            return redirect(url_for("candidate_record.show", session_id=session_id,
                                    enrolment_id=sheet.assignment.enrolment_id))
        flash(outcome.reason, "error")
        return render_template("grading/reopen.html", sheet=sheet, form=form), 409
    status = 422 if form.errors else 200
    return render_template("grading/reopen.html", sheet=sheet, form=form), status


def _form(assignment, **kwargs):
    return sheet_form(criteria_of(assignment), scale_levels(assignment.exam.block.version),
                      oral=has_oral(assignment.exam), **kwargs)
