"""Helpers of the grading tests: find an assignment, build a posted grille."""

from __future__ import annotations


def bloc_assignment(w, number: int):
    """The assignment of jurors[0] for the first candidate's épreuve of bloc ``number``."""
    return next(a for a in w.assignments
                if a.exam.block.number == number and a.enrolment_id == w.enrolments[0].id)


def sheet_url(assignment) -> str:
    return f"/jury/evaluations/{assignment.id}"


def criteria(assignment) -> list:
    return list(assignment.exam.block.criteria)


def form_data(assignment, *, levels=None, observations=None, evidence=None, version=0,
              action="save", default_level=None) -> dict:
    """A posted grille. ``levels``/``observations``/``evidence`` map a criterion code to its
    value; ``default_level`` fills every level not given."""
    levels, observations, evidence = levels or {}, observations or {}, evidence or {}
    data = {"version": str(version), "action": action}
    for c in criteria(assignment):
        level = levels.get(c.code, default_level)
        if level is not None:
            data[f"level_{c.id}"] = level
        data[f"observation_{c.id}"] = observations.get(c.code, "")
        data[f"evidence_{c.id}"] = evidence.get(c.code, "")
    return data

