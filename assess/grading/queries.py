"""Reads for the grading pages, scoped to the juror; a fixed number of queries per page.
(The loader of one assignment, which answers 404, is ``permissions.load_assignment_for``.)"""

from __future__ import annotations

from itertools import groupby

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from ..core.columns import utcnow
from ..decisions.models import Minutes, MinutesStatus
from ..extensions import db
from ..juries.facts import conflicted_pairs
from ..juries.models import Assignment, Jury, JuryMember
from ..sessions.models import CertificationSession
from ..submissions.labels import time_left
from ..submissions.models import StoredFile, Submission, SubmittedLink
from .labels import FIELD_LABELS
from .models import GradingSheet, SheetStatus
from .operations import FIELDS, clean_text, sheet_values, stored_values
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


def differences(form, stored: dict[int, dict], own: dict,
                level_labels: dict[str, str]) -> list[dict]:
    """Lines where the typed values differ from the stored ones, for the conflict message."""
    rows = []
    typed_values = form.values()
    for criterion in form.criteria:
        saved = stored.get(criterion.id, {})
        typed = typed_values[criterion.id]
        for name in FIELDS:
            if name not in typed:
                continue
            old, new = clean_text(saved.get(name)), clean_text(typed.get(name))
            if old != new:
                if name == "level":
                    old, new = level_labels.get(old, old), level_labels.get(new, new)
                rows.append({"what": criterion.code, "field": FIELD_LABELS[name],
                             "stored": old, "typed": new})
    typed_own = form.sheet_fields()
    for name, typed in typed_own.items():
        old, new = own.get(name), typed
        if name == "candidate_absent":
            old, new = (yes_no(bool(old)), yes_no(bool(new)))
        else:
            old, new = clean_text(old), clean_text(new)
        if old != new:
            rows.append({"what": "", "field": FIELD_LABELS[name], "stored": old,
                         "typed": new})
    return rows


def yes_no(value: bool) -> str:
    return _("oui") if value else _("non")


def other_sheets(assignment) -> list[dict]:
    """The other evaluators' submitted sheets for the same work (one query and one for
    their marks), for the juror who submitted theirs (permissions.can_see_other_sheets)."""
    rows = db.session.scalars(
        select(Assignment).join(Assignment.sheet).join(Assignment.juror)
        .where(Assignment.enrolment_id == assignment.enrolment_id,
               Assignment.exam_id == assignment.exam_id, Assignment.id != assignment.id,
               Assignment.withdrawn_at.is_(None),
               GradingSheet.status == SheetStatus.SUBMITTED)
        .options(contains_eager(Assignment.sheet).selectinload(GradingSheet.marks),
                 contains_eager(Assignment.juror))
        .order_by(GradingSheet.submitted_at, Assignment.id)).unique()
    return [{"juror": a.juror, "sheet": a.sheet, "stored": stored_values(a.sheet),
             "own": sheet_values(a.sheet)} for a in rows]


def work_status(assignment, conflicted: set[tuple[int, int]]) -> str:
    """not_started, draft, submitted or withdrawn (taken off, or a declared link)."""
    if assignment.withdrawn_at is not None or (
            (assignment.juror_id, assignment.enrolment_id) in conflicted):
        return "withdrawn"
    if assignment.sheet is None:
        return "not_started"
    return "submitted" if assignment.sheet.status == SheetStatus.SUBMITTED else "draft"


def dashboard(user) -> dict:
    """The juror's work per session and épreuve, with each one's status, the épreuve's
    grading deadline and time left, and the files: five statements however many."""
    assignments = assignments_of(user)
    conflicted = conflicted_pairs({user.id}, {a.enrolment_id for a in assignments})
    now = utcnow()
    groups = []
    for session, items in group_by_session(assignments):
        exams: dict[int, dict] = {}
        for a in items:
            entry = exams.setdefault(a.exam_id, {
                "exam": a.exam, "rows": [],
                "time_left": time_left(a.exam.grading_due_at, now),
                "overdue": a.exam.grading_due_at is not None and a.exam.grading_due_at <= now})
            entry["rows"].append({"assignment": a, "status": work_status(a, conflicted)})
        groups.append((session, sorted(exams.values(), key=lambda e: e["exam"].position)))
    return {"groups": groups, "files": current_files(assignments),
            "deliberations": deliberations_of(user)}


def deliberations_of(user) -> list[tuple[CertificationSession, list[Minutes]]]:
    """The sessions whose jury ``user`` sits on, from their deliberation on, each with the
    PVs awaiting the user's signature (two statements)."""
    sessions = list(db.session.scalars(
        select(CertificationSession).join(Jury, Jury.session_id == CertificationSession.id)
        .join(JuryMember, JuryMember.jury_id == Jury.id)
        .where(Jury.exam_id.is_(None), JuryMember.user_id == user.id,
               CertificationSession.status.in_(("deliberation", "published", "closed")))
        .order_by(CertificationSession.id.desc())))
    if not sessions:
        return []
    to_sign: dict[int, list[Minutes]] = {}
    for m in db.session.scalars(select(Minutes).where(
            Minutes.session_id.in_([s.id for s in sessions]),
            Minutes.status == MinutesStatus.SIGNING).options(selectinload(Minutes.signatures))):
        if m.awaits(user.id):
            to_sign.setdefault(m.session_id, []).append(m)
    return [(s, to_sign.get(s.id, [])) for s in sessions]
