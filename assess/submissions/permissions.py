"""Who may see or download a candidate's files: the one place that decides."""

from __future__ import annotations

from flask import abort
from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import Role
from ..candidates.models import Candidate, Enrolment
from ..core.access import can_manage_centre
from ..extensions import db
from ..juries.models import Assignment
from ..sessions.models import Exam
from .models import StoredFile, Submission


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
        # Jurors grade the version current at the deadline: never the ones it replaced.
        return (stored_file.superseded_at is None
                and _is_assigned(user.id, submission.enrolment_id, submission.exam_id))
    if user.role in (Role.CERTIFIER_ADMIN, Role.CENTRE_ADMIN):
        return can_manage_centre(user, enrolment.session.centre_id)
    return False


def _is_assigned(juror_id: int, enrolment_id: int, exam_id: int) -> bool:
    # A withdrawn assignment (a conflict of interest declared after allocation) no longer
    # opens the candidate's files, whatever URL the juror kept.
    return bool(db.session.scalar(select(exists().where(
        Assignment.juror_id == juror_id,
        Assignment.enrolment_id == enrolment_id,
        Assignment.exam_id == exam_id,
        Assignment.withdrawn_at.is_(None),
    ))))


def can_upload(user, enrolment, exam) -> bool:
    """Only the candidate of the enrolment, for an épreuve of a bloc they sit."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return (user.role == Role.CANDIDATE
            and enrolment.candidate.user_id == user.id
            and enrolment.session_id == exam.session_id
            and any(block.id == exam.block_id for block in enrolment.blocks))


def can_upload_on_behalf(user, enrolment, exam) -> bool:
    """A centre's admins (and the certifier's) upload a scan of a paper copy."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return (user.role in (Role.CERTIFIER_ADMIN, Role.CENTRE_ADMIN)
            and enrolment.session_id == exam.session_id
            and any(block.id == exam.block_id for block in enrolment.blocks)
            and can_manage_centre(user, enrolment.session.centre_id))


def load_upload_target(user, exam_id: int) -> tuple[Enrolment, Exam]:
    """The exam and the user's enrolment in its session, if they sit its bloc."""
    exam = db.session.get(Exam, exam_id, options=[
        joinedload(Exam.session), joinedload(Exam.block), selectinload(Exam.parts)])
    if exam is None:
        abort(404)
    enrolment = db.session.scalar(
        select(Enrolment)
        .join(Candidate, Enrolment.candidate_id == Candidate.id)
        .where(Candidate.user_id == user.id, Enrolment.session_id == exam.session_id)
        .options(selectinload(Enrolment.blocks), joinedload(Enrolment.candidate))
    )
    if enrolment is None or exam.block_id not in {b.id for b in enrolment.blocks}:
        abort(404)
    return enrolment, exam


def _file_query():
    return select(StoredFile).options(
        joinedload(StoredFile.submission).joinedload(Submission.enrolment).options(
            joinedload(Enrolment.session), joinedload(Enrolment.candidate)),
        joinedload(StoredFile.submission).joinedload(Submission.exam).joinedload(Exam.block),
    )


def load_file_for(user, file_id: int) -> StoredFile:
    """A file ``user`` may download (``can_download``); any other id is 404, so that the
    existence of a file is not revealed."""
    stored = db.session.scalar(_file_query().where(StoredFile.id == file_id))
    if stored is None or not can_download(user, stored):
        abort(404)
    return stored


def load_own_file(user, file_id: int) -> StoredFile:
    """A file of the candidate's own submissions; any other id is 404."""
    stored = db.session.scalar(
        _file_query()
        .join(Submission, StoredFile.submission_id == Submission.id)
        .join(Enrolment, Submission.enrolment_id == Enrolment.id)
        .join(Candidate, Enrolment.candidate_id == Candidate.id)
        .where(StoredFile.id == file_id, Candidate.user_id == user.id)
    )
    if stored is None:
        abort(404)
    return stored


def load_receipt_for(user, file_id: int) -> StoredFile:
    """The receipt of a file: its owner's and the session's admins'; 404 for anyone else
    (a juror included: a receipt names the candidate)."""
    stored = db.session.scalar(_file_query().where(StoredFile.id == file_id))
    if (stored is None or stored.submission is None or user.role == Role.JUROR
            or not can_download(user, stored)):
        abort(404)
    return stored
