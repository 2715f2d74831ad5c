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


def switch_user(as_user, user):
    """Log ``user`` in. The tests share one app context, where Flask-Login caches the
    previous request's user in ``g``: drop it so that the next request loads ``user``."""
    from flask import g

    g.pop("_login_user", None)
    return as_user(user)


def fresh_request_state(db) -> None:
    """Forget what earlier requests loaded (cached user, identity map), for fair counts."""
    from flask import g

    g.pop("_login_user", None)
    db.session.expire_all()
