"""Rendering the grille and its confirmation step (what views.py answers with)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from workflows.grading import GRADING_SHEET

from . import queries
from .operations import (
    grading_context,
    has_oral,
    scale_levels,
    sheet_state,
    sheet_values,
    sheet_version,
    stored_values,
    top_level,
)
from .permissions import can_see_other_sheets, is_withdrawn

PDF = "application/pdf"


def _common(assignment) -> dict:
    sheet = assignment.sheet
    levels = scale_levels(assignment.exam.block.version)
    withdrawn = is_withdrawn(assignment)
    # A withdrawn juror may no longer download the work (submissions.permissions).
    files = {} if withdrawn else queries.current_files([assignment])
    own_files = files.get((assignment.enrolment_id, assignment.exam_id), [])
    return {
        "assignment": assignment, "sheet": sheet, "stored": stored_values(sheet),
        "own": sheet_values(sheet), "levels": levels, "top": top_level(levels),
        "level_labels": {lv["code"]: lv["label"] for lv in levels},
        "oral": has_oral(assignment.exam), "withdrawn": withdrawn, "files": files,
        "own_files": own_files,
        # The deliverable read beside the grid: the first PDF (bloc 3: the dossier).
        "pdf": next((f for f in own_files if getattr(f, "content_type", None) == PDF), None),
    }


def render_sheet(assignment, form, *, status=200, conflict=False, refused=False,
                 summary=None):
    context = _common(assignment)
    sheet = context["sheet"]
    differences = (queries.differences(form, context["stored"], context["own"],
                                       context["level_labels"])
                   if (conflict or refused) else [])
    if conflict:
        form.version.data = str(sheet_version(sheet))  # a new save knowingly replaces
    editable = not context["withdrawn"] and "save" in GRADING_SHEET.allowed_actions(
        sheet_state(sheet), grading_context(assignment))
    others = (queries.other_sheets(assignment)
              if can_see_other_sheets(current_user, assignment) else None)
    html = render_template(
        "grading/sheet.html", form=form, editable=editable, conflict=conflict,
        refused=refused, differences=differences, summary=summary, others=others,
        **context)
    return html, status


def render_confirmation(assignment, form, *, status=200, conflict=False):
    context = _common(assignment)
    editable = not context["withdrawn"] and "submit" in GRADING_SHEET.allowed_actions(
        sheet_state(context["sheet"]), grading_context(assignment))
    html = render_template("grading/confirm.html", form=form, editable=editable,
                           conflict=conflict, criteria=list(assignment.exam.block.criteria),
                           **context)
    return html, status
