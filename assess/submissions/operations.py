"""Candidates hand in their work: checks, storage, rows, audit. Flushes, never commits."""

from __future__ import annotations

import errno
import re
import unicodedata
from datetime import datetime, timedelta
from typing import BinaryIO
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import exists, select, update
from werkzeug.datastructures import FileStorage

from workflows import session as session_rules
from workflows.base import Refused, TransitionRefused
from workflows.submission import NONE, SUBMISSION, SubmissionContext, is_late

from ..accounts.models import Role
from ..audit.operations import record
from ..core.columns import utcnow
from ..core.inserts import insert_unless_exists
from ..extensions import db
from ..outbox.operations import enqueue
from ..storage import StoredBlob, TooLarge, get_storage
from ..unit_of_work import on_rollback
from . import deliverables
from .deliverables import Expected
from .filetypes import FileType, detect
from .filetypes import labels as type_labels
from .labels import human_size, when
from .messages import send_extension, send_link_receipt, send_receipt
from .models import DeadlineExtension, StoredFile, Submission, SubmissionStatus, SubmittedLink
from .permissions import can_upload, can_upload_on_behalf
from .queries import settings_for
from .tasks import CHECK_TASK

# Parts sat at the training centre: hand-in opens at their start.
CENTRE_SAT_PARTS = frozenset({"written", "practical"})

PDF_TYPE = "application/pdf"
URL_MAX = 2000
# Characters that cannot stay in a file name on any system: path separators, reserved
# punctuation of Windows, control and format characters. Every other script is kept.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|\u200b-\u200f\u202a-\u202e\u2066-\u2069]')
NAME_MAX = 200


class UploadRefused(Refused):
    """The file cannot be accepted; ``reason`` tells the candidate what to do."""


class StorageFull(UploadRefused):
    """The storage has no room left: the server's fault, not the file's (507)."""


class UnknownDeliverable(LookupError):
    """The épreuve expects no deliverable of that code (the view answers 404)."""


def submission_deadline(exam) -> datetime | None:
    """The deadline of the first part that has one (the dossier part for bloc 3)."""
    part = _hand_in_part(exam)
    return part.submission_deadline if part is not None else None


def _hand_in_part(exam):
    return next((p for p in exam.parts if p.submission_deadline is not None), None)


def upload_context(exam, now: datetime | None = None, *,
                   extended_until: datetime | None = None) -> SubmissionContext:
    part = _hand_in_part(exam)
    # A case study is sat at the centre: its work is handed in from the épreuve's start.
    opens_at = (part.starts_at if part is not None and part.kind in CENTRE_SAT_PARTS
                else None)
    return SubmissionContext(
        now=now or utcnow(),
        deadline=part.submission_deadline if part is not None else None,
        session_status=exam.session.status,
        opens_at=opens_at,
        extended_until=extended_until,
        accepts_late=bool(exam.session.accepts_late_work),
    )


def submission_state(submission: Submission | None) -> str:
    return submission.status if submission is not None else NONE


def find_submission(enrolment, exam) -> Submission | None:
    return db.session.scalar(select(Submission).where(
        Submission.enrolment_id == enrolment.id, Submission.exam_id == exam.id))


def extension_for(enrolment_id: int, exam_id: int) -> DeadlineExtension | None:
    return db.session.scalar(select(DeadlineExtension).where(
        DeadlineExtension.enrolment_id == enrolment_id, DeadlineExtension.exam_id == exam_id))


def expected_for(exam, code: str) -> Expected:
    found = deliverables.find(exam, code, settings_for([exam.id]).get(exam.id, {}))
    if found is None:
        raise UnknownDeliverable(code)
    return found


def _guard(actor, enrolment, exam, submission, *, on_behalf: bool) -> bool:
    """Check who and when; answer whether the hand-in is late. An admin uploading a scan
    of a paper copy handed in at the épreuve is not held to the deadline (it is recorded
    as such), only to the session taking hand-ins."""
    if on_behalf:
        if not can_upload_on_behalf(actor, enrolment, exam):
            raise PermissionError("only the centre's admins upload on a candidate's behalf")
        reason = session_rules.refusal(exam.session.status, "upload")
        if reason:
            raise TransitionRefused(reason)
        return False
    if not can_upload(actor, enrolment, exam):
        raise PermissionError("only the enrolled candidate may upload for this épreuve")
    extension = extension_for(enrolment.id, exam.id)
    ctx = upload_context(exam, extended_until=extension.until if extension else None)
    SUBMISSION.check("upload", submission_state(submission), ctx)
    return is_late(ctx)


def upload(actor, enrolment, exam, file_storage: FileStorage,
           deliverable: str | Expected | None = None, *, on_behalf: bool = False) -> StoredFile:
    """Store a file for one deliverable of ``exam`` and make it that deliverable's current
    version (earlier ones stay, superseded).

    ``deliverable``: a code, or the ``Expected`` the caller already resolved for ``exam``;
    it defaults to the épreuve's first file deliverable. Raises
    ``TransitionRefused`` (window, deadline, session state), ``UploadRefused`` (type told by
    the bytes, empty, too large) or ``UnknownDeliverable``; in every case nothing is
    stored. If the unit of work is rolled back afterwards, the blob goes too (unless an
    identical file of another row uses it).
    """
    wanted = (deliverable if isinstance(deliverable, Expected)
              else file_deliverable(exam, deliverable))
    submission = find_submission(enrolment, exam)
    late = _guard(actor, enrolment, exam, submission, on_behalf=on_behalf)
    kind, stream = _checked_stream(file_storage, wanted.accepts)
    blob = _store(stream)
    on_rollback(lambda: discard_blob_if_unreferenced(blob.key))
    return _record(actor, enrolment, exam, submission, wanted, file_storage.filename, kind,
                   blob, late=late, on_behalf=on_behalf)


def give_link(actor, enrolment, exam, deliverable: str | Expected, url: str, *,
              on_behalf: bool = False) -> SubmittedLink:
    """Record the address of published content (a URL deliverable): evidence, with the time
    it was given; never fetched. ``deliverable``: a code, or its resolved ``Expected``."""
    wanted = (deliverable if isinstance(deliverable, Expected)
              else expected_for(exam, deliverable))
    if not wanted.is_url:
        raise UnknownDeliverable(deliverable)
    url = check_url(url)
    submission = find_submission(enrolment, exam)
    late = _guard(actor, enrolment, exam, submission, on_behalf=on_behalf)
    now = utcnow()
    submission = _locked_submission(enrolment, exam, submission)
    previous = db.session.scalar(select(SubmittedLink).where(
        SubmittedLink.submission_id == submission.id, SubmittedLink.deliverable == wanted.code,
        SubmittedLink.superseded_at.is_(None)))
    if previous is not None:
        db.session.execute(update(SubmittedLink).where(SubmittedLink.id == previous.id)
                           .values(superseded_at=now))
    link = SubmittedLink(submission=submission, deliverable=wanted.code, url=url, given_at=now,
                         given_by_id=actor.id, late=late, on_behalf=on_behalf)
    db.session.add(link)
    db.session.flush()
    record(actor, "submission.link_given", submission,
           old={"url": previous.url} if previous else None,
           new={"deliverable": wanted.code, "url": url, "late": late, "on_behalf": on_behalf,
                "exam_id": exam.id}, session_id=exam.session_id)
    send_link_receipt(enrolment.candidate.user, link, exam, wanted.title)
    return link


def check_url(value: str | None) -> str:
    """An http(s) address with a host, as typed (trimmed); anything else is refused."""
    url = (value or "").strip()
    parsed = urlsplit(url) if len(url) <= URL_MAX else None
    if (parsed is None or parsed.scheme.lower() not in ("http", "https") or not parsed.hostname
            or any(c.isspace() for c in url)):
        raise UploadRefused(_("Indiquez l'adresse complète de la page publiée, commençant par "
                              "https:// (par exemple https://www.exemple.fr/mon-article)."))
    return url


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


def record_zip_download(actor, exam, files) -> None:
    record(actor, "files.zip_downloaded", exam,
           new={"file_ids": [f.id for f in files]}, session_id=exam.session_id)


def display_name(filename: str | None, extension: str = ".pdf") -> str:
    """The name as the candidate chose it, in any script: only what is unsafe in a name
    (path separators, control characters, Windows' reserved punctuation) is replaced,
    and the type's extension is added when the name lacks it."""
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[/\\]", name)[-1]  # a browser may send a whole path
    name = _UNSAFE.sub("_", name).strip()
    stem = name[:-len(extension)] if name.lower().endswith(extension) else name
    stem = stem.strip(" .")[:NAME_MAX].strip(" .")
    if not stem.strip("_"):
        stem = "depot"
    return f"{stem}{extension}"


def file_deliverable(exam, code: str | None) -> Expected:
    if code is None:
        found = next((e for e in deliverables.expected(
            exam, settings_for([exam.id]).get(exam.id, {})) if not e.is_url), None)
        if found is None:
            raise UnknownDeliverable("file")
        return found
    found = expected_for(exam, code)
    if found.is_url:
        raise UnknownDeliverable(code)
    return found


def _checked_stream(file_storage: FileStorage, accepts) -> tuple[FileType, BinaryIO]:
    """The type told by the first bytes (libmagic), then the stream rewound (Werkzeug spools
    uploads to a seekable file)."""
    kind, mime, read = detect(file_storage.stream)
    if not read:
        raise UploadRefused(_("Le fichier est vide : vérifiez que vous avez choisi le bon "
                              "document puis déposez-le de nouveau."))
    if kind is None or kind.key not in accepts:
        raise UploadRefused(_(
            "Ce fichier n'est pas d'un type accepté ici (son contenu n'est pas %(types)s, "
            "quelle que soit son extension) : enregistrez votre document dans ce format "
            "depuis votre logiciel puis déposez-le de nouveau.", types=type_labels(accepts)))
    return kind, file_storage.stream


def _store(stream: BinaryIO) -> StoredBlob:
    # The stream is not empty here (_checked_stream read its first bytes).
    max_bytes = current_app.config["MAX_UPLOAD_BYTES"]
    try:
        return get_storage().save_stream(stream, max_bytes=max_bytes)
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        # The backend removed its staging file: nothing is half-stored.
        raise StorageFull(_("Le dépôt n'a pas pu être enregistré : l'espace de stockage du "
                            "serveur est plein. Rien n'a été conservé ; réessayez plus tard "
                            "et prévenez votre centre de formation.")) from None
    except TooLarge:
        raise UploadRefused(_("Le fichier dépasse %(size)s : réduisez sa taille (images "
                              "compressées, par exemple) puis déposez-le de nouveau.",
                              size=human_size(max_bytes))) from None


def _record(actor, enrolment, exam, submission, wanted: Expected, filename, kind: FileType,
            blob: StoredBlob, *, late: bool, on_behalf: bool) -> StoredFile:
    now = utcnow()
    submission = _locked_submission(enrolment, exam, submission)
    # Read under the lock: a concurrent upload's file, committed meanwhile, is seen here.
    previous = db.session.scalar(
        select(StoredFile).where(StoredFile.submission_id == submission.id,
                                 StoredFile.deliverable == wanted.code,
                                 StoredFile.superseded_at.is_(None)))
    if previous is not None:
        # The earlier file stays on record, marked as replaced.
        db.session.execute(update(StoredFile).where(StoredFile.id == previous.id)
                           .values(superseded_at=now))
    submission.status = SubmissionStatus.SUBMITTED
    submission.updated_at = now
    stored = StoredFile(
        submission=submission, original_name=display_name(filename, kind.extension),
        content_type=kind.mime, size=blob.size, sha256=blob.sha256, storage_key=blob.key,
        uploaded_by_id=actor.id, uploaded_at=now, deliverable=wanted.code, late=late,
        on_behalf=on_behalf,
        check_status="pending" if kind.key == "pdf" and _checks_pdfs() else None,
    )
    db.session.add(stored)
    db.session.flush()
    if stored.check_status == "pending":  # in the worker, after the commit
        enqueue(CHECK_TASK, {"file_id": stored.id}, key=f"check:{stored.id}")
    record(actor, "submission.uploaded", submission,
           old={"file_id": previous.id, "sha256": previous.sha256} if previous else None,
           new={"file_id": stored.id, "sha256": blob.sha256, "size": blob.size,
                "name": stored.original_name, "exam_id": exam.id,
                "deliverable": wanted.code, "late": late, "on_behalf": on_behalf},
           session_id=exam.session_id)
    send_receipt(enrolment.candidate.user, stored, exam, wanted.title, actor)
    return stored


def _checks_pdfs() -> bool:
    return bool(current_app.config.get("PDF_CHECK", True))



class ExtensionRefused(Refused):
    """The extension cannot be granted as asked; ``reason`` says why."""


def grant_extension(actor, enrolment, exam, until: datetime, reason: str) -> DeadlineExtension:
    """An individual extension for one candidate and épreuve, with its reason; a new grant
    replaces the previous one. Audited, and the candidate is told by e-mail."""
    if not can_upload_on_behalf(actor, enrolment, exam):
        raise PermissionError("only the centre's admins grant extensions")
    refusal = session_rules.refusal(exam.session.status, "upload")
    if refusal:
        raise TransitionRefused(refusal)
    deadline = submission_deadline(exam)
    if deadline is None:
        raise ExtensionRefused(_("Cette épreuve n'a pas de date limite de dépôt : fixez-la "
                                 "d'abord dans le calendrier des épreuves."))
    if until <= deadline:
        raise ExtensionRefused(_("Le nouveau délai doit être postérieur à la date limite de "
                                 "l'épreuve (%(when)s).", when=when(deadline)))
    if not (reason or "").strip():
        raise ExtensionRefused(_("Indiquez le motif du délai (aménagement, incident…)."))
    extension = extension_for(enrolment.id, exam.id)
    old = ({"until": extension.until.isoformat(), "reason": extension.reason}
           if extension else None)
    if extension is None:
        extension = DeadlineExtension(enrolment_id=enrolment.id, exam_id=exam.id)
        db.session.add(extension)
    extension.until, extension.reason = until, reason.strip()
    extension.granted_at, extension.granted_by_id = utcnow(), actor.id
    db.session.flush()
    record(actor, "submission.extension_granted", enrolment, old=old,
           new={"exam_id": exam.id, "until": until.isoformat(), "reason": extension.reason},
           session_id=exam.session_id)
    send_extension(enrolment.candidate.user, extension, exam)
    return extension


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


def current_file(submission: Submission, deliverable: str | None = None) -> StoredFile | None:
    """The latest file not superseded (of one deliverable, if given)."""
    live = [f for f in submission.files if f.superseded_at is None
            and (deliverable is None or f.deliverable == deliverable)]
    return max(live, key=lambda f: (f.uploaded_at, f.id or 0)) if live else None


# A blob written this recently may belong to an upload whose row is not committed yet.
BLOB_GRACE = timedelta(hours=1)


def release_blobs(keys, *, now: datetime | None = None) -> list[str]:
    """The one rule for whatever deletes files (retention, erasure): blobs are shared by
    identical contents, so a blob goes only once no row points at it any more, and only
    if it was not written within ``BLOB_GRACE`` (an identical upload in flight rewrites
    it before its row commits). Call it after the rows' deletion has committed; returns
    the keys deleted. Keys spared now are released by a later call."""
    keys = sorted(set(keys))
    if not keys:
        return []
    used = set(db.session.scalars(select(StoredFile.storage_key)
                                  .where(StoredFile.storage_key.in_(keys))))
    storage, cutoff, deleted = get_storage(), (now or utcnow()) - BLOB_GRACE, []
    for key in keys:
        if key in used:
            continue
        written = storage.modified_at(key)
        if written is not None and written <= cutoff:
            storage.delete(key)
            deleted.append(key)
    return deleted
