"""Who may assign jurors and invite them."""

from __future__ import annotations

from ..core.access import is_admin
from ..grading.models import SheetStatus
from ..sessions.permissions import can_manage_session


def can_invite_juror(user) -> bool:
    return is_admin(user)


def can_assign(user, enrolment) -> bool:
    return can_manage_session(user, enrolment.session)


def sheet_submitted(assignment) -> bool:
    sheet = assignment.sheet
    return sheet is not None and str(sheet.status) == SheetStatus.SUBMITTED


def can_unassign(user, assignment) -> bool:
    """A submitted grading sheet is evidence: its assignment is never removed."""
    return can_assign(user, assignment.enrolment) and not sheet_submitted(assignment)
