"""Retention: the certifier sets the periods (audited); the purge removes what is past its
period, records what it removed (``RetentionPurge``, audited) and releases the blobs no
row uses any more. Flushes, never commits: the task, the command and the page commit.

What a purge does, per kind (``PURGERS``):
- papers: the rows of the handed-in files are deleted (the submission itself stays, with
  its status and links); their blobs go once no row of any table points at them;
- observations: each line's observation and evidence and the sheet's comment are emptied;
  the levels, which the decision rests on, stay;
- health documents: the aménagement's supporting document is detached and its blob
  released; the request, the decision and the measures stay.
PVs, attestations and awards (decisions, results) are never purged: their period is an
archival minimum (``models.ARCHIVAL``). A second run finds nothing left to purge and
records nothing. The audit trail is append-only and is not purged."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, update

from workflows.base import Refused

from ..accommodations.models import Accommodation
from ..accounts.models import Role
from ..audit.operations import record
from ..certification.models import Certification
from ..core.columns import utcnow
from ..extensions import db
from ..grading.models import CriterionMark, GradingSheet
from ..storage import get_storage
from ..submissions.models import StoredFile
from ..submissions.operations import release_blobs
from . import queries
from .models import ARCHIVAL, MAX_MONTHS, RetentionKind, RetentionPeriod, RetentionPurge


class RetentionRefused(Refused):
    """A change of the periods that cannot be made; the message is for the user."""


@dataclass
class Planned:
    """What a purge takes of one kind in one session."""

    kind: RetentionKind
    session_id: int
    months: int
    ids: list[int] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)


# -- the periods ------------------------------------------------------------------
def update_periods(actor, months: dict) -> list[RetentionKind]:
    """Set the months of each kind given; each change is audited. Returns the kinds
    changed."""
    if getattr(actor, "role", None) != Role.CERTIFIER_ADMIN:
        raise RetentionRefused(_("Seul un administrateur certificateur peut fixer les durées "
                                 "de conservation."))
    rows, current, changed = queries.period_rows(), queries.periods(), []
    for raw_kind, value in months.items():
        kind = RetentionKind(raw_kind)
        if not isinstance(value, int) or not 1 <= value <= MAX_MONTHS:
            raise RetentionRefused(_("Indiquez une durée entre 1 et %(max)d mois.",
                                     max=MAX_MONTHS))
        if current[kind] == value and kind in rows:
            continue
        row = rows.get(kind) or RetentionPeriod(kind=kind)
        row.months, row.updated_by_id = value, getattr(actor, "id", None)
        db.session.add(row)
        db.session.flush()
        if current[kind] != value:
            record(actor, "retention.period_changed", row, old={"kind": kind.value,
                                                                "months": current[kind]},
                   new={"kind": kind.value, "months": value})
            changed.append(kind)
    return changed


# -- what is due ------------------------------------------------------------------
def _cutoff(now: datetime, months: int) -> datetime:
    """Results published on or before this moment are past the period; never before the
    appeal period is over either."""
    cutoff = queries.months_before(now, months)
    settings = db.session.get(Certification, 1)
    appeal_days = getattr(settings, "appeal_days", None) or 0
    return min(cutoff, now - timedelta(days=appeal_days))


def _papers(enrolment_ids, kind, months) -> list[Planned]:
    planned: dict[int, Planned] = {}
    for stored, enrolment_id, session_id in queries.papers(enrolment_ids):
        p = planned.setdefault(session_id, Planned(kind, session_id, months))
        p.ids.append(stored.id)
        p.keys.append(stored.storage_key)
        p.items.append({"file_id": stored.id, "enrolment_id": enrolment_id,
                        "submission_id": stored.submission_id,
                        "deliverable": stored.deliverable, "name": stored.original_name,
                        "size": stored.size, "sha256": stored.sha256,
                        "uploaded_at": stored.uploaded_at.isoformat()})
    return list(planned.values())


def _observations(enrolment_ids, kind, months) -> list[Planned]:
    planned: dict[int, Planned] = {}
    for sheet, enrolment_id, session_id, lines in queries.observed_sheets(enrolment_ids):
        p = planned.setdefault(session_id, Planned(kind, session_id, months))
        p.ids.append(sheet.id)
        p.items.append({"sheet_id": sheet.id, "enrolment_id": enrolment_id,
                        "lines": lines, "comment": bool(sheet.overall_comment)})
    return list(planned.values())


def _health_documents(enrolment_ids, kind, months) -> list[Planned]:
    planned: dict[int, Planned] = {}
    for row, enrolment_id, session_id in queries.health_documents(enrolment_ids):
        p = planned.setdefault(session_id, Planned(kind, session_id, months))
        p.ids.append(row.id)
        p.keys.append(row.document_key)
        p.items.append({"accommodation_id": row.id, "enrolment_id": enrolment_id,
                        "name": row.document_name, "size": row.document_size,
                        "sha256": row.document_sha256})
    return list(planned.values())


def _remove_papers(ids: list[int]) -> None:
    db.session.execute(delete(StoredFile).where(StoredFile.id.in_(ids))
                       .execution_options(synchronize_session=False))


def _clear_observations(ids: list[int]) -> None:
    db.session.execute(update(CriterionMark).where(CriterionMark.sheet_id.in_(ids))
                       .values(observation="", evidence=None, oral_evidence=None)
                       .execution_options(synchronize_session=False))
    # A plain UPDATE: the sheet's version (what results are computed from) is unchanged.
    db.session.execute(update(GradingSheet).where(GradingSheet.id.in_(ids))
                       .values(overall_comment="", updated_at=GradingSheet.updated_at)
                       .execution_options(synchronize_session=False))


def _detach_documents(ids: list[int]) -> None:
    db.session.execute(update(Accommodation).where(Accommodation.id.in_(ids))
                       .values(document_key=None, document_sha256=None, document_name=None,
                               document_size=None)
                       .execution_options(synchronize_session=False))


# kind -> (what is due in these enrolments, how to purge those ids). The archival kinds
# have no purger.
PURGERS: dict[RetentionKind, tuple[Callable, Callable]] = {
    RetentionKind.PAPERS: (_papers, _remove_papers),
    RetentionKind.OBSERVATIONS: (_observations, _clear_observations),
    RetentionKind.HEALTH_DOCUMENTS: (_health_documents, _detach_documents),
}
assert not ARCHIVAL & PURGERS.keys()


def plan(now: datetime | None = None) -> list[Planned]:
    """What a purge run now would take (reads only: the dry run)."""
    now = now or utcnow()
    months = queries.periods()
    expired: dict[datetime, dict[int, int]] = {}
    planned: list[Planned] = []
    for kind, (due, _apply) in PURGERS.items():
        cutoff = _cutoff(now, months[kind])
        if cutoff not in expired:
            expired[cutoff] = queries.expired_enrolments(cutoff)
        planned += due(sorted(expired[cutoff]), kind, months[kind])
    return planned


def purge(actor, now: datetime | None = None) -> list[RetentionPurge]:
    """Purge what is past its period and record it; the blobs are released by
    ``release_pending`` once this is committed. ``actor``: None for the scheduled task."""
    now = now or utcnow()
    done = []
    for p in plan(now):
        PURGERS[p.kind][1](p.ids)
        row = RetentionPurge(kind=p.kind, session_id=p.session_id, purged_at=now,
                             actor_id=getattr(actor, "id", None), months=p.months,
                             item_count=len(p.items), items=p.items,
                             pending_keys=sorted(set(p.keys)) or None)
        db.session.add(row)
        db.session.flush()
        record(actor, "retention.purged", row, session_id=p.session_id,
               new={"kind": p.kind.value, "count": len(p.items), "months": p.months})
        done.append(row)
    db.session.expire_all()  # the rows purged by statement are stale in the session
    return done


def release_pending(now: datetime | None = None) -> int:
    """Delete the blobs of purged rows that no row uses any more (after the purge is
    committed: a blob goes only once nothing points at it). A blob another row uses is
    left to that row; one written within the grace period is tried again next run.
    Returns how many blobs were deleted."""
    storage, total = get_storage(), 0
    for row in queries.pending_purges():
        keys = set(row.pending_keys or ())
        free = sorted(keys - queries.referenced_keys(keys))
        deleted = set(release_blobs(free, now=now))
        row.blobs_deleted = (row.blobs_deleted or 0) + len(deleted)
        remaining = [k for k in free if k not in deleted and storage.exists(k)]
        row.pending_keys = remaining or None
        total += len(deleted)
    db.session.flush()
    return total


def summary(purges) -> dict[RetentionKind, int]:
    counts: dict[RetentionKind, int] = defaultdict(int)
    for p in purges:
        counts[RetentionKind(p.kind)] += len(p.items) if isinstance(p, Planned) else p.item_count
    return dict(counts)
