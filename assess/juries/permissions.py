"""Who may assign jurors and invite them."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.models import Role, User
from ..core.access import is_admin
from ..extensions import db
from ..grading.models import SheetStatus
from ..sessions.models import Exam
from ..sessions.permissions import can_change_session, can_view_session
from .models import Assignment, Jury, JuryMember, MemberRole, juror_centres


def can_invite_juror(user) -> bool:
    return is_admin(user)


def can_assign(user, enrolment) -> bool:
    return can_change_session(user, enrolment.session, "assign")


def can_compose(user, session) -> bool:
    """Compose the session's juries: its admins, while the state allows (``jury``)."""
    return can_change_session(user, session, "jury")


def can_force_jury(user, session) -> bool:
    """Pass over the composition rules: the certifier's admins only (it is the certifier
    who answers for the jury before France Compétences)."""
    return user.role == Role.CERTIFIER_ADMIN and can_change_session(user, session, "jury")


def sheet_submitted(assignment) -> bool:
    sheet = assignment.sheet
    return sheet is not None and sheet.status == SheetStatus.SUBMITTED


def can_unassign(user, assignment) -> bool:
    """A submitted grading sheet is evidence: its assignment is never removed; nor is a
    withdrawn one (a conflict of interest), whose draft is kept as it was."""
    return (can_assign(user, assignment.enrolment) and not sheet_submitted(assignment)
            and assignment.withdrawn_at is None)


def pool_condition(centre_id: int):
    """SQL: the juror is in the pool of ``centre_id`` (invited for it, or open to all)."""
    linked = select(juror_centres.c.juror_id).where(juror_centres.c.centre_id == centre_id)
    return User.open_to_all_centres.is_(True) | User.id.in_(linked)


def in_pool(juror, centre_id: int) -> bool:
    """Only the jurors of a centre's pool are shown to it and may grade its candidates."""
    return bool(db.session.scalar(select(User.id).where(User.id == juror.id,
                                                        pool_condition(centre_id))))


def load_assignment_of(user, enrolment, assignment_id: int) -> Assignment:
    """An assignment of ``enrolment`` (already loaded through its own loader), else 404."""
    assignment = db.session.scalar(
        select(Assignment).where(Assignment.id == assignment_id,
                                 Assignment.enrolment_id == enrolment.id)
        .options(joinedload(Assignment.juror), joinedload(Assignment.sheet)))
    if assignment is None or not can_assign(user, enrolment):
        abort(404)
    return assignment


def load_exam_of(session, exam_id: int):
    """An épreuve of ``session`` (already loaded through its own loader), else 404."""
    exam = db.session.scalar(select(Exam).where(Exam.id == exam_id, Exam.session_id == session.id)
                             .options(joinedload(Exam.block)))
    if exam is None:
        abort(404)
    return exam


# -- the jury de délibération ------------------------------------------------
def jury_role(user, session_id: int) -> str | None:
    """``president`` or ``member`` of the session's jury, or None (one statement)."""
    return db.session.scalar(
        select(JuryMember.role).join(Jury, Jury.id == JuryMember.jury_id)
        .where(Jury.session_id == session_id, Jury.exam_id.is_(None),
               JuryMember.user_id == user.id))


def can_deliberate(user, session) -> bool:
    if is_admin(user):
        return can_view_session(user, session)
    return user.role == Role.JUROR and jury_role(user, session.id) is not None


def can_lead(user, session) -> bool:
    """Open and close the deliberation, reveal identities: an admin or the president."""
    if is_admin(user):
        return can_view_session(user, session)
    return user.role == Role.JUROR and jury_role(user, session.id) == MemberRole.PRESIDENT
