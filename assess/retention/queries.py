"""What the retention rules read: the periods in force, the enrolments past a period, the
rows a purge would take, and whether a blob is still used by any row.

When a period starts: for papers, observations and health documents, at the publication of
the candidate's results (their ``TitleResult.published_at``, else the session's
``results_published_at``); a candidate who appealed is counted from the close of the
appeal, and nothing of theirs is purged while it is open. Results never published: never
purged (nothing is final yet)."""

from __future__ import annotations

import calendar
from datetime import datetime

from sqlalchemy import Text, cast, exists, func, or_, select
from sqlalchemy.orm import joinedload

from ..accommodations.models import Accommodation
from ..candidates.models import CandidateImport, Enrolment
from ..convocations.models import Convocation
from ..cpf.models import CpfExport, CpfReport
from ..decisions.models import Appeal
from ..extensions import db
from ..grading.models import CriterionMark, GradingSheet
from ..juries.models import Assignment
from ..notifications.models import Notification
from ..results.models import TitleResult
from ..sessions.models import CertificationSession
from ..submissions.models import StoredFile, Submission
from .models import DEFAULT_MONTHS, RetentionKind, RetentionPeriod, RetentionPurge


def months_before(moment: datetime, months: int) -> datetime:
    """``moment`` ``months`` calendar months earlier (the 31st becomes the month's last)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return moment.replace(year=year, month=month, day=min(moment.day, last))


def periods() -> dict[RetentionKind, int]:
    """The months in force per kind: the certifier's, else the default."""
    found = {RetentionKind(r.kind): r.months for r in db.session.scalars(select(RetentionPeriod))}
    return {kind: found.get(kind, DEFAULT_MONTHS[kind]) for kind in RetentionKind}


def period_rows() -> dict[RetentionKind, RetentionPeriod]:
    return {RetentionKind(r.kind): r for r in db.session.scalars(select(RetentionPeriod))}


def expired_enrolments(cutoff: datetime) -> dict[int, int]:
    """{enrolment id: session id} of the enrolments whose period started on or before
    ``cutoff``: results published by then and no appeal open (or closed by then)."""
    published = func.coalesce(TitleResult.published_at, CertificationSession.results_published_at)
    rows = db.session.execute(
        select(Enrolment.id, Enrolment.session_id, Appeal.id, Appeal.closed_at)
        .join(CertificationSession, CertificationSession.id == Enrolment.session_id)
        .outerjoin(TitleResult, TitleResult.enrolment_id == Enrolment.id)
        .outerjoin(Appeal, Appeal.enrolment_id == Enrolment.id)
        .where(published.is_not(None), published <= cutoff))
    return {eid: sid for eid, sid, appeal_id, closed_at in rows
            if appeal_id is None or (closed_at is not None and closed_at <= cutoff)}


def papers(enrolment_ids) -> list[tuple[StoredFile, int, int]]:
    """(file, enrolment id, session id) of every handed-in file of these enrolments."""
    if not enrolment_ids:
        return []
    return list(db.session.execute(
        select(StoredFile, Enrolment.id, Enrolment.session_id)
        .join(Submission, Submission.id == StoredFile.submission_id)
        .join(Enrolment, Enrolment.id == Submission.enrolment_id)
        .where(Enrolment.id.in_(list(enrolment_ids)))
        .order_by(StoredFile.id)))


def observed_sheets(enrolment_ids) -> list[tuple[GradingSheet, int, int, int]]:
    """(sheet, enrolment id, session id, lines with text) of the sheets of these
    enrolments that still hold an observation, a piece of evidence or a comment."""
    if not enrolment_ids:
        return []
    has_text = or_(CriterionMark.observation != "", CriterionMark.evidence.is_not(None),
                   CriterionMark.oral_evidence.is_not(None))
    lines = (select(func.count(CriterionMark.id)).where(
        CriterionMark.sheet_id == GradingSheet.id, has_text).scalar_subquery())
    return list(db.session.execute(
        select(GradingSheet, Enrolment.id, Enrolment.session_id, lines)
        .join(Assignment, Assignment.id == GradingSheet.assignment_id)
        .join(Enrolment, Enrolment.id == Assignment.enrolment_id)
        .where(Enrolment.id.in_(list(enrolment_ids)),
               or_(GradingSheet.overall_comment != "",
                   exists().where(CriterionMark.sheet_id == GradingSheet.id, has_text)))
        .order_by(GradingSheet.id)))


def health_documents(enrolment_ids) -> list[tuple[Accommodation, int, int]]:
    if not enrolment_ids:
        return []
    return list(db.session.execute(
        select(Accommodation, Enrolment.id, Enrolment.session_id)
        .join(Enrolment, Enrolment.id == Accommodation.enrolment_id)
        .where(Enrolment.id.in_(list(enrolment_ids)), Accommodation.document_key.is_not(None))
        .order_by(Accommodation.id)))


def referenced_keys(keys) -> set[str]:
    """The keys among ``keys`` that a row still points at. Blobs are content-addressed:
    an identical file handed in by someone else, a supporting document, an import file, a
    convocation or an e-mail's attachment may share one. A table that stores blob keys
    adds its look-up here."""
    keys = sorted(set(keys))
    if not keys:
        return set()
    used: set[str] = set()
    for column in (StoredFile.storage_key, Accommodation.document_key, CandidateImport.file_key,
                   Convocation.pdf_key, Convocation.ics_key, CpfExport.storage_key,
                   CpfReport.storage_key):
        used.update(db.session.scalars(select(column).where(column.in_(keys))))
    attachments = cast(Notification.attachments, Text)
    for key in set(keys) - used:
        if db.session.scalar(select(exists().where(attachments.contains(key)))):
            used.add(key)
    return used


def pending_purges() -> list[RetentionPurge]:
    return list(db.session.scalars(
        select(RetentionPurge).where(RetentionPurge.pending_keys.is_not(None))
        .order_by(RetentionPurge.id)))


def recent_purges(limit: int = 50) -> list[RetentionPurge]:
    return list(db.session.scalars(
        select(RetentionPurge).options(joinedload(RetentionPurge.session))
        .order_by(RetentionPurge.purged_at.desc(), RetentionPurge.id.desc()).limit(limit)))

