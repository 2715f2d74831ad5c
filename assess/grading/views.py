"""Juror grading: the juror's list of assigned épreuves and the grille d'évaluation.

Only jurors come here (other roles: 403); a juror reaches only their own assignments
(another juror's: 404, so ids cannot be probed), which also keeps grading blind.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from workflows.base import TransitionRefused
from workflows.grading import DRAFT, GRADING_SHEET

from ..accounts.models import Role
from ..core.access import roles_required
from ..extensions import db
from ..outbox.relay import commit
from ..sessions.labels import PART_KIND, label
from ..sessions.models import SessionStatus
from . import queries
from .forms import initial_data, sheet_form
from .operations import (
    GradingError,
    SheetIncomplete,
    StaleSheet,
    criteria_of,
    save_sheet,
    scale_levels,
    sheet_version,
    stored_values,
    submit_sheet,
)

bp = Blueprint("grading", __name__)

OPERATIONS = {"save": save_sheet, "submit": submit_sheet}


@bp.app_template_global("grading_part_kind")
def part_kind_label(kind) -> str:
    return label(PART_KIND, kind)


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
    assignment = queries.load_assignment_for(current_user, assignment_id)
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
    try:
        OPERATIONS[action](current_user, assignment, form.values(), form.expected_version())
        commit()
    except (StaleSheet, StaleDataError, IntegrityError):
        # Another tab (or request) changed the sheet: show what differs, keep the typing.
        db.session.rollback()
        db.session.expire_all()
        assignment = queries.load_assignment_for(current_user, assignment_id)
        return _render(assignment, form, status=409, conflict=True)
    except SheetIncomplete as exc:
        db.session.rollback()
        form.add_level_errors(exc.missing, _("Choisissez un niveau pour ce critère."))
        return _render(assignment, form, status=422, summary=exc.reason)
    except TransitionRefused as exc:
        db.session.rollback()
        flash(exc.reason, "error")
        return _render(assignment, form, status=409, refused=True)
    except GradingError as exc:
        db.session.rollback()
        return _render(assignment, form, status=422, summary=str(exc))
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
    state = str(sheet.status) if sheet is not None else DRAFT
    published = assignment.exam.session.status == SessionStatus.RESULTS_PUBLISHED
    editable = "save" in GRADING_SHEET.allowed_actions(state, {"session_published": published})
    html = render_template(
        "grading/sheet.html", assignment=assignment, sheet=sheet, form=form,
        level_labels=level_labels, stored=stored,
        editable=editable, conflict=conflict, refused=refused, differences=differences,
        summary=summary, files=queries.current_files([assignment]),
    )
    return html, status

