"""The computation behind "Calculer les résultats": set-based, batched, idempotent.

Everything the computation needs is read with a fixed number of statements
(queries.py), outcomes are derived in Python with ``rubrics.scoring``, and rows
are written with bulk INSERT/UPDATE per batch. Progress is committed after each
batch so that the page's progress bar moves. Rows are updated in place and only
when a value changed: re-running the same job changes nothing.

What it writes are proposals for the jury (``outcome`` and ``proposed_outcome``): once the
jury deliberates, its decisions replace ``outcome`` and nothing is computed again
(``workflows.session``: compute is refused once the deliberation is opened). The award date is the day the computation
was asked for (``queries.award_date``): blocs validated in earlier published sessions
count while still valid on that day (the certification's ``bloc_validity_years``), and
no title is proposed once it falls after the RNCP ``expiry_date`` (the results pages
say why, see ``queries.title_refusal``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, insert, select, update

from rubrics.model import Scale
from rubrics.scoring import NOT_VALIDATED, PENDING, block_outcome, consolidate, title_outcome

from ..accounts.models import User
from ..audit.models import AuditEvent
from ..audit.operations import record
from ..certification.models import Certification
from ..core.columns import utcnow
from ..extensions import db
from ..jobs import operations as jobs
from ..jobs.models import Job
from ..sessions.models import CertificationSession
from ..sessions.queries import results_basis
from . import queries as q
from .models import BlockOutcome, BlockResult, TitleOutcome, TitleResult

COMPUTE_TASK = "results.compute"


@dataclass(frozen=True)
class Computed:
    counts: Counter  # outcomes, for the audit of the job
    basis: str  # what the results were computed from (queries.results_basis)


def compute_session(job_id: int, session_id: int, actor_id: int | None = None,
                    outbox_id: int | None = None) -> Computed:
    """Compute (or recompute) every result of the session, reporting progress on the job
    (each report is also the heartbeat that renews the lease of ``outbox_id``).
    A result that a recompute changes is audited with its old and new values, in the name
    of ``actor_id`` (who asked for the computation)."""
    session = db.session.get(CertificationSession, session_id)
    # Titles are awarded on the day the computation was asked for (queries.award_date),
    # subject to the certification's settings read here, once.
    award_date = q.award_date(db.session.get(Job, job_id))
    certification = db.session.get(Certification, 1)
    validity_years = certification.bloc_validity_years if certification else None
    expiry_date = certification.expiry_date if certification else None
    basis = results_basis(session_id)  # before reading the grades: a later change is stale
    scale = q.scale_of(session.referential_version.data)
    blocks = q.blocks_of_version(session.referential_version_id)
    enrolled = q.enrolled_blocks(session_id)
    jobs.mark_running(job_id, len(enrolled), outbox_id)
    db.session.commit()

    grades = q.evaluator_levels(session_id)
    absent = q.absences(session_id)
    earlier = q.acquired_earlier(session_id, award_date=award_date,
                                 validity_years=validity_years)
    old_blocks = q.existing_block_results(session_id)
    old_titles = q.existing_title_results(session_id)
    all_numbers = [info.number for info in blocks.values()]
    counts: Counter = Counter()
    done = 0
    for batch in _chunks(list(enrolled.items()), _batch_size()):
        block_rows: dict[tuple[int, int], tuple] = {}
        title_rows: dict[int, str] = {}
        for enrolment_id, (person_id, block_ids) in batch:
            outcomes: dict[int, str] = {}
            for block_id in block_ids:
                info = blocks[block_id]
                if (enrolment_id, block_id) in absent:  # not sat: not validated, nothing graded
                    row = (NOT_VALIDATED, {code: None for code in info.codes}, [])
                else:
                    row = _block_result(info, grades.get((enrolment_id, block_id)), scale)
                block_rows[(enrolment_id, block_id)] = row
                outcomes[info.number] = row[0]
                counts[f"bloc_{row[0]}"] += 1
            title = title_outcome(outcomes, all_numbers, earlier.get(person_id, ()),
                                  award_date=award_date, expiry_date=expiry_date)
            title_rows[enrolment_id] = title
            counts[f"title_{title}"] += 1
        changes = _write_blocks(block_rows, old_blocks) + _write_titles(title_rows, old_titles)
        _audit_changes(changes, actor_id, session_id, job_id)
        done += len(batch)
        jobs.set_progress(job_id, done, outbox_id)
        db.session.commit()
    _audit_changes(_delete_stale(old_blocks, enrolled), actor_id, session_id, job_id)
    counts["enrolments"] = len(enrolled)
    return Computed(counts, basis)


def _block_result(info: q.BlockInfo, sheets: q.Sheets | None, scale: Scale) -> tuple:
    """(outcome, {code: consolidated level}, [codes in disagreement]) for one bloc."""
    evaluators = list((sheets or {}).values())
    if not any(sheet is not None for sheet in evaluators):
        return PENDING, {code: None for code in info.codes}, []
    levels: dict[str, str | None] = {}
    disagreements: list[str] = []
    for code in info.codes:
        merged = consolidate([None if s is None else s.get(code) for s in evaluators], scale)
        levels[code] = merged.level
        if merged.disagreement:
            disagreements.append(code)
    return block_outcome(info.rule, levels, scale), levels, disagreements


# A change to audit: (model, row id, old values or None, new values or None).
Change = tuple[type, int, dict | None, dict | None]


def _block_values(outcome, levels, disagreements) -> dict:
    return {"outcome": str(outcome), "criterion_levels": levels, "disagreements": disagreements}


def _write_blocks(rows: dict[tuple[int, int], tuple], old: dict) -> list[Change]:
    """Insert the new bloc results, update those that changed; returns the changes."""
    now = utcnow()
    inserts, updates, changes = [], [], []
    for (enrolment_id, block_id), (outcome, levels, disagreements) in rows.items():
        previous = old.get((enrolment_id, block_id))
        values = {"outcome": BlockOutcome(outcome), "proposed_outcome": str(outcome),
                  "criterion_levels": levels,
                  "disagreements": disagreements, "computed_at": now}
        if previous is None:
            inserts.append({"enrolment_id": enrolment_id, "block_id": block_id, **values})
        elif (previous[1], previous[2], previous[3]) != (outcome, levels, disagreements):
            updates.append({"id": previous[0], **values})
            changes.append((BlockResult, previous[0], _block_values(*previous[1:]),
                            _block_values(outcome, levels, disagreements)))
    if inserts:
        db.session.execute(insert(BlockResult), inserts)
    if updates:
        db.session.execute(update(BlockResult), updates)
    return changes


def _write_titles(rows: dict[int, str], old: dict) -> list[Change]:
    """Insert the new title results, update those that changed; returns the changes."""
    now = utcnow()
    inserts, updates, changes = [], [], []
    for enrolment_id, outcome in rows.items():
        previous = old.get(enrolment_id)
        if previous is None:
            inserts.append({"enrolment_id": enrolment_id, "outcome": TitleOutcome(outcome),
                            "proposed_outcome": str(outcome), "computed_at": now})
        elif previous[1] != outcome:
            updates.append({"id": previous[0], "outcome": TitleOutcome(outcome),
                            "proposed_outcome": str(outcome), "computed_at": now})
            changes.append((TitleResult, previous[0], {"outcome": str(previous[1])},
                            {"outcome": str(outcome)}))
    if inserts:
        db.session.execute(insert(TitleResult), inserts)
    if updates:
        db.session.execute(update(TitleResult), updates)
    return changes


def _delete_stale(old_blocks: dict, enrolled: dict) -> list[Change]:
    """Drop results of blocs a candidate is no longer enrolled in; returns the changes."""
    current = {(e, b) for e, (_c, block_ids) in enrolled.items() for b in block_ids}
    stale = [row for key, row in old_blocks.items() if key not in current]
    if stale:
        db.session.execute(delete(BlockResult).where(BlockResult.id.in_([r[0] for r in stale])))
    return [(BlockResult, row[0], _block_values(*row[1:]), None) for row in stale]


def _audit_changes(changes: list[Change], actor_id: int | None, session_id: int,
                   job_id: int) -> None:
    """One audit event per result a recompute changed or removed (one INSERT in all)."""
    if changes:
        db.session.execute(insert(AuditEvent), [
            {"actor_id": actor_id, "action": "result.changed" if new else "result.removed",
             "object_type": model.__name__, "object_id": row_id, "session_id": session_id,
             "old": old, "new": new, "reason": f"recalcul des résultats (tâche {job_id})"}
            for model, row_id, old, new in changes])


def finish_job(job: Job, actor_id: int | None, computed: Computed) -> None:
    """Record what the results were computed from, and audit the job, once per job. (The
    session stays in deliberation: computing again is allowed until publication.)"""
    counts = computed.counts
    session = db.session.get(CertificationSession, job.session_id)
    session.results_basis = computed.basis
    already = db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "results.computed", AuditEvent.object_type == "Job",
        AuditEvent.object_id == job.id))
    if already is None:  # a re-delivery of the same job is not a new decision
        actor = db.session.get(User, actor_id) if actor_id else None
        record(actor, "results.computed", job, new=dict(sorted(counts.items())),
               session_id=session.id)


def _batch_size() -> int:
    return max(1, int(current_app.config["RESULTS_COMPUTE_BATCH"]))


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
