"""Who may grade: only the juror an assignment names. Admins and candidates never grade here
(an admin of the session may only reopen a submitted sheet)."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from ..accounts.models import Role, User
from ..candidates.models import Candidate, Enrolment
from ..extensions import db
from ..juries.facts import has_conflict
from ..juries.models import Assignment
from ..referential.models import Block
from ..sessions.models import CertificationSession, Exam
from ..sessions.permissions import can_view_session, load_session_for
from .models import GradingSheet, SheetStatus


def is_own(user, assignment) -> bool:
    """``assignment`` names ``user`` as its juror. Blind grading follows from this: a juror
    only ever reaches the sheet of their own assignment, never another evaluator's."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.role == Role.JUROR
        and assignment is not None
        and assignment.juror_id == user.id
    )


def is_withdrawn(assignment) -> bool:
    """Taken off the work (a link with the candidate declared after allocation)."""
    return assignment is not None and assignment.withdrawn_at is not None


def can_grade(user, assignment) -> bool:
    """Save and submit the grille of ``assignment``: its own juror, unless withdrawn from
    it. (A declared link with the candidate is checked too, by the loader and the
    operation: it takes a query.)"""
    return is_own(user, assignment) and not is_withdrawn(assignment)


def can_open_sheet(user, assignment, conflicted: bool) -> bool:
    """Read one's own grille. A juror withdrawn from the work still reads their sheet
    (read-only, with why); a declared link otherwise hides the work entirely."""
    return is_own(user, assignment) and (is_withdrawn(assignment) or not conflicted)


def can_see_other_sheets(user, assignment) -> bool:
    """The other evaluators' sheets for the same work, read-only: once one's own is
    submitted (grading stays blind until then), and never when withdrawn."""
    sheet = assignment.sheet
    return (can_grade(user, assignment) and sheet is not None
            and sheet.status == SheetStatus.SUBMITTED)


def can_reopen(user, session) -> bool:
    """Give a submitted sheet back to its juror: the admins of the session."""
    return can_view_session(user, session)


def scoped_assignments(user):
    """Assignments of ``user`` with what the pages show, loaded in the same statement."""
    return (
        select(Assignment)
        .join(Assignment.exam).join(Exam.session)
        .join(Assignment.enrolment).join(Enrolment.candidate).join(Candidate.user)
        .where(Assignment.juror_id == user.id)
        .options(
            contains_eager(Assignment.exam).contains_eager(Exam.session),
            contains_eager(Assignment.exam).joinedload(Exam.block),
            contains_eager(Assignment.exam).selectinload(Exam.parts),
            contains_eager(Assignment.enrolment).contains_eager(Enrolment.candidate)
            .contains_eager(Candidate.user),
            joinedload(Assignment.sheet),
        )
        .order_by(CertificationSession.starts_on.desc(), CertificationSession.id.desc(),
                  User.last_name, User.first_name, Enrolment.id, Exam.position)
    )


def load_assignment_for(user, assignment_id: int) -> Assignment:
    """The assignment with its bloc's criteria and the juror's own sheet; 404 unless the
    user is its juror (the role itself is checked by the view's decorator)."""
    assignment = db.session.scalars(
        scoped_assignments(user).where(Assignment.id == assignment_id).options(
            contains_eager(Assignment.exam).joinedload(Exam.block)
            .selectinload(Block.criteria),
            contains_eager(Assignment.exam).joinedload(Exam.block).joinedload(Block.version),
            joinedload(Assignment.sheet).selectinload(GradingSheet.marks),
        )
    ).unique().one_or_none()
    if assignment is None or not can_open_sheet(
            user, assignment, has_conflict(user.id, assignment.enrolment_id)):
        abort(404)
    return assignment


def load_sheet_for_admin(user, session_id: int, sheet_id: int) -> GradingSheet:
    """A sheet of a session the admin manages (403 for another role, 404 if out of scope),
    with its assignment, juror and épreuve."""
    session = load_session_for(user, session_id)
    sheet = db.session.scalars(
        select(GradingSheet).join(GradingSheet.assignment).join(Assignment.exam)
        .where(GradingSheet.id == sheet_id, Exam.session_id == session.id)
        .options(contains_eager(GradingSheet.assignment).contains_eager(Assignment.exam),
                 contains_eager(GradingSheet.assignment).joinedload(Assignment.juror),
                 contains_eager(GradingSheet.assignment).joinedload(Assignment.enrolment))
    ).one_or_none()
    if sheet is None:
        abort(404)
    return sheet
