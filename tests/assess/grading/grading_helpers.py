"""Helpers of the grading tests: find an assignment, build a posted grille."""

from __future__ import annotations

from html import unescape

from sqlalchemy import select

from assess.grading.models import GradingSheet


def bloc_assignment(w, number: int):
    """The assignment of jurors[0] for the first candidate's épreuve of bloc ``number``."""
    return next(a for a in w.assignments
                if a.exam.block.number == number and a.enrolment_id == w.enrolments[0].id)


def sheet_url(assignment) -> str:
    return f"/jury/evaluations/{assignment.id}"


def draft_url(assignment) -> str:
    return f"/jury/grilles/{assignment.id}/brouillon"


def confirm_url(assignment) -> str:
    return f"/jury/evaluations/{assignment.id}/soumettre"


def criteria(assignment) -> list:
    return list(assignment.exam.block.criteria)


def html_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def sheet_of(db, assignment) -> GradingSheet | None:
    db.session.expire_all()
    return db.session.scalar(select(GradingSheet).where(
        GradingSheet.assignment_id == assignment.id))


def form_data(assignment, *, levels=None, observations=None, evidence=None, version=0,
              action="save", default_level=None, oral_evidence=None, overall_comment=None,
              absent=False, default_observation="") -> dict:
    """A posted grille. ``levels``/``observations``/``evidence``/``oral_evidence`` map a
    criterion code to its value; ``default_level`` fills every level not given."""
    levels, observations, evidence = levels or {}, observations or {}, evidence or {}
    data = {"version": str(version), "action": action}
    for c in criteria(assignment):
        level = levels.get(c.code, default_level)
        if level is not None:
            data[f"level_{c.id}"] = level
        data[f"observation_{c.id}"] = observations.get(c.code, default_observation)
        data[f"evidence_{c.id}"] = evidence.get(c.code, "")
        if oral_evidence is not None:
            data[f"oral_evidence_{c.id}"] = oral_evidence.get(c.code, "")
    if overall_comment is not None:
        data["overall_comment"] = overall_comment
    if absent:
        data["candidate_absent"] = "y"
    return data


def draft_fields(assignment, **kwargs) -> dict:
    """The JSON fields the autosave script posts (the form's, without the machinery)."""
    data = form_data(assignment, **kwargs)
    data.pop("action")
    data.pop("version")
    return data
