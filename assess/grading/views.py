"""Juror grading: the juror's list of assigned épreuves and the grille d'évaluation.

Only jurors come here (other roles: 403); a juror reaches only their own assignments
(another juror's: 404, so ids cannot be probed), which also keeps grading blind.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workflows.base import TransitionRefused
from workflows.grading import GRADING_SHEET

from ..accounts.models import Role
from ..core.access import roles_required
from ..core.labels import label
from ..unit_of_work import perform
from . import queries
from .forms import initial_data, sheet_form
from .labels import SHEET_STATUS
from .operations import (
    SheetIncomplete,
    criteria_of,
    grading_context,
    save_sheet,
    scale_levels,
    sheet_state,
    sheet_version,
    stored_values,
    submit_sheet,
)
from .permissions import load_assignment_for

bp = Blueprint("grading", __name__)

OPERATIONS = {"save": save_sheet, "submit": submit_sheet}


@bp.app_template_filter("sheet_status")
def sheet_status_label(status) -> str:
    return label(SHEET_STATUS, status)


@bp.get("/jury/")
@roles_required(Role.JUROR)
def index():
    assignments = queries.assignments_of(current_user)
    return render_template(
        "grading/index.html",
        groups=queries.group_by_session(assignments),
        files=queries.current_files(assignments),
    )


@bp.route("/jury/evaluations/<int:assignment_id>", methods=["GET", "POST"])
@roles_required(Role.JUROR)
def sheet(assignment_id: int):
    assignment = load_assignment_for(current_user, assignment_id)
    if request.method == "GET":
        stored = stored_values(assignment.sheet)
        form = _form(assignment, data=initial_data(criteria_of(assignment), stored,
                                                   sheet_version(assignment.sheet)))
        return _render(assignment, form)
    return _post(assignment_id, assignment)


def _post(assignment_id: int, assignment):
    # Enter in a text field posts the first button (save); default to it as well.
    action = request.form.get("action") or "save"
    if action not in OPERATIONS:
        abort(400)
    form = _form(assignment)
    if not form.validate():
        return _render(assignment, form, status=422)
    outcome = perform(OPERATIONS[action], current_user, assignment, form.values(),
                      form.expected_version())
    if outcome.conflict is not None:
        # Another tab (or request) changed the sheet: show what differs, keep the typing.
        assignment = load_assignment_for(current_user, assignment_id)
        return _render(assignment, form, status=409, conflict=True)
    if isinstance(outcome.refusal, SheetIncomplete):
        form.add_level_errors(outcome.refusal.missing, _("Choisissez un niveau pour ce critère."))
        return _render(assignment, form, status=422, summary=outcome.reason)
    if isinstance(outcome.refusal, TransitionRefused):  # locked sheet, closed session
        flash(outcome.reason, "error")
        return _render(assignment, form, status=409, refused=True)
    if not outcome.ok:
        return _render(assignment, form, status=422, summary=outcome.reason)
    if action == "submit":
        flash(_("Grille soumise : elle est désormais verrouillée et ne peut plus être "
                "modifiée."), "success")
    else:
        flash(_("Brouillon enregistré. Vous pouvez le reprendre plus tard puis soumettre "
                "la grille."), "success")
    return redirect(url_for("grading.sheet", assignment_id=assignment_id))


def _form(assignment, **kwargs):
    return sheet_form(criteria_of(assignment), scale_levels(assignment.exam.block.version),
                      **kwargs)


def _render(assignment, form, *, status=200, conflict=False, refused=False, summary=None):
    sheet = assignment.sheet
    stored = stored_values(sheet)
    level_labels = {lv["code"]: lv["label"] for lv in scale_levels(assignment.exam.block.version)}
    differences = queries.differences(form, stored, level_labels) if (conflict or refused) else []
    if conflict:
        form.version.data = str(sheet_version(sheet))  # a new save knowingly replaces
    editable = "save" in GRADING_SHEET.allowed_actions(sheet_state(sheet),
                                                       grading_context(assignment))
    html = render_template(
        "grading/sheet.html", assignment=assignment, sheet=sheet, form=form,
        level_labels=level_labels, stored=stored,
        editable=editable, conflict=conflict, refused=refused, differences=differences,
        summary=summary, files=queries.current_files([assignment]),
    )
    return html, status
