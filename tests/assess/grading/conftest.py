"""Fixtures for the juror grading pages."""

from __future__ import annotations

import pytest


@pytest.fixture
def grading_world(world):
    """One candidate, every épreuve assigned to jurors[0]; jurors[1] is assigned nothing."""
    return world(candidates=1, jurors=2)


@pytest.fixture
def hand_in(client, as_user, post_upload, db):
    """hand_in(world, assignment) -> the StoredFile the candidate uploaded (a PDF) for the
    assignment's épreuve, through the candidate's own route."""
    from sqlalchemy import select

    from assess.submissions.models import StoredFile, Submission

    def upload(w, assignment, filename="dossier.pdf"):
        candidate = next(u for u in w.candidates
                         if u.id == assignment.enrolment.candidate.user_id)
        as_user(candidate)
        response = post_upload(assignment.exam_id, filename=filename)
        assert response.status_code == 302, response.get_data(as_text=True)
        return db.session.scalar(
            select(StoredFile).join(StoredFile.submission)
            .where(Submission.exam_id == assignment.exam_id,
                   Submission.enrolment_id == assignment.enrolment_id)
            .order_by(StoredFile.id.desc()))

    return upload
