"""Unit tests of assess.juries.permissions: can_invite_juror, can_assign, can_unassign."""

from __future__ import annotations

import pytest

from assess.core.columns import utcnow
from assess.grading.models import GradingSheet, SheetStatus
from assess.juries.permissions import can_assign, can_invite_juror, can_unassign
from tests.factories import ACTORS as USERS
from tests.factories import ADMINS_OF_THE_SESSION as WHO
from tests.factories import move_to
from workflows.session import SessionStatus

ADMINS = ["certifier_admin", "centre_admin"]


@pytest.fixture
def w(world):
    """One candidate, every épreuve assigned to jurors[0]."""
    return world(candidates=1, jurors=1)


def publish(db, session):
    move_to(session, SessionStatus.PUBLISHED)
    db.session.commit()


def add_sheet(db, assignment, status):
    db.session.add(GradingSheet(
        assignment_id=assignment.id, status=status,
        submitted_at=utcnow() if status == SheetStatus.SUBMITTED else None))
    db.session.commit()
    db.session.refresh(assignment)


@pytest.mark.parametrize(("who", "expected"), [
    ("anonymous", False), ("certifier_admin", True), ("centre_admin", True),
    ("assigned_juror", False), ("enrolled_candidate", False),
])
def test_can_invite_juror(w, who, expected):
    assert can_invite_juror(USERS[who](w)) is expected


@pytest.mark.parametrize(("who", "expected"), WHO)
def test_can_assign(w, who, expected):
    assert can_assign(USERS[who](w), w.enrolments[0]) is expected


@pytest.mark.parametrize("who", ADMINS)
def test_can_assign_is_refused_once_results_are_published(db, w, who):
    publish(db, w.session)
    assert can_assign(USERS[who](w), w.enrolments[0]) is False


@pytest.mark.parametrize(("who", "expected"), WHO)
def test_can_unassign_an_assignment_without_sheet(w, who, expected):
    assert can_unassign(USERS[who](w), w.assignments[0]) is expected


@pytest.mark.parametrize(("status", "expected"), [
    (SheetStatus.DRAFT, True),
    (SheetStatus.SUBMITTED, False),  # a submitted sheet is evidence
])
@pytest.mark.parametrize("who", ADMINS)
def test_can_unassign_depends_on_the_sheet(db, w, who, status, expected):
    assignment = w.assignments[0]
    add_sheet(db, assignment, status)
    assert can_unassign(USERS[who](w), assignment) is expected


@pytest.mark.parametrize("who", ADMINS)
def test_can_unassign_is_refused_once_results_are_published(db, w, who):
    publish(db, w.session)
    assert can_unassign(USERS[who](w), w.assignments[0]) is False
