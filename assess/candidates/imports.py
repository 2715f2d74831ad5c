"""The life of an import: a file is stored and previewed (nothing written), the admin
confirms it (all rows, or only the valid ones), the worker applies it in batches with a
progress bar. The command line does the same in one process (``assess candidates
import``). Operations flush, never commit, except ``run_import``, which is the worker's
and commits each batch with its progress."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from workflows.base import Refused

from ..audit.operations import record
from ..core.columns import utcnow
from ..extensions import db
from ..jobs import operations as jobs
from ..jobs.models import JobKind
from ..outbox.operations import enqueue
from ..outbox.relay import commit as commit_and_publish
from ..sessions.operations import ensure_allows
from ..sessions.permissions import can_change_session
from ..storage import EmptyFile, TooLarge, get_storage
from ..unit_of_work import on_rollback
from .import_file import ImportFileRefused, read_table
from .import_rows import check_table
from .importing import CREATED, OUTCOMES, REFUSED, UPDATED, Plan, apply_rows, plan_import
from .models import CandidateImport, ImportStatus

IMPORT_TASK = "candidates.import"
BATCH = 200
PREVIEW_ROWS = 5000  # rows kept for the preview page (refused and warned rows first)


class ImportRefused(Refused):
    """The import cannot go on; the message says why and what to do."""


@dataclass
class ImportReport:
    """What a preview or a run found, as the page and the command line show it."""

    counts: dict[str, int]
    unknown_columns: list[str]
    rows: list[dict]  # {"line", "outcome", "email", "name", "errors", "warnings"}

    @property
    def refused(self) -> list[dict]:
        return [r for r in self.rows if r["outcome"] == REFUSED]


def check_file(session, data: bytes) -> Plan:
    """The plan of a file's rows against the database as it is now (nothing written)."""
    table = read_table(data)
    numbers = [b.number for b in session.referential_version.blocks]
    checked = check_table(table, numbers,
                          allow_test_domains=bool(current_app.config.get("DEMO_ALLOWED")))
    return plan_import(session, checked)


def report_of(plan: Plan) -> ImportReport:
    rows = [{"line": p.row.line, "outcome": p.outcome, "email": p.row.email,
             "name": " ".join(n for n in (p.row.identity.birth_name,
                                          p.row.identity.first_name_1) if n),
             "errors": [[column, reason] for column, reason in p.row.errors],
             "warnings": [str(w) for w in p.warnings]} for p in plan.rows]
    return ImportReport(plan.counts(), plan.unknown_columns, rows)


def preview_import(actor, session, filename: str, stream: BinaryIO) -> CandidateImport:
    """Store the file and what importing it would do; nothing else is written."""
    _ensure_can_import(actor, session)
    try:
        blob = get_storage().save_stream(stream, max_bytes=current_app.config[
            "MAX_UPLOAD_BYTES"])
    except EmptyFile as exc:
        raise ImportFileRefused(_("Le fichier est vide (0 octet) : choisissez le fichier qui "
                                  "contient la liste des candidats.")) from exc
    except TooLarge as exc:
        raise ImportFileRefused(_("Ce fichier dépasse %(mb)d Mo : découpez la liste en "
                                  "plusieurs fichiers.", mb=exc.max_bytes // 2**20)) from exc
    on_rollback(lambda: _discard_unless_used(blob.key))
    with get_storage().open(blob.key) as fh:
        data = fh.read()
    report = report_of(check_file(session, data))
    kept = sorted(report.rows, key=lambda r: (r["outcome"] != REFUSED, not r["warnings"],
                                              r["line"]))[:PREVIEW_ROWS]
    imported = CandidateImport(
        session_id=session.id, created_by_id=actor.id, filename=(filename or "")[:255],
        file_key=blob.key, file_sha256=blob.sha256, file_size=blob.size,
        preview={"counts": report.counts, "unknown_columns": report.unknown_columns,
                 "rows": sorted(kept, key=lambda r: r["line"]),
                 "total_rows": len(report.rows)})
    db.session.add(imported)
    db.session.flush()
    record(actor, "import.previewed", imported, session_id=session.id,
           new={"filename": imported.filename, "sha256": blob.sha256, **report.counts})
    return imported


def confirm_import(actor, imported: CandidateImport, *, valid_only: bool) -> CandidateImport:
    """Queue the import for the worker: all rows (refused if any row is refused), or only
    the valid ones."""
    session = imported.session
    _ensure_can_import(actor, session)
    if imported.status != ImportStatus.PREVIEWED:
        raise ImportRefused(_("Cet import a déjà été confirmé ou annulé : déposez le fichier "
                              "à nouveau pour un nouvel aperçu."))
    counts = imported.preview["counts"]
    if counts[REFUSED] and not valid_only:
        raise ImportRefused(_(
            "%(n)d ligne(s) sont refusées : corrigez le fichier et déposez-le à nouveau, ou "
            "n'importez que les lignes valides.", n=counts[REFUSED]))
    if not any(counts[o] for o in (CREATED, UPDATED)):
        raise ImportRefused(_("Rien à importer : chaque ligne valide est déjà à jour."))
    if jobs.has_active_job(JobKind.IMPORT_CANDIDATES, session.id):
        raise ImportRefused(_("Un import est déjà en cours pour cette session : attendez "
                              "qu'il se termine, puis recommencez."))
    job = jobs.create_job(actor, JobKind.IMPORT_CANDIDATES, session_id=session.id,
                          total=imported.preview["total_rows"])
    imported.status = ImportStatus.CONFIRMED
    imported.valid_only = valid_only
    imported.confirmed_by_id = actor.id
    imported.confirmed_at = utcnow()
    imported.job_id = job.id
    enqueue(IMPORT_TASK, {"import_id": imported.id}, key=f"{IMPORT_TASK}:{imported.id}")
    record(actor, "import.confirmed", imported, session_id=session.id,
           new={"valid_only": valid_only, "job_id": job.id})
    db.session.flush()
    return imported


def cancel_import(actor, imported: CandidateImport) -> None:
    _ensure_can_import(actor, imported.session)
    if imported.status != ImportStatus.PREVIEWED:
        raise ImportRefused(_("Cet import a déjà été confirmé : il ne peut plus être annulé."))
    imported.status = ImportStatus.CANCELLED
    record(actor, "import.cancelled", imported, session_id=imported.session_id)
    db.session.flush()


def run_import(actor, imported: CandidateImport, outbox_id: int | None = None,
               progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Apply a confirmed import, ``BATCH`` rows per transaction, each committed with the
    number of rows done: a worker that takes over starts after them. The rows are
    planned again against the database as it is now."""
    session = imported.session
    with get_storage().open(imported.file_key) as fh:
        plan = check_file(session, fh.read())
    counts = dict(imported.result or dict.fromkeys(OUTCOMES, 0))
    if plan.refused and not imported.valid_only:
        raise ImportRefused(_(
            "%(n)d ligne(s) sont désormais refusées (la base a changé depuis l'aperçu) : rien "
            "n'a été importé. Déposez le fichier à nouveau.", n=len(plan.refused)))
    total = len(plan.rows)
    if imported.job_id:
        jobs.mark_running(imported.job_id, total, outbox_id)
        jobs.set_progress(imported.job_id, imported.rows_done, outbox_id)
        db.session.commit()
    for start in range(imported.rows_done, total, BATCH):
        batch = plan.rows[start:start + BATCH]
        apply_rows(actor, session, batch)
        for planned in batch:
            counts[planned.outcome] += 1
        done = start + len(batch)
        db.session.execute(update(CandidateImport).where(CandidateImport.id == imported.id)
                           .values(rows_done=done, result=dict(counts)))
        if imported.job_id:
            jobs.set_progress(imported.job_id, done, outbox_id)
        commit_and_publish()  # the batch's invitations leave now, not at the next sweep
        if progress is not None:
            progress(done, total)
    db.session.refresh(imported)
    imported.status = ImportStatus.DONE
    record(actor, "import.applied", imported, session_id=session.id, new=dict(counts))
    return counts


def import_file_now(actor, session, data: bytes, *, valid_only: bool, dry_run: bool,
                    filename: str = "") -> tuple[ImportReport, bool]:
    """The command line's import: check, then (unless refused or a dry run) apply at once.
    Returns the report and whether anything was applied."""
    _ensure_can_import(actor, session)
    plan = check_file(session, data)
    report = report_of(plan)
    if dry_run or (plan.refused and not valid_only):
        return report, False
    imported = preview_import(actor, session, filename, io.BytesIO(data))
    imported.status = ImportStatus.CONFIRMED
    imported.valid_only = valid_only
    imported.confirmed_at = utcnow()
    db.session.commit()
    counts = run_import(actor, imported)
    db.session.commit()
    report.counts = counts
    return report, True


def _discard_unless_used(key: str) -> None:
    """After a refused preview: remove the file unless another import holds the same bytes."""
    if db.session.scalar(select(CandidateImport.id).where(CandidateImport.file_key == key)
                         .limit(1)) is None:
        get_storage().delete(key)


def _ensure_can_import(actor, session) -> None:
    ensure_allows(session, "enrol")
    if not can_change_session(actor, session, "enrol"):
        raise ImportRefused(_("Vous ne pouvez pas importer de candidats dans cette session."))

