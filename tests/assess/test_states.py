"""States are written once: the stored enums are the lifecycles' own, and the database
checks each status with its timestamp."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from assess.grading.models import GradingSheet
from assess.sessions.models import CertificationSession, PartKind
from assess.submissions.models import Submission
from rubrics.validate import PART_KINDS
from workflows.grading import GRADING_SHEET, SheetStatus
from workflows.session import SESSION, SessionStatus
from workflows.submission import NONE, SUBMISSION, SubmissionStatus


@pytest.mark.parametrize(("column", "lifecycle", "enum", "unstored"), [
    (CertificationSession.__table__.c.status, SESSION, SessionStatus, set()),
    (GradingSheet.__table__.c.status, GRADING_SHEET, SheetStatus, set()),
    (Submission.__table__.c.status, SUBMISSION, SubmissionStatus, {NONE}),
])
def test_stored_statuses_are_the_lifecycles_states(column, lifecycle, enum, unstored):
    assert column.type.enum_class is enum
    assert set(column.type.enums) == set(lifecycle.states) - unstored
    assert set(lifecycle.state_labels) == set(lifecycle.states)


def test_exam_part_kinds_are_the_referentials_part_kinds():
    assert {k.value for k in PartKind} == set(PART_KINDS)


@pytest.fixture
def app_config(both_databases):
    return both_databases


def test_statuses_and_their_timestamps_go_together(db, world):
    from assess.core.columns import utcnow

    w = world(candidates=1)
    session = w.session
    session.status = SessionStatus.PUBLISHED  # without results_published_at
    with pytest.raises(sa.exc.IntegrityError, match="published_has_time"):
        db.session.flush()
    db.session.rollback()
    db.session.add(GradingSheet(assignment_id=w.assignments[0].id,
                                status=SheetStatus.DRAFT, submitted_at=utcnow()))
    with pytest.raises(sa.exc.IntegrityError, match="submitted_has_time"):
        db.session.flush()
    db.session.rollback()
