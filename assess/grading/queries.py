"""Reads for the grading pages, scoped to the juror; a fixed number of queries per page.
(The loader of one assignment, which answers 404, is ``permissions.load_assignment_for``.)"""

from __future__ import annotations

from itertools import groupby

from sqlalchemy import select

from ..extensions import db
from ..juries.models import Assignment
from ..sessions.models import CertificationSession
from ..submissions.models import StoredFile, Submission, SubmittedLink
from .labels import FIELD_LABELS
from .operations import FIELDS, clean_text
from .permissions import scoped_assignments


def assignments_of(user) -> list[Assignment]:
    """Only the assignments naming ``user``: a juror never sees another juror's work."""
    return list(db.session.scalars(scoped_assignments(user)).unique())


def group_by_session(assignments) -> list[tuple[CertificationSession, list[Assignment]]]:
    return [(session, list(items))
            for session, items in groupby(assignments, key=lambda a: a.exam.session)]


def current_files(assignments) -> dict[tuple[int, int], list[StoredFile]]:
    """Files and URLs not superseded, per (enrolment id, exam id), in two queries."""
    enrolment_ids = {a.enrolment_id for a in assignments}
    exam_ids = {a.exam_id for a in assignments}
    if not enrolment_ids:
        return {}
    rows = db.session.execute(
        select(Submission.enrolment_id, Submission.exam_id, StoredFile)
        .join(StoredFile.submission)
        .where(Submission.enrolment_id.in_(enrolment_ids), Submission.exam_id.in_(exam_ids),
               StoredFile.superseded_at.is_(None))
        .order_by(StoredFile.uploaded_at, StoredFile.id)
    )
    files: dict[tuple[int, int], list[StoredFile]] = {}
    for enrolment_id, exam_id, stored_file in rows:
        files.setdefault((enrolment_id, exam_id), []).append(stored_file)
    # The address of content published online (bloc 2) is graded too: listed with them.
    links = db.session.execute(
        select(Submission.enrolment_id, Submission.exam_id, SubmittedLink)
        .join(SubmittedLink.submission)
        .where(Submission.enrolment_id.in_(enrolment_ids), Submission.exam_id.in_(exam_ids),
               SubmittedLink.superseded_at.is_(None))
        .order_by(SubmittedLink.given_at, SubmittedLink.id))
    for enrolment_id, exam_id, link in links:
        files.setdefault((enrolment_id, exam_id), []).append(link)
    return files


def differences(form, stored: dict[int, dict], level_labels: dict[str, str]) -> list[dict]:
    """Lines where the typed values differ from the stored ones, for the conflict message."""
    rows = []
    typed_values = form.values()
    for criterion in form.criteria:
        saved = stored.get(criterion.id, {})
        typed = typed_values[criterion.id]
        for name in FIELDS:
            old, new = clean_text(saved.get(name)), clean_text(typed.get(name))
            if old != new:
                if name == "level":
                    old, new = level_labels.get(old, old), level_labels.get(new, new)
                rows.append({"what": criterion.code, "field": FIELD_LABELS[name],
                             "stored": old, "typed": new})
    return rows
