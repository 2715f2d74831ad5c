"""Who may see or download a candidate's files: the one place that decides."""

from __future__ import annotations

from sqlalchemy import exists, select

from ..accounts.models import Role
from ..core.access import can_manage_centre
from ..extensions import db
from ..juries.models import Assignment


def can_download(user, stored_file) -> bool:
    """Owner, assigned juror, certifier admin, or the admin of the session's centre."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    submission = stored_file.submission
    if submission is None:
        # A file outside any submission: its uploader and the certifier only.
        return user.role == Role.CERTIFIER_ADMIN or stored_file.uploaded_by_id == user.id
    enrolment = submission.enrolment
    if user.role == Role.CANDIDATE:
        return enrolment.candidate.user_id == user.id
    if user.role == Role.JUROR:
        return _is_assigned(user.id, submission.enrolment_id, submission.exam_id)
    if user.role in (Role.CERTIFIER_ADMIN, Role.CENTRE_ADMIN):
        return can_manage_centre(user, enrolment.session.centre_id)
    return False


def _is_assigned(juror_id: int, enrolment_id: int, exam_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(
        Assignment.juror_id == juror_id,
        Assignment.enrolment_id == enrolment_id,
        Assignment.exam_id == exam_id,
    ))))


def can_upload(user, enrolment, exam) -> bool:
    """Only the candidate of the enrolment, for an épreuve of a bloc they sit."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return (user.role == Role.CANDIDATE
            and enrolment.candidate.user_id == user.id
            and enrolment.session_id == exam.session_id
            and any(block.id == exam.block_id for block in enrolment.blocks))
