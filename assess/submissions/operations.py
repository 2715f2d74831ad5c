"""Candidates hand in their work: checks, storage, rows, audit. Flushes, never commits."""

from __future__ import annotations

from datetime import datetime
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import exists, select, update
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from workflows.base import Refused
from workflows.submission import NONE, SUBMISSION, SubmissionContext

from ..accounts.models import Role
from ..audit.operations import record
from ..core.columns import utcnow
from ..core.inserts import insert_unless_exists
from ..extensions import db
from ..storage import StoredBlob, TooLarge, get_storage
from ..unit_of_work import on_rollback
from .labels import human_size
from .models import StoredFile, Submission, SubmissionStatus
from .permissions import can_upload

PDF_MAGIC = b"%PDF-"
PDF_TYPE = "application/pdf"


class UploadRefused(Refused):
    """The file cannot be accepted; ``reason`` tells the candidate what to do."""


def submission_deadline(exam) -> datetime | None:
    """The deadline of the first part that has one (the dossier part for bloc 3)."""
    for part in exam.parts:
        if part.submission_deadline is not None:
            return part.submission_deadline
    return None


def upload_context(exam, now: datetime | None = None) -> SubmissionContext:
    return SubmissionContext(
        now=now or utcnow(),
        deadline=submission_deadline(exam),
        session_status=exam.session.status,
    )


def submission_state(submission: Submission | None) -> str:
    return submission.status if submission is not None else NONE


def find_submission(enrolment, exam) -> Submission | None:
    return db.session.scalar(select(Submission).where(
        Submission.enrolment_id == enrolment.id, Submission.exam_id == exam.id))


def upload(actor, enrolment, exam, file_storage: FileStorage) -> StoredFile:
    """Store the candidate's PDF for ``exam`` and make it the current file of the submission.

    Raises ``TransitionRefused`` (deadline, published session) or ``UploadRefused`` (not a
    PDF, empty, too large); in both cases nothing is stored. If the unit of work is rolled
    back afterwards, the blob goes too (unless an identical file of another row uses it).
    """
    if not can_upload(actor, enrolment, exam):
        raise PermissionError("only the enrolled candidate may upload for this épreuve")
    submission = find_submission(enrolment, exam)
    SUBMISSION.check("upload", submission_state(submission), upload_context(exam))
    blob = _store(_pdf_stream(file_storage))
    on_rollback(lambda: discard_blob_if_unreferenced(blob.key))
    return _record(actor, enrolment, exam, submission, file_storage.filename, blob)


def discard_blob_if_unreferenced(key: str) -> None:
    """After a failed transaction: remove the blob unless a row (identical content) uses it."""
    used = db.session.scalar(select(exists().where(StoredFile.storage_key == key)))
    if not used:
        get_storage().delete(key)


def record_download(actor, stored_file: StoredFile) -> None:
    """Jurors' and admins' downloads are audited; a candidate reading their own file is not."""
    if actor.role == Role.CANDIDATE:
        return
    submission = stored_file.submission
    record(actor, "file.downloaded", stored_file,
           new={"sha256": stored_file.sha256, "size": stored_file.size},
           session_id=submission.enrolment.session_id if submission else None)


def display_name(filename: str | None) -> str:
    """A safe name for display and download: ASCII, no path, always ending in .pdf."""
    name = filename or ""
    if name.lower().endswith(".pdf"):
        name = name[:-4]
    stem = secure_filename(name)[:200] or "depot"
    return f"{stem}.pdf"


def _pdf_stream(file_storage: FileStorage) -> BinaryIO:
    """Check extension, emptiness and magic bytes from the first bytes only; the stream is
    then rewound (Werkzeug spools uploads to a seekable file)."""
    if not (file_storage.filename or "").lower().endswith(".pdf"):
        raise UploadRefused(_("Le fichier doit être un PDF (extension .pdf) : enregistrez "
                              "votre document au format PDF puis déposez-le de nouveau."))
    stream = file_storage.stream
    stream.seek(0)  # from the start, even when the request runs again (a lost connection)
    head = stream.read(len(PDF_MAGIC))
    if not head:
        raise UploadRefused(_("Le fichier est vide : vérifiez que vous avez choisi le bon "
                              "document puis déposez-le de nouveau."))
    if head != PDF_MAGIC:
        raise UploadRefused(_("Ce fichier n'est pas un PDF valide (son contenu ne correspond "
                              "pas à l'extension .pdf) : exportez votre document au format "
                              "PDF depuis votre logiciel puis déposez-le de nouveau."))
    stream.seek(0)
    return stream


def _store(stream: BinaryIO) -> StoredBlob:
    # The stream starts with the PDF magic bytes (_pdf_stream): it cannot be empty here.
    max_bytes = current_app.config["MAX_UPLOAD_BYTES"]
    try:
        return get_storage().save_stream(stream, max_bytes=max_bytes)
    except TooLarge:
        raise UploadRefused(_("Le fichier dépasse %(size)s : compressez le PDF puis "
                              "déposez-le de nouveau.", size=human_size(max_bytes))) from None


def _record(actor, enrolment, exam, submission, filename, blob: StoredBlob) -> StoredFile:
    now = utcnow()
    submission = _locked_submission(enrolment, exam, submission)
    # Read under the lock: a concurrent upload's file, committed meanwhile, is seen here.
    previous = db.session.scalar(
        select(StoredFile).where(StoredFile.submission_id == submission.id,
                                 StoredFile.superseded_at.is_(None)))
    if previous is not None:
        # The earlier file stays on record, marked as replaced.
        db.session.execute(update(StoredFile).where(StoredFile.id == previous.id)
                           .values(superseded_at=now))
    submission.status = SubmissionStatus.SUBMITTED
    submission.updated_at = now
    stored = StoredFile(
        submission=submission, original_name=display_name(filename), content_type=PDF_TYPE,
        size=blob.size, sha256=blob.sha256, storage_key=blob.key, uploaded_by_id=actor.id,
        uploaded_at=now,
    )
    db.session.add(stored)
    db.session.flush()
    record(actor, "submission.uploaded", submission,
           old={"file_id": previous.id, "sha256": previous.sha256} if previous else None,
           new={"file_id": stored.id, "sha256": blob.sha256, "size": blob.size,
                "name": stored.original_name, "exam_id": exam.id},
           session_id=exam.session_id)
    return stored


def _locked_submission(enrolment, exam, submission: Submission | None) -> Submission:
    """The submission of this épreuve, created if need be, and locked until the commit:
    two uploads at once (a double click, two tabs) are kept one after the other, as
    versions, instead of both becoming current."""
    where = (Submission.enrolment_id == enrolment.id, Submission.exam_id == exam.id)
    now = utcnow()
    if submission is None:  # a concurrent first upload may create it first: no error
        insert_unless_exists(Submission, {
            "enrolment_id": enrolment.id, "exam_id": exam.id,
            "status": SubmissionStatus.SUBMITTED, "created_at": now, "updated_at": now},
            unique=("enrolment_id", "exam_id"))
    # A write, not a read, takes the lock on both databases: PostgreSQL locks the row (a
    # concurrent upload waits here for this one to commit), SQLite the whole file.
    db.session.execute(update(Submission).where(*where).values(updated_at=now))
    return db.session.scalars(select(Submission).where(*where)
                              .execution_options(populate_existing=True)).one()


def current_file(submission: Submission) -> StoredFile | None:
    """The latest file not superseded; earlier ones stay listed as replaced."""
    live = [f for f in submission.files if f.superseded_at is None]
    return max(live, key=lambda f: (f.uploaded_at, f.id or 0)) if live else None
