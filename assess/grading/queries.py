"""Reads for the grading pages, scoped to the juror; a fixed number of queries per page."""

from __future__ import annotations

from itertools import groupby

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from ..accounts.models import User
from ..candidates.models import Candidate, Enrolment
from ..extensions import db
from ..juries.models import Assignment
from ..referential.models import Block
from ..sessions.models import CertificationSession, Exam
from ..submissions.models import StoredFile, Submission
from .models import GradingSheet
from .operations import FIELDS, clean_text
from .permissions import can_grade

FIELD_LABELS = {"level": _l("Niveau"), "observation": _l("Observation"),
                "evidence": _l("Éléments de preuve")}


def _scoped(user):
    """Assignments of ``user`` with what the pages show, loaded in the same statement."""
    return (
        select(Assignment)
        .join(Assignment.exam).join(Exam.session)
        .join(Assignment.enrolment).join(Enrolment.candidate).join(Candidate.user)
        .where(Assignment.juror_id == user.id)
        .options(
            contains_eager(Assignment.exam).contains_eager(Exam.session),
            contains_eager(Assignment.exam).joinedload(Exam.block),
            contains_eager(Assignment.exam).selectinload(Exam.parts),
            contains_eager(Assignment.enrolment).contains_eager(Enrolment.candidate)
            .contains_eager(Candidate.user),
            joinedload(Assignment.sheet),
        )
        .order_by(CertificationSession.starts_on.desc(), CertificationSession.id.desc(),
                  User.last_name, User.first_name, Enrolment.id, Exam.position)
    )


def assignments_of(user) -> list[Assignment]:
    """Only the assignments naming ``user``: a juror never sees another juror's work."""
    return list(db.session.scalars(_scoped(user)).unique())


def group_by_session(assignments) -> list[tuple[CertificationSession, list[Assignment]]]:
    return [(session, list(items))
            for session, items in groupby(assignments, key=lambda a: a.exam.session)]


def current_files(assignments) -> dict[tuple[int, int], list[StoredFile]]:
    """Files not superseded, per (enrolment id, exam id), in one query."""
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
    return files


def load_assignment_for(user, assignment_id: int) -> Assignment:
    """The assignment with its bloc's criteria and the juror's own sheet; 404 unless the
    user is its juror (the role itself is checked by the view's decorator)."""
    assignment = db.session.scalars(
        _scoped(user).where(Assignment.id == assignment_id).options(
            contains_eager(Assignment.exam).joinedload(Exam.block)
            .selectinload(Block.criteria),
            contains_eager(Assignment.exam).joinedload(Exam.block).joinedload(Block.version),
            joinedload(Assignment.sheet).selectinload(GradingSheet.marks),
        )
    ).unique().one_or_none()
    if assignment is None or not can_grade(user, assignment):
        abort(404)
    return assignment


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
                rows.append({"criterion": criterion, "field": FIELD_LABELS[name],
                             "stored": old, "typed": new})
    return rows
