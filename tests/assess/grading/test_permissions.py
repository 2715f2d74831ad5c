"""Unit tests of assess.grading.permissions.can_grade: only the assignment's own juror."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from assess.core.columns import utcnow
from assess.grading.models import GradingSheet, SheetStatus
from assess.grading.permissions import can_grade
from tests.factories import assign

USERS = {
    "none": lambda w: None,
    "anonymous": lambda w: AnonymousUserMixin(),
    "assigned_juror": lambda w: w.jurors[0],
    "unassigned_juror": lambda w: w.jurors[1],
    "certifier_admin": lambda w: w.admin,
    "centre_admin": lambda w: w.centre_admin,
    "graded_candidate": lambda w: w.candidates[0],
}


@pytest.mark.parametrize(("who", "expected"), [
    ("none", False),
    ("anonymous", False),
    ("assigned_juror", True),
    ("unassigned_juror", False),
    ("certifier_admin", False),  # admins never grade
    ("centre_admin", False),
    ("graded_candidate", False),
])
def test_can_grade(grading_world, who, expected):
    w = grading_world
    assert can_grade(USERS[who](w), w.assignments[0]) is expected


def test_a_juror_assigned_elsewhere_may_not_grade_this_assignment(db, grading_world):
    """Blind grading: jurors[1] grades another épreuve of the same candidate, not this one."""
    w = grading_world
    mine, other = w.session.exams[0], w.session.exams[1]
    assign(w.jurors[1], w.enrolments[0], other)
    db.session.commit()
    theirs = next(a for a in w.assignments if a.exam_id == mine.id)
    assert can_grade(w.jurors[1], theirs) is False


def test_a_second_evaluator_may_not_reach_the_first_ones_sheet(db, grading_world):
    """Both jurors assigned to the same épreuve: each one only to their own assignment."""
    w = grading_world
    first = w.assignments[0]
    second = assign(w.jurors[1], w.enrolments[0], first.exam)
    db.session.commit()
    assert (can_grade(w.jurors[0], second), can_grade(w.jurors[1], first)) == (False, False)
    assert (can_grade(w.jurors[0], first), can_grade(w.jurors[1], second)) == (True, True)


def test_no_assignment_means_no_grading(grading_world):
    assert can_grade(grading_world.jurors[0], None) is False


def test_the_juror_still_reaches_their_submitted_sheet(db, grading_world):
    """The permission is about who; the sheet's lock is the lifecycle's job (read-only view)."""
    w = grading_world
    assignment = w.assignments[0]
    db.session.add(GradingSheet(assignment_id=assignment.id, status=SheetStatus.SUBMITTED,
                                submitted_at=utcnow()))
    db.session.commit()
    assert can_grade(w.jurors[0], assignment) is True
    assert can_grade(w.jurors[1], assignment) is False
