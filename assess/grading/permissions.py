"""Who may grade: only the juror an assignment names. Admins and candidates never grade here."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from ..accounts.models import Role, User
from ..candidates.models import Candidate, Enrolment
from ..extensions import db
from ..juries.models import Assignment
from ..referential.models import Block
from ..sessions.models import CertificationSession, Exam
from .models import GradingSheet


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
    if assignment is None or not can_grade(user, assignment):
        abort(404)
    return assignment
