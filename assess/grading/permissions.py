"""Who may grade: only the juror an assignment names. Admins and candidates never grade here."""

from __future__ import annotations

from ..accounts.models import Role


def can_grade(user, assignment) -> bool:
    """Open, save and submit the grille of ``assignment``: its own juror, nobody else.

    Blind grading follows from this: a juror only ever reaches the sheet of their own
    assignment, never another evaluator's sheet for the same work.
    """
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.role == Role.JUROR
        and assignment is not None
        and assignment.juror_id == user.id
    )
